/**
 * The DynamoDB Streams → Lambda event source mapping of one stream consumer (the outbox relay by
 * default). It reads every shard of the table's stream (parents before children), keeps only the
 * records its filter takes (outbox INSERTs unless told otherwise, as the CDK mapping filters), hands
 * the relay batches shaped as Lambda delivers them, retries from the first failed record with backoff,
 * and after OUTBOX.maxStreamRetries sends what still fails to the consumer's own DLQ.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamsRecord,
  type AttributeValue as StreamsValue,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  AttributeValue as LambdaValue,
} from 'aws-lambda';
import { OUTBOX, TABLE } from '../../functions/core/resources.js';
import type { Faults } from './faults.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalFunction } from './lambda.js';
import { createLog, errorFields, type Log } from './log.js';
import { sleep } from './net.js';

/**
 * The outbox relay's event filter: new items whose partition key starts with OUTBOX.pkPrefix (the CDK
 * mapping filters `eventName: INSERT` and `NewImage.pk.S` prefix the same way). Updates and TTL deletes
 * of outbox items, and every other item, never reach the relay.
 */
export function isOutboxInsert(record: DynamoDBRecord): boolean {
  const pk = record.dynamodb?.NewImage?.[TABLE.partitionKey]?.S;
  return record.eventName === 'INSERT' && typeof pk === 'string' && pk.startsWith(OUTBOX.pkPrefix);
}

export type RelayFunction = LocalFunction<DynamoDBStreamEvent, DynamoDBBatchResponse | undefined | null>;

export interface StreamPumpOptions {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  sqs: SQSClient;
  tableName: string;
  fn: RelayFunction;
  /** Where batches that exhausted their retries go (the mapping's on-failure destination). */
  dlqUrl: string;
  /**
   * Per-shard position kept across restarts. DynamoDB Local keeps the stream in its database file, so
   * without it a restarted portal would relay every outbox item of the last 24 hours again.
   */
  checkpointFile?: string;
  filter?: (record: DynamoDBRecord) => boolean;
  batchSize?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  pollIntervalMs?: number;
  /** How often new shards are looked for while the current ones are open. */
  describeIntervalMs?: number;
  region?: string;
  log?: Log;
  /** Mapping faults to inject (batches delivered twice, or late); none when absent. */
  faults?: Faults;
}

export interface StreamPumpStats {
  records: number;
  delivered: number;
  invocations: number;
  retries: number;
  deadLettered: number;
}

export interface StreamPump {
  readonly stats: StreamPumpStats;
  stop(): Promise<void>;
}

/** One attribute value as Lambda's stream event spells it (binary as base64). */
export function toLambdaValue(v: StreamsValue): LambdaValue {
  // The SDK's reader drops an empty map's `M` key; an attribute is never empty otherwise, so an
  // empty value is the empty map (which must not stop the stream for every consumer).
  if (Object.keys(v).length === 0) return { M: {} };
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: v.N };
  if (v.B !== undefined) return { B: Buffer.from(v.B).toString('base64') };
  if (v.SS !== undefined) return { SS: v.SS };
  if (v.NS !== undefined) return { NS: v.NS };
  if (v.BS !== undefined) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: v.NULL };
  if (v.L !== undefined) return { L: v.L.map(toLambdaValue) };
  if (v.M !== undefined) return { M: toLambdaImage(v.M) };
  throw new TypeError('unknown attribute value type');
}

function toLambdaImage(image: Record<string, StreamsValue>): Record<string, LambdaValue> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));
}

