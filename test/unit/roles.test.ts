import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFunction } from '../../functions/core/http.js';
import { handler as payments } from '../../functions/payments/handler.js';
import { buildOpenApi } from '../../functions/platform/openapi.js';
import { routes, routesOf } from '../../functions/routes.js';
import { call } from '../support/api-event.js';
import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await startTestIssuer();
  testEnv(issuer);
});
afterAll(() => issuer.close());

/** The payments group with every operation answering who called it, so only the middleware decides. */
const echo = httpFunction(
  routesOf('payments'),
  Object.fromEntries(
    routes
      .filter((r) => r.fn === 'payments')
      .map((r) => [r.operationId, async (req) => ({ status: 200, body: { principal: req.principal } })]),
  ),
  // Role refusals come before any object is read.
  { ownership: () => Promise.reject(new Error('ownership read for a refused role')) },
);

const anomalies = (authorization?: string) =>
  call(echo, {
    routeKey: 'GET /v1/payments/anomalies',
    ...(authorization ? { headers: { authorization } } : {}),
  });

describe('role-restricted routes', () => {
  it('let a listed role through', async () => {
    const res = await anomalies(`Bearer ${await issuer.token('op-1', 'operator')}`);
    expect(res.status).toBe(200);
    expect(res.body.principal).toEqual({ kind: 'person', sub: 'op-1', role: 'operator' });
  });

  it.each(['citizen', 'business', 'desk_officer', 'agency_officer', 'catalog_admin'])(
    'answer a signed-in %s with 403 in the error shape',
    async (role) => {
      const res = await anomalies(`Bearer ${await issuer.token('someone', role)}`);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.any(String) });
      expect(res.body.error.messageVi).toEqual(expect.any(String));
    },
  );

  it('still answer no token with 401, not 403', async () => {
    const res = await anomalies();
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('keep routes of an owned object to the roles that can own one, before any store is touched', async () => {
    const res = await call(echo, {
      routeKey: 'GET /v1/payments/{paymentId}',
      pathParameters: { paymentId: '01J0000000000000000000000Z' },
      headers: { authorization: `Bearer ${await issuer.token('op-1', 'operator')}` },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('refuse a citizen at the real refund route before the body or any store is touched', async () => {
    const res = await call(payments, {
      routeKey: 'POST /v1/payments/{paymentId}/refund',
      pathParameters: { paymentId: '01J0000000000000000000000Z' },
      headers: {
        authorization: `Bearer ${await issuer.token('citizen-a')}`,
        'idempotency-key': 'refund-0001',
      },
      body: { reason: 'hoàn tiền' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('are documented with 403 and their roles in OpenAPI', () => {
    const doc = buildOpenApi() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; description?: string }>>;
    };
    const list = doc.paths['/v1/payments/anomalies']!.get!;
    expect(list.responses['403']).toBeDefined();
    expect(list.description).toContain('operator');
    expect(doc.paths['/v1/payments/{paymentId}/refund']!.post!.responses['403']).toBeDefined();
    expect(doc.paths['/v1/payments/{paymentId}']!.get!.description).toContain(
      'citizen, business, desk_officer',
    );
    expect(doc.paths['/v1/procedures']!.get!.responses['403']).toBeUndefined();
  });
});
