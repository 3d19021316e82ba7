/**
 * Pause and resume over the whole local portal, with a small breaker (3 failures, 2 s cool-down): the
 * simulated agency fails, its deliveries are paused after 3 failures and wait in the queue (not the
 * DLQ), the agency recovers, a probe resumes it, and every dossier is delivered exactly once as new.
 * Then the agency reads its own delivery log (signed GET, and as an officer) and redelivers one dossier
 * by code under the same webhook-id.
 */
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/core/keys.js';
import { AGENCY_HEADER, signWebhook } from '../../functions/core/webhooks.js';
import { dlqUrlOf } from '../../functions/dispatch/redrive.js';
import { allAgencies, findAgency } from '../../functions/registry/agencies.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, channelSecret, readAgencySecrets } from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import type { Json } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

const SETTINGS = {
  DISPATCH_BACKOFF_SCALE: '0.001',
  DISPATCH_POST_TIMEOUT_MS: '700',
  DISPATCH_BREAKER_FAILURES: '3',
  DISPATCH_BREAKER_MINUTES: '60',
  DISPATCH_BREAKER_COOLDOWN_SECONDS: '2',
  // The operations team behind the bhxh channel's endpoint, told by e-mail (the dev outbox here).
  AGENCY_OPS_EMAILS: JSON.stringify({ bhxh: 'ops@bhxh.example' }),
};
const saved = Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, process.env[k]]));

let portal: LocalPortal;
let db: DynamoDBDocumentClient;
let secrets: AgencySecrets;
let token: string;
let agencyId: string;