/** One stream record exactly as Lambda's DynamoDB event source delivers it (binary as base64, time in seconds). */
export function toLambdaRecord(r: StreamsRecord, streamArn: string, region = LOCAL_REGION): DynamoDBRecord {
  const d = r.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  const record: DynamoDBRecord = {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(d.Keys ? { Keys: toLambdaImage(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: toLambdaImage(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: toLambdaImage(d.OldImage) } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    eventSourceARN: streamArn,
  };
  if (r.userIdentity)
    record.userIdentity = { type: r.userIdentity.Type, principalId: r.userIdentity.PrincipalId };
  return record;
}

export interface StreamFailure {
  /** Index the retried batch starts from: the lowest failed sequence number. */
  from: number;
  /** The records still failing (all of the rest when the response is unusable). */
  failed: DynamoDBRecord[];
}

/**
 * How Lambda reads a partial batch response for streams: nothing returned means all succeeded; the
 * retry starts at the lowest failed sequence number; an identifier that is empty or not in the batch
 * fails the whole batch.
 */
export function streamFailure(
  response: DynamoDBBatchResponse | undefined | null,
  batch: readonly DynamoDBRecord[],
): StreamFailure | undefined {
  const failures = response?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return undefined;
  const indexes = new Set<number>();
  for (const f of failures) {
    const id = f?.itemIdentifier;
    const index = id ? batch.findIndex((r) => r.dynamodb?.SequenceNumber === id) : -1;
    if (index === -1) return { from: 0, failed: [...batch] };
    indexes.add(index);
  }
  return { from: Math.min(...indexes), failed: batch.filter((_, i) => indexes.has(i)) };
}

interface Checkpoints {
  streamArn: string;
  shards: Record<string, string>;
}

interface ShardState {
  id: string;
  parent?: string;
  iterator?: string;
  finished: boolean;
}

export async function startStreamPump(options: StreamPumpOptions): Promise<StreamPump> {
  const log = options.log ?? createLog({ src: 'stream-pump' });
  const filter = options.filter ?? isOutboxInsert;
  const batchSize = options.batchSize ?? 100;
  const maxRetries = options.maxRetries ?? OUTBOX.maxStreamRetries;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const retryCapMs = options.retryCapMs ?? 5_000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const describeIntervalMs = options.describeIntervalMs ?? 5_000;
  const region = options.region ?? LOCAL_REGION;
  const stats: StreamPumpStats = { records: 0, delivered: 0, invocations: 0, retries: 0, deadLettered: 0 };
  const stopper = new AbortController();
  const signal = stopper.signal;

  const table = (await options.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName })))
    .Table;
  const streamArn = table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);

  let checkpoints: Checkpoints = { streamArn, shards: {} };
  if (options.checkpointFile && existsSync(options.checkpointFile)) {
    const stored = JSON.parse(await readFile(options.checkpointFile, 'utf8')) as Checkpoints;
    // A table recreated since (--reset, another stream) starts from its own stream's beginning.
    if (stored.streamArn === streamArn) checkpoints = stored;
  }
  let saving = Promise.resolve();
  const saveCheckpoint = (shardId: string, sequenceNumber: string) => {
    checkpoints.shards[shardId] = sequenceNumber;
    const file = options.checkpointFile;
    if (!file) return saving;
    const text = `${JSON.stringify(checkpoints, null, 2)}\n`;
    saving = saving
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(`${file}.tmp`, text);
        await rename(`${file}.tmp`, file);
      })
      .catch((err: unknown) => log.warn('checkpoint not saved', errorFields(err)));
    return saving;
  };

  const shards = new Map<string, ShardState>();
  let nextDescribe = 0;

  async function describeShards() {
    let exclusiveStartShardId: string | undefined;
    do {
      const res = await options.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      for (const s of res.StreamDescription?.Shards ?? []) {
        if (s.ShardId && !shards.has(s.ShardId)) {
          shards.set(s.ShardId, { id: s.ShardId, parent: s.ParentShardId, finished: false });
        }
      }
      exclusiveStartShardId = res.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    nextDescribe = Date.now() + describeIntervalMs;
  }

  /**
   * Resume after the last relayed record; a shard never read starts at TRIM_HORIZON so outbox items
   * written before the pump started (or while the portal was stopped) are still relayed.
   */
  async function iteratorFor(shard: ShardState): Promise<string | undefined> {
    const after = checkpoints.shards[shard.id];
    try {
      const res = await options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.id,
          ...(after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return res.ShardIterator;
    } catch (err) {
      if (after && err instanceof TrimmedDataAccessException) {
        log.warn('checkpoint is older than the stream; reading from its oldest record', { shard: shard.id });
        delete checkpoints.shards[shard.id];
        return iteratorFor(shard);
      }
      throw err;
    }
  }

  async function deadLetter(records: DynamoDBRecord[], shardId: string, invokeCount: number, threw: boolean) {
    const entries = records.map((record, i) => ({
      Id: String(i),
      // AWS's on-failure record for stream sources, plus the record itself so it can be replayed locally.
      MessageBody: JSON.stringify({
        requestContext: {
          requestId: randomUUID(),
          functionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT}:function:${options.fn.name}`,
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: invokeCount,
        },
        responseContext: {
          statusCode: 200,
          executedVersion: '$LATEST',
          ...(threw ? { functionError: 'Unhandled' } : {}),
        },
        version: '1.0',
        timestamp: new Date().toISOString(),
        DDBStreamBatchInfo: {
          shardId,
          startSequenceNumber: record.dynamodb?.SequenceNumber,
          endSequenceNumber: record.dynamodb?.SequenceNumber,
          approximateArrivalOfFirstRecord: new Date(
            (record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000,
          ),
          approximateArrivalOfLastRecord: new Date(
            (record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000,
          ),
          batchSize: 1,
          streamArn,
        },
        record,
      }),
    }));
    for (let i = 0; i < entries.length; i += 10) {
      await options.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: options.dlqUrl, Entries: entries.slice(i, i + 10) }),
      );
    }
    stats.deadLettered += records.length;
    log.error('stream records sent to the DLQ after retries', { shard: shardId, records: records.length });
  }

  /** The relay as the mapping runs it, with the plan's late and duplicate batches. */
  async function invokeWithFaults(records: DynamoDBRecord[]) {
    const faults = options.faults;
    if (faults?.roll('stream.late', faults.plan.stream.late)) await sleep(faults.plan.stream.lateMs, signal);
    if (faults?.roll('stream.duplicate', faults.plan.stream.duplicate))
      await options.fn.invoke({ Records: records });
    return options.fn.invoke({ Records: records });
  }

  /**
   * Delivers one batch with Lambda's retry rules; false when stopped before it was settled. Records the
   * relay still reports as failed after the last retry go to the DLQ; the shard then moves on.
   */
  async function deliver(batch: DynamoDBRecord[], shardId: string): Promise<boolean> {
    let pending = batch;
    let attempt = 0;
    for (;;) {
      stats.invocations++;
      let failure: StreamFailure | undefined;
      let threw = false;
      try {
        failure = streamFailure(await invokeWithFaults(pending), pending);
      } catch (err) {
        log.error('stream consumer failed', { shard: shardId, records: pending.length, ...errorFields(err) });
        failure = { from: 0, failed: pending };
        threw = true;
      }
      if (!failure) {
        stats.delivered += pending.length;
        return true;
      }
      if (attempt >= maxRetries) {
        stats.delivered += pending.length - failure.failed.length;
        await deadLetter(failure.failed, shardId, attempt + 1, threw);
        return true;
      }
      stats.delivered += failure.from;
      pending = pending.slice(failure.from);
      attempt++;
      stats.retries++;
      await sleep(Math.min(retryCapMs, retryBaseMs * 2 ** (attempt - 1)), signal);
      if (signal.aborted) return false;
    }
  }

  async function readShard(shard: ShardState): Promise<number> {
    shard.iterator ??= await iteratorFor(shard);
    if (!shard.iterator) {
      shard.finished = true;
      return 0;
    }
    let res: GetRecordsCommandOutput;
    try {
      res = await options.streams.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }),
        {
          abortSignal: signal,
        },
      );
    } catch (err) {
      if (err instanceof ExpiredIteratorException || err instanceof TrimmedDataAccessException) {
        shard.iterator = undefined;
        return 0;
      }
      throw err;
    }
    const records = res.Records ?? [];
    stats.records += records.length;
    const selected = records.map((r) => toLambdaRecord(r, streamArn!, region)).filter(filter);
    for (let i = 0; i < selected.length; i += batchSize) {
      const batch = selected.slice(i, i + batchSize);
      if (!(await deliver(batch, shard.id))) return records.length;
      await saveCheckpoint(shard.id, batch[batch.length - 1]!.dynamodb!.SequenceNumber!);
    }
    const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
    if (last) await saveCheckpoint(shard.id, last);
    shard.iterator = res.NextShardIterator;
    if (!shard.iterator) {
      // A closed shard: its children become readable, so look for them now.
      shard.finished = true;
      nextDescribe = 0;
    }
    return records.length;
  }

  let reportedUnavailable = false;
  async function loop() {
    while (!signal.aborted) {
      if (!options.fn.available()) {
        if (!reportedUnavailable) log.warn('outbox relay has no code yet; records wait in the stream');
        reportedUnavailable = true;
        await sleep(2_000, signal);
        continue;
      }
      let read = 0;
      try {
        if (Date.now() >= nextDescribe) await describeShards();
        for (const shard of shards.values()) {
          if (signal.aborted) break;
          const parent = shard.parent ? shards.get(shard.parent) : undefined;
          if (shard.finished || (parent && !parent.finished)) continue;
          read += await readShard(shard);
        }
      } catch (err) {
        if (signal.aborted) break;
        log.warn('stream read failed', errorFields(err));
        await sleep(1_000, signal);
        continue;
      }
      if (read === 0) await sleep(pollIntervalMs, signal);
    }
    await saving;
  }

  const running = loop();
  log.info('reading stream', { table: options.tableName });
  return {
    stats,
    stop: async () => {
      stopper.abort();
      await running;
    },
  };
}
