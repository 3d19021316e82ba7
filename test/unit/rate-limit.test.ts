/** Abuse limits: window math, Retry-After, per account vs per address, the off switch, the 429 shape. */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, resetConfig } from '../../functions/core/config.js';
import { httpFunction } from '../../functions/core/http.js';
import {
  accountSubject,
  enforceRateLimit,
  ipSubject,
  rateLimitSubjects,
  retryAfterSeconds,
  windowOf,
} from '../../functions/core/rate-limit.js';
import { rateLimitStore } from '../../functions/core/rate-limit-store.js';
import { buildOpenApi } from '../../functions/platform/openapi.js';
import { routes, routesOf } from '../../functions/routes.js';
import { call } from '../support/api-event.js';
import { memoryRateLimits as memoryPorts } from '../support/fakes/rate-limit.js';
import { appErrorOf } from '../support/rejections.js';
import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

const rule = { windowSeconds: 60, perAccount: 2, perIp: 3 };
const T0 = Date.parse('2026-11-20T03:00:10.000Z');

describe('rate-limit windows', () => {
  it('puts an instant in its fixed window and counts the seconds to its end', () => {
    const w = windowOf(T0, 60);
    expect(w).toEqual({ start: Date.parse('2026-11-20T03:00:00.000Z') / 1000, end: w.start + 60 });
    expect(retryAfterSeconds(T0, w)).toBe(50);
    expect(retryAfterSeconds(T0 + 49_100, w)).toBe(1);
    // Never 0 or negative: a client told "0" would retry at once.
    expect(retryAfterSeconds(w.end * 1000, w)).toBe(1);
    expect(windowOf(T0 + 50_000, 60).start).toBe(w.end);
    expect(windowOf(T0, 3600).start % 3600).toBe(0);
  });

  it('keeps client addresses out of the counter keys', () => {
    expect(ipSubject('203.0.113.7')).toMatch(/^ip:[0-9a-f]{32}$/);
    expect(ipSubject('203.0.113.7')).not.toContain('203.0.113.7');
    expect(ipSubject('203.0.113.7')).toBe(ipSubject('203.0.113.7'));
    expect(ipSubject('203.0.113.8')).not.toBe(ipSubject('203.0.113.7'));
    expect(accountSubject('citizen-a')).toBe('acct:citizen-a');
  });
});

describe('who a request counts against', () => {
  it('counts a person and their address, a desk officer only by account, a caller without account by address', () => {
    expect(rateLimitSubjects({ kind: 'person', sub: 'c1', role: 'citizen' }, '198.51.100.1')).toEqual({
      account: 'c1',
      ip: '198.51.100.1',
    });
    expect(rateLimitSubjects({ kind: 'person', sub: 'b1', role: 'business' }, '198.51.100.1')).toEqual({
      account: 'b1',
      ip: '198.51.100.1',
    });
    expect(rateLimitSubjects({ kind: 'person', sub: 'd1', role: 'desk_officer' }, '198.51.100.1')).toEqual({
      account: 'd1',
    });
    expect(rateLimitSubjects(null, '198.51.100.1')).toEqual({ ip: '198.51.100.1' });
    expect(rateLimitSubjects({ kind: 'agency' }, undefined)).toEqual({});
  });
});

