/**
 * The SMS provider refusing every notice for load (SNS over the account's rate, as at a national peak):
 * on the local portal's real queue, the notices wait — back later, then parked as fresh copies, past the
 * queue's maxReceiveCount — and none reaches the DLQ; once the provider takes them again, they are sent.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATIONS } from '../../functions/core/resources.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
const saved = process.env.NOTIFY_BACKOFF_SCALE;

beforeAll(async () => {
  // The waits shrink to nothing (seconds × 0.001): receives and parks follow one another at once.
  process.env.NOTIFY_BACKOFF_SCALE = '0.001';
  portal = await startTestPortal({
    slaIntervalMs: 0,
    reconcileIntervalMs: 0,
    escalationIntervalMs: 0,
    faults: { notifications: { throttle: 1 }, queues: { visibilityTimeoutSeconds: 1 } },
  });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  if (saved === undefined) delete process.env.NOTIFY_BACKOFF_SCALE;
  else process.env.NOTIFY_BACKOFF_SCALE = saved;
});

const deadLetters = async () => {
  const out = await portal.stores.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: portal.stores.notificationsQueue.dlq.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const a = out.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
};

describe('notices refused for load', () => {
  it('wait in the queue past its receive limit, never in the DLQ, and are sent once the provider recovers', async () => {
    const token = await portal.token({ sub: 'citizen-throttled' });
    const res = await fetch(`${portal.url}/v1/dossiers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'throttled-0001',
      },
      body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
    });
    expect(res.status).toBe(201);
    const code = ((await res.json()) as { dossiers: { code: string }[] }).dossiers[0]!.code;

    // Refused more often than the queue's own limit allows one message: only parking kept them.
    const faults = portal.faults!;
    await until(
      'refusals past the receive limit',
      async () =>
        (faults.injected['notifications.throttle'] ?? 0) > 3 * NOTIFICATIONS.maxReceiveCount
          ? true
          : undefined,
      60_000,
    );
    expect(await deadLetters()).toBe(0);
    const before = await fetch(`${portal.url}/dev/outbox?dossierCode=${encodeURIComponent(code)}`);
    expect(((await before.json()) as { items: unknown[] }).items).toEqual([]);

    faults.stop();
    const sent = await until(
      'the notices sent after the provider recovered',
      async () => {
        const got = await fetch(`${portal.url}/dev/outbox?dossierCode=${encodeURIComponent(code)}`);
        const items = ((await got.json()) as { items: { topic: string; channel: string }[] }).items;
        return items.some((m) => m.topic === 'dossier.submitted') ? items : undefined;
      },
      60_000,
    );
    expect(sent.filter((m) => m.topic === 'dossier.submitted' && m.channel === 'sms')).toHaveLength(1);
    expect(await deadLetters()).toBe(0);
  }, 150_000);
});
