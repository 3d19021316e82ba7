/**
 * The local stand-in for Cognito's hosted domain federated to VNeID: a small OpenID Connect issuer at
 * the dev issuer URL (`<portal>/dev`), so the citizen web page and any other client sign in locally
 * exactly as in AWS: discovery, authorization code with PKCE (S256 required), refresh tokens,
 * userinfo and logout. Instead of VNeID's password and OTP, its login page lists test people of every
 * role. Tokens are signed by the dev key (the JWKS at `<portal>/dev/jwks.json`) and carry the claims
 * Cognito's would, so the API verifies them with the same code as in AWS (functions/core/auth.ts).
 * Endpoint paths mirror Cognito's (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/userInfo`, `/logout`).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { findAgency } from '../../functions/registry/agencies.js';
import { WEB_SIGN_IN } from '../web-session.js';
import type { DevAuth } from './dev-auth.js';
import { readBody, sendJson } from './http.js';
import {
  CHALLENGE,
  escapeHtml,
  OAuthError,
  page,
  randomToken,
  redirect,
  s256,
  sendHtml,
  VERIFIER,
} from './oidc-http.js';
import { ROLE_LABELS, TEST_USERS, type TestUser } from './test-users.js';

export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
export const ACCESS_TOKEN_TTL_SECONDS = WEB_SIGN_IN.accessTokenSeconds;
export const REFRESH_TOKEN_TTL_SECONDS = WEB_SIGN_IN.refreshTokenSeconds;
/** The issuer's own sign-in session (a cookie on its paths), as Cognito's managed login keeps one. */
export const SIGN_IN_SESSION_TTL_SECONDS = WEB_SIGN_IN.issuerSessionSeconds;
const SESSION_COOKIE = 'cong_dev_signin';

export interface OidcIssuerOptions {
  /** Signs the tokens; its issuer URL is the OIDC issuer and its audience the one client's id. */
  dev: DevAuth;
  /** Exact redirect URIs of the client (no prefix or pattern matching). */
  redirectUris: readonly string[];
  /** Where logout may send the browser back to. */
  logoutUris: readonly string[];
  users?: readonly TestUser[];
  /** Milliseconds since the epoch (tests move time). */
  now?: () => number;
}

export interface OidcIssuer {
  readonly issuer: string;
  readonly clientId: string;
  readonly users: readonly TestUser[];
  discovery(): Record<string, unknown>;
  /** Answers the issuer's own paths with the status sent; undefined for any other request. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    headers: Record<string, string>,
  ): Promise<number | undefined>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  nonce?: string;
  user: TestUser;
  expiresAt: number;
  used: boolean;
  /** Refresh tokens issued for this code: revoked if the code is presented again (RFC 6749 §4.1.2). */
  refreshTokens: string[];
}

interface SignInSession {
  user: TestUser;
  expiresAt: number;
}

interface RefreshGrant {
  clientId: string;
  scope: string;
  user: TestUser;
  expiresAt: number;
}

