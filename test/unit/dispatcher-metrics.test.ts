/**
 * The dispatcher counts each delivery an agency system accepted (DossiersDelivered) and each attempt
 * that failed (DeliveriesFailed), per integration channel; a delivery held back by an open circuit
 * breaker was not attempted and is not a failure.
 */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../functions/core/config.js';
import { onBusinessMetric } from '../../functions/core/metrics.js';

const outcome = vi.hoisted(() => ({ next: (): Promise<string> => Promise.resolve('delivered') }));
vi.mock('../../functions/dispatch/deliver.js', async (actual) => ({
  ...(await actual<typeof import('../../functions/dispatch/deliver.js')>()),
  deliver: () => outcome.next(),
}));
vi.mock('../../functions/dispatch/store.js', () => ({ deliveryStore: () => ({}) }));

const { handler } = await import('../../functions/dispatch/dispatcher.js');
const { DeliveryFailed } = await import('../../functions/dispatch/deliver.js');

const QUEUE = 'https://sqs.ap-southeast-1.amazonaws.com/000000000000/cong-local-agency-bhxh';
const sqs = mockClient(SQSClient);
// The configuration the dispatcher reads: its queues, and what every function needs to start.
const env: Record<string, string> = {
  AGENCY_QUEUE_URLS: JSON.stringify({ bhxh: QUEUE }),
  TABLE_NAME: 'cong-test',
  UPLOADS_BUCKET: 'cong-test-scans',
  JWT_ISSUER: 'https://issuer.test',
  JWT_AUDIENCE: 'cong-test',
  JWT_JWKS_URL: 'https://issuer.test/jwks',
};
const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));

const record = (id: string): SQSRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body: JSON.stringify({
    type: 'dossier.submitted',
    dossierCode: `CAHN-261120-000${id}`,
    agencyId: 'cahn',
    webhookId: `msg_01KAAAAAAAAAAAAAAAAAAAAAA${id}_CAHN-261120-000${id}`,
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
  eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:cong-local-agency-bhxh',
  awsRegion: 'ap-southeast-1',
});

let seen: string[];
let stop: () => void;
beforeAll(() => {
  Object.assign(process.env, env);
  resetConfig();
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfig();
});
beforeEach(() => {
  sqs.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  seen = [];
  stop = onBusinessMetric((name, count, d) => seen.push(`${name}:${count}:${d.Channel ?? '-'}`));
});
afterEach(() => stop());

describe('dispatch metrics', () => {
  it('counts an accepted delivery in DossiersDelivered for its channel', async () => {
    outcome.next = () => Promise.resolve('delivered');
    const res = await handler({ Records: [record('1')] });
    expect(res.batchItemFailures).toEqual([]);
    expect(seen).toEqual(['DossiersDelivered:1:bhxh']);
  });

  it('counts a delivery already made before (a duplicate) as nothing', async () => {
    outcome.next = () => Promise.resolve('duplicate');
    await handler({ Records: [record('2')] });
    expect(seen).toEqual([]);
  });

  it('counts a failed attempt in DeliveriesFailed, but not one the breaker held back', async () => {
    outcome.next = () => Promise.reject(new DeliveryFailed('agency answered 500'));
    const failed = await handler({ Records: [record('3')] });
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: '3' }]);
    outcome.next = () =>
      Promise.reject(new DeliveryFailed('agency paused', null, 'paused', false, { retryInSeconds: 60 }));
    await handler({ Records: [record('4')] });
    expect(seen).toEqual(['DeliveriesFailed:1:bhxh']);
    // Both went back to the queue on their backoff.
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(2);
  });
});
