/**
 * The dispatcher reports each batch's own failures, even when the local cloud (or a runtime that runs
 * several invocations in one process) hands it batches of two agency queues at once.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/dispatch/dispatcher.js';

const record = (messageId: string): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  // Not a dispatch message: the dispatcher fails it without touching any store.
  body: JSON.stringify({ type: 'dossier.submitted' }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:cong-local-agency-x',
  awsRegion: 'ap-southeast-1',
});

const batch = (...ids: string[]): SQSEvent => ({ Records: ids.map(record) });

describe('the dispatcher under concurrent batches', () => {
  it('reports to each batch exactly the messages of that batch that failed', async () => {
    const [first, second] = await Promise.all([handler(batch('a1', 'a2')), handler(batch('b1'))]);
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a1', 'a2']);
    expect(second.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['b1']);
  });
});