export function createOidcIssuer(options: OidcIssuerOptions): OidcIssuer {
  const { dev } = options;
  const issuer = dev.issuer;
  const clientId = dev.audience;
  const base = new URL(issuer).pathname.replace(/\/$/, '');
  const paths = {
    discovery: `${base}/.well-known/openid-configuration`,
    authorize: `${base}/oauth2/authorize`,
    token: `${base}/oauth2/token`,
    userinfo: `${base}/oauth2/userInfo`,
    logout: `${base}/logout`,
  };
  const users = options.users ?? TEST_USERS;
  for (const u of users) {
    if (u.agencyId && !findAgency(u.agencyId))
      throw new Error(`test user ${u.sub}: unknown agency ${u.agencyId}`);
  }
  const now = options.now ?? Date.now;
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, RefreshGrant>();
  const sessions = new Map<string, SignInSession>();
  const localJwks = createLocalJWKSet(dev.jwks());

  const sweep = () => {
    const t = now();
    // Used codes are kept until they expire, so a replay is recognised (and revokes its tokens).
    for (const [k, c] of codes) if (c.expiresAt <= t) codes.delete(k);
    for (const [k, r] of refreshTokens) if (r.expiresAt <= t) refreshTokens.delete(k);
    for (const [k, s] of sessions) if (s.expiresAt <= t) sessions.delete(k);
  };

  /**
   * The sign-in session cookie: unreadable by scripts, sent only to the issuer's paths and never by a
   * cross-site subrequest. Not `Secure`, because the local cloud is plain http.
   */
  const sessionCookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=${base || '/'}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
  const sessionIdOf = (req: IncomingMessage) =>
    (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .find(([name]) => name === SESSION_COOKIE)?.[1];
  const sessionOf = (req: IncomingMessage) => {
    sweep();
    const id = sessionIdOf(req);
    return id ? sessions.get(id) : undefined;
  };
  const startSession = (user: TestUser) => {
    const id = randomToken();
    sessions.set(id, { user, expiresAt: now() + SIGN_IN_SESSION_TTL_SECONDS * 1000 });
    return sessionCookie(id, SIGN_IN_SESSION_TTL_SECONDS);
  };

  const discovery = () => ({
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    userinfo_endpoint: `${issuer}/oauth2/userInfo`,
    jwks_uri: `${issuer}/jwks.json`,
    end_session_endpoint: `${issuer}/logout`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    token_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email'],
    claims_supported: [
      'sub',
      'name',
      'role',
      'cognito:groups',
      'agencyId',
      'taxCode',
      'custom:agency_id',
      'custom:tax_code',
      'provinceCode',
      'custom:province_code',
    ],
    authorization_response_iss_parameter_supported: true,
  });

  /** What Cognito puts in both tokens: the role as a group, whom the person acts for as custom attributes. */
  const personClaims = (u: TestUser) => ({
    role: u.role,
    'cognito:groups': [u.role],
    name: u.name,
    ...(u.agencyId ? { agencyId: u.agencyId, 'custom:agency_id': u.agencyId } : {}),
    ...(u.taxCode ? { taxCode: u.taxCode, 'custom:tax_code': u.taxCode } : {}),
    ...(u.provinceCode ? { provinceCode: u.provinceCode, 'custom:province_code': u.provinceCode } : {}),
  });

  async function issueTokens(user: TestUser, scope: string, nonce: string | undefined, cid: string) {
    const common = { ...personClaims(user), aud: cid };
    // The verified citizen ID travels in the access token only, as Cognito's pre-token trigger puts it
    // (functions/identity/pre-token.ts): the API binds profiles to it; ID tokens and userinfo never show it.
    const access = await dev.sign(
      {
        ...common,
        token_use: 'access',
        client_id: cid,
        scope,
        username: user.sub,
        citizenId: user.citizenId,
      },
      { sub: user.sub, ttlSeconds: ACCESS_TOKEN_TTL_SECONDS },
    );
    const id = await dev.sign(
      {
        ...common,
        token_use: 'id',
        auth_time: Math.floor(now() / 1000),
        ...(nonce ? { nonce } : {}),
        at_hash: createHash('sha256').update(access).digest().subarray(0, 16).toString('base64url'),
      },
      { sub: user.sub, ttlSeconds: ACCESS_TOKEN_TTL_SECONDS },
    );
    return { access_token: access, id_token: id, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS };
  }

  /** The checks that decide whether the browser may be sent back to the client at all. */
  function checkClient(p: URLSearchParams): { ok: true; redirectUri: string } | { ok: false; why: string } {
    if (p.get('client_id') !== clientId)
      return { ok: false, why: 'Ứng dụng không được đăng ký (client_id).' };
    const redirectUri = p.get('redirect_uri') ?? '';
    if (!options.redirectUris.includes(redirectUri))
      return { ok: false, why: 'Địa chỉ quay lại (redirect_uri) không được đăng ký cho ứng dụng này.' };
    return { ok: true, redirectUri };
  }

  /** The request's own errors, reported back to the client on its redirect URI. */
  function requestError(p: URLSearchParams): OAuthError | undefined {
    if (p.get('response_type') !== 'code')
      return new OAuthError('unsupported_response_type', 'only the authorization code flow is supported');
    if (p.get('code_challenge_method') !== 'S256' || !CHALLENGE.test(p.get('code_challenge') ?? ''))
      return new OAuthError(
        'invalid_request',
        'PKCE is required: code_challenge with code_challenge_method=S256',
      );
    if (!(p.get('scope') ?? '').split(' ').includes('openid'))
      return new OAuthError('invalid_scope', 'the openid scope is required');
    return undefined;
  }

  const errorRedirect = (redirectUri: string, e: OAuthError, state: string | null) => {
    const u = new URL(redirectUri);
    u.searchParams.set('error', e.error);
    u.searchParams.set('error_description', e.description);
    if (state) u.searchParams.set('state', state);
    u.searchParams.set('iss', issuer);
    return u.toString();
  };

  function loginPage(p: URLSearchParams): string {
    const hidden = [
      'response_type',
      'client_id',
      'redirect_uri',
      'scope',
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
    ]
      .filter((k) => p.get(k) !== null)
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(p.get(k)!)}">`)
      .join('\n');
    const items = users
      .map((u) => {
        const agency = u.agencyId ? findAgency(u.agencyId)?.name : undefined;
        const detail = [ROLE_LABELS[u.role], agency, u.taxCode ? `MST ${u.taxCode}` : undefined]
          .filter(Boolean)
          .join(' · ');
        return `<li><button type="submit" name="sub" value="${escapeHtml(u.sub)}">${escapeHtml(u.name)}<span class="role">${escapeHtml(detail)}</span></button></li>`;
      })
      .join('\n');
    return page(
      'Đăng nhập thử — Cổng',
      `<h1>Đăng nhập bằng tài khoản thử nghiệm</h1>
<p>Môi trường máy cục bộ: thay cho VNeID, chọn một người để đăng nhập.</p>
<form method="post" action="${paths.authorize}">
${hidden}
<ul aria-label="Tài khoản thử nghiệm">
${items}
</ul>
</form>`,
    );
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) {
    const url = new URL(req.url ?? '/', issuer);
    const p =
      req.method === 'POST'
        ? new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'))
        : url.searchParams;
    const client = checkClient(p);
    if (!client.ok) {
      sendHtml(
        res,
        400,
        page('Yêu cầu không hợp lệ', `<h1>Yêu cầu đăng nhập không hợp lệ</h1><p>${client.why}</p>`),
        headers,
      );
      return 400;
    }
    const state = p.get('state');
    const invalid = requestError(p);
    if (invalid) {
      redirect(res, errorRedirect(client.redirectUri, invalid, state), headers);
      return 302;
    }
    if (req.method !== 'POST') {
      if (p.get('prompt') === 'none') {
        // OIDC silent sign-in: from the session when there is one, never by showing a page.
        const session = sessionOf(req);
        if (!session) {
          const e = new OAuthError('login_required', 'no sign-in session');
          redirect(res, errorRedirect(client.redirectUri, e, state), headers);
          return 302;
        }
        return sendCode(res, p, client.redirectUri, session.user, headers);
      }
      sendHtml(res, 200, loginPage(p), headers);
      return 200;
    }
    const user = users.find((u) => u.sub === p.get('sub'));
    if (!user) {
      redirect(
        res,
        errorRedirect(client.redirectUri, new OAuthError('access_denied', 'no such test user'), state),
        headers,
      );
      return 302;
    }
    return sendCode(res, p, client.redirectUri, user, { ...headers, 'set-cookie': startSession(user) });
  }

  /** Back to the client with a fresh single-use code for the person. */
  function sendCode(
    res: ServerResponse,
    p: URLSearchParams,
    redirectUri: string,
    user: TestUser,
    headers: Record<string, string | string[]>,
  ) {
    sweep();
    const state = p.get('state');
    const code = randomToken();
    codes.set(code, {
      clientId,
      redirectUri,
      challenge: p.get('code_challenge')!,
      scope: p.get('scope')!,
      ...(p.get('nonce') ? { nonce: p.get('nonce')! } : {}),
      user,
      expiresAt: now() + AUTHORIZATION_CODE_TTL_SECONDS * 1000,
      used: false,
      refreshTokens: [],
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    if (state) back.searchParams.set('state', state);
    back.searchParams.set('iss', issuer);
    redirect(res, back.toString(), headers);
    return 302;
  }

  async function token(req: IncomingMessage) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded')
      throw new OAuthError(
        'invalid_request',
        'the token request is a form (application/x-www-form-urlencoded)',
      );
    const p = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
    // A public client: it authenticates by its id alone, proven by PKCE.
    if (p.get('client_id') !== clientId) throw new OAuthError('invalid_client', 'unknown client', 401);
    sweep();
    const grant = p.get('grant_type');
    if (grant === 'authorization_code') {
      const code = codes.get(p.get('code') ?? '');
      if (!code) throw new OAuthError('invalid_grant', 'unknown or expired authorization code');
      if (code.used) {
        for (const r of code.refreshTokens) refreshTokens.delete(r);
        throw new OAuthError('invalid_grant', 'authorization code already used');
      }
      // Single use whatever the outcome: a code that failed once cannot be tried again.
      code.used = true;
      if (code.expiresAt <= now()) throw new OAuthError('invalid_grant', 'authorization code expired');
      if (code.clientId !== p.get('client_id'))
        throw new OAuthError('invalid_grant', 'code issued to another client');
      if (code.redirectUri !== p.get('redirect_uri'))
        throw new OAuthError('invalid_grant', 'redirect_uri differs from the authorization request');
      const verifier = p.get('code_verifier') ?? '';
      if (!VERIFIER.test(verifier) || s256(verifier) !== code.challenge)
        throw new OAuthError('invalid_grant', 'PKCE code_verifier does not match the code_challenge');
      const refresh = randomToken();
      refreshTokens.set(refresh, {
        clientId,
        scope: code.scope,
        user: code.user,
        expiresAt: now() + REFRESH_TOKEN_TTL_SECONDS * 1000,
      });
      code.refreshTokens.push(refresh);
      return { ...(await issueTokens(code.user, code.scope, code.nonce, clientId)), refresh_token: refresh };
    }
    if (grant === 'refresh_token') {
      const r = refreshTokens.get(p.get('refresh_token') ?? '');
      if (!r || r.expiresAt <= now() || r.clientId !== p.get('client_id'))
        throw new OAuthError('invalid_grant', 'unknown, expired or revoked refresh token');
      // As Cognito: the refresh token stays; new access and ID tokens.
      return issueTokens(r.user, r.scope, undefined, clientId);
    }
    throw new OAuthError('unsupported_grant_type', 'authorization_code or refresh_token');
  }

  async function userinfo(req: IncomingMessage) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) throw new OAuthError('invalid_token', 'a bearer access token is required', 401);
    try {
      const { payload } = await jwtVerify(bearer, localJwks, { issuer, audience: clientId });
      if (payload.token_use !== 'access') throw new Error('not an access token');
      const user = users.find((u) => u.sub === payload.sub);
      return user ? { sub: user.sub, ...personClaims(user) } : { sub: payload.sub };
    } catch {
      throw new OAuthError('invalid_token', 'the access token is invalid or expired', 401);
    }
  }

  function logout(req: IncomingMessage, res: ServerResponse, ownHeaders: Record<string, string>) {
    const p = new URL(req.url ?? '/', issuer).searchParams;
    const session = sessionIdOf(req);
    if (session) sessions.delete(session);
    const headers = { ...ownHeaders, 'set-cookie': sessionCookie('', 0) };
    // Cognito's `logout_uri`, or OIDC RP-initiated logout's `post_logout_redirect_uri`.
    const target = p.get('logout_uri') ?? p.get('post_logout_redirect_uri');
    if (target && p.get('client_id') === clientId && options.logoutUris.includes(target)) {
      const u = new URL(target);
      const state = p.get('state');
      if (state) u.searchParams.set('state', state);
      redirect(res, u.toString(), headers);
      return 302;
    }
    sendHtml(
      res,
      200,
      page('Đã đăng xuất', '<h1>Đã đăng xuất</h1><p>Bạn đã đăng xuất khỏi Cổng.</p>'),
      headers,
    );
    return 200;
  }

  const oauthJson = async (
    res: ServerResponse,
    headers: Record<string, string>,
    work: () => Promise<unknown>,
  ): Promise<number> => {
    const h = { ...headers, 'cache-control': 'no-store', pragma: 'no-cache' };
    try {
      sendJson(res, 200, await work(), h);
      return 200;
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      const extra: Record<string, string> =
        err.error === 'invalid_token' ? { 'www-authenticate': `Bearer error="invalid_token"` } : {};
      sendJson(res, err.status, { error: err.error, error_description: err.description }, { ...h, ...extra });
      return err.status;
    }
  };

  return {
    issuer,
    clientId,
    users,
    discovery,
    async handle(req, res, headers) {
      const path = (req.url ?? '/').split('?')[0];
      const method = req.method ?? 'GET';
      if (path === paths.discovery && method === 'GET') {
        sendJson(res, 200, discovery(), { ...headers, 'cache-control': 'max-age=300' });
        return 200;
      }
      if (path === paths.authorize && (method === 'GET' || method === 'POST'))
        return authorize(req, res, headers);
      if (path === paths.token && method === 'POST') return oauthJson(res, headers, () => token(req));
      if (path === paths.userinfo && (method === 'GET' || method === 'POST'))
        return oauthJson(res, headers, () => userinfo(req));
      if (path === paths.logout && method === 'GET') return logout(req, res, headers);
      return undefined;
    },
  };
}
