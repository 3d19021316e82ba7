/**
 * Abuse limits against the intake and tracking handlers on DynamoDB Local: the submission over an
 * account's allowance is refused with 429 and Retry-After, another account is unaffected until the
 * address's allowance is spent (each request carries the caller's address as API Gateway gives it), and
 * the account is let in again after the window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bhytForm } from '../support/forms.js';
import { type LocalRoutes, startLocalRoutes } from './support/routes.js';

const WINDOW_SECONDS = 20;
const TRACK_WINDOW_SECONDS = 600;
let portal: LocalRoutes;
const saved = { CONG_RATE_LIMITS: process.env.CONG_RATE_LIMITS, RATE_LIMITS: process.env.RATE_LIMITS };

beforeAll(async () => {
  process.env.CONG_RATE_LIMITS = 'on';
  process.env.RATE_LIMITS = JSON.stringify({
    intake: { windowSeconds: WINDOW_SECONDS, perAccount: 2, perIp: 4 },
    tracking: { windowSeconds: TRACK_WINDOW_SECONDS, perAccount: 1, perIp: 3 },
  });
  portal = await startLocalRoutes();
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

let n = 0;
async function submit(token: string) {
  const res = await portal.api('POST', '/v1/dossiers', {
    token,
    key: `rate-limit-${++n}-${Date.now()}`,
    body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  });
  const body = res.body as { error: Record<string, unknown> & { messageVi: string } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('abuse limits on intake', () => {
  it('refuse the submission over the allowance with 429 and Retry-After, until the window passes', async () => {
    const citizen = await portal.token({ sub: 'busy-citizen' });
    const neighbour = await portal.token({ sub: 'neighbour-citizen' });
    const third = await portal.token({ sub: 'third-citizen' });
    // Start at the beginning of a window, so all three requests fall in the same one.
    const intoWindow = (Date.now() / 1000) % WINDOW_SECONDS;
    if (intoWindow > 2) await sleep((WINDOW_SECONDS - intoWindow) * 1000 + 50);

    expect((await submit(citizen)).status).toBe(201);
    expect((await submit(citizen)).status).toBe(201);
    const refused = await submit(citizen);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { by: ['account'] } });
    expect(refused.body.error.messageVi).toEqual(expect.any(String));
    const retryAfter = Number(refused.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);

    // The same address, another account: within the address's larger allowance (the refused request
    // used one unit of it), which the next account then finds spent.
    expect((await submit(neighbour)).status).toBe(201);
    const crowded = await submit(third);
    expect(crowded.status).toBe(429);
    expect(crowded.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { by: ['address'] } });

    await sleep(retryAfter * 1000 + 100);
    expect((await submit(citizen)).status).toBe(201);
  }, 90_000);
});

describe('abuse limits on public tracking', () => {
  it('refuse lookups from one address over its allowance with 429 and Retry-After, right key or not', async () => {
    const citizen = await portal.token({ sub: 'tracking-citizen' });
    const filed = await portal.api('POST', '/v1/dossiers', {
      token: citizen,
      key: `rate-limit-track-${Date.now()}`,
      body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    });
    const { code, trackingKey } = (filed.body as { dossiers: { code: string; trackingKey: string }[] })
      .dossiers[0]!;
    const track = (key: string) => portal.api('GET', `/v1/track/${code}?key=${key}`);
    // Someone counting through keys (or codes) spends the address's allowance like anyone else.
    expect((await track('0'.repeat(12))).status).toBe(404);
    expect((await track('1'.repeat(12))).status).toBe(404);
    expect((await track(trackingKey)).status).toBe(200);
    const refused = await track(trackingKey);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 'tracking', by: ['address'] },
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(TRACK_WINDOW_SECONDS);
  });
});

describe('the account counted in the dossier’s own transaction', () => {
  it('lets exactly the allowance through when one account files several dossiers at once', async () => {
    const filer = await portal.token({ sub: 'parallel-filer' });
    // A window of its own: the tests before it spent some of this address's allowance.
    await sleep((WINDOW_SECONDS - ((Date.now() / 1000) % WINDOW_SECONDS)) * 1000 + 50);
    const answers = await Promise.all([submit(filer), submit(filer), submit(filer)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { by: ['account'] } });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
