import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routes as allRoutes, type Route } from '../../functions/routes.js';
import { type ApiServer, type ServedFunction, startApiServer } from '../../lib/local/api-server.js';
import { createDevAuth, type DevAuth } from '../../lib/local/dev-auth.js';
import { functionFromModule } from '../../lib/local/lambda.js';
import { memoryLog } from '../../lib/local/log.js';

const fixture = fileURLToPath(new URL('../fixtures/local/http-handler.ts', import.meta.url));

const route = (method: Route['method'], path: string, fn: Route['fn']): Route => ({
  method,
  path,
  fn,
  operationId: `${method}${path}`,
  auth: 'public',
  access: { kind: 'public' },
  summary: 'test route',
  status: 200,
  response: z.unknown(),
});

const routes: Route[] = [
  route('GET', '/v1/things/{id}', 'catalog'),
  route('POST', '/v1/things/{id}', 'catalog'),
  route('GET', '/v1/things/special', 'catalog'),
  route('GET', '/v1/slow', 'intake'),
  route('GET', '/v1/absent', 'tracking'),
];

const functionsByGroup: Partial<Record<ServedFunction, ReturnType<typeof functionFromModule>>> = {
  catalog: functionFromModule({ name: 'test-catalog', entry: fixture, timeoutSeconds: 5 }),
  intake: functionFromModule({ name: 'test-intake', entry: fixture, timeoutSeconds: 1 }),
  tracking: functionFromModule({
    name: 'test-tracking',
    entry: 'functions/nowhere/handler.ts',
    timeoutSeconds: 5,
  }),
};

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: () => unknown;
}

