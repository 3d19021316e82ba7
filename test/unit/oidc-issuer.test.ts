import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticatePerson } from '../../functions/core/auth.js';
import { resetConfig } from '../../functions/core/config.js';
import { AppError } from '../../functions/core/errors.js';
import { type ApiServer, startApiServer } from '../../lib/local/api-server.js';
import { createDevAuth, type DevAuth } from '../../lib/local/dev-auth.js';
import { createLog } from '../../lib/local/log.js';
import {
  AUTHORIZATION_CODE_TTL_SECONDS,
  createOidcIssuer,
  type OidcIssuer,
} from '../../lib/local/oidc-issuer.js';
import { TEST_USERS } from '../../lib/local/test-users.js';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-portal';
const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');

let api: ApiServer;
let oidc: OidcIssuer;
let dev: DevAuth;
let clock = Date.now();
let redirectUri: string;

beforeAll(async () => {
  api = await startApiServer({ functionFor: () => undefined, open: false, log: createLog({ quiet: true }) });
  dev = await createDevAuth({ issuer: `${api.url}/dev`, audience: 'cong-local' });
  redirectUri = `${api.url}/auth/callback`;
  oidc = createOidcIssuer({
    dev,
    redirectUris: [redirectUri],
    logoutUris: [`${api.url}/`],
    now: () => clock,
  });
  api.open(dev, oidc);
  Object.assign(process.env, {
    AWS_REGION: 'ap-southeast-1',
    TABLE_NAME: 'cong-test',
    UPLOADS_BUCKET: 'cong-test-uploads',
    JWT_ISSUER: oidc.issuer,
    JWT_AUDIENCE: oidc.clientId,
    JWT_JWKS_URL: `${api.url}/dev/jwks.json`,
  });
  resetConfig();
});
afterAll(async () => {
  await api.close();
  resetConfig();
});
beforeEach(() => {
  clock = Date.now();
});

const authorizeUrl = (extra: Record<string, string> = {}) =>
  `${api.url}/dev/oauth2/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: 'cong-local',
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: challengeOf(VERIFIER),
    code_challenge_method: 'S256',
    ...extra,
  })}`;

