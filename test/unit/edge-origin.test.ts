import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, resetConfig } from '../../functions/core/config.js';
import {
  clientAddress,
  EDGE_ORIGIN_HEADER,
  matchesEdgeSecret,
  parseViewerAddress,
  VIEWER_ADDRESS_HEADER,
} from '../../functions/core/edge-origin.js';
import { httpFunction } from '../../functions/core/http.js';
import { routesOf } from '../../functions/routes.js';
import { call } from '../support/api-event.js';
import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

const CURRENT = 'c'.repeat(48);
const PREVIOUS = 'p'.repeat(48);

describe('the viewer address CloudFront forwards', () => {
  it.each([
    ['198.51.100.10:46532', '198.51.100.10'],
    ['2001:db8::1:46532', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    [' 203.0.113.7:1 ', '203.0.113.7'],
  ])('reads %s as %s', (header, ip) => {
    expect(parseViewerAddress(header)).toBe(ip);
  });

  it.each([
    [undefined],
    [''],
    ['198.51.100.10'],
    ['198.51.100.10:'],
    ['host.example:80'],
    ['1.2.3.4:123456'],
    [':80'],
  ])('refuses %s', (header) => {
    expect(parseViewerAddress(header)).toBeUndefined();
  });

  it('is trusted only behind the edge, and falls back to the source address', () => {
    const headers = { [VIEWER_ADDRESS_HEADER]: '198.51.100.10:46532' };
    // Locally anyone could send the header: the connection's own address counts.
    expect(clientAddress(headers, '127.0.0.1', false)).toBe('127.0.0.1');
    expect(clientAddress(headers, '130.176.0.1', true)).toBe('198.51.100.10');
    expect(clientAddress({}, '130.176.0.1', true)).toBe('130.176.0.1');
    expect(clientAddress({ [VIEWER_ADDRESS_HEADER]: 'garbage' }, '130.176.0.1', true)).toBe('130.176.0.1');
  });
});

describe('the edge origin header', () => {
  it('matches the current and the previous value only', () => {
    const secret = [CURRENT, PREVIOUS];
    expect(matchesEdgeSecret(CURRENT, secret)).toBe(true);
    expect(matchesEdgeSecret(PREVIOUS, secret)).toBe(true);
    expect(matchesEdgeSecret(PREVIOUS, [CURRENT])).toBe(false);
    expect(matchesEdgeSecret(`${CURRENT}x`, secret)).toBe(false);
    expect(matchesEdgeSecret('', secret)).toBe(false);
    expect(matchesEdgeSecret(undefined, secret)).toBe(false);
  });

  it('is off unless the stage turns it on, and on needs one or two values of at least 32 characters', () => {
    const base = {
      TABLE_NAME: 't',
      UPLOADS_BUCKET: 'b',
      JWT_ISSUER: 'https://i',
      JWT_AUDIENCE: 'a',
      JWT_JWKS_URL: 'https://i/j',
    };
    expect(configSchema().parse(base).EDGE_ORIGIN_CHECK).toBe('off');
    const on = configSchema().safeParse({ ...base, EDGE_ORIGIN_CHECK: 'on' });
    expect(on.success).toBe(false);
    expect(JSON.stringify(on.error?.issues)).toContain('EDGE_ORIGIN_VALUES');
    expect(
      configSchema().parse({
        ...base,
        EDGE_ORIGIN_CHECK: 'on',
        EDGE_ORIGIN_VALUES: `${CURRENT},${PREVIOUS}`,
      }),
    ).toMatchObject({ EDGE_ORIGIN_CHECK: 'on', EDGE_ORIGIN_VALUES: [CURRENT, PREVIOUS] });
    expect(configSchema().parse({ ...base, EDGE_ORIGIN_VALUES: CURRENT }).EDGE_ORIGIN_VALUES).toEqual([
      CURRENT,
    ]);
    // A short value (an unresolved or truncated one), an empty one, or a third one is a misconfiguration.
    for (const values of ['short', `${CURRENT},`, `${CURRENT},${PREVIOUS},${CURRENT}`, ''])
      expect(
        configSchema().safeParse({ ...base, EDGE_ORIGIN_CHECK: 'on', EDGE_ORIGIN_VALUES: values }).success,
      ).toBe(false);
  });
});

describe('every HTTP function behind the edge', () => {
  let issuer: TestIssuer;
  const subjects: string[] = [];
  let created = 0;
  const seen: Record<string, string | undefined>[] = [];
  const uploads = httpFunction(
    routesOf('uploads'),
    {
      createUpload: async (req) => {
        created += 1;
        seen.push({ ...req.headers });
        return { body: { ok: true } };
      },
    },
    {
      rateLimits: () => ({
        take: async (_cls, subject) => {
          subjects.push(subject);
          return true;
        },
      }),
    },
  );
  const body = { fileName: 'cccd.pdf', contentType: 'application/pdf', size: 1000 };
  const upload = async (headers: Record<string, string>) =>
    call(uploads, {
      routeKey: 'POST /v1/uploads',
      headers: { authorization: `Bearer ${await issuer.token('edge-citizen')}`, ...headers },
      body,
    });
  const edge = (state: 'on' | 'off', values = `${CURRENT},${PREVIOUS}`) => {
    testEnv(issuer, {
      EDGE_ORIGIN_CHECK: state,
      EDGE_ORIGIN_VALUES: values,
      CONG_RATE_LIMITS: 'on',
    });
    resetConfig();
  };

  beforeAll(async () => {
    issuer = await startTestIssuer();
  });
  afterAll(() => {
    issuer.close();
    delete process.env.EDGE_ORIGIN_CHECK;
    delete process.env.EDGE_ORIGIN_VALUES;
    resetConfig();
  });
  afterEach(() => {
    subjects.length = 0;
    seen.length = 0;
    created = 0;
  });

  it('refuses a request without the header with 403 EDGE_REQUIRED, before any other work', async () => {
    edge('on');
    const res = await upload({});
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'EDGE_REQUIRED' });
    expect(typeof res.body.error.messageVi).toBe('string');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(created).toBe(0);
    expect(subjects).toEqual([]);
  });

  it('refuses a wrong value before the operation runs', async () => {
    edge('on');
    const wrong = await upload({ [EDGE_ORIGIN_HEADER]: 'x'.repeat(48) });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('EDGE_REQUIRED');
    // Once the rotation is over, the previous value is refused.
    edge('on', CURRENT);
    expect((await upload({ [EDGE_ORIGIN_HEADER]: PREVIOUS })).status).toBe(403);
    expect((await upload({ [EDGE_ORIGIN_HEADER]: `${CURRENT},${PREVIOUS}` })).status).toBe(403);
    expect(created).toBe(0);
  });

  it('serves the current and the previous value, counts the viewer and hides the header', async () => {
    edge('on');
    const viewer = { [VIEWER_ADDRESS_HEADER]: '198.51.100.10:46532' };
    expect((await upload({ [EDGE_ORIGIN_HEADER]: CURRENT, ...viewer })).status).toBe(201);
    expect((await upload({ [EDGE_ORIGIN_HEADER]: PREVIOUS, ...viewer })).status).toBe(201);
    expect(created).toBe(2);
    const ipSubjects = subjects.filter((s) => s.startsWith('ip:'));
    expect(ipSubjects).toHaveLength(2);
    // The viewer's address, not API Gateway's source (the CloudFront server; 127.0.0.1 in tests).
    const { ipSubject } = await import('../../functions/core/rate-limit.js');
    expect(ipSubjects[0]).toBe(ipSubject('198.51.100.10'));
    expect(seen.every((h) => h[EDGE_ORIGIN_HEADER] === undefined)).toBe(true);
  });

  it('fails loudly when the check is on without values, rather than letting requests through', async () => {
    edge('on', 'short');
    const res = await upload({ [EDGE_ORIGIN_HEADER]: 'short' });
    expect(res.status).toBe(500);
    expect(created).toBe(0);
  });

  it('is off locally: no header needed, and a forged viewer address is not believed', async () => {
    edge('off');
    const res = await upload({ [VIEWER_ADDRESS_HEADER]: '198.51.100.10:46532' });
    expect(res.status).toBe(201);
    const { ipSubject } = await import('../../functions/core/rate-limit.js');
    expect(subjects).toContain(ipSubject('127.0.0.1'));
    expect(subjects).not.toContain(ipSubject('198.51.100.10'));
  });
});