/** Raw HTTP, so duplicate headers and cookies reach the server exactly as written. */
function send(
  url: string,
  options: { method?: string; headers?: string[]; body?: Buffer | string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = ['host', new URL(url).host, ...(options.headers ?? [])];
    const req = httpRequest(url, { method: options.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text: body.toString('utf8'),
          json: () => JSON.parse(body.toString('utf8')),
        });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** What every JSON answer carries, the gateway's own as much as the functions' (no HSTS on plain http). */
const API_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

function expectErrorShape(reply: Reply, status: number, code: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(reply.headers).toMatchObject(API_SECURITY_HEADERS);
  expect(reply.headers['strict-transport-security']).toBeUndefined();
  const body = reply.json() as { error: Record<string, unknown> };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.messageVi).toBe('string');
  expect((body.error.messageVi as string).length).toBeGreaterThan(0);
}

describe('local API gateway', () => {
  const log = memoryLog();
  let api: ApiServer;
  let webDir: string;

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'cong-web-'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Cổng</title>');
    await writeFile(join(webDir, 'app.js'), 'console.log(1)');
    api = await startApiServer({ routes, functionFor: (fn) => functionsByGroup[fn], webDir, log });
  });

  afterAll(async () => {
    await api?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('hands the function a payload format 2.0 event and writes its structured result back', async () => {
    const before = Date.now();
    const reply = await send(`${api.url}/v1/things/caf%C3%A9%20x?x=1&x=2&q=a+b%2Bc&empty`, {
      method: 'POST',
      headers: [
        'Content-Type',
        'application/json',
        'X-Dup',
        'a',
        'X-Dup',
        'b',
        'Cookie',
        'a=1; b=2',
        'User-Agent',
        'cong-test/1.0',
      ],
      body: '{"k":"vé"}',
    });
    expect(reply.status).toBe(201);
    expect(reply.headers['x-echo']).toBe('yes');
    expect(reply.headers['x-count']).toBe('3');
    expect(reply.headers['set-cookie']).toEqual(['session=abc; Path=/; HttpOnly', 'lang=vi']);
    const requestId = reply.headers['apigw-requestid'];
    expect(typeof requestId).toBe('string');

    const { event, context } = reply.json() as {
      event: APIGatewayProxyEventV2;
      context: { functionName: string; awsRequestId: string; remaining: number; arn: string };
    };
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /v1/things/{id}');
    expect(event.rawPath).toBe('/v1/things/caf%C3%A9%20x');
    expect(event.rawQueryString).toBe('x=1&x=2&q=a+b%2Bc&empty');
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers['x-dup']).toBe('a,b');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(Object.keys(event.headers).every((h) => h === h.toLowerCase())).toBe(true);
    expect(event.queryStringParameters).toEqual({ x: '1,2', q: 'a b+c', empty: '' });
    expect(event.pathParameters).toEqual({ id: 'café x' });
    expect(event.body).toBe('{"k":"vé"}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({
      accountId: '000000000000',
      apiId: 'local',
      domainName: `127.0.0.1:${api.port}`,
      domainPrefix: '127',
      http: {
        method: 'POST',
        path: '/v1/things/caf%C3%A9%20x',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'cong-test/1.0',
      },
      requestId,
      routeKey: 'POST /v1/things/{id}',
      stage: '$default',
    });
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.timeEpoch).toBeLessThanOrEqual(Date.now());
    expect(context.functionName).toBe('test-catalog');
    expect(context.arn).toBe('arn:aws:lambda:ap-southeast-1:000000000000:function:test-catalog');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.remaining).toBeGreaterThan(0);
    expect(context.remaining).toBeLessThanOrEqual(5_000);
  });

  it('omits what the request lacks, as API Gateway does', async () => {
    const reply = await send(`${api.url}/v1/things/42`);
    const { event } = reply.json() as { event: APIGatewayProxyEventV2 };
    expect(event.routeKey).toBe('GET /v1/things/{id}');
    expect(event.rawQueryString).toBe('');
    expect('body' in event).toBe(false);
    expect('cookies' in event).toBe(false);
    expect('queryStringParameters' in event).toBe(false);
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes binary bodies and decodes base64 results', async () => {
    const bytes = Buffer.from([0, 159, 146, 150, 255]);
    const echoed = await send(`${api.url}/v1/things/bin`, {
      method: 'POST',
      headers: ['content-type', 'application/pdf'],
      body: bytes,
    });
    const { event } = echoed.json() as { event: APIGatewayProxyEventV2 };
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);

    const binary = await send(`${api.url}/v1/things/bin?mode=binary`);
    expect(binary.status).toBe(200);
    expect(binary.headers['content-type']).toBe('application/octet-stream');
    expect([...binary.body]).toEqual([0, 1, 2, 254, 255]);
  });

  it('infers a 200 JSON answer when the function returns a plain object or string', async () => {
    const plain = await send(`${api.url}/v1/things/1?mode=plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('application/json');
    expect(plain.json()).toEqual({ hello: 'xin chào', routeKey: 'GET /v1/things/{id}' });

    const text = await send(`${api.url}/v1/things/1?mode=string`);
    expect(text.status).toBe(200);
    expect(text.text).toBe('chào');
  });

  it('prefers a literal path segment over a parameter', async () => {
    const reply = await send(`${api.url}/v1/things/special?mode=plain`);
    expect((reply.json() as { routeKey: string }).routeKey).toBe('GET /v1/things/special');
  });

  it('answers a crashing function with the 500 error shape, logs it, and leaks nothing', async () => {
    const reply = await send(`${api.url}/v1/things/1?mode=throw`);
    expectErrorShape(reply, 500, 'INTERNAL');
    expect(reply.text).not.toContain('hunter2');
    expect(reply.text).not.toContain('http-handler');
    const logged = log.lines.find((l) => l.msg === 'function failed');
    expect(logged?.errMessage).toBe('database password is hunter2');
    expect(logged?.requestId).toBe(reply.headers['apigw-requestid']);

    expectErrorShape(await send(`${api.url}/v1/things/1?mode=malformed`), 500, 'INTERNAL');
  });

  it("enforces the function's timeout", async () => {
    const started = Date.now();
    const reply = await send(`${api.url}/v1/slow?mode=slow`);
    expectErrorShape(reply, 500, 'INTERNAL');
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(log.lines.some((l) => l.msg === 'function timed out')).toBe(true);
  });

  it('answers unknown paths 404 and known paths with another method 405, in the error shape', async () => {
    expectErrorShape(await send(`${api.url}/v1/nothing-here`), 404, 'NOT_FOUND');
    expectErrorShape(await send(`${api.url}/v1/things/1/extra`), 404, 'NOT_FOUND');
    const wrong = await send(`${api.url}/v1/things/1`, { method: 'DELETE' });
    expectErrorShape(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.allow).toBe('GET, POST');
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const reply = await send(`${api.url}/v1/things/1`, {
      method: 'POST',
      headers: ['content-type', 'application/json'],
      body: Buffer.alloc(1024 * 1024 + 1, 0x20),
    });
    expectErrorShape(reply, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a dev sign-in body nested deeper than the limit with 400, before parsing it', async () => {
    const devToken = allRoutes.find((r) => r.operationId === 'devToken')!;
    const issued: unknown[] = [];
    const dev = {
      issueToken: async (input: unknown) => {
        issued.push(input);
        return { token: 't', expiresIn: 60 };
      },
    } as unknown as DevAuth;
    const local = await startApiServer({ routes: [devToken], functionFor: () => undefined, dev, log });
    try {
      const depth = 20_000;
      const reply = await send(`${local.url}/dev/token`, {
        method: 'POST',
        headers: ['content-type', 'application/json'],
        body: `{"sub":"citizen-a","name":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      });
      expectErrorShape(reply, 400, 'JSON_TOO_DEEP');
      expect(issued).toEqual([]);
      const plain = await send(`${local.url}/dev/token`, {
        method: 'POST',
        headers: ['content-type', 'application/json'],
        body: JSON.stringify({ sub: 'citizen-a', name: '[[[{{{' }),
      });
      expect(plain.status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('answers 501 for a function group whose code is not in the checkout', async () => {
    expectErrorShape(await send(`${api.url}/v1/absent`), 501, 'FUNCTION_UNAVAILABLE');
  });

  it("answers CORS preflights from the portal's own origin only", async () => {
    const own = await send(`${api.url}/v1/things/1`, {
      method: 'OPTIONS',
      headers: ['origin', `http://localhost:${api.port}`, 'access-control-request-method', 'POST'],
    });
    expect(own.status).toBe(204);
    expect(own.headers['access-control-allow-origin']).toBe(`http://localhost:${api.port}`);
    expect(own.headers['access-control-allow-headers']).toContain('idempotency-key');
    expect(own.headers).toMatchObject(API_SECURITY_HEADERS);

    const foreign = await send(`${api.url}/v1/things/1?mode=plain`, {
      headers: ['origin', 'https://evil.example'],
    });
    expect(foreign.status).toBe(200);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the web page from its folder, and nothing outside it', async () => {
    const index = await send(`${api.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.text).toContain('Cổng');
    const script = await send(`${api.url}/app.js`);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // The page's own policy: its own script and styles only, no framing, no plugins, no base or form hijack.
    for (const file of [index, script]) {
      expect(file.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cross-origin-opener-policy': 'same-origin',
      });
      const csp = String(file.headers['content-security-policy']).split('; ');
      expect(csp).toEqual(
        expect.arrayContaining([
          "default-src 'self'",
          "script-src 'self'",
          "connect-src 'self'",
          "form-action 'self'",
          "frame-ancestors 'none'",
          "base-uri 'none'",
          "object-src 'none'",
        ]),
      );
      expect(file.headers['permissions-policy']).toContain('camera=()');
    }
    expectErrorShape(await send(`${api.url}/..%2F..%2Fetc%2Fpasswd`), 404, 'NOT_FOUND');
    expectErrorShape(await send(`${api.url}/%2e%2e/%2e%2e/etc/passwd`), 404, 'NOT_FOUND');
  });

  it("answers 500 when a function's success answer departs from its route's response schema", async () => {
    const documented = {
      ...route('GET', '/v1/things/{id}', 'catalog'),
      response: z.object({ hello: z.string(), routeKey: z.string() }),
    };
    const checked = await startApiServer({
      routes: [documented],
      functionFor: (fn) => functionsByGroup[fn],
      checkResponses: true,
      log,
    });
    try {
      // The answer the schema documents passes as it is.
      const plain = await send(`${checked.url}/v1/things/1?mode=plain`);
      expect(plain.status).toBe(200);
      expect(plain.json()).toEqual({ hello: 'xin chào', routeKey: 'GET /v1/things/{id}' });
      // Another shape is refused, and the log names the fields without their values.
      expectErrorShape(await send(`${checked.url}/v1/things/1?mode=echo`), 500, 'INTERNAL');
      const logged = log.lines.find((l) => l.msg === 'response does not match its schema');
      expect(logged).toMatchObject({ routeKey: 'GET /v1/things/{id}' });
      expect(logged?.issues).toEqual(
        expect.arrayContaining(['hello: invalid_type', 'routeKey: invalid_type']),
      );
      expect(JSON.stringify(logged)).not.toContain('mode=echo');
    } finally {
      await checked.close();
    }
  });

  it('answers 503 until the portal behind it is ready', async () => {
    const gated = await startApiServer({
      routes,
      functionFor: (fn) => functionsByGroup[fn],
      open: false,
      log,
    });
    try {
      expectErrorShape(await send(`${gated.url}/v1/things/1?mode=plain`), 503, 'SERVICE_UNAVAILABLE');
      gated.open();
      expect((await send(`${gated.url}/v1/things/1?mode=plain`)).status).toBe(200);
    } finally {
      await gated.close();
    }
  });
});

describe("local API gateway's JWT authorizer", () => {
  const log = memoryLog();
  let api: ApiServer;
  let dev: DevAuth;
  let stranger: DevAuth;
  const signedIn: Route = {
    ...route('POST', '/v1/mine/{id}', 'catalog'),
    auth: 'citizen',
    access: { kind: 'self', roles: ['citizen', 'agency_officer'] },
  };
  const open = route('POST', '/v1/open/{id}', 'catalog');
  const echoed = (reply: Reply) => (reply.json() as { event: APIGatewayProxyEventV2 }).event;
  const claimsOf = (event: APIGatewayProxyEventV2) =>
    (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt
      ?.claims;
  const bearer = (token: string) => ['authorization', `Bearer ${token}`];

  beforeAll(async () => {
    api = await startApiServer({ routes: [signedIn, open], functionFor: (fn) => functionsByGroup[fn], log });
    dev = await createDevAuth({ issuer: `${api.url}/dev`, audience: 'cong-local' });
    // Another issuer's key under the same issuer URL: a forged token.
    stranger = await createDevAuth({ issuer: `${api.url}/dev`, audience: 'cong-local' });
    api.open(dev);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("refuses a request without a valid token with the API's 401, before any function runs", async () => {
    const invocations = () => log.lines.filter((l) => l.msg === 'request' && l.status === 201).length;
    const before = invocations();
    const expired = (await dev.issueToken({ sub: 'citizen-a', role: 'citizen' }, { expiresInSeconds: -60 }))
      .token;
    const forged = (await stranger.issueToken({ sub: 'citizen-a', role: 'citizen' })).token;
    const foreign = await dev.sign({ aud: 'another-client' }, { sub: 'citizen-a', ttlSeconds: 60 });
    const valid = (await dev.issueToken({ sub: 'citizen-a', role: 'citizen' })).token;
    const [, , signature] = valid.split('.');
    const tampered = `${valid.split('.').slice(0, 2).join('.').replace(/.$/, 'A')}.${signature}`;
    for (const headers of [
      [],
      ['authorization', 'Basic Y2l0aXplbjpwdw=='],
      ['authorization', 'Bearer'],
      bearer(expired),
      bearer(forged),
      bearer(foreign),
      bearer(tampered),
    ]) {
      const reply = await send(`${api.url}/v1/mine/1`, { method: 'POST', headers });
      expectErrorShape(reply, 401, 'UNAUTHENTICATED');
      expect(reply.headers['x-request-id']).toEqual(expect.any(String));
    }
    expect(invocations()).toBe(before);
  });

  it("hands the function the token's claims as API Gateway does: strings, arrays in brackets", async () => {
    const token = await dev.sign(
      { aud: 'cong-local', 'cognito:groups': ['agency_officer', 'citizen'], 'custom:agency_id': 'cahn' },
      { sub: 'officer-a', ttlSeconds: 60 },
    );
    const reply = await send(`${api.url}/v1/mine/1`, { method: 'POST', headers: bearer(token) });
    expect(reply.status).toBe(201);
    const claims = claimsOf(echoed(reply));
    expect(claims).toMatchObject({
      sub: 'officer-a',
      iss: `${api.url}/dev`,
      aud: 'cong-local',
      'cognito:groups': '[agency_officer citizen]',
      'custom:agency_id': 'cahn',
    });
    expect(claims?.exp).toMatch(/^\d+$/);
    for (const value of Object.values(claims ?? {})) expect(typeof value).toBe('string');
  });

  it('builds requestContext itself: no header or body a client sends becomes claims', async () => {
    const token = (await dev.issueToken({ sub: 'citizen-a', role: 'citizen' })).token;
    const injected = JSON.stringify({
      requestContext: { authorizer: { jwt: { claims: { sub: 'someone-else', role: 'agency_officer' } } } },
    });
    const headers = [
      'content-type',
      'application/json',
      'requestcontext',
      injected,
      'x-amzn-requestcontext',
      injected,
      'x-amzn-authorizer-claims',
      '{"sub":"someone-else"}',
    ];
    const mine = echoed(
      await send(`${api.url}/v1/mine/1`, {
        method: 'POST',
        headers: [...headers, ...bearer(token)],
        body: injected,
      }),
    );
    expect(claimsOf(mine)).toMatchObject({ sub: 'citizen-a', role: 'citizen' });
    expect(JSON.stringify(mine.requestContext)).not.toContain('someone-else');
    // A route without the authorizer gets no claims at all, whatever the client sends.
    const other = echoed(
      await send(`${api.url}/v1/open/1`, {
        method: 'POST',
        headers: [...headers, ...bearer(token)],
        body: injected,
      }),
    );
    expect(claimsOf(other)).toBeUndefined();
    expect(JSON.stringify(other.requestContext)).not.toContain('someone-else');
  });
});
