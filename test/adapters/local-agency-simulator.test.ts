import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENCY_HEADER,
  newWebhookSecret,
  signWebhook,
  verifyWebhook,
} from '../../functions/core/webhooks.js';
import { type AgencySimulator, startAgencySimulator } from '../../lib/local/agency-simulator.js';
import { memoryLog } from '../../lib/local/log.js';
import { listen } from '../../lib/local/net.js';

interface PortalCall {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

const secrets = { cahn: [newWebhookSecret()], bhxh: [newWebhookSecret()] };
const delivery = (dossierCode: string) =>
  JSON.stringify({
    type: 'dossier.submitted',
    dossierCode,
    submissionId: '01JD0000000000000000000000',
    procedureCode: '1.002804',
    agencyId: 'cahn',
    submittedAt: '2026-11-22T03:00:00.000Z',
    dueAt: '2026-11-29T10:00:00.000Z',
    form: {},
    attachments: [],
  });

describe('agency simulator', () => {
  let sim: AgencySimulator;
  let portal: Server;
  const calls: PortalCall[] = [];
  /** Statuses the fake portal answers next; 200 once exhausted. */
  let script: number[] = [];

  beforeAll(async () => {
    portal = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = req.url === '/v1/agency/events' ? (script.shift() ?? 200) : 404;
        calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    const port = await listen(portal, 0);
    sim = await startAgencySimulator({
      secrets,
      portalUrl: `http://127.0.0.1:${port}`,
      delayMs: 20,
      callbackBackoffMs: 20,
      log: memoryLog(),
    });
  });

  beforeEach(() => {
    calls.length = 0;
    script = [];
  });

  afterAll(async () => {
    await sim?.stop();
    await new Promise<void>((resolve) => portal?.close(() => resolve()));
  });

  const deliver = (agencyId: string, body: string, headers: Record<string, string>) =>
    fetch(sim.endpointFor(agencyId), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('refuses a delivery with a bad signature and never calls back', async () => {
    const body = delivery('CAHN-261122-0001');
    const forged = signWebhook(newWebhookSecret(), 'msg_forged', body);
    const res = await deliver('cahn', body, forged);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_SIGNATURE');

    const tampered = signWebhook(secrets.cahn[0]!, 'msg_tampered', body);
    expect((await deliver('cahn', body.replace('0001', '0002'), tampered)).status).toBe(401);
    expect((await deliver('cahn', body, {})).status).toBe(401);

    await sim.idle();
    expect(calls).toHaveLength(0);
  });

  it("accepts a signed dossier and reports it received, then in progress, signed with the agency's secret", async () => {
    const body = delivery('CAHN-261122-0003');
    const res = await deliver('cahn', body, signWebhook(secrets.cahn[0]!, 'msg_ok_1', body));
    expect(res.status).toBe(202);
    await sim.idle();

    expect(calls.map((c) => JSON.parse(c.body).type)).toEqual(['dossier.received', 'dossier.in_progress']);
    for (const call of calls) {
      expect(call.headers[AGENCY_HEADER]).toBe('cahn');
      expect(call.headers['content-type']).toBe('application/json');
      const headers = Object.fromEntries(Object.entries(call.headers).map(([k, v]) => [k, String(v)]));
      expect(verifyWebhook(secrets.cahn, call.body, headers)).toBe(true);
      expect(verifyWebhook(secrets.bhxh, call.body, headers)).toBe(false);
    }
    const [received, inProgress] = calls.map((c) => JSON.parse(c.body));
    expect(received).toMatchObject({
      dossierCode: 'CAHN-261122-0003',
      appointmentAt: '2026-11-29T10:00:00.000Z',
    });
    expect(received.eventId).toMatch(/^evt_[0-9a-f-]{36}$/);
    expect(inProgress).toMatchObject({ dossierCode: 'CAHN-261122-0003', step: 'Thẩm định hồ sơ' });
    expect(inProgress.eventId).not.toBe(received.eventId);
    expect(sim.deliveries.at(-1)).toMatchObject({ agencyId: 'cahn', webhookId: 'msg_ok_1', status: 202 });
  });

  it('acknowledges a redelivered webhook-id without processing it again', async () => {
    const body = delivery('CAHN-261122-0004');
    const headers = signWebhook(secrets.cahn[0]!, 'msg_dup', body);
    expect((await deliver('cahn', body, headers)).status).toBe(202);
    const again = await deliver('cahn', body, headers);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: true, duplicate: true });
    await sim.idle();
    expect(calls).toHaveLength(2);
  });

  it('simulates an outage for the next deliveries', async () => {
    sim.failNext('bhxh', 2);
    const body = delivery('BHXHHN-261122-0001');
    const headers = signWebhook(secrets.bhxh[0]!, 'msg_outage', body);
    expect((await deliver('bhxh', body, headers)).status).toBe(503);
    expect((await deliver('bhxh', body, headers)).status).toBe(503);
    expect((await deliver('bhxh', body, headers)).status).toBe(202);
    await sim.idle();
    expect(calls).toHaveLength(2);
  });

  it('retries its callback while the portal answers 5xx, and stops at a 4xx', async () => {
    script = [500, 503];
    const body = delivery('CAHN-261122-0005');
    expect((await deliver('cahn', body, signWebhook(secrets.cahn[0]!, 'msg_retry', body))).status).toBe(202);
    await sim.idle();
    expect(calls.map((c) => c.status)).toEqual([500, 503, 200, 200]);
    const eventIds = calls.slice(0, 3).map((c) => JSON.parse(c.body).eventId);
    expect(new Set(eventIds).size).toBe(1);
    expect(sim.callbacks.at(-2)).toMatchObject({ type: 'dossier.received', attempts: 3, status: 200 });

    calls.length = 0;
    script = [409];
    const other = delivery('CAHN-261122-0006');
    expect((await deliver('cahn', other, signWebhook(secrets.cahn[0]!, 'msg_conflict', other))).status).toBe(
      202,
    );
    await sim.idle();
    expect(calls.map((c) => c.status)).toEqual([409]);
  });

  it('answers unknown agencies 404', async () => {
    const body = delivery('X-261122-0001');
    expect((await deliver('nobody', body, signWebhook(secrets.cahn[0]!, 'msg_x', body))).status).toBe(404);
  });
});