describe('enforceRateLimit', () => {
  it('refuses the account over its limit with 429, Retry-After and which limit, and spares another account', async () => {
    const { ports } = memoryPorts();
    const req = { limitClass: 'intake' as const, account: 'a', ip: '198.51.100.1', now: T0 };
    await enforceRateLimit(ports, rule, req);
    await enforceRateLimit(ports, rule, req);
    const err = await appErrorOf(enforceRateLimit(ports, rule, req));
    expect(err.status).toBe(429);
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.headers).toEqual({ 'retry-after': '50' });
    expect(err.details).toEqual({ limit: 'intake', by: ['account'], retryAfterSeconds: 50 });
    expect(err.toBody().error.messageVi).toMatch(/quá nhiều/);
    // Another account from another address is not affected.
    await enforceRateLimit(ports, rule, { ...req, account: 'b', ip: '198.51.100.2' });
  });

  it('limits an address across accounts, more generously than one account', async () => {
    const { ports } = memoryPorts();
    const at = (account: string) => ({
      limitClass: 'uploads' as const,
      account,
      ip: '198.51.100.9',
      now: T0,
    });
    await enforceRateLimit(ports, rule, at('a'));
    await enforceRateLimit(ports, rule, at('b'));
    await enforceRateLimit(ports, rule, at('c'));
    const err = await appErrorOf(enforceRateLimit(ports, rule, at('d')));
    expect(err.details).toMatchObject({ by: ['address'] });
    // The same accounts from elsewhere still pass: the address is what is over.
    await enforceRateLimit(ports, rule, { ...at('d'), ip: '198.51.100.10' });
  });

  it('counts classes apart and lets the account in again once the window has passed', async () => {
    const { ports } = memoryPorts();
    const req = { limitClass: 'intake' as const, account: 'a', now: T0 };
    await enforceRateLimit(ports, rule, req);
    await enforceRateLimit(ports, rule, req);
    await appErrorOf(enforceRateLimit(ports, rule, req));
    await enforceRateLimit(ports, rule, { ...req, limitClass: 'petitions' });
    await enforceRateLimit(ports, rule, { ...req, now: T0 + 50_000 });
  });

  it('refuses without counting further: a refused request leaves the counter at the limit', async () => {
    const { ports, hits } = memoryPorts();
    const req = { limitClass: 'intake' as const, account: 'a', now: T0 };
    for (let i = 0; i < 2; i++) await enforceRateLimit(ports, rule, req);
    for (let i = 0; i < 3; i++) await appErrorOf(enforceRateLimit(ports, rule, req));
    expect([...hits.values()]).toEqual([2]);
  });
});

describe('limits as configuration', () => {
  const base = {
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'b',
    JWT_ISSUER: 'https://issuer.test',
    JWT_AUDIENCE: 'a',
    JWT_JWKS_URL: 'https://issuer.test/jwks.json',
  };

  it('defaults every class, merges overrides, refuses nonsense', () => {
    const d = configSchema().parse(base);
    expect(d.CONG_RATE_LIMITS).toBe('on');
    expect(Object.keys(d.RATE_LIMITS).sort()).toEqual([
      'intake',
      'petitions',
      'redeliveries',
      'support',
      'tracking',
      'uploads',
    ]);
    for (const r of Object.values(d.RATE_LIMITS)) expect(r.perIp).toBeGreaterThan(r.perAccount);
    const o = configSchema().parse({
      ...base,
      RATE_LIMITS: JSON.stringify({ intake: { windowSeconds: 5, perAccount: 1, perIp: 9 } }),
    });
    expect(o.RATE_LIMITS.intake).toEqual({ windowSeconds: 5, perAccount: 1, perIp: 9 });
    expect(o.RATE_LIMITS.uploads).toEqual(d.RATE_LIMITS.uploads);
    expect(configSchema().safeParse({ ...base, RATE_LIMITS: '{"intake":{"perAccount":0}}' }).success).toBe(
      false,
    );
    expect(configSchema().safeParse({ ...base, RATE_LIMITS: '{"search":{}}' }).success).toBe(false);
    expect(configSchema().safeParse({ ...base, CONG_RATE_LIMITS: 'maybe' }).success).toBe(false);
  });

  it('marks intake, supplements, uploads and public tracking in the route table, and no other public route', () => {
    const limited = Object.fromEntries(
      routes.filter((r) => r.rateLimit).map((r) => [`${r.method} ${r.path}`, r.rateLimit]),
    );
    expect(limited).toMatchObject({
      'POST /v1/dossiers': 'intake',
      'POST /v1/dossiers/{code}/supplements': 'intake',
      'POST /v1/uploads': 'uploads',
      'GET /v1/track/{code}': 'tracking',
    });
    // Public tracking is counted per address only: it has no account. An agency's redeliveries are
    // counted per agency, whether its system or one of its officers asks.
    for (const r of routes.filter((x) => x.rateLimit && x.rateLimit !== 'tracking'))
      expect(r.auth).toBe(r.rateLimit === 'redeliveries' ? 'agency' : 'citizen');
    expect(limited['POST /v1/agency/redeliveries']).toBe('redeliveries');
    expect(limited['POST /v1/support/tickets']).toBe('support');
    // A call centre logs many callers' calls from one address: its agents are counted by account only.
    expect(
      rateLimitSubjects({ kind: 'person', sub: 'agent-1', role: 'support_agent' }, '203.0.113.9'),
    ).toEqual({ account: 'agent-1' });
    expect(rateLimitSubjects({ kind: 'agency', agencyId: 'bhxh-hn' }, '203.0.113.9')).toEqual({
      account: 'agency:bhxh-hn',
    });
  });

  it('documents 429 with Retry-After on limited routes only', () => {
    const doc = buildOpenApi() as {
      paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
      components: { responses: Record<string, { headers?: object }> };
    };
    // Every 429 is the one shared response, which carries Retry-After.
    expect(doc.paths['/v1/dossiers']!.post!.responses['429']).toEqual({
      $ref: '#/components/responses/Error429',
    });
    expect(doc.components.responses.Error429?.headers).toHaveProperty('Retry-After');
    expect(doc.paths['/v1/uploads']!.post!.responses['429']).toBeDefined();
    expect(doc.paths['/v1/procedures']!.get!.responses['429']).toBeUndefined();
  });
});

