import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as catalog } from '../../functions/catalog/handler.js';
import { AppError } from '../../functions/core/errors.js';
import { httpFunction } from '../../functions/core/http.js';
import { DOCS_CONTENT_SECURITY_POLICY } from '../../functions/core/security-headers.js';
import { handler as intake } from '../../functions/intake/handler.js';
import { routesOf } from '../../functions/routes.js';
import { apiEvent, call, lambdaContext } from '../support/api-event.js';

/** The platform group's documentation operations, for tests that build the group around other answers. */
const docsOperations = {
  docs: async () => ({ body: null, raw: { contentType: 'text/html', text: '<!doctype html>' } }),
  docsScript: async () => ({ body: null, raw: { contentType: 'text/javascript', text: '' } }),
};

import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

let issuer: TestIssuer;
let token: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  testEnv(issuer);
  token = await issuer.token('citizen-a');
});
afterAll(() => issuer.close());

const expectErrorShape = (body: { error: Record<string, unknown> }, code: string) => {
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.messageVi).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+/);
};

describe('HTTP middleware stack', () => {
  it('serves a public route with validated query parameters', async () => {
    const res = await call(catalog, { routeKey: 'GET /v1/procedures', query: { limit: '1' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body.items).toHaveLength(1);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    const next = await call(catalog, {
      routeKey: 'GET /v1/procedures',
      query: { limit: '1', cursor: res.body.nextCursor },
    });
    expect(next.body.items[0].code).not.toBe(res.body.items[0].code);
  });

  it.each([['0'], ['101'], ['abc'], ['1.5']])(
    'rejects limit=%s with 400 and the field path',
    async (limit) => {
      const res = await call(catalog, { routeKey: 'GET /v1/procedures', query: { limit } });
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'VALIDATION_FAILED');
      expect(res.body.error.details[0].path).toBe('query.limit');
    },
  );

  it('validates path parameters and answers 404 for an unknown procedure', async () => {
    const bad = await call(catalog, {
      routeKey: 'GET /v1/procedures/{code}',
      pathParameters: { code: 'nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('params.code');
    const missing = await call(catalog, {
      routeKey: 'GET /v1/procedures/{code}',
      pathParameters: { code: '9.999999' },
    });
    expect(missing.status).toBe(404);
    expectErrorShape(missing.body, 'PROCEDURE_NOT_FOUND');
  });

  it('publishes the procedure form as JSON Schema', async () => {
    const res = await call(catalog, {
      routeKey: 'GET /v1/procedures/{code}',
      pathParameters: { code: '1.002804' },
    });
    expect(res.status).toBe(200);
    expect(res.body.form.type).toBe('object');
    expect(res.body.form.required).toContain('citizenId');
    expect(res.body.documents.map((d: { type: string }) => d.type)).toContain('health_certificate');
  });

  it('refuses a route that belongs to another function group', async () => {
    const res = await call(catalog, { routeKey: 'GET /health' });
    expect(res.status).toBe(404);
    expectErrorShape(res.body, 'NOT_FOUND');
  });

  describe('on an authenticated write', () => {
    const submit = (headers: Record<string, string>, body?: string | object) =>
      call(intake, { routeKey: 'POST /v1/dossiers', headers, body });

    it('needs a bearer token', async () => {
      const res = await submit(
        { 'idempotency-key': 'key-00000001' },
        { procedureCode: '1.002804', form: {} },
      );
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 'UNAUTHENTICATED');
    });

    it('refuses tokens for another audience, expired tokens and garbage', async () => {
      for (const bad of [
        await issuer.token('citizen-a', 'citizen', { audience: 'someone-else' }),
        await issuer.token('citizen-a', 'citizen', { expiresIn: '-1m' }),
        'not-a-jwt',
      ]) {
        const res = await submit({ authorization: `Bearer ${bad}`, 'idempotency-key': 'key-00000001' }, {});
        expect(res.status).toBe(401);
      }
    });

    it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
      const res = await submit(
        {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': 'key-00000001',
        },
        '{"procedureCode": ',
      );
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'MALFORMED_JSON');
    });

    it('reads no body and no content type as an empty object, which the schema then judges', async () => {
      const res = await submit({ authorization: `Bearer ${token}`, 'idempotency-key': 'key-00000001' }, '');
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('body.procedureCode');
    });

    it('refuses a body nested deeper than the limit with 400 before parsing it', async () => {
      const depth = 20_000;
      const form = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const res = await submit(
        {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': 'key-00000001',
        },
        `{"procedureCode":"1.002804","form":${form},"attachments":[]}`,
      );
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'JSON_TOO_DEEP');
      const array = await submit(
        {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': 'key-00000002',
        },
        `{"procedureCode":"1.002804","form":{"fullName":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
      );
      expect(array.status).toBe(400);
      expectErrorShape(array.body, 'JSON_TOO_DEEP');
    });

    it('counts nesting outside strings only: brackets inside text are content', async () => {
      const res = await submit(
        {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': 'key-00000001',
        },
        JSON.stringify({ procedureCode: 42, form: { fullName: `${'{['.repeat(500)}"\\` } }),
      );
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.procedureCode']);
    });

    it('answers a non-JSON content type with 415', async () => {
      const res = await submit(
        { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'idempotency-key': 'key-00000001' },
        'hello',
      );
      expect(res.status).toBe(415);
      expectErrorShape(res.body, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('requires an Idempotency-Key', async () => {
      const res = await submit({ authorization: `Bearer ${token}` }, { procedureCode: '1.002804', form: {} });
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 'IDEMPOTENCY_KEY_REQUIRED');
    });

    it('reports wrong types and unknown fields with their paths', async () => {
      const res = await submit(
        { authorization: `Bearer ${token}`, 'idempotency-key': 'key-00000001' },
        { procedureCode: 42, form: [], status: 'approved' },
      );
      expect(res.status).toBe(400);
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['body.procedureCode', 'body.form', 'body.status']));
    });
  });

  it('answers a record DynamoDB finds too large with 413, not 500', async () => {
    const tooLarge = Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
      name: 'ValidationException',
    });
    const cancelled = Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ValidationError', Message: 'Item size has exceeded the maximum allowed size' },
      ],
    });
    const otherValidation = Object.assign(new Error('One or more parameter values were invalid'), {
      name: 'ValidationException',
    });
    for (const [err, status] of [
      [tooLarge, 413],
      [cancelled, 413],
      [otherValidation, 500],
    ] as const) {
      const fn = httpFunction(routesOf('platform'), {
        health: async () => {
          throw err;
        },
        openapi: async () => ({ body: {} }),
        ...docsOperations,
      });
      const res = await call(fn, { routeKey: 'GET /health' });
      expect(res.status).toBe(status);
      expectErrorShape(res.body, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL');
    }
  });

  it('turns an unexpected error into a bare 500 without internals', async () => {
    const broken = httpFunction(routesOf('platform'), {
      health: async () => {
        throw new Error('secret internal detail');
      },
      openapi: async () => {
        throw new AppError('CONFLICT');
      },
      ...docsOperations,
    });
    const res = await call(broken, { routeKey: 'GET /health' });
    expect(res.status).toBe(500);
    expectErrorShape(res.body, 'INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
    const conflict = await call(broken, { routeKey: 'GET /openapi.json' });
    expect(conflict.status).toBe(409);
  });

  describe('security headers', () => {
    const apiHeaders = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    };
    const HSTS = 'max-age=63072000; includeSubDomains';

    it('are on every answer: success, refusal, unexpected failure and another format', async () => {
      const broken = httpFunction(routesOf('platform'), {
        health: async () => {
          throw new Error('boom');
        },
        openapi: async () => ({ body: null, raw: { contentType: 'text/csv; charset=utf-8', text: 'a,b\n' } }),
        ...docsOperations,
      });
      const answers = [
        await call(catalog, { routeKey: 'GET /v1/procedures', query: { limit: '1' } }),
        await call(catalog, { routeKey: 'GET /v1/procedures', query: { limit: '0' } }),
        await call(intake, { routeKey: 'POST /v1/dossiers', body: {} }),
        await call(catalog, { routeKey: 'GET /v1/me/dossiers' }),
        await call(broken, { routeKey: 'GET /health' }),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 400, 401, 404, 500]);
      for (const a of answers) {
        expect(a.headers).toMatchObject(apiHeaders);
        // The local cloud is plain http, where the header means nothing.
        expect(a.headers['strict-transport-security']).toBeUndefined();
      }
      const csv = await broken(apiEvent({ routeKey: 'GET /openapi.json' }), lambdaContext);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers).toMatchObject(apiHeaders);
    });

    it("keep the documentation page's own policy, and no other an operation sets", async () => {
      const fn = httpFunction(routesOf('platform'), {
        health: async () => ({
          body: {},
          headers: { 'content-security-policy': "default-src *; script-src 'unsafe-eval'" },
        }),
        openapi: async () => ({ body: {} }),
        docs: async () => ({
          body: null,
          raw: { contentType: 'text/html', text: '<!doctype html>' },
          headers: { 'content-security-policy': DOCS_CONTENT_SECURITY_POLICY },
        }),
        docsScript: docsOperations.docsScript,
      });
      const page = await fn(apiEvent({ routeKey: 'GET /docs' }), lambdaContext);
      expect(page.headers).toMatchObject({
        ...apiHeaders,
        'content-security-policy': DOCS_CONTENT_SECURITY_POLICY,
      });
      const loosened = await fn(apiEvent({ routeKey: 'GET /health' }), lambdaContext);
      expect(loosened.headers).toMatchObject(apiHeaders);
    });

    it('add HSTS when the request came over HTTPS, as API Gateway forwards it', async () => {
      const https = { 'x-forwarded-proto': 'https' };
      const ok = await call(catalog, {
        routeKey: 'GET /v1/procedures',
        query: { limit: '1' },
        headers: https,
      });
      const refused = await call(intake, { routeKey: 'POST /v1/dossiers', headers: https, body: {} });
      for (const a of [ok, refused])
        expect(a.headers).toMatchObject({ ...apiHeaders, 'strict-transport-security': HSTS });
    });
  });
});
