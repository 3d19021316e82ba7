import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPATCH } from '../../functions/core/resources.js';
import { functionFromHandler, type LambdaHandler } from '../../lib/local/lambda.js';
import { memoryLog } from '../../lib/local/log.js';
import { failedMessageIds, type QueuePump, startQueuePump } from '../../lib/local/queue-pump.js';
import { ensureQueue, type SqsLocal, startSqsLocal } from '../../lib/local/sqs-local.js';
import { LOCAL_CREDENTIALS } from '../../lib/local/store-clients.js';
import { until } from '../support/wait.js';

describe('SQS → dispatcher pump', () => {
  let server: SqsLocal;
  let sqs: SQSClient;
  const pumps: QueuePump[] = [];

  beforeAll(async () => {
    server = await startSqsLocal();
    sqs = new SQSClient({
      endpoint: server.endpoint,
      region: 'ap-southeast-1',
      credentials: { ...LOCAL_CREDENTIALS },
    });
  });

  afterAll(async () => {
    await Promise.all(pumps.map((p) => p.stop()));
    sqs?.destroy();
    await server?.stop();
  });

  async function queueWithDlq(name: string, maxReceiveCount: number) {
    const dlq = await ensureQueue(sqs, `${name}-dlq`);
    const queue = await ensureQueue(sqs, name, {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
    });
    return { queue, dlq };
  }

  function pump(
    queue: { url: string; arn: string },
    handler: LambdaHandler<SQSEvent, SQSBatchResponse | undefined>,
  ) {
    const p = startQueuePump({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      fn: functionFromHandler({ name: 'test-dispatcher', timeoutSeconds: 5, handler }),
      visibilityTimeoutSeconds: 1,
      idleDelayMs: 50,
      log: memoryLog(),
    });
    pumps.push(p);
    return p;
  }

  async function depth(url: string) {
    const res = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(res.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  it('delivers Lambda-shaped records, deletes successes, and lets failures reach the DLQ after maxReceiveCount', async () => {
    const { queue, dlq } = await queueWithDlq('pump-partial', 2);
    const seen: SQSRecord[] = [];
    const p = pump(queue, async (event) => {
      seen.push(...event.Records);
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          {
            Id: '1',
            MessageBody: 'ok-1',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'dossier' } },
          },
          { Id: '2', MessageBody: 'bad' },
          { Id: '3', MessageBody: 'ok-2' },
        ],
      }),
    );

    const dead = await until('the failing message in the DLQ', async () => {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10, AttributeNames: ['All'] }),
      );
      return res.Messages?.length ? res.Messages : undefined;
    });
    expect(dead.map((m) => m.Body)).toEqual(['bad']);

    const bodies = (body: string) => seen.filter((r) => r.body === body);
    expect(bodies('ok-1')).toHaveLength(1);
    expect(bodies('ok-2')).toHaveLength(1);
    expect(bodies('bad').map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(await depth(queue.url)).toBe(0);
    expect(p.stats.deleted).toBe(2);

    const record = bodies('ok-1')[0]!;
    expect(record).toMatchObject({
      body: 'ok-1',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:pump-partial',
      awsRegion: 'ap-southeast-1',
      md5OfBody: createHash('md5').update('ok-1').digest('hex'),
      messageAttributes: {
        kind: { dataType: 'String', stringValue: 'dossier', stringListValues: [], binaryListValues: [] },
      },
    });
    expect(record.messageId).toMatch(/\S+/);
    expect(record.receiptHandle).toMatch(/\S+/);
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(0);
    expect(record.attributes.SenderId).toMatch(/\S+/);
  });

  it('deletes nothing when the dispatcher throws, so the batch is delivered again', async () => {
    const { queue, dlq } = await queueWithDlq('pump-throw', 3);
    const counts: string[] = [];
    pump(queue, async (event) => {
      counts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      if (counts.length === 1) throw new Error('agency endpoint unreachable');
      return undefined;
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'dossier' }));
    await until('the second delivery', () => (counts.length >= 2 ? true : undefined));
    await until('the queue to drain', async () => ((await depth(queue.url)) === 0 ? true : undefined));
    expect(counts).toEqual(['1', '2']);
    expect(await depth(dlq.url)).toBe(0);
  });

  it('counts one receive per delivery when the dispatcher backs a failure off, so a message gets its 6 tries', async () => {
    const { queue, dlq } = await queueWithDlq('pump-backoff', DISPATCH.maxReceiveCount);
    const counts: string[] = [];
    pump(queue, async (event) => {
      counts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      // As the dispatcher does: hide the failed message for its backoff, then report it failed.
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queue.url,
          Entries: event.Records.map((r, n) => ({
            Id: String(n),
            ReceiptHandle: r.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'dossier' }));
    const dead = await until('the message in the DLQ', async () => {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }));
      return res.Messages?.length ? res.Messages : undefined;
    });
    expect(dead.map((m) => m.Body)).toEqual(['dossier']);
    expect(counts).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('reads a partial batch response as Lambda does', () => {
    const ids = ['a', 'b', 'c'];
    expect(failedMessageIds(undefined, ids)).toEqual(new Set());
    expect(failedMessageIds({ batchItemFailures: [] }, ids)).toEqual(new Set());
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, ids)).toEqual(new Set(['b']));
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'zzz' }] }, ids)).toBe('all');
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: '' }] }, ids)).toBe('all');
  });
});