describe('the middleware over the table', () => {
  it('is required of a group that serves abuse-limited routes, so no other group carries its store', () => {
    expect(() => httpFunction(routesOf('uploads'), { createUpload: async () => ({ body: {} }) })).toThrow(
      /rate-limit store/,
    );
  });

  const ddb = mockClient(DynamoDBDocumentClient);
  let issuer: TestIssuer;
  let created = 0;
  const uploads = httpFunction(
    routesOf('uploads'),
    {
      createUpload: async () => {
        created += 1;
        return { body: { ok: true } };
      },
    },
    { rateLimits: rateLimitStore },
  );
  const body = { fileName: 'cccd.pdf', contentType: 'application/pdf', size: 1000 };
  const upload = async (token: string) =>
    call(uploads, { routeKey: 'POST /v1/uploads', headers: { authorization: `Bearer ${token}` }, body });

  /** The upload limits, switched on or off, as the handlers' configuration reads them. */
  const limitUploads = (
    state: 'on' | 'off',
    limits: { windowSeconds: number; perAccount: number; perIp: number },
  ) => {
    testEnv(issuer, { CONG_RATE_LIMITS: state, RATE_LIMITS: JSON.stringify({ uploads: limits }) });
    resetConfig();
  };

  beforeAll(async () => {
    issuer = await startTestIssuer();
  });
  afterAll(() => issuer.close());
  beforeEach(() => {
    created = 0;
    ddb.reset();
    // The store's conditional ADD, kept in memory.
    const hits = new Map<string, number>();
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      const key = `${input.Key?.pk}`;
      const n = hits.get(key) ?? 0;
      if (n >= Number(input.ExpressionAttributeValues?.[':limit'])) {
        throw new ConditionalCheckFailedException({ message: 'limit', $metadata: {} });
      }
      expect(key).toMatch(/^RATE#uploads#(acct:|ip:)/);
      expect(input.UpdateExpression).toContain('if_not_exists(#ttl');
      hits.set(key, n + 1);
      return {};
    });
  });

  it('answers 429 with Retry-After in the standard error shape once the account is over', async () => {
    limitUploads('on', { windowSeconds: 600, perAccount: 2, perIp: 100 });
    const token = await issuer.token('limited-citizen');
    expect((await upload(token)).status).toBe(201);
    expect((await upload(token)).status).toBe(201);
    const refused = await upload(token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(600);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { by: ['account'] } });
    expect(typeof refused.body.error.messageVi).toBe('string');
    expect(created).toBe(2);
    const other = await issuer.token('other-citizen');
    expect((await upload(other)).status).toBe(201);
  });

  it('counts nothing and refuses nothing when switched off', async () => {
    limitUploads('off', { windowSeconds: 600, perAccount: 1, perIp: 1 });
    const token = await issuer.token('unlimited-citizen');
    for (let i = 0; i < 4; i++) expect((await upload(token)).status).toBe(201);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    delete process.env.CONG_RATE_LIMITS;
    delete process.env.RATE_LIMITS;
    resetConfig();
  });
});
