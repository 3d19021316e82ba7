/**
 * Delivery to agencies through the whole local portal, with the simulator scripted per agency: 429
 * with Retry-After honoured, 500 retried, a timeout recorded, 410 Gone pausing the agency until an
 * operator resumes and redrives it (npm run redrive), a resend under a fresh webhook id, duplicate and
 * out-of-order callbacks resolved by the state machine, and the lifecycle scripts.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/core/keys.js';
import { dlqUrlOf } from '../../functions/dispatch/redrive.js';
import { findAgency } from '../../functions/registry/agencies.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { operatorCli } from '../support/operator-cli.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let db: DynamoDBDocumentClient;
let token: string;
let agencyId: string;
const saved = {
  scale: process.env.DISPATCH_BACKOFF_SCALE,
  timeout: process.env.DISPATCH_POST_TIMEOUT_MS,
};

beforeAll(async () => {
  // Backoff a thousandth of production's (the 900 s cap becomes about a second), a short POST timeout.
  process.env.DISPATCH_BACKOFF_SCALE = '0.001';
  process.env.DISPATCH_POST_TIMEOUT_MS = '700';
  portal = await startTestPortal();
  const { env } = portal;
  db = portalDynamo(env);
  token = await portal.token({ sub: 'citizen-dispatch' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  db?.destroy();
  for (const [k, v] of [
    ['DISPATCH_BACKOFF_SCALE', saved.scale],
    ['DISPATCH_POST_TIMEOUT_MS', saved.timeout],
  ] as const) {
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
      'idempotency-key': `dispatch-lifecycle-${++seq}`,
    },
    body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
  });
  const body = (await res.json()) as { dossiers: { code: string; agencyId: string }[] };
  expect(res.status).toBe(201);
  agencyId = body.dossiers[0]!.agencyId;
  return body.dossiers[0]!.code;
}

/** The agency every bhyt dossier goes to, known before the first submission. */
async function control(mode: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${portal.simulator.url}/control/${encodeURIComponent(agencyId)}`, {
    method: 'POST',
    body: JSON.stringify({ mode, ...extra }),
  });
  expect(res.status).toBe(200);
}

const deliveriesOf = (code: string) =>
  portal.simulator.deliveries.filter(
    (d) => d.webhookId?.endsWith(code) || (d.payload as { dossierCode?: string })?.dossierCode === code,
  );

async function attempts(code: string) {
  const out = await db.send(
    new QueryCommand({
      TableName: portal.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': keys.dossierPartition(code), ':sk': 'DELIVERY#' },
    }),
  );
  return (out.Items ?? []) as { status: number | null; outcome: string; error?: string; webhookId: string }[];
}

async function timeline(code: string) {
  const out = await db.send(
    new QueryCommand({
      TableName: portal.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': keys.dossierPartition(code), ':sk': keys.timelinePrefix },
    }),
  );
  return (out.Items ?? []).map((e) => e.type as string);
}

async function status(code: string) {
  const out = await db.send(new GetCommand({ TableName: portal.env.TABLE_NAME, Key: keys.dossier(code) }));
  return out.Item?.status as string | undefined;
}

const reaches = (code: string, want: string, ms = 20_000) =>
  until(`${code} to reach ${want}`, async () => ((await status(code)) === want ? true : undefined), ms);

/** Runs `npm run redrive` as an operator would, against this portal's data folder only. */
const redriveCli = (args: string[]) => operatorCli(portal, 'bin/redrive.ts', args);

describe('dispatch to a scripted agency', () => {
  it('normal: delivered once, received then in progress', async () => {
    const code = await submit();
    await reaches(code, 'in_progress');
    expect(await timeline(code)).toEqual(['dossier.submitted', 'dossier.received', 'dossier.in_progress']);
  });

  it('429 with Retry-After: the next attempt waits for it, then delivers', async () => {
    await control('fail_429', { count: 1, retryAfterSeconds: 2 });
    const code = await submit();
    await reaches(code, 'in_progress');
    const seen = deliveriesOf(code);
    expect(seen.map((d) => d.status)).toEqual([429, 202]);
    const gap = Date.parse(seen[1]!.receivedAt) - Date.parse(seen[0]!.receivedAt);
    expect(gap).toBeGreaterThanOrEqual(1_900);
    expect((await attempts(code)).map((a) => a.outcome).sort()).toEqual(['delivered', 'failed']);
  });

  it('500: retried with backoff until delivered, every attempt recorded', async () => {
    await control('fail_500', { count: 2 });
    const code = await submit();
    await reaches(code, 'in_progress');
    expect(deliveriesOf(code).map((d) => d.status)).toEqual([500, 500, 202]);
    const recorded = await attempts(code);
    expect(recorded.filter((a) => a.status === 500)).toHaveLength(2);
    expect(recorded.filter((a) => a.outcome === 'delivered')).toHaveLength(1);
  });

  it('no answer: the attempt is recorded as a timeout with a clear error, then retried', async () => {
    await control('timeout', { count: 1 });
    const code = await submit();
    await reaches(code, 'in_progress');
    const recorded = await attempts(code);
    expect(recorded.find((a) => a.outcome === 'timeout')).toMatchObject({
      status: null,
      error: 'agency endpoint gave no answer within 700 ms',
    });
  });

  it('duplicate callbacks are applied once', async () => {
    await control('duplicate', { count: 1 });
    const code = await submit();
    await reaches(code, 'in_progress');
    await portal.simulator.idle();
    const cbs = portal.simulator.callbacks.filter((c) => c.dossierCode === code);
    expect(cbs.map((c) => c.type)).toEqual(['dossier.received', 'dossier.received', 'dossier.in_progress']);
    expect(cbs[0]!.eventId).toBe(cbs[1]!.eventId);
    expect(cbs.every((c) => c.status >= 200 && c.status < 300)).toBe(true);
    expect(await timeline(code)).toEqual(['dossier.submitted', 'dossier.received', 'dossier.in_progress']);
  });

  it('out-of-order callbacks: the late receipt is acknowledged, not applied', async () => {
    await control('out_of_order', { count: 1 });
    const code = await submit();
    await until('both callbacks', async () => {
      await portal.simulator.idle();
      return portal.simulator.callbacks.filter((c) => c.dossierCode === code).length === 2 ? true : undefined;
    });
    const cbs = portal.simulator.callbacks.filter((c) => c.dossierCode === code);
    expect(cbs.map((c) => [c.type, c.status])).toEqual([
      ['dossier.in_progress', 200],
      ['dossier.received', 200],
    ]);
    expect(await status(code)).toBe('in_progress');
    expect(await timeline(code)).toEqual(['dossier.submitted', 'dossier.in_progress']);
  });

  it.each([
    ['approve_and_result', 'result_issued', 'dossier.result_issued'],
    ['reject', 'rejected', 'dossier.rejected'],
    ['supplement', 'supplement_requested', 'dossier.supplement_requested'],
    ['extend', 'in_progress', 'dossier.extended'],
  ])('%s: the agency’s script moves the dossier to %s', async (mode, want, last) => {
    await control(mode, { count: 1 });
    const code = await submit();
    await until(`${code} to record ${last}`, async () =>
      (await timeline(code)).includes(last) ? true : undefined,
    ).catch((err) => {
      throw new Error(
        `${err}: ${JSON.stringify(portal.simulator.callbacks.filter((c) => c.dossierCode === code))}`,
      );
    });
    expect(await status(code)).toBe(want);
  });

  it('410 Gone pauses the agency; resume + redrive delivers, and a resend goes out under a new id', async () => {
    await control('gone');
    const code = await submit();
    const channel = findAgency(agencyId)!.channel;
    const queue = portal.stores.agencyQueues.find((q) => q.channel === channel)!;
    await until('the agency to be paused', async () => {
      const out = await db.send(
        new GetCommand({ TableName: portal.env.TABLE_NAME, Key: keys.agencyDeliveryState(agencyId) }),
      );
      return out.Item?.paused ? out.Item : undefined;
    });
    expect((await attempts(code)).map((a) => [a.status, a.outcome])).toEqual([[410, 'gone']]);
    // The agency is back, but nothing is sent until an operator resumes it: the message reaches the DLQ.
    await control('normal');
    await until(
      'the held message to reach the DLQ',
      async () => {
        const out = await portal.stores.clients.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: dlqUrlOf(queue.url),
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        );
        return Number(out.Attributes?.ApproximateNumberOfMessages) > 0 ? true : undefined;
      },
      30_000,
    );
    expect(deliveriesOf(code)).toHaveLength(1);

    const run = await redriveCli(['--agency', agencyId, '--resume']);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ agencyId, resumed: true, redriven: 1, failed: 0 });
    await reaches(code, 'in_progress');

    const resent = await redriveCli(['--agency', agencyId, '--resend', '--dossier', code]);
    expect(resent.code, resent.err).toBe(0);
    const { webhookId } = JSON.parse(resent.out).resent[0] as { webhookId: string };
    await until('the resend to arrive', () =>
      portal.simulator.deliveries.some((d) => d.webhookId === webhookId && d.status === 202)
        ? true
        : undefined,
    );
    expect(portal.simulator.deliveries.find((d) => d.webhookId === webhookId)?.duplicate).toBe(false);
  }, 60_000);
});
