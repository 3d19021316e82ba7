/**
 * The local cloud's event source mappings and schedules, read from each function's spec in the
 * deployment map (functions/deployment.ts) as lib/api-stack.ts reads it: `outbox-stream` and
 * `dossier-stream` → a table stream pump each, `agency-queues` → one queue pump per channel,
 * `notifications-queue` → a queue pump, `schedule` → a timer (EventBridge's role). Functions without a
 * trigger are served by the local API Gateway instead.
 */
import { join } from 'node:path';
import type { DynamoDBRecord, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { NOTIFICATIONS } from '../../functions/core/resources.js';
import { type FunctionSpec, functions } from '../../functions/deployment.js';
import { isRelayRecord } from '../../functions/notifications/stream-filter.js';
import type { Faults } from './faults.js';
import { functionFromModule, type LocalFunction } from './lambda.js';
import { errorFields, type Log } from './log.js';
import { type QueuePump, startQueuePump } from './queue-pump.js';
import type { LocalStores } from './stores.js';
import { type RelayFunction, type StreamPump, startStreamPump } from './stream-pump.js';

export type FunctionName = keyof typeof functions;
type Trigger = NonNullable<FunctionSpec['trigger']>;
type StreamTrigger = Extract<Trigger, `${string}-stream`>;

/** Seconds before a notification the notifier could not send is tried again (locally). */
const LOCAL_NOTIFICATION_RETRY_SECONDS = 5;
/** Scheduled functions run every minute locally unless told otherwise, whatever their AWS rate. */
const LOCAL_SCHEDULE_MS = 60_000;

/** One local reader per stream trigger, as AWS has one mapping each (at most two readers per shard). */
/** Each stream consumer has its checkpoint, its filter and, as in AWS, its own DLQ. */
const streamReaders: Record<
  StreamTrigger,
  {
    checkpoint: string;
    filter?: (r: DynamoDBRecord) => boolean;
    dlq: (stores: LocalStores) => { url: string };
  }
> = {
  'outbox-stream': { checkpoint: 'stream-checkpoints.json', dlq: (s) => s.outboxDlq },
  'dossier-stream': {
    checkpoint: 'stream-checkpoints-notifications.json',
    filter: isRelayRecord,
    dlq: (s) => s.notificationStreamDlq,
  },
};

/** Started in this order; stopped schedules first, then streams, then queues (in-flight batches finish). */
const START_ORDER: readonly Trigger[] = [
  'agency-queues',
  'outbox-stream',
  'dossier-stream',
  'notifications-queue',
  'schedule',
];

export interface TriggerOptions {
  stores: LocalStores;
  dataDir: string;
  /** No stream checkpoints on disk. */
  ephemeral: boolean;
  log: Log;
  faults?: Faults;
  /** Milliseconds between runs of a scheduled function; default a minute, 0 = only on demand. */
  scheduleIntervalMs?: Partial<Record<FunctionName, number>>;
}

export interface Triggers {
  /** The dispatcher's pumps, one per agency channel queue. */
  readonly queues: readonly QueuePump[];
  readonly streams: Readonly<Record<StreamTrigger, StreamPump>>;
  readonly notifications: QueuePump;
  /** Runs a scheduled function now with this event (its schedule sends `{}`, or each of its `scheduleEvents`). */
  run<R>(name: FunctionName, event: object): Promise<R>;
  stop(): Promise<void>;
}

/** The function of a spec, run in this process as Lambda runs it. */
export function localFunction<E, R>(name: FunctionName): LocalFunction<E, R> {
  const spec = functions[name];
  return functionFromModule<E, R>({
    name: `cong-local-${name}`,
    entry: spec.entry,
    timeoutSeconds: spec.timeoutSeconds,
    memoryMb: spec.memoryMb,
  });
}

export async function startTriggers(options: TriggerOptions): Promise<Triggers> {
  const { stores, log, faults } = options;
  const queues: QueuePump[] = [];
  const streams: Partial<Record<StreamTrigger, StreamPump>> = {};
  let notifications: QueuePump | undefined;
  const scheduled = new Map<FunctionName, LocalFunction<object, unknown>>();
  const timers: Array<() => Promise<void>> = [];

  /**
   * Stands in for an EventBridge schedule: runs `job` every `everyMs` (never when 0) and logs its
   * failures. The returned stop clears the timer and waits for a run under way.
   */
  const onSchedule = (what: string, job: () => Promise<unknown>, everyMs: number) => {
    let running: Promise<unknown> = Promise.resolve();
    const timer =
      everyMs > 0
        ? setInterval(() => {
            running = job().catch((err: unknown) => log.error(`${what} failed`, errorFields(err)));
          }, everyMs)
        : undefined;
    timer?.unref();
    return async () => {
      if (timer) clearInterval(timer);
      await running;
    };
  };

  const start: Record<Trigger, (name: FunctionName) => Promise<void> | void> = {
    'agency-queues': (name) => {
      const fn = localFunction<SQSEvent, SQSBatchResponse>(name);
      for (const q of stores.agencyQueues)
        queues.push(
          startQueuePump({
            sqs: stores.clients.sqs,
            queueUrl: q.url,
            queueArn: q.arn,
            fn,
            log: log.child('queue-pump'),
            faults,
          }),
        );
    },
    'outbox-stream': (name) => startStream('outbox-stream', name),
    'dossier-stream': (name) => startStream('dossier-stream', name),
    'notifications-queue': (name) => {
      notifications = startQueuePump({
        sqs: stores.clients.sqs,
        queueUrl: stores.notificationsQueue.url,
        queueArn: stores.notificationsQueue.arn,
        fn: localFunction<SQSEvent, SQSBatchResponse>(name),
        batchSize: NOTIFICATIONS.batchSize,
        // A failed notification comes back within seconds locally, so a developer sees the retry.
        visibilityTimeoutSeconds: LOCAL_NOTIFICATION_RETRY_SECONDS,
        log: log.child('notifications'),
        faults,
      });
    },
    schedule: (name) => {
      const fn = localFunction<object, unknown>(name);
      scheduled.set(name, fn);
      // Each event the schedule starts, all at once, as the rule's targets are in AWS; each run's failure
      // is its own, and a stop waits for every run under way.
      const events = functions[name].scheduleEvents ?? [{}];
      const runAll = async () => {
        const runs = await Promise.allSettled(events.map((event) => fn.invoke({ ...event })));
        for (const run of runs)
          if (run.status === 'rejected') log.error(`${name} failed`, errorFields(run.reason));
      };
      timers.push(onSchedule(name, runAll, options.scheduleIntervalMs?.[name] ?? LOCAL_SCHEDULE_MS));
    },
  };

  async function startStream(trigger: StreamTrigger, name: FunctionName) {
    const reader = streamReaders[trigger];
    const fn: RelayFunction = localFunction(name);
    streams[trigger] = await startStreamPump({
      dynamodb: stores.clients.dynamodb,
      streams: stores.clients.streams,
      sqs: stores.clients.sqs,
      tableName: stores.names.table,
      fn,
      ...(reader.filter ? { filter: reader.filter } : {}),
      dlqUrl: reader.dlq(stores).url,
      checkpointFile: options.ephemeral ? undefined : join(options.dataDir, reader.checkpoint),
      log: log.child(`${name}-stream`),
      faults,
    });
  }

  const stop = async () => {
    for (const stopTimer of timers) await stopTimer();
    for (const pump of Object.values(streams)) await pump.stop();
    await notifications?.stop();
    await Promise.all(queues.map((p) => p.stop()));
  };

  const triggered = (Object.keys(functions) as FunctionName[]).filter((name) => functions[name].trigger);
  try {
    for (const trigger of START_ORDER)
      for (const name of triggered) if (functions[name].trigger === trigger) await start[trigger](name);
    if (!notifications || !streams['outbox-stream'] || !streams['dossier-stream'])
      throw new Error('the deployment map lacks a stream or notifications queue consumer');
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    queues,
    streams: streams as Record<StreamTrigger, StreamPump>,
    notifications,
    run: <R>(name: FunctionName, event: object) => {
      const fn = scheduled.get(name);
      if (!fn) return Promise.reject(new Error(`${name} has no schedule`));
      return fn.invoke(event) as Promise<R>;
    },
    stop,
  };
}