beforeAll(async () => {
  Object.assign(process.env, SETTINGS);
  portal = await startTestPortal();
  db = portalDynamo(portal.env);
  secrets = await readAgencySecrets(portal);
  token = await portal.token({ sub: 'citizen-agency-deliveries' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  db?.destroy();
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
      'idempotency-key': `agency-deliveries-${++seq}`,
    },
    body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { dossiers: { code: string; agencyId: string }[] };
  agencyId = body.dossiers[0]!.agencyId;
  return body.dossiers[0]!.code;
}

async function control(mode: string) {
  const res = await fetch(`${portal.simulator.url}/control`, {
    method: 'POST',
    body: JSON.stringify({ agencyId, mode }),
  });
  expect(res.status).toBe(200);
}

const state = async () =>
  (
    await db.send(
      new GetCommand({ TableName: portal.env.TABLE_NAME, Key: keys.agencyDeliveryState(agencyId) }),
    )
  ).Item;

const accepted = (code: string) =>
  portal.simulator.deliveries.filter(
    (d) => (d.payload as { dossierCode?: string })?.dossierCode === code && d.status >= 200 && d.status < 300,
  );

async function deadLetters() {
  const channel = findAgency(agencyId)!.channel;
  const queueUrl = JSON.parse(portal.env.AGENCY_QUEUE_URLS!)[channel] as string;
  const out = await portal.stores.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: dlqUrlOf(queueUrl),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** A GET the agency's system signs: `GET <path with query>`. */
async function signedGet(pathWithQuery: string, as = agencyId) {
  const headers = {
    [AGENCY_HEADER]: as,
    ...signWebhook(channelSecret(secrets, as), `req_${Date.now()}`, `GET ${pathWithQuery}`),
  };
  const res = await fetch(`${portal.url}${pathWithQuery}`, { headers });
  return { status: res.status, body: (await res.json()) as Json };
}

async function signedPost(path: string, body: unknown) {
  const text = JSON.stringify(body);
  const res = await fetch(`${portal.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [AGENCY_HEADER]: agencyId,
      ...signWebhook(channelSecret(secrets, agencyId), `req_${Date.now()}`, text),
    },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('an agency whose endpoint fails', () => {
  const codes: string[] = [];

  it('is paused after 3 failures, its deliveries wait in the queue, and a probe resumes it: each dossier once', async () => {
    codes.push(await submit());
    await until(
      'the first dossier delivered',
      () => (accepted(codes[0]!).length === 1 ? true : undefined),
      20_000,
    );

    await control('fail');
    for (let i = 0; i < 4; i++) codes.push(await submit());
    const paused = await until(
      'the breaker to open',
      async () => {
        const s = await state();
        return s?.paused === true ? s : undefined;
      },
      30_000,
    );
    expect(paused).toMatchObject({ cause: 'breaker' });
    // The agency is told: its own log says it is paused by the breaker, and when the next probe goes.
    const told = await signedGet('/v1/agency/deliveries?limit=1');
    expect(told.body.delivery).toMatchObject({ paused: true, cause: 'breaker' });
    expect(told.body.delivery.nextProbeAt).not.toBeNull();
    // Failing attempts while closed: the breaker's 3, plus what was already in flight in the batch.
    const failedWhileClosed = portal.simulator.deliveries.filter((d) => d.status === 500).length;
    expect(failedWhileClosed).toBeGreaterThanOrEqual(3);

    // Paused for longer than a message's receives would last at the cool-down: still none in the DLQ.
    await new Promise((r) => setTimeout(r, 14_000));
    expect((await state())?.paused).toBe(true);
    expect(await deadLetters()).toBe(0);
    // Only probes reached the endpoint while paused: one per cool-down at most.
    const failedPaused =
      portal.simulator.deliveries.filter((d) => d.status === 500).length - failedWhileClosed;
    expect(failedPaused).toBeLessThanOrEqual(8);

    await control('ok');
    await until(
      'every dossier delivered',
      () => (codes.slice(1).every((c) => accepted(c).length >= 1) ? true : undefined),
      30_000,
    );
    expect(await state()).toMatchObject({ paused: false, failures: 0 });
    // The agency was told both times, on its notice channel and by e-mail to its operations contact.
    await until(
      'the pause and resume notices',
      async () => {
        const topics = (await portal.outbox({ limit: 500 }))
          .filter((m) => m.channel === 'agency' && m.to === agencyId)
          .map((m) => m.topic);
        return topics.includes('delivery.paused') && topics.includes('delivery.resumed') ? true : undefined;
      },
      15_000,
    );
    expect(findAgency(agencyId)!.channel).toBe('bhxh');
    const mails = await until(
      'the pause and resume e-mails',
      async () => {
        const sent = (await portal.outbox({ limit: 500 })).filter(
          (m) => m.channel === 'email' && m.to === 'ops@bhxh.example',
        );
        const topics = sent.map((m) => m.topic);
        return topics.includes('delivery.paused') && topics.includes('delivery.resumed') ? sent : undefined;
      },
      15_000,
    );
    expect(mails.every((m) => m.audience === 'agency' && m.subject?.includes(`[${agencyId}]`))).toBe(true);
    await portal.simulator.idle();
    for (const code of codes) {
      const got = accepted(code);
      // Delivered once as new; any second arrival carries the same webhook-id and is a duplicate.
      expect(
        got.filter((d) => !d.duplicate),
        code,
      ).toHaveLength(1);
      expect(new Set(got.map((d) => d.webhookId)).size, code).toBe(1);
    }
    expect(await deadLetters()).toBe(0);
  }, 120_000);

  it('reads its own log: signed by its system or as its officer, filtered, newest first; others see none of it', async () => {
    const code = codes[1]!;
    const path = `/v1/agency/deliveries?dossierCode=${code}`;
    const log = await signedGet(path);
    expect(log.status).toBe(200);
    const outcomes = log.body.items.map((i: { outcome: string }) => i.outcome);
    expect(outcomes).toContain('failed');
    expect(outcomes).toContain('delivered');
    expect(log.body.items[0]).toMatchObject({ dossierCode: code, eventType: 'dossier.submitted' });
    const times = log.body.items.map((i: { at: string }) => i.at);
    expect(times).toEqual([...times].sort().reverse());

    const pausedRows = await signedGet('/v1/agency/deliveries?status=paused&limit=100');
    expect(pausedRows.status).toBe(200);
    expect(pausedRows.body.items.length).toBeGreaterThan(0);
    expect(pausedRows.body.items.every((i: { outcome: string }) => i.outcome === 'paused')).toBe(true);

    // The query is signed: the same signature over another query is refused.
    const headers = {
      [AGENCY_HEADER]: agencyId,
      ...signWebhook(channelSecret(secrets, agencyId), 'req_tampered', `GET ${path}`),
    };
    const tampered = await fetch(`${portal.url}/v1/agency/deliveries?status=failed`, { headers });
    expect(tampered.status).toBe(401);

    const officer = await portal.token({ sub: 'officer-deliveries', role: 'agency_officer', agencyId });
    const asOfficer = await fetch(`${portal.url}${path}`, {
      headers: { authorization: `Bearer ${officer}` },
    });
    expect(asOfficer.status).toBe(200);
    expect(((await asOfficer.json()) as { items: unknown[] }).items).toHaveLength(log.body.items.length);

    const elsewhere = await portal.token({
      sub: 'officer-other',
      role: 'agency_officer',
      agencyId: 'cong-an-ha-noi',
    });
    const theirs = await fetch(`${portal.url}${path}`, { headers: { authorization: `Bearer ${elsewhere}` } });
    expect(((await theirs.json()) as { items: unknown[] }).items).toEqual([]);
    const citizen = await fetch(`${portal.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(citizen.status).toBe(403);
  }, 30_000);

  it('redelivers one dossier by code under the same webhook-id, once per request', async () => {
    const code = codes[2]!;
    const [first] = accepted(code);
    // Across the pause a second arrival under the same webhook-id may have come (a duplicate, see above).
    const before = accepted(code).length;
    const body = { dossierCode: code, requestId: 'redeliver-integration-1' };
    const res = await signedPost('/v1/agency/redeliveries', body);
    expect(res.status).toBe(202);
    expect(res.body.count).toBe(1);
    const again = await signedPost('/v1/agency/redeliveries', body);
    expect(again.body).toEqual(res.body);

    const redelivered = await until(
      'the redelivery',
      () => (accepted(code).length >= before + 1 ? accepted(code) : undefined),
      20_000,
    );
    await portal.simulator.idle();
    await new Promise((r) => setTimeout(r, 1_000));
    // Once per request: exactly one more arrival, however many requests named it.
    expect(accepted(code)).toHaveLength(before + 1);
    expect(redelivered[before]!.webhookId).toBe(first!.webhookId);
    expect(redelivered[before]!.duplicate).toBe(true);

    const log = await signedGet(`/v1/agency/deliveries?dossierCode=${code}&status=delivered`);
    expect(log.body.items[0]).toMatchObject({
      redeliveryId: res.body.redeliveryId,
      webhookId: first!.webhookId,
    });

    const other = await signedPost('/v1/agency/redeliveries', {
      dossierCode: 'CAHN-260101-0001',
      requestId: 'x-00000001',
    });
    expect(other.status).toBe(404);
    const reused = await signedPost('/v1/agency/redeliveries', {
      dossierCode: codes[3],
      requestId: body.requestId,
    });
    expect(reused.status).toBe(422);
  }, 40_000);

  it("moves back only its own dead letters and leaves another agency's in the channel's DLQ", async () => {
    const channel = findAgency(agencyId)!.channel;
    const neighbour = allAgencies().find((a) => a.channel === channel && a.id !== agencyId)!;
    const queueUrl = JSON.parse(portal.env.AGENCY_QUEUE_URLS!)[channel] as string;
    const [mine] = accepted(codes[3]!);
    const letters = [
      { type: 'dossier.submitted', dossierCode: codes[3], agencyId, channel, webhookId: mine!.webhookId },
      {
        type: 'dossier.submitted',
        dossierCode: 'XX-260101-0001',
        agencyId: neighbour.id,
        channel,
        webhookId: 'msg_x',
      },
    ];
    for (const l of letters)
      await portal.stores.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: dlqUrlOf(queueUrl), MessageBody: JSON.stringify(l) }),
      );
    const res = await signedPost('/v1/agency/redeliveries', {
      deadLetters: true,
      requestId: 'redrive-integration-1',
    });
    expect(res.status).toBe(202);
    expect(res.body.count).toBe(1);
    expect(await deadLetters()).toBe(1);
    // Its own came back under its webhook-id, already accepted: not delivered as new again.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(accepted(codes[3]!).filter((d) => !d.duplicate)).toHaveLength(1);
  }, 30_000);

  it('a probe answered 410 turns the breaker pause into one only an operator lifts', async () => {
    await control('fail');
    const code = await submit();
    await until(
      'the breaker to open again',
      async () => ((await state())?.cause === 'breaker' ? true : undefined),
      30_000,
    );
    await control('gone');
    await until(
      'the probe to meet 410',
      async () => ((await state())?.cause === 'gone' ? true : undefined),
      30_000,
    );
    const told = await signedGet('/v1/agency/deliveries?limit=1');
    expect(told.body.delivery).toMatchObject({ paused: true, cause: 'gone', nextProbeAt: null });
    // Even once the endpoint answers again, nothing is sent until an operator resumes.
    await control('ok');
    await new Promise((r) => setTimeout(r, 5_000));
    expect(accepted(code)).toHaveLength(0);
    expect((await state())?.paused).toBe(true);
  }, 90_000);
});