/** Chooses a person on the login page; returns the code the browser is sent back with. */
async function signIn(sub: string, extra: Record<string, string> = {}): Promise<string> {
  const params = new URL(authorizeUrl(extra)).searchParams;
  params.set('sub', sub);
  const res = await fetch(`${api.url}/dev/oauth2/authorize`, {
    method: 'POST',
    body: params,
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
  expect(back.searchParams.get('state')).toBe('state-1');
  expect(back.searchParams.get('iss')).toBe(oidc.issuer);
  return back.searchParams.get('code')!;
}

async function token(fields: Record<string, string>) {
  const res = await fetch(`${api.url}/dev/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: 'cong-local', ...fields }),
  });
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const exchange = (code: string, extra: Record<string, string> = {}) =>
  token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: VERIFIER,
    ...extra,
  });

const payloadOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('local OIDC issuer', () => {
  it('publishes a discovery document under the issuer URL', async () => {
    const res = await fetch(`${api.url}/dev/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: `${api.url}/dev`,
      authorization_endpoint: `${api.url}/dev/oauth2/authorize`,
      token_endpoint: `${api.url}/dev/oauth2/token`,
      userinfo_endpoint: `${api.url}/dev/oauth2/userInfo`,
      jwks_uri: `${api.url}/dev/jwks.json`,
      end_session_endpoint: `${api.url}/dev/logout`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    const jwks = (await (await fetch(String(doc.jwks_uri))).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
  });

  it('lists test people of every role on its login page, officers at real agencies', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    for (const u of TEST_USERS) expect(html).toContain(`value="${u.sub}"`);
    expect(new Set(TEST_USERS.map((u) => u.role))).toEqual(
      new Set([
        'citizen',
        'business',
        'desk_officer',
        'agency_officer',
        'catalog_admin',
        'operator',
        'support_agent',
      ]),
    );
    expect(TEST_USERS.filter((u) => u.role === 'citizen').length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('Sở Tư pháp thành phố Hà Nội');
    expect(html).toContain('value="state-1"');
  });

  it('never redirects to an unregistered redirect URI or for an unknown client', async () => {
    const cases: Record<string, string>[] = [
      { redirect_uri: `${api.url}/elsewhere` },
      { redirect_uri: `${redirectUri}/` },
      { client_id: 'someone-else' },
    ];
    for (const bad of cases) {
      const res = await fetch(authorizeUrl(bad), { redirect: 'manual' });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('requires PKCE with S256 at the authorization endpoint', async () => {
    const cases: Record<string, string>[] = [{ code_challenge_method: 'plain' }, { code_challenge: '' }];
    for (const bad of cases) {
      const res = await fetch(authorizeUrl(bad), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location')!);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('code')).toBeNull();
    }
  });

  it('exchanges a code for tokens the API verifies with its own code, then refreshes them', async () => {
    const { status, body } = await exchange(await signIn('citizen-an'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(payloadOf(body.id_token!)).toMatchObject({
      iss: oidc.issuer,
      aud: 'cong-local',
      sub: 'citizen-an',
      nonce: 'nonce-1',
      name: 'Nguyễn Văn An',
      'cognito:groups': ['citizen'],
      token_use: 'id',
    });
    await expect(authenticatePerson(`Bearer ${body.access_token}`)).resolves.toEqual({
      kind: 'person',
      sub: 'citizen-an',
      role: 'citizen',
      citizenId: '001090000001',
      name: 'Nguyễn Văn An',
    });
    await expect(authenticatePerson(`Bearer ${body.id_token}`)).resolves.toMatchObject({ sub: 'citizen-an' });

    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: body.refresh_token! });
    expect(refreshed.status).toBe(200);
    await expect(authenticatePerson(`Bearer ${refreshed.body.access_token}`)).resolves.toMatchObject({
      sub: 'citizen-an',
    });
    const unknown = await token({ grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('carries whom officers and representatives act for, as Cognito would', async () => {
    const desk = await exchange(await signIn('desk-dung'));
    expect(payloadOf(desk.body.access_token!)).toMatchObject({
      'custom:agency_id': 'ttpvhcc-01',
      'cognito:groups': ['desk_officer'],
    });
    await expect(authenticatePerson(`Bearer ${desk.body.access_token}`)).resolves.toEqual({
      kind: 'person',
      sub: 'desk-dung',
      role: 'desk_officer',
      agencyId: 'ttpvhcc-01',
      citizenId: '001192003456',
      name: 'Phạm Thu Dung',
    });
    const business = await exchange(await signIn('business-cuong'));
    await expect(authenticatePerson(`Bearer ${business.body.access_token}`)).resolves.toEqual({
      kind: 'person',
      sub: 'business-cuong',
      role: 'business',
      taxCode: '0101234567',
      citizenId: '001085004567',
      name: 'Lê Minh Cường',
    });
    const officer = await exchange(await signIn('officer-em'));
    await expect(authenticatePerson(`Bearer ${officer.body.access_token}`)).resolves.toMatchObject({
      role: 'agency_officer',
      agencyId: 'stp-01',
    });
  });

  it('gives every test person a distinct verified citizen ID, in the access token only', async () => {
    const ids = TEST_USERS.map((u) => u.citizenId);
    expect(ids.every((id) => /^\d{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(TEST_USERS.length);

    const { body } = await exchange(await signIn('citizen-binh'));
    expect(payloadOf(body.access_token!).citizenId).toBe('001188000123');
    expect(JSON.stringify(payloadOf(body.id_token!))).not.toContain('001188000123');
    await expect(authenticatePerson(`Bearer ${body.access_token}`)).resolves.toMatchObject({
      sub: 'citizen-binh',
      citizenId: '001188000123',
    });
    await expect(authenticatePerson(`Bearer ${body.id_token}`)).resolves.not.toHaveProperty('citizenId');
    const info = await fetch(`${api.url}/dev/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(await info.text()).not.toContain('001188000123');
  });

  it('refuses a PKCE verifier that does not match the challenge', async () => {
    const code = await signIn('citizen-an');
    const wrong = await exchange(code, { code_verifier: `${VERIFIER}-other` });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const missing = await exchange(await signIn('citizen-an'), { code_verifier: '' });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('accepts a code once only, and revokes what it gave when it is replayed', async () => {
    const code = await signIn('citizen-binh');
    const first = await exchange(code);
    expect(first.status).toBe(200);
    const again = await exchange(code);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token! });
    expect(refresh).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // A code that failed once (wrong verifier) cannot be retried with the right one.
    const failed = await signIn('citizen-binh');
    expect((await exchange(failed, { code_verifier: `${VERIFIER}-x` })).status).toBe(400);
    expect((await exchange(failed)).status).toBe(400);
  });

  it('requires exactly the redirect URI the code was issued for', async () => {
    const res = await exchange(await signIn('citizen-an'), { redirect_uri: `${redirectUri}?x=1` });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('ends refresh tokens after eight hours: the page holds them in memory for one sitting only', async () => {
    const { body } = await exchange(await signIn('citizen-an'));
    const refresh = () => token({ grant_type: 'refresh_token', refresh_token: body.refresh_token! });
    clock += 8 * 3600 * 1000 - 60_000;
    expect((await refresh()).status).toBe(200);
    clock += 61_000;
    expect(await refresh()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('signs in again without the login page while its sign-in session lasts (prompt=none)', async () => {
    const silently = async (cookie?: string) => {
      const res = await fetch(authorizeUrl({ prompt: 'none' }), {
        redirect: 'manual',
        headers: cookie ? { cookie } : {},
      });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
      expect(back.searchParams.get('state')).toBe('state-1');
      return back.searchParams;
    };
    // No session: the page is told so, and shows its sign-in button.
    expect((await silently()).get('error')).toBe('login_required');

    const params = new URL(authorizeUrl()).searchParams;
    params.set('sub', 'citizen-binh');
    const chosen = await fetch(`${api.url}/dev/oauth2/authorize`, {
      method: 'POST',
      body: params,
      redirect: 'manual',
    });
    const setCookie = chosen.headers.get('set-cookie')!;
    // Scripts never read it, it never leaves the issuer's paths, and a cross-site page cannot send it.
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/dev/);
    const cookie = setCookie.split(';')[0]!;

    const again = await silently(cookie);
    expect(again.get('error')).toBeNull();
    const { body } = await exchange(again.get('code')!);
    expect(payloadOf(body.id_token!)).toMatchObject({ sub: 'citizen-binh', nonce: 'nonce-1' });

    // The session lasts an hour, as Cognito's managed login session does.
    clock += 3600 * 1000 + 1_000;
    expect((await silently(cookie)).get('error')).toBe('login_required');
  });

  it('ends its sign-in session on logout', async () => {
    const params = new URL(authorizeUrl()).searchParams;
    params.set('sub', 'citizen-an');
    const chosen = await fetch(`${api.url}/dev/oauth2/authorize`, {
      method: 'POST',
      body: params,
      redirect: 'manual',
    });
    const cookie = chosen.headers.get('set-cookie')!.split(';')[0]!;
    const out = await fetch(
      `${api.url}/dev/logout?${new URLSearchParams({ client_id: 'cong-local', logout_uri: `${api.url}/` })}`,
      { redirect: 'manual', headers: { cookie } },
    );
    expect(out.status).toBe(302);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/i);
    const res = await fetch(authorizeUrl({ prompt: 'none' }), { redirect: 'manual', headers: { cookie } });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('login_required');
  });

  it('refuses an expired code', async () => {
    const code = await signIn('citizen-an');
    clock += (AUTHORIZATION_CODE_TTL_SECONDS + 1) * 1000;
    expect(await exchange(code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses unknown clients and grant types', async () => {
    const code = await signIn('citizen-an');
    expect(await exchange(code, { client_id: 'other' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await token({ grant_type: 'password', username: 'x' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
  });

  it('answers userinfo for an access token and refuses anything else', async () => {
    const { body } = await exchange(await signIn('operator-hai'));
    const ok = await fetch(`${api.url}/dev/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(await ok.json()).toMatchObject({ sub: 'operator-hai', role: 'operator', name: 'Đỗ Quang Hải' });
    const idToken = await fetch(`${api.url}/dev/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${body.id_token}` },
    });
    expect(idToken.status).toBe(401);
    expect(idToken.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await fetch(`${api.url}/dev/oauth2/userInfo`)).status).toBe(401);
  });

  it('signs out back to a registered address only', async () => {
    const back = await fetch(
      `${api.url}/dev/logout?${new URLSearchParams({ client_id: 'cong-local', logout_uri: `${api.url}/` })}`,
      { redirect: 'manual' },
    );
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`${api.url}/`);
    const elsewhere = await fetch(
      `${api.url}/dev/logout?${new URLSearchParams({ client_id: 'cong-local', logout_uri: 'https://evil.example/' })}`,
      { redirect: 'manual' },
    );
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('location')).toBeNull();
  });

  it('keeps the JSON test-token route for tests and curl', async () => {
    const res = await fetch(`${api.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'citizen-9' }),
    });
    expect(res.status).toBe(200);
    const { token: t } = (await res.json()) as { token: string };
    await expect(authenticatePerson(`Bearer ${t}`)).resolves.toEqual({
      kind: 'person',
      sub: 'citizen-9',
      role: 'citizen',
    });
    await expect(authenticatePerson('Bearer x.y.z')).rejects.toBeInstanceOf(AppError);
  });

  it('issues test tokens with a verified citizen ID when asked, and refuses a malformed one', async () => {
    const devToken = (body: unknown) =>
      fetch(`${api.url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await devToken({ sub: 'citizen-10', citizenId: '001095000010' });
    expect(res.status).toBe(200);
    const { token: t } = (await res.json()) as { token: string };
    await expect(authenticatePerson(`Bearer ${t}`)).resolves.toMatchObject({
      sub: 'citizen-10',
      citizenId: '001095000010',
    });
    const bad = await devToken({ sub: 'citizen-11', citizenId: '12345' });
    expect(bad.status).toBe(400);
  });

  it('reads a citizen ID claim that is not 12 digits as no verified ID at all', async () => {
    for (const citizenId of ['012345678', '0010900000011', 1090000001, '']) {
      const t = await dev.sign(
        { role: 'citizen', aud: 'cong-local', citizenId },
        { sub: 'citizen-12', ttlSeconds: 60 },
      );
      await expect(authenticatePerson(`Bearer ${t}`)).resolves.toEqual({
        kind: 'person',
        sub: 'citizen-12',
        role: 'citizen',
      });
    }
  });
});
