/**
 * Answers for a signed-in person — their own objects, their agency's work list, an operator's queue —
 * are never kept by a browser or a shared cache: every route whose access rule is personal answers
 * `Cache-Control: no-store`, whatever its operation returns. Generated from the route table, so a new
 * personal route cannot forget it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFunction } from '../../functions/core/http.js';
import {
  type HttpFunction,
  isPersonal,
  type Route,
  rolesOf,
  routeKey,
  routes,
  routesOf,
} from '../../functions/routes.js';
import { call } from '../support/api-event.js';
import { SAMPLE_ULID, sampleBodies } from '../support/request-bodies.js';
import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
  testEnv(issuer);
});
afterAll(() => issuer.close());

/** Operations that try to let caches keep their answer: the route's rule must win. */
const stacks = new Map<HttpFunction, ReturnType<typeof httpFunction>>();
const stackOf = (fn: HttpFunction) => {
  let h = stacks.get(fn);
  if (!h) {
    const ops = Object.fromEntries(
      routes
        .filter((r) => r.fn === fn)
        .map((r) => [
          r.operationId,
          async () => ({ body: { ok: true }, headers: { 'cache-control': 'public, max-age=600' } }),
        ]),
    );
    h = httpFunction(routesOf(fn), ops, {
      agency: async () => ({ kind: 'agency', agencyId: 'ubnd-hn' }),
      // Every object belongs to the caller (and is routed to the caller's agency, and a support ticket is
      // the national desk's).
      ownership: async () => ({ ownerSub: 'person-1', agencyId: 'ubnd-hn', supportDesk: true }),
      rateLimits: () => ({ take: async () => true }),
    });
    stacks.set(fn, h);
  }
  return h;
};

/** A path parameter value the route's schema accepts. */
function paramsFor(route: Route): Record<string, string> {
  const candidates: Record<string, string[]> = {
    code: ['BHXHHN-261122-0001', 'PAKN-261122-0001', 'HTTT-261122-0001', '1.001234'],
    paymentId: [SAMPLE_ULID],
    submissionId: [SAMPLE_ULID],
    attachmentId: ['0123456789abcdef0123456789abcdef'],
    documentId: [SAMPLE_ULID],
    id: [SAMPLE_ULID],
  };
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const params: Record<string, string> = {};
  for (const name of names) {
    params[name] =
      candidates[name]?.find(
        // Judged by this parameter's own issues: the ones after it are not chosen yet.
        (v) =>
          !route.params?.safeParse({ ...params, [name]: v }).error?.issues.some((i) => i.path[0] === name),
      ) ?? 'x';
  }
  return params;
}

const personal = routes.filter((r) => isPersonal(r.access));

describe('personal answers are never cached', () => {
  it('the rule covers the routes that show a person their own data', () => {
    const keys = personal.map(routeKey);
    for (const key of [
      'GET /v1/petitions/{code}',
      'GET /v1/me/petitions',
      'GET /v1/agency/petitions',
      'GET /v1/dossiers/{code}',
      'GET /v1/me/profile',
      'GET /v1/agency/ratings',
      'GET /v1/payments/anomalies',
    ])
      expect(keys).toContain(key);
    for (const key of ['GET /v1/procedures', 'GET /v1/petitions', 'GET /v1/stats/agencies'])
      expect(keys).not.toContain(key);
  });

  it.each(personal.map((r) => [routeKey(r), r] as const))(
    '%s answers Cache-Control: no-store',
    async (_k, route) => {
      const role = rolesOf(route.access)[0]!;
      const claims =
        role === 'agency_officer' || role === 'desk_officer' ? { claims: { agencyId: 'ubnd-hn' } } : {};
      const res = await call(stackOf(route.fn), {
        routeKey: routeKey(route),
        pathParameters: paramsFor(route),
        headers: {
          authorization: `Bearer ${await issuer.token('person-1', role, claims)}`,
          'idempotency-key': 'private-response-0001',
        },
        ...(route.body ? { body: sampleBodies[route.operationId] as object } : {}),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(route.status);
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it('public answers keep what their operation says (the catalog is cacheable)', async () => {
    const route = routes.find((r) => routeKey(r) === 'GET /v1/procedures')!;
    const res = await call(stackOf(route.fn), { routeKey: routeKey(route) });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=600');
  });
});
