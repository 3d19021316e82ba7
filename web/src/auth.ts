/**
 * Sign-in with the authorization code flow and PKCE against whatever issuer /config.json names (the
 * local issuer, or Cognito's hosted domain federated to VNeID in AWS). Tokens live in this module's
 * memory only, never in Web Storage where any script on the origin could read them and a shared
 * computer would keep them: a reload forgets them, and the page asks the issuer again without showing
 * anything (prompt=none), which answers from its own sign-in session or leaves the citizen signed out.
 */
import * as oauth from 'oauth4webapi';
import { useEffect, useState } from 'preact/hooks';
import { config } from './config.js';

export interface Session {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  sub: string;
  name?: string;
  /** What the person acts as, from the access token (shown only: the API decides with the same claims). */
  role: string;
  /** A business representative's enterprise. */
  taxCode?: string;
  /** An officer's office. */
  agencyId?: string;
}

/**
 * The access token's role, tax code and office. Read without checking the signature: the page only
 * chooses what to show with them; the API verifies the token on every call.
 */
function rolesOf(accessToken: string): Pick<Session, 'role' | 'taxCode' | 'agencyId'> {
  try {
    const payload = accessToken.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const c = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (ch) => ch.charCodeAt(0)))) as Record<
      string,
      unknown
    >;
    const groups = Array.isArray(c['cognito:groups']) ? (c['cognito:groups'] as unknown[]) : [];
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return {
      role: str(c.role) ?? str(groups[0]) ?? 'citizen',
      taxCode: str(c.taxCode) ?? str(c['custom:tax_code']),
      agencyId: str(c.agencyId) ?? str(c['custom:agency_id']),
    };
  } catch {
    return { role: 'citizen' };
  }
}

/** The PKCE verifier, state, nonce and the page to come back to: they must outlive the redirect. */
const PENDING_KEY = 'cong.signin';
/** Only a flag (no token): this tab was signed in, so a reload tries a silent sign-in. */
const SIGNED_IN_KEY = 'cong.signedIn';
export const CALLBACK_PATH = '/auth/callback';

const redirectUri = () => `${location.origin}${CALLBACK_PATH}`;
const http = () => ({ [oauth.allowInsecureRequests]: config().allowInsecureRequests === true });
const client = (): oauth.Client => ({ client_id: config().clientId, token_endpoint_auth_method: 'none' });

/**
 * The issuer's sign-in address (public, from its discovery document), kept for the tab: a reload's silent
 * sign-in leaves for the issuer without first asking it for its metadata.
 */
const AUTHORIZE_KEY = 'cong.authorize';

async function authorizeEndpoint(): Promise<string> {
  const kept = JSON.parse(sessionStorage.getItem(AUTHORIZE_KEY) ?? 'null') as {
    issuer: string;
    url: string;
  } | null;
  if (kept?.issuer === config().issuer) return kept.url;
  const url = (await authorizationServer()).authorization_endpoint!;
  sessionStorage.setItem(AUTHORIZE_KEY, JSON.stringify({ issuer: config().issuer, url }));
  return url;
}

let server: oauth.AuthorizationServer | undefined;
async function authorizationServer(): Promise<oauth.AuthorizationServer> {
  if (server) return server;
  const issuer = new URL(config().issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...http() });
  server = await oauth.processDiscoveryResponse(issuer, response);
  return server;
}

let session: Session | undefined;
const listeners = new Set<(s: Session | undefined) => void>();
function publish(next: Session | undefined) {
  session = next;
  for (const l of listeners) l(next);
}

export const currentSession = () => session;

