/**
 * Bulkheads inside one batch: a slow agency sharing a channel delays no other agency's deliveries, runs
 * at most its own limit at once, and after one timeout its remaining messages are held back, not sent.
 * Deterministic: deliveries are promises the test settles, nothing waits on the clock.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/core/config.js';
import { DISPATCH } from '../../functions/core/resources.js';
import { DeliveryFailed } from '../../functions/dispatch/deliver.js';
import { bulkheads, holdBack, limiter } from '../../functions/dispatch/dispatcher.js';

const record = (messageId: string, agencyId: string): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body: JSON.stringify({
    type: 'dossier.submitted',
    dossierCode: `D-${messageId}`,
    agencyId,
    webhookId: `wh-${messageId}`,
  }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:cong-local-agency-p01',
  awsRegion: 'ap-southeast-1',
});

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A fake endpoint per agency: `slow` agencies hang until the test ends their requests. */
function fakeDeliveries(slow: Set<string>) {
  const started: string[] = [];
  const done: string[] = [];
  const heldBack: string[] = [];
  const hanging: { id: string; fail: (err: unknown) => void }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const handle = async (r: SQSRecord) => {
    const { agencyId } = JSON.parse(r.body) as { agencyId: string };
    started.push(r.messageId);
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    try {
      if (slow.has(agencyId)) await new Promise<void>((_, fail) => hanging.push({ id: r.messageId, fail }));
      done.push(r.messageId);
    } finally {
      inFlight -= 1;
    }
  };
  const holdBack = async (r: SQSRecord) => {
    heldBack.push(r.messageId);
    throw new DeliveryFailed('held back', undefined, 'paused');
  };
  return { handle, holdBack, started, done, heldBack, hanging, most: () => mostInFlight };
}

const timedOut = () =>
  new DeliveryFailed('no answer', undefined, 'failed', false, { retryInSeconds: 5, timedOut: true });

describe('per-agency bulkheads within a batch', () => {
  it('delivers other agencies while a slow one hangs, and holds its rest back after a timeout', async () => {
    const fake = fakeDeliveries(new Set(['slow']));
    // The slow agency's messages come first, as they would behind a backlog on a shared channel.
    const records = [
      ...['s1', 's2', 's3', 's4', 's5'].map((id) => record(id, 'slow')),
      record('f1', 'fast-a'),
      record('f2', 'fast-b'),
      record('f3', 'fast-a'),
    ];
    const event: SQSEvent = { Records: records };
    const result = processPartialResponse(
      event,
      bulkheads(fake.handle, fake.holdBack, 2),
      new BatchProcessor(EventType.SQS),
      { throwOnFullBatchFailure: false, processInParallel: true },
    );
    await settle();
    // The other agencies are delivered while the slow one's first two requests still hang.
    expect(fake.done.sort()).toEqual(['f1', 'f2', 'f3']);
    expect(fake.hanging.map((h) => h.id)).toEqual(['s1', 's2']);
    expect(fake.started.filter((id) => id.startsWith('s'))).toEqual(['s1', 's2']);
    // Both time out: the slow agency's other three are not sent in this batch.
    for (const h of fake.hanging) h.fail(timedOut());
    const { batchItemFailures } = await result;
    expect(fake.started.filter((id) => id.startsWith('s'))).toEqual(['s1', 's2']);
    expect(fake.heldBack.sort()).toEqual(['s3', 's4', 's5']);
    expect(batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
  });

  it('keeps sending an agency whose failures are not timeouts', async () => {
    let calls = 0;
    const handle = async (r: SQSRecord) => {
      calls += 1;
      if (r.messageId === 'a1') throw new DeliveryFailed('agency answered 500');
    };
    const heldBack: string[] = [];
    const run = bulkheads(handle, async (r) => void heldBack.push(r.messageId), 1);
    const outcomes = await Promise.allSettled(['a1', 'a2', 'a3'].map((id) => run(record(id, 'a'))));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(calls).toBe(3);
    expect(heldBack).toEqual([]);
  });

  it('never runs more of one agency than its limit, and runs them all', async () => {
    const fake = fakeDeliveries(new Set(['slow']));
    const run = bulkheads(fake.handle, fake.holdBack, 3);
    const all = Promise.allSettled(Array.from({ length: 10 }, (_, i) => run(record(`s${i}`, 'slow'))));
    let finished = 0;
    for (let round = 0; round < 10 && fake.hanging.length > 0; round++) {
      await settle();
      expect(fake.hanging.length - finished).toBeLessThanOrEqual(3);
      // Ends the requests in flight as failures that are not timeouts, so the next ones start.
      for (const h of fake.hanging.slice(finished)) h.fail(new DeliveryFailed('agency answered 503'));
      finished = fake.hanging.length;
      await settle();
    }
    await all;
    expect(fake.most()).toBe(3);
    expect(fake.started).toHaveLength(10);
  });
});

describe('limiter', () => {
  it('starts waiting tasks in order as slots free up', async () => {
    const run = limiter(2);
    const order: number[] = [];
    const gates = Array.from({ length: 4 }, () => {
      let resolve = () => {};
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      return { promise, resolve };
    });
    const tasks = gates.map((g, i) =>
      run(async () => {
        order.push(i);
        await g.promise;
      }),
    );
    await settle();
    expect(order).toEqual([0, 1]);
    gates[1]!.resolve();
    await settle();
    expect(order).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    await Promise.all(tasks);
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe('a message held back after its agency timed out', () => {
  const url = 'https://sqs.ap-southeast-1.amazonaws.com/000000000000/cong-local-agency-p01';
  // The configuration the dispatcher reads: its queues, and what every function needs to start.
  const env: Record<string, string> = {
    AGENCY_QUEUE_URLS: JSON.stringify({ p01: url }),
    TABLE_NAME: 'cong-test',
    UPLOADS_BUCKET: 'cong-test-scans',
    JWT_ISSUER: 'https://issuer.test',
    JWT_AUDIENCE: 'cong-test',
    JWT_JWKS_URL: 'https://issuer.test/jwks',
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  beforeEach(() => {
    Object.assign(process.env, env);
    resetConfig();
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
  });

  it('goes back to its queue on backoff and is reported failed, not sent', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    try {
      const err = await holdBack(record('m1', 'slow'), 'slow').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryFailed);
      expect((err as DeliveryFailed).kind).toBe('paused');
      const calls = sqs.commandCalls(ChangeMessageVisibilityCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args[0].input).toMatchObject({ QueueUrl: url, ReceiptHandle: 'rh-m1' });
      const wait = calls[0]!.args[0].input.VisibilityTimeout!;
      expect(wait).toBe((err as DeliveryFailed).extra.retryInSeconds);
      expect(wait).toBeLessThanOrEqual(DISPATCH.backoffCapSeconds);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    } finally {
      sqs.restore();
    }
  });

  it('near its last receive is parked again rather than sent towards the DLQ', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({});
    try {
      const last = record('m2', 'slow');
      last.attributes.ApproximateReceiveCount = String(DISPATCH.maxReceiveCount - 1);
      await expect(holdBack(last, 'slow')).resolves.toBeUndefined();
      const sent = sqs.commandCalls(SendMessageCommand);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.args[0].input).toMatchObject({ QueueUrl: url, MessageBody: last.body });
    } finally {
      sqs.restore();
    }
  });
});
