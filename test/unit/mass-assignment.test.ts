/**
 * Mass assignment: a person cannot set what the server owns (status, fee, agency, owner, who filed it,
 * the code, the citizen ID their sign-in verified) by adding it to a request body. Every body a person may send is strict: unknown fields are
 * refused with 400 VALIDATION_FAILED naming each one. Generated from the route table, so a new
 * writable route without a sample body here fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFunction } from '../../functions/core/http.js';
import { type HttpFunction, rolesOf, routeKey, routes, routesOf } from '../../functions/routes.js';
import { call } from '../support/api-event.js';
import {
  sampleAttachment as attachment,
  sampleBodies as samples,
  SAMPLE_ULID as ULID,
} from '../support/request-bodies.js';
import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
  testEnv(issuer);
});
afterAll(() => issuer.close());

const SERVER_OWNED = {
  status: 'approved',
  fee: 0,
  agencyId: 'bca',
  ownerSub: 'someone-else',
  enterpriseTaxCode: '0101234567',
  filedBy: { sub: 'desk-1', role: 'desk_officer', agencyId: 'ubnd-hn' },
  code: 'BHXHHN-261122-0001',
  citizenId: '001090000001',
} as const;

/** Routes whose path names something other than a dossier or a payment. */
const PATH_PARAMS: Record<string, Record<string, string>> = { putMyDraft: { code: '1.002758' } };

const writable = routes.filter((r) => r.body && r.auth === 'citizen');

/**
 * Fields of those names that a body legitimately carries as the person's own input: a petition names
 * the agency it is about (routing still decides where it goes, and the response says so).
 */
const PERSON_INPUT: Record<string, readonly string[]> = { submitPetition: ['agencyId'] };
const serverOwnedFor = (operationId: string) =>
  Object.keys(SERVER_OWNED).filter((f) => !PERSON_INPUT[operationId]?.includes(f));

/** Each group's middleware stack over operations that must never be reached. */
const stacks = new Map<HttpFunction, ReturnType<typeof httpFunction>>();
const stackOf = (fn: HttpFunction) => {
  let h = stacks.get(fn);
  if (!h) {
    const ops = Object.fromEntries(
      routes
        .filter((r) => r.fn === fn)
        .map((r) => [r.operationId, () => Promise.reject(new Error(`${r.operationId} reached`))]),
    );
    // Refused bodies never reach the ownership check either.
    h = httpFunction(routesOf(fn), ops, {
      ownership: () => Promise.reject(new Error('ownership read')),
      rateLimits: () => ({ take: () => Promise.reject(new Error('rate limit counted')) }),
    });
    stacks.set(fn, h);
  }
  return h;
};

describe('mass assignment', () => {
  it('has a valid sample body for every route a person writes to', () => {
    expect(writable.length).toBeGreaterThan(5);
    for (const r of writable) {
      const sample = samples[r.operationId];
      expect(sample, `${routeKey(r)}: add a sample body`).toBeDefined();
      const parsed = r.body!.safeParse(sample);
      expect(parsed.success, `${routeKey(r)}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  describe.each(writable.map((r) => [routeKey(r), r] as const))('%s', (_key, route) => {
    it.each(serverOwnedFor(route.operationId))('refuses %s in the body, naming it', async (field) => {
      const role = rolesOf(route.access)[0]!;
      const res = await call(stackOf(route.fn), {
        routeKey: routeKey(route),
        pathParameters: PATH_PARAMS[route.operationId] ?? {
          // A support ticket's code has its own shape.
          code: route.path.startsWith('/v1/support/') ? 'HTTT-261207-0001' : 'BHXHHN-261122-0001',
          paymentId: ULID,
          documentId: ULID,
          id: ULID,
        },
        headers: {
          authorization: `Bearer ${await issuer.token('person-1', role, role === 'agency_officer' || role === 'desk_officer' ? { claims: { agencyId: 'ubnd-hn' } } : {})}`,
          'idempotency-key': 'mass-assign-0001',
        },
        body: { ...samples[route.operationId], [field]: SERVER_OWNED[field as keyof typeof SERVER_OWNED] },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toContainEqual(
        expect.objectContaining({ path: `body.${field}`, code: 'unrecognized_keys' }),
      );
    });
  });

  it('refuses server-owned fields inside attachments too', async () => {
    const res = await call(stackOf('intake'), {
      routeKey: 'POST /v1/dossiers',
      headers: {
        authorization: `Bearer ${await issuer.token('person-1', 'citizen')}`,
        'idempotency-key': 'mass-assign-0002',
      },
      body: { ...samples.submitDossier, attachments: [{ ...attachment, ownerSub: 'someone-else' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ path: 'body.attachments.0.ownerSub', code: 'unrecognized_keys' }),
    );
  });
});
