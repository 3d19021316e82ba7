import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticatePerson, gatewayList } from '../../functions/core/auth.js';
import { resetConfig } from '../../functions/core/config.js';
import { AppError } from '../../functions/core/errors.js';
import { httpFunction } from '../../functions/core/http.js';
import { routesOf } from '../../functions/routes.js';
import { gatewayClaims } from '../../lib/local/api-authorizer.js';
import { call } from '../support/api-event.js';
import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await startTestIssuer();
  testEnv(issuer);
  resetConfig();
});
afterAll(async () => {
  await issuer.close();
});

/** The claims API Gateway's JWT authorizer hands the function for this token (payload format 2.0). */
const claimsFor = (token: string) => gatewayClaims(decodeJwt(token));

const refused = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

describe("API Gateway's array claims", () => {
  it('reads "[a b]" as a list, and anything else as no list', () => {
    expect(gatewayList('[agency_officer citizen]')).toEqual(['agency_officer', 'citizen']);
    expect(gatewayList('[citizen]')).toEqual(['citizen']);
    expect(gatewayList('[]')).toEqual([]);
    expect(gatewayList(['desk_officer'])).toEqual(['desk_officer']);
    expect(gatewayList('citizen')).toBeUndefined();
    expect(gatewayList(undefined)).toBeUndefined();
    expect(gatewayList(7)).toBeUndefined();
  });

  it('are what the local gateway writes for a token', () => {
    expect(
      gatewayClaims({ sub: 's', 'cognito:groups': ['a', 'b'], exp: 1700000000, email_verified: true }),
    ).toEqual({ sub: 's', 'cognito:groups': '[a b]', exp: '1700000000', email_verified: 'true' });
  });
});

describe('the person from authorizer claims', () => {
  // Each token is read twice: verified here (jose) and as API Gateway's claims; both must agree.
  const cases: [string, string | undefined, Record<string, unknown>][] = [
    ['plain citizen', undefined, {}],
    ['role claim', 'citizen', { name: '  Nguyễn Văn A ', citizenId: '001090000001' }],
    [
      'first Cognito group',
      undefined,
      { role: undefined, 'cognito:groups': ['agency_officer', 'citizen'], 'custom:agency_id': 'cahn' },
    ],
    [
      'desk officer group',
      undefined,
      { role: undefined, 'cognito:groups': ['desk_officer'], agencyId: 'ubnd-hn' },
    ],
    ['business with tax code', 'business', { taxCode: '0101234567-001' }],
    ['support agent of a province', 'support_agent', { 'custom:province_code': '01' }],
    ['an old ID card number is not a verified one', 'citizen', { citizenId: '123456789' }],
    ['agency of a citizen is ignored', 'citizen', { agencyId: 'cahn' }],
  ];

  it.each(cases)('%s: the same person either way', async (_what, role, claims) => {
    const token = await issuer.token('person-1', role as string, { claims });
    const verified = await authenticatePerson(`Bearer ${token}`);
    const fromClaims = await authenticatePerson(undefined, claimsFor(token));
    expect(fromClaims).toEqual(verified);
    expect(fromClaims).toMatchObject({ kind: 'person', sub: 'person-1' });
  });

  it('takes the first group, an officer with their agency', async () => {
    const token = await issuer.token('officer-1', undefined, {
      claims: {
        role: undefined,
        'cognito:groups': ['agency_officer', 'citizen'],
        'custom:agency_id': 'cahn',
      },
    });
    expect(claimsFor(token)['cognito:groups']).toBe('[agency_officer citizen]');
    await expect(authenticatePerson(undefined, claimsFor(token))).resolves.toEqual({
      kind: 'person',
      sub: 'officer-1',
      role: 'agency_officer',
      agencyId: 'cahn',
    });
  });

  it.each([
    ['an unknown role', { role: 'admin' }],
    ['an unknown first group', { role: undefined, 'cognito:groups': ['admins', 'citizen'] }],
    ['no group at all', { role: undefined, 'cognito:groups': [] }],
    ['a business without a tax code', { role: 'business', taxCode: undefined }],
    ['a business with a malformed tax code', { role: 'business', taxCode: '123' }],
    ['a malformed province', { role: 'support_agent', provinceCode: 'HN' }],
  ])('refuses %s, both ways', async (_what, claims) => {
    const token = await issuer.token('person-2', 'citizen', { claims });
    await refused(authenticatePerson(`Bearer ${token}`));
    await refused(authenticatePerson(undefined, claimsFor(token)));
  });

  it("refuses claims of another issuer or another client, though API Gateway's authorizer checks both", async () => {
    const token = await issuer.token('person-3');
    const claims = claimsFor(token);
    await refused(authenticatePerson(undefined, { ...claims, iss: 'https://elsewhere.example' }));
    await refused(authenticatePerson(undefined, { ...claims, aud: 'another-client' }));
    await refused(authenticatePerson(undefined, { ...claims, sub: '' }));
    // An access token names the client in client_id; a token for several audiences lists them in brackets.
    const { aud: _aud, ...access } = claims;
    await expect(
      authenticatePerson(undefined, { ...access, client_id: issuer.audience }),
    ).resolves.toMatchObject({ sub: 'person-3' });
    await expect(
      authenticatePerson(undefined, { ...claims, aud: `[another-client ${issuer.audience}]` }),
    ).resolves.toMatchObject({ sub: 'person-3' });
  });

  it('still verifies a token when no claims come with the request, and refuses a bad one', async () => {
    await refused(authenticatePerson(undefined));
    await refused(authenticatePerson('Bearer x.y.z'));
    await refused(authenticatePerson(`Bearer ${await issuer.token('p', 'citizen', { expiresIn: '-1m' })}`));
    await expect(authenticatePerson('Bearer x.y.z')).rejects.toBeInstanceOf(AppError);
  });
});

describe('a citizen route behind the authorizer', () => {
  const uploads = httpFunction(
    routesOf('uploads'),
    {
      createUpload: async (req) => ({
        body: { sub: req.principal?.kind === 'person' ? req.principal.sub : '' },
      }),
    },
    { rateLimits: () => ({ take: async () => true }) },
  );
  const body = { fileName: 'cccd.pdf', contentType: 'application/pdf', size: 1000 };
  const withClaims = (claims: Record<string, string> | undefined, headers: Record<string, string> = {}) =>
    call(uploads, {
      routeKey: 'POST /v1/uploads',
      headers,
      body,
      ...(claims ? { claims } : {}),
    });

  it('serves the person the claims name, with no token to verify', async () => {
    const claims = claimsFor(await issuer.token('citizen-c'));
    const res = await withClaims(claims);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ sub: 'citizen-c' });
  });

  it('refuses a role the route does not admit with 403, and no claims and no token with 401', async () => {
    const officer = claimsFor(await issuer.token('officer-c', 'support_agent'));
    expect((await withClaims(officer)).status).toBe(403);
    const none = await withClaims(undefined);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
  });
});
