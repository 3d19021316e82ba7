/**
 * The SQS → Lambda event source mapping for one agency queue (no emulator runs it): receive a batch,
 * hand the dispatcher an SQSEvent shaped as Lambda delivers it, then delete what succeeded. Failed
 * messages stay in the queue, come back after their visibility timeout, and the queue's RedrivePolicy
 * moves them to the DLQ after maxReceiveCount receives, as in AWS.
 */
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { DISPATCH } from '../../functions/core/resources.js';
import type { Faults } from './faults.js';
import { LOCAL_REGION, type LocalFunction } from './lambda.js';
import { createLog, errorFields, type Log } from './log.js';
import { sleep } from './net.js';

export interface QueuePumpOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  fn: LocalFunction<SQSEvent, SQSBatchResponse | undefined | null>;
  batchSize?: number;
  visibilityTimeoutSeconds?: number;
  /**
   * local-aws-sqs holds a long poll open until the batch is full or the wait ends, even with messages
   * waiting, so a long poll would delay every delivery by the whole wait. Short polls with a short idle
   * pause deliver as soon as a message lands and stop promptly.
   */
  waitTimeSeconds?: number;
  idleDelayMs?: number;
  region?: string;
  log?: Log;
  /** Mapping faults to inject (crash or timeout mid-batch, redeliveries, duplicate batches); none when absent. */
  faults?: Faults;
}

export interface QueuePumpStats {
  invocations: number;
  deleted: number;
  failed: number;
}

export interface QueuePump {
  readonly stats: QueuePumpStats;
  stop(): Promise<void>;
}

function toLambdaAttribute(v: MessageAttributeValue): SQSMessageAttributes[string] {
  return {
    dataType: v.DataType ?? 'String',
    ...(v.StringValue === undefined ? {} : { stringValue: v.StringValue }),
    ...(v.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(v.BinaryValue).toString('base64') }),
    stringListValues: v.StringListValues ?? [],
    binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
  };
}

/** One record exactly as Lambda's SQS event source delivers it. */
export function toSqsRecord(m: Message, queueArn: string, region = LOCAL_REGION): SQSRecord {
  const body = m.Body ?? '';
  const attributes = m.Attributes ?? {};
  const record: SQSRecord = {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body,
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, toLambdaAttribute(v)]),
    ),
    md5OfBody: m.MD5OfBody ?? createHash('md5').update(body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (m.MD5OfMessageAttributes) record.md5OfMessageAttributes = m.MD5OfMessageAttributes;
  return record;
}

/**
 * Which messages failed, as Lambda reads a partial batch response: nothing returned means all
 * succeeded; an identifier that is empty or not in the batch fails the whole batch.
 */
export function failedMessageIds(
  response: SQSBatchResponse | undefined | null,
  batchIds: readonly string[],
): Set<string> | 'all' {
  const failures = response?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return new Set();
  const ids = new Set<string>();
  for (const f of failures) {
    const id = f?.itemIdentifier;
    if (typeof id !== 'string' || !batchIds.includes(id)) return 'all';
    ids.add(id);
  }
  return ids;
}

