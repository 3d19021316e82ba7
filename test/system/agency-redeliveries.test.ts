/**
 * An agency redelivers over the whole local portal: by time window (every webhook it was sent in the
 * window, again under its own webhook-id, each once), and its redelivery requests are rate-limited per
 * agency (429 with Retry-After and the error shape, in Vietnamese and English) once over the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_HEADER, signWebhook } from '../../functions/core/webhooks.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import {
  type AgencySecrets,
  channelSecret,
  readAgencySecrets,
  signedAgencyGet,
} from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import type { Json } from '../support/portal-api.js';
import { until } from '../support/wait.js';

/** Three redelivery requests an hour per agency: the fourth is refused. */
const SETTINGS = {
  RATE_LIMITS: JSON.stringify({ redeliveries: { windowSeconds: 3600, perAccount: 3, perIp: 300 } }),
};
const saved = Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, process.env[k]]));

let portal: LocalPortal;
let secrets: AgencySecrets;
let token: string;
let agencyId: string;

beforeAll(async () => {
  Object.assign(process.env, SETTINGS);
  portal = await startTestPortal();
  secrets = await readAgencySecrets(portal);
  token = await portal.token({ sub: 'citizen-agency-redeliveries' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

let seq = 0;
async function submit(): Promise<string> {
  const res = await fetch(`${portal.url}/v1/dossiers`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': `agency-redeliveries-${++seq}`,
    },
    body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { dossiers: { code: string; agencyId: string }[] };
  agencyId = body.dossiers[0]!.agencyId;
  return body.dossiers[0]!.code;
}

const accepted = (code: string) =>
  portal.simulator.deliveries.filter(
    (d) => (d.payload as { dossierCode?: string })?.dossierCode === code && d.status >= 200 && d.status < 300,
  );

async function redeliver(body: unknown) {
  const text = JSON.stringify(body);
  const res = await fetch(`${portal.url}/v1/agency/redeliveries`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [AGENCY_HEADER]: agencyId,
      ...signWebhook(channelSecret(secrets, agencyId), `req_${Date.now()}_${seq++}`, text),
    },
    body: text,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Json };
}

describe("an agency's redeliveries", () => {
  it('redelivers every webhook of a time window once, under its own webhook-id', async () => {
    const from = new Date().toISOString();
    const codes = [await submit(), await submit()];
    for (const code of codes)
      await until(`${code} delivered`, () => (accepted(code).length === 1 ? true : undefined), 20_000);
    const to = new Date(Date.now() + 1000).toISOString();
    // A dossier delivered outside the window is not sent again.
    await new Promise((r) => setTimeout(r, 1_100));
    const later = await submit();
    await until(
      'the later dossier delivered',
      () => (accepted(later).length === 1 ? true : undefined),
      20_000,
    );

    const res = await redeliver({ from, to, requestId: 'window-redelivery-0001' });
    expect(res.status).toBe(202);
    expect(res.body.count).toBe(2);
    await until(
      'both redelivered',
      () => (codes.every((c) => accepted(c).length >= 2) ? true : undefined),
      20_000,
    );
    await portal.simulator.idle();
    await new Promise((r) => setTimeout(r, 1_000));
    for (const code of codes) {
      const [first, again, ...more] = accepted(code);
      expect(more).toEqual([]);
      expect(again!.webhookId).toBe(first!.webhookId);
      expect(again!.duplicate).toBe(true);
    }
    expect(accepted(later)).toHaveLength(1);
    const log = await signedAgencyGet(
      portal,
      secrets,
      `/v1/agency/deliveries?dossierCode=${codes[0]}&status=delivered`,
      agencyId,
    );
    expect(log.body.items[0]).toMatchObject({ redeliveryId: res.body.redeliveryId });
  }, 90_000);

  it('refuses a request over the limit with 429, Retry-After and the error shape', async () => {
    // The window request above was the first of three; two more pass (an empty window still counts).
    const empty = { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' };
    expect((await redeliver({ ...empty, requestId: 'empty-window-0002' })).status).toBe(202);
    expect((await redeliver({ ...empty, requestId: 'empty-window-0003' })).status).toBe(202);
    const refused = await redeliver({ ...empty, requestId: 'empty-window-0004' });
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(3600);
    expect(refused.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringContaining('Retry-After'),
      messageVi: expect.stringContaining('Retry-After'),
    });
    // The limit is the agency's: its log still reads (a GET is not a redelivery).
    expect((await signedAgencyGet(portal, secrets, '/v1/agency/deliveries?limit=1', agencyId)).status).toBe(
      200,
    );
  }, 30_000);
});