/** The signed-in person, or undefined; the component renders again on sign-in and sign-out. */
export function useSession(): Session | undefined {
  const [s, set] = useState(session);
  useEffect(() => {
    listeners.add(set);
    set(session);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return s;
}

function saveTokens(result: oauth.TokenEndpointResponse, previous?: Session): Session {
  const claims = oauth.getValidatedIdTokenClaims(result);
  const next: Session = {
    accessToken: result.access_token,
    refreshToken: result.refresh_token ?? previous?.refreshToken,
    expiresAt: Date.now() + (result.expires_in ?? 3600) * 1000,
    sub: claims?.sub ?? previous?.sub ?? '',
    name: typeof claims?.name === 'string' ? claims.name : previous?.name,
    ...rolesOf(result.access_token),
  };
  sessionStorage.setItem(SIGNED_IN_KEY, '1');
  publish(next);
  return next;
}

/** A page path to come back to: only the path and query of the portal's own pages. */
const safeReturn = (path: string | undefined) =>
  path?.startsWith('/') && !path.startsWith('//') && !path.startsWith(CALLBACK_PATH) ? path : '/';

/** To the issuer's sign-in; `silently` asks it to answer from its session without showing a page. */
export async function signIn(options: { silently?: boolean; returnTo?: string } = {}) {
  const endpoint = await authorizeEndpoint();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const returnTo = safeReturn(options.returnTo ?? `${location.pathname}${location.search}`);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, nonce, returnTo }));
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    client_id: config().clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid profile',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.silently ? { prompt: 'none' } : {}),
  }).toString();
  location.assign(url.toString());
}

/** OIDC's answers to prompt=none when the issuer would have to show a page. */
const SILENT_FAILURES = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

export class SignInExpired extends Error {}

/**
 * Back from the login page: exchange the code (with the PKCE verifier) for tokens. The code leaves the
 * address bar (and history) at once; the answer is the page to show next.
 */
async function completeSignIn(): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    nonce: string;
    returnTo?: string;
  } | null;
  const callback = new URL(location.href);
  sessionStorage.removeItem(PENDING_KEY);
  const returnTo = safeReturn(pending?.returnTo);
  history.replaceState(null, '', returnTo);
  if (!pending) throw new SignInExpired();
  const as = await authorizationServer();
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client(), callback, pending.state);
  } catch (err) {
    // A silent sign-in the issuer could not complete: the citizen simply signs in with the button.
    if (err instanceof oauth.AuthorizationResponseError && SILENT_FAILURES.has(err.error)) {
      sessionStorage.removeItem(SIGNED_IN_KEY);
      return returnTo;
    }
    throw err;
  }
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client(),
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    http(),
  );
  saveTokens(
    await oauth.processAuthorizationCodeResponse(as, client(), response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    }),
  );
  return returnTo;
}

/**
 * At page start: finish a sign-in coming back from the issuer, or after a reload of a signed-in tab ask
 * the issuer again silently. Answers 'redirecting' when the page is leaving for the issuer.
 */
export async function resumeSession(): Promise<'ready' | 'redirecting'> {
  if (location.pathname === CALLBACK_PATH) {
    try {
      await completeSignIn();
    } catch (err) {
      sessionStorage.removeItem(SIGNED_IN_KEY);
      throw err;
    }
    return 'ready';
  }
  if (sessionStorage.getItem(SIGNED_IN_KEY)) {
    // Signed in before this reload: the tokens are gone with the old page; ask the issuer again.
    sessionStorage.removeItem(SIGNED_IN_KEY);
    try {
      await signIn({ silently: true });
      return 'redirecting';
    } catch {
      // The issuer is unreachable: the sign-in button stays.
    }
  }
  return 'ready';
}

async function refresh(current: Session): Promise<Session | undefined> {
  if (!current.refreshToken) return undefined;
  try {
    const as = await authorizationServer();
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client(),
      oauth.None(),
      current.refreshToken,
      http(),
    );
    return saveTokens(await oauth.processRefreshTokenResponse(as, client(), response), current);
  } catch {
    publish(undefined);
    return undefined;
  }
}

/** A valid access token (refreshed once if it has expired), or undefined when signed out. */
export async function accessToken(): Promise<string | undefined> {
  let current = session;
  if (current && current.expiresAt - 60_000 < Date.now()) current = await refresh(current);
  return current?.accessToken;
}

export async function signOut() {
  publish(undefined);
  sessionStorage.removeItem(SIGNED_IN_KEY);
  const as = await authorizationServer().catch(() => undefined);
  const endpoint = config().logoutEndpoint ?? as?.end_session_endpoint;
  if (!endpoint) return;
  const url = new URL(endpoint);
  // Cognito's logout parameters; the local issuer accepts them too.
  url.searchParams.set('client_id', config().clientId);
  url.searchParams.set('logout_uri', `${location.origin}/`);
  location.assign(url.toString());
}