export function startQueuePump(options: QueuePumpOptions): QueuePump {
  const log = options.log ?? createLog({ src: 'queue-pump' });
  const queue = options.queueArn.split(':').pop() ?? options.queueUrl;
  const batchSize = options.batchSize ?? DISPATCH.batchSize;
  const faults = options.faults;
  const visibility =
    options.visibilityTimeoutSeconds ??
    faults?.plan.queues.visibilityTimeoutSeconds ??
    DISPATCH.visibilityTimeoutSeconds;
  const idleDelayMs = options.idleDelayMs ?? 200;
  const stats: QueuePumpStats = { invocations: 0, deleted: 0, failed: 0 };
  const stopper = new AbortController();
  let reportedUnavailable = false;

  /** The function as the mapping runs it, with the plan's crashes, timeouts and duplicate batches. */
  async function invokeWithFaults(event: SQSEvent) {
    if (!faults) return options.fn.invoke(event);
    const { queues } = faults.plan;
    if (faults.roll('queue.crashMidBatch', queues.crashMidBatch)) {
      const handled = Math.floor(faults.random() * event.Records.length);
      if (handled) await options.fn.invoke({ Records: event.Records.slice(0, handled) });
      throw new Error(
        `function crashed after ${handled} of ${event.Records.length} records (injected fault)`,
      );
    }
    if (faults.roll('queue.duplicate', queues.duplicate)) await options.fn.invoke(event);
    const response = await options.fn.invoke(event);
    if (faults.roll('queue.timeout', queues.timeout))
      throw new Error('function timed out after handling the batch (injected fault)');
    return response;
  }

  async function redeliver(receiptHandles: string[]) {
    for (let i = 0; i < receiptHandles.length; i += 10) {
      await options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: receiptHandles
            .slice(i, i + 10)
            .map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  async function deliver(messages: Message[]) {
    // The emulator can hand back one message twice in a batch (it became visible again during the
    // poll); Lambda never delivers duplicates within a batch, and the last receipt handle is the valid one.
    const unique = [...new Map(messages.map((m) => [m.MessageId, m])).values()];
    const event: SQSEvent = { Records: unique.map((m) => toSqsRecord(m, options.queueArn, options.region)) };
    const ids = event.Records.map((r) => r.messageId);
    stats.invocations++;
    let failed: Set<string> | 'all';
    try {
      failed = failedMessageIds(await invokeWithFaults(event), ids);
    } catch (err) {
      log.error('dispatcher failed; the batch returns after its visibility timeout', {
        queue,
        messages: ids.length,
        ...errorFields(err),
      });
      failed = 'all';
    }
    if (failed === 'all') {
      stats.failed += ids.length;
      return;
    }
    stats.failed += failed.size;
    const handled = event.Records.filter((r) => !failed.has(r.messageId));
    // At-least-once: a handled message may be offered again instead of deleted.
    const again = faults
      ? handled.filter(() => faults.roll('queue.redeliver', faults.plan.queues.redeliver))
      : [];
    if (again.length) await redeliver(again.map((r) => r.receiptHandle));
    const done = handled.filter((r) => !again.includes(r));
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      const res = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle })),
        }),
      );
      stats.deleted += res.Successful?.length ?? 0;
      if (res.Failed?.length) log.warn('some deletes failed', { queue, failed: res.Failed.length });
    }
    if (failed.size) log.info('batch partly failed', { queue, failed: failed.size, deleted: done.length });
  }

  async function loop() {
    const signal = stopper.signal;
    while (!signal.aborted) {
      if (!options.fn.available()) {
        if (!reportedUnavailable) log.warn('function has no code yet; messages wait in the queue', { queue });
        reportedUnavailable = true;
        await sleep(2_000, signal);
        continue;
      }
      let messages: Message[];
      try {
        const res = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: batchSize,
            VisibilityTimeout: visibility,
            WaitTimeSeconds: options.waitTimeSeconds ?? 0,
            // local-aws-sqs returns ApproximateReceiveCount only for the legacy parameter.
            AttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
        messages = res.Messages ?? [];
      } catch (err) {
        if (signal.aborted) break;
        log.warn('receive failed', { queue, ...errorFields(err) });
        await sleep(1_000, signal);
        continue;
      }
      if (messages.length === 0) {
        await sleep(idleDelayMs, signal);
        continue;
      }
      // A batch in flight finishes (and deletes its successes) even when stopping.
      await deliver(messages).catch((err: unknown) =>
        log.error('delivery failed', { queue, ...errorFields(err) }),
      );
    }
  }

  const running = loop();
  log.info('polling', { queue });
  return {
    stats,
    stop: async () => {
      stopper.abort();
      await running;
    },
  };
}
