/**
 * The operator tools behind `npm run stats:rebuild`, `payments:reconcile`, `redrive` and
 * `outbox:replay`. Each runs the shared domain code against whatever the environment names: the local
 * portal (lib/local/attach.ts) or a deployed stage (lib/ops/stage.ts). Each has a dry run that reads
 * but changes nothing, shows progress on stderr and returns a report (printed as JSON on stdout).
 *
 * Shared modules are imported inside the runners: the environment must be in place before the logger
 * and the configuration are first read.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { functions } from '../../functions/deployment.js';
import type { ChannelQueues } from '../../functions/dispatch/redrive.js';
import { type Progress, progress } from './progress.js';

export interface ToolResult<R> {
  report: R & { dryRun: boolean };
  exitCode: number;
}

/** Approximate number of messages in a queue (visible and in flight), for the progress bar's total. */
async function queueDepth(sqs: SQSClient, QueueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const a = out.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// stats:rebuild

export async function runStatsRebuild(o: { agencies?: string[]; dryRun: boolean; bar?: Progress }) {
  const { allAgencies } = await import('../../functions/registry/agencies.js');
  const { rebuildStats, rebuildStore } = await import('../../functions/stats/rebuild.js');
  const ids = o.agencies?.length ? o.agencies : allAgencies().map((a) => a.id);
  const store = rebuildStore();
  const bar = o.bar ?? progress('agencies');
  bar.total(ids.length);
  try {
    const report = await rebuildStats(
      {
        ...store,
        agencyRecords: async (id) => {
          const records = await store.agencyRecords(id);
          bar.tick();
          return records;
        },
        // A dry run computes and compares, and stores nothing.
        ...(o.dryRun ? { saveRebuilt: async () => {}, saveRebuiltNow: async () => {} } : {}),
      },
      ids,
    );
    return { report: { ...report, dryRun: o.dryRun }, exitCode: report.differences.length ? 1 : 0 };
  } finally {
    bar.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// payments:reconcile

/** Pending payments a dry run lists at most (a run itself works through them all while its time lasts). */
const DRY_RUN_LISTED = 1_000;

export interface ReconcileDryRun {
  /** Pending payments the run would ask their providers about, oldest of each shard first. */
  pending: string[];
  olderThanSeconds: number;
}

/**
 * Reconciles in this process (local portal), or in AWS by invoking the stage's reconcile function,
 * which holds the providers' settings and secrets. A dry run lists the pending payments from the table.
 */
export async function runPaymentsReconcile(o: {
  all: boolean;
  dryRun: boolean;
  /** The deployed function (`--stage`); absent for the local portal. */
  functionName?: string;
  lambda?: LambdaClient;
  bar?: Progress;
}) {
  const { config } = await import('../../functions/core/config.js');
  const olderThanSeconds = o.all ? 0 : config().PAYMENT_RECONCILE_AFTER_SECONDS;
  const bar = o.bar ?? progress('payments');
  try {
    if (o.dryRun) {
      const { paymentStore } = await import('../../functions/payments/store.js');
      const { listWaitingUpTo } = await import('../../functions/payments/reconcile.js');
      const before = new Date(Date.now() - olderThanSeconds * 1000).toISOString();
      const pending = await listWaitingUpTo(paymentStore(), 'pending', before, DRY_RUN_LISTED);
      bar.total(pending.length);
      bar.tick(pending.length);
      return { report: { pending, olderThanSeconds, dryRun: true }, exitCode: 0 };
    }
    if (o.functionName) {
      bar.total(1);
      const lambda = o.lambda ?? new LambdaClient({});
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: o.functionName,
          Payload: new TextEncoder().encode(JSON.stringify({ olderThanSeconds })),
        }),
      );
      bar.tick();
      const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
      if (out.FunctionError) throw new Error(`the reconcile function failed: ${text}`);
      const report = JSON.parse(text) as { errors: unknown[] };
      return { report: { ...report, dryRun: false }, exitCode: report.errors.length ? 1 : 0 };
    }
    const { reconcilePayments } = await import('../../functions/payments/reconcile.js');
    const { paymentStore } = await import('../../functions/payments/store.js');
    const { providerFor } = await import('../../functions/payments/providers.js');
    const store = paymentStore();
    let listed = 0;
    const report = await reconcilePayments(
      {
        ...store,
        // The total grows page by page: a backlog's size is known only as it is read.
        listWaiting: async (...args) => {
          const page = await store.listWaiting(...args);
          if (args[0] === 'pending') {
            listed += page.entries.length;
            bar.total(listed);
          }
          return page;
        },
        loadPayment: async (id) => {
          bar.tick();
          return store.loadPayment(id);
        },
      },
      providerFor,
      olderThanSeconds,
    );
    return { report: { ...report, dryRun: false }, exitCode: report.errors.length ? 1 : 0 };
  } finally {
    bar.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// redrive

export interface RedriveOptions {
  agencyId: string;
  channel: string;
  queueUrl: string;
  since?: Date;
  dossierCodes?: string[];
  resend?: boolean;
  resume?: boolean;
  dryRun: boolean;
  /** Long-poll seconds per DLQ receive: 2 in AWS, 0 for the local emulator. */
  waitSeconds: number;
  tableName: string;
  sqs: SQSClient;
  db: DynamoDBDocumentClient;
  bar?: Progress;
}

export async function runRedrive(o: RedriveOptions) {
  const { redrive, dlqUrlOf } = await import('../../functions/dispatch/redrive.js');
  const { redrivePorts } = await import('../../functions/dispatch/redrive-sqs.js');
  const bar = o.bar ?? progress('dead letters');
  const ports = redrivePorts({
    sqs: o.sqs,
    db: o.db,
    tableName: o.tableName,
    queue: { queueUrl: o.queueUrl, waitSeconds: o.waitSeconds },
  });
  const real = ports.queues;
  // A dry run goes through the same pass but sends nothing and deletes nothing; what it held is
  // released at the end, not during the pass (released letters would be received again).
  const held: string[] = [];
  const queues: ChannelQueues = {
    receiveDead: async (hold) => {
      const letters = await real.receiveDead(hold);
      bar.tick(letters.length);
      if (o.dryRun) held.push(...letters.map((l) => l.receiptHandle));
      return letters;
    },
    send: o.dryRun ? async () => [] : real.send,
    deleteDead: o.dryRun ? async () => {} : real.deleteDead,
    releaseDead: o.dryRun ? async () => {} : real.releaseDead,
  };
  bar.total(await queueDepth(o.sqs, dlqUrlOf(o.queueUrl)));
  try {
    const report = await redrive(
      { ...ports, queues, ...(o.dryRun ? { resume: async () => false } : {}) },
      {
        agencyId: o.agencyId,
        channel: o.channel,
        since: o.since,
        dossierCodes: o.dossierCodes,
        resend: o.resend && !o.dryRun,
        resume: o.resume && !o.dryRun,
      },
    );
    return {
      report: { ...report, dryRun: o.dryRun },
      exitCode: report.failed || report.refused.length ? 1 : 0,
    };
  } finally {
    for (let i = 0; i < held.length; i += 10) await real.releaseDead(held.slice(i, i + 10));
    bar.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// outbox:replay

/**
 * What a stream mapping (or the local stream pump) sends to its consumer's DLQ for a failed batch:
 * AWS's on-failure record, naming the function that failed and where the batch was in the stream.
 */
interface StreamFailure {
  requestContext?: { functionArn?: string };
  DDBStreamBatchInfo?: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    streamArn: string;
  };
  /** The local stream pump includes the record itself. */
  record?: DynamoDBRecord;
}

/** Reads the records of a failed batch back from the table stream (kept 24 hours). */
export type StreamReader = (
  info: NonNullable<StreamFailure['DDBStreamBatchInfo']>,
) => Promise<DynamoDBRecord[]>;

/** A relay run on replayed records: the records it reports failed stay failed. */
export type Relay = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/** The table stream's two consumers, each with its own mapping and DLQ (lib/api-stack.ts). */
export const STREAM_CONSUMERS = {
  /** Outbox items become agency queue messages (functions/dispatch/outbox-relay.ts). */
  outbox: 'outboxRelay',
  /** Timeline, petition and support events become citizen notices, statistics and the SLA index. */
  notifications: 'notificationRelay',
} as const satisfies Record<string, keyof typeof functions>;
export type StreamConsumer = keyof typeof STREAM_CONSUMERS;

/**
 * Which consumer a failure record names: the function in `requestContext.functionArn` (a physical name
 * `cong-<stage>-<function>`, with an alias as qualifier; the bare function name locally). Undefined for
 * a function that is neither relay; a record naming no function is taken as the queue's own.
 */
export function consumerOf(failure: StreamFailure, own: StreamConsumer): StreamConsumer | undefined {
  const arn = failure.requestContext?.functionArn;
  if (!arn) return own;
  const name = arn.split(':function:')[1]?.split(':')[0] ?? '';
  return (Object.keys(STREAM_CONSUMERS) as StreamConsumer[]).find((c) => {
    const fn = STREAM_CONSUMERS[c];
    return name === fn || name.endsWith(`-${fn}`);
  });
}

/** The consumer's own code, run in this process, and the records its mapping takes. */
async function localConsumer(
  c: StreamConsumer,
): Promise<{ relay: Relay; takes: (r: DynamoDBRecord) => boolean }> {
  if (c === 'outbox') {
    const { handler, isOutboxInsert } = await import('../../functions/dispatch/outbox-relay.js');
    return { relay: handler as Relay, takes: isOutboxInsert };
  }
  const { handler } = await import('../../functions/notifications/relay.js');
  const { isRelayRecord } = await import('../../functions/notifications/stream-filter.js');
  return { relay: handler as Relay, takes: isRelayRecord };
}

/**
 * The deployed relay, invoked with the replayed records as its mapping would deliver them: it holds the
 * keys and settings its work needs (the notification relay opens sealed phone numbers), the operator
 * does not.
 */
export function invokedRelay(lambda: LambdaClient, functionName: string): Relay {
  return async (event) => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
    if (out.FunctionError) throw new Error(`${functionName} failed: ${text}`);
    return (text ? JSON.parse(text) : { batchItemFailures: [] }) as DynamoDBBatchResponse;
  };
}

export interface OutboxReplayReport {
  /** DLQ messages looked at. */
  scanned: number;
  /** Stream records relayed again, to agency queues or as notices (dry run: that would be). */
  replayed: number;
  /** DLQ messages whose records the stream no longer holds: left in the DLQ. */
  expired: number;
  /** DLQ messages whose relay failed again: left in the DLQ. */
  failed: number;
  /** DLQ messages of a function this tool does not replay: left in the DLQ, untouched. */
  foreign: number;
}

/**
 * Replays one stream DLQ. Each message is replayed by the consumer that failed it, whichever DLQ it
 * sits in (a notification relay failure is relayed as notifications again, never as outbox items);
 * what it cannot replay stays in the DLQ and is counted.
 */
export async function runStreamReplay(o: {
  /** Whose DLQ this is: messages naming no function are taken as this consumer's. */
  consumer: StreamConsumer;
  dlqUrl: string;
  dryRun: boolean;
  waitSeconds: number;
  sqs: SQSClient;
  readStream: StreamReader;
  /** Deployed relays by consumer (`--stage`); a consumer absent here runs in this process. */
  relays?: Partial<Record<StreamConsumer, Relay>>;
  maxMessages?: number;
  bar?: Progress;
}): Promise<ToolResult<OutboxReplayReport>> {
  const consumers = new Map<StreamConsumer, { relay: Relay; takes: (r: DynamoDBRecord) => boolean }>();
  const consumer = async (c: StreamConsumer) => {
    let found = consumers.get(c);
    if (!found) {
      const own = await localConsumer(c);
      found = { ...own, relay: o.relays?.[c] ?? own.relay };
      consumers.set(c, found);
    }
    return found;
  };
  const bar = o.bar ?? progress(`${o.consumer} stream dead letters`);
  const report: OutboxReplayReport = { scanned: 0, replayed: 0, expired: 0, failed: 0, foreign: 0 };
  const leave: string[] = [];
  const done: string[] = [];
  bar.total(await queueDepth(o.sqs, o.dlqUrl));
  try {
    const max = o.maxMessages ?? 10_000;
    while (report.scanned < max) {
      const out = await o.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: o.dlqUrl,
          MaxNumberOfMessages: 10,
          // Held for the whole pass, so the pass never sees a message twice.
          VisibilityTimeout: 300,
          WaitTimeSeconds: o.waitSeconds,
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        report.scanned++;
        bar.tick();
        const handle = m.ReceiptHandle ?? '';
        let failure: StreamFailure;
        try {
          failure = JSON.parse(m.Body ?? '{}') as StreamFailure;
        } catch {
          failure = { requestContext: { functionArn: 'unreadable' } };
        }
        const whose = consumerOf(failure, o.consumer);
        if (!whose) {
          report.foreign++;
          leave.push(handle);
          continue;
        }
        const { relay, takes } = await consumer(whose);
        let records: DynamoDBRecord[] = [];
        try {
          records = failure.record
            ? [failure.record]
            : failure.DDBStreamBatchInfo
              ? await o.readStream(failure.DDBStreamBatchInfo)
              : [];
        } catch {
          records = [];
        }
        // The batch's range holds every record of the stream; only those the mapping's filters take.
        records = records.filter(takes);
        if (records.length === 0) {
          report.expired++;
          leave.push(handle);
          continue;
        }
        if (o.dryRun) {
          report.replayed += records.length;
          leave.push(handle);
          continue;
        }
        let failed: boolean;
        try {
          failed = ((await relay({ Records: records })).batchItemFailures ?? []).length > 0;
        } catch {
          failed = true;
        }
        if (failed) {
          report.failed++;
          leave.push(handle);
        } else {
          report.replayed += records.length;
          done.push(handle);
        }
      }
    }
  } finally {
    for (let i = 0; i < done.length; i += 10) {
      await o.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: o.dlqUrl,
          Entries: done.slice(i, i + 10).map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle })),
        }),
      );
    }
    // What stays in the DLQ is visible again at once for the next look.
    for (let i = 0; i < leave.length; i += 10) {
      await o.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: o.dlqUrl,
          Entries: leave
            .slice(i, i + 10)
            .map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
    bar.stop();
  }
  return {
    report: { ...report, dryRun: o.dryRun },
    exitCode: report.failed || report.expired || report.foreign ? 1 : 0,
  };
}

/** The outbox DLQ's replay. */
export const runOutboxReplay = (o: Omit<Parameters<typeof runStreamReplay>[0], 'consumer'>) =>
  runStreamReplay({ ...o, consumer: 'outbox' });
