import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../lib/local/dynamodb-table.js';
import { functionFromHandler, type LambdaHandler } from '../../lib/local/lambda.js';
import { memoryLog } from '../../lib/local/log.js';
import { sleep } from '../../lib/local/net.js';
import { ensureQueue, type SqsLocal, startSqsLocal } from '../../lib/local/sqs-local.js';
import { LOCAL_CREDENTIALS } from '../../lib/local/store-clients.js';
import {
  isOutboxInsert,
  type StreamPump,
  startStreamPump,
  streamFailure,
} from '../../lib/local/stream-pump.js';
import { until } from '../support/wait.js';

const pkOf = (r: DynamoDBRecord) => r.dynamodb?.NewImage?.pk?.S;

describe('DynamoDB stream → outbox relay pump', () => {
  let sqsServer: SqsLocal;
  let ddb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  let sqs: SQSClient;
  let dir: string;
  const pumps: StreamPump[] = [];
  const client = (endpoint: string) => ({
    endpoint,
    region: 'ap-southeast-1',
    credentials: { ...LOCAL_CREDENTIALS },
  });

  beforeAll(async () => {
    // The tier's shared DynamoDB Local; each test makes its own table in it.
    const endpoint = inject('dynamoEndpoint');
    [sqsServer, dir] = await Promise.all([startSqsLocal(), mkdtemp(join(tmpdir(), 'cong-stream-'))]);
    ddb = new DynamoDBClient(client(endpoint));
    streams = new DynamoDBStreamsClient(client(endpoint));
    sqs = new SQSClient(client(sqsServer.endpoint));
  });

  afterAll(async () => {
    await Promise.all(pumps.map((p) => p.stop()));
    for (const c of [ddb, streams, sqs]) c?.destroy();
    await sqsServer?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function setup(name: string) {
    // A fresh table, stream and all, even when the shared store outlives a run (watch mode).
    await ddb.send(new DeleteTableCommand({ TableName: name })).catch((err) => {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    });
    await ensureTable(ddb, name);
    const dlq = await ensureQueue(sqs, `${name}-dlq`);
    return { table: name, dlq };
  }

  async function pump(
    table: string,
    dlqUrl: string,
    handler: LambdaHandler<DynamoDBStreamEvent, DynamoDBBatchResponse | undefined>,
    extra: { checkpointFile?: string } = {},
  ) {
    const p = await startStreamPump({
      dynamodb: ddb,
      streams,
      sqs,
      tableName: table,
      dlqUrl,
      fn: functionFromHandler({ name: 'test-relay', timeoutSeconds: 5, handler }),
      maxRetries: 2,
      retryBaseMs: 10,
      pollIntervalMs: 20,
      log: memoryLog(),
      ...extra,
    });
    pumps.push(p);
    return p;
  }

  const put = (table: string, pk: string, extra: Record<string, { S: string } | { B: Uint8Array }> = {}) =>
    ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: 'A' }, ...extra } }));

  it('delivers only outbox INSERTs, shaped as Lambda delivers them', async () => {
    const { table, dlq } = await setup('stream-filter');
    const seen: DynamoDBRecord[] = [];
    const p = await pump(table, dlq.url, async (event) => {
      seen.push(...event.Records);
      return { batchItemFailures: [] };
    });
    await put(table, 'OUTBOX#1', {
      payload: { S: 'dossier.submitted' },
      blob: { B: new Uint8Array([1, 2, 255]) },
    });
    await put(table, 'DOSSIER#CAHN-261122-0001');
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'OUTBOX#1' }, sk: { S: 'A' } },
        UpdateExpression: 'SET relayed = :t',
        ExpressionAttributeValues: { ':t': { S: 'yes' } },
      }),
    );
    await ddb.send(
      new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'OUTBOX#1' }, sk: { S: 'A' } } }),
    );
    await put(table, 'OUTBOX#2');

    await until('both outbox inserts', () => (seen.length >= 2 ? true : undefined));
    await until('the stream to be read to its end', () => (p.stats.records >= 5 ? true : undefined));
    expect(seen.map(pkOf)).toEqual(['OUTBOX#1', 'OUTBOX#2']);

    const first = seen[0]!;
    expect(first).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ap-southeast-1',
      dynamodb: {
        Keys: { pk: { S: 'OUTBOX#1' }, sk: { S: 'A' } },
        NewImage: { pk: { S: 'OUTBOX#1' }, payload: { S: 'dossier.submitted' }, blob: { B: 'AQL/' } },
        StreamViewType: 'NEW_IMAGE',
      },
    });
    expect(first.eventID).toMatch(/\S+/);
    expect(first.eventSourceARN).toMatch(/^arn:aws:dynamodb:.+:table\/stream-filter\/stream\//);
    expect(first.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
    expect(typeof first.dynamodb?.SizeBytes).toBe('number');
    const created = first.dynamodb?.ApproximateCreationDateTime ?? 0;
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(120);
  });

  it('retries from the first failed record, then sends what still fails to the DLQ and moves on', async () => {
    const { table, dlq } = await setup('stream-retry');
    const seen: string[] = [];
    const p = await pump(table, dlq.url, async (event) => {
      seen.push(...event.Records.map((r) => pkOf(r) ?? ''));
      const poison = event.Records.filter((r) => pkOf(r) === 'OUTBOX#poison');
      return { batchItemFailures: poison.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) };
    });
    await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: ['OUTBOX#a', 'OUTBOX#poison', 'OUTBOX#b'].map((pk) => ({
          Put: { TableName: table, Item: { pk: { S: pk }, sk: { S: 'A' } } },
        })),
      }),
    );
    const dead = await until('the poison record in the DLQ', async () => {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MaxNumberOfMessages: 10 }));
      return res.Messages?.length ? res.Messages : undefined;
    });
    await put(table, 'OUTBOX#c');
    await until('the record after the poison one', () => (seen.includes('OUTBOX#c') ? true : undefined));

    expect(dead).toHaveLength(1);
    const failure = JSON.parse(dead[0]!.Body!) as {
      requestContext: { condition: string; approximateInvokeCount: number };
      DDBStreamBatchInfo: { streamArn: string; batchSize: number };
      record: DynamoDBRecord;
    };
    expect(failure.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    expect(failure.DDBStreamBatchInfo.streamArn).toMatch(/table\/stream-retry\/stream\//);
    expect(pkOf(failure.record)).toBe('OUTBOX#poison');
    expect(seen.filter((pk) => pk === 'OUTBOX#a')).toHaveLength(1);
    expect(seen.filter((pk) => pk === 'OUTBOX#poison')).toHaveLength(3);
    expect(seen.filter((pk) => pk === 'OUTBOX#c')).toHaveLength(1);
    expect(p.stats.deadLettered).toBe(1);
  });

  it('resumes after its checkpoint: nothing relayed twice, nothing written while stopped is lost', async () => {
    const { table, dlq } = await setup('stream-resume');
    const checkpointFile = join(dir, 'checkpoints.json');
    const seen: string[] = [];
    const relay = async (event: DynamoDBStreamEvent) => {
      seen.push(...event.Records.map((r) => pkOf(r) ?? ''));
      return undefined;
    };
    const first = await pump(table, dlq.url, relay, { checkpointFile });
    await put(table, 'OUTBOX#before');
    await until('the first record', () => (seen.length === 1 ? true : undefined));
    await first.stop();

    await put(table, 'OUTBOX#while-stopped');
    const second = await pump(table, dlq.url, relay, { checkpointFile });
    await put(table, 'OUTBOX#after');
    await until('the later records', () => (seen.length >= 3 ? true : undefined));
    await sleep(200);
    await second.stop();
    expect(seen).toEqual(['OUTBOX#before', 'OUTBOX#while-stopped', 'OUTBOX#after']);
  });

  it('filters exactly as the CDK mapping does', () => {
    const rec = (eventName: DynamoDBRecord['eventName'], pk: string): DynamoDBRecord => ({
      eventName,
      dynamodb: { NewImage: { pk: { S: pk } } },
    });
    expect(isOutboxInsert(rec('INSERT', 'OUTBOX#x'))).toBe(true);
    expect(isOutboxInsert(rec('MODIFY', 'OUTBOX#x'))).toBe(false);
    expect(isOutboxInsert(rec('INSERT', 'DOSSIER#x'))).toBe(false);
    expect(isOutboxInsert(rec('INSERT', 'outbox#x'))).toBe(false);
    expect(isOutboxInsert({ eventName: 'REMOVE', dynamodb: { Keys: { pk: { S: 'OUTBOX#x' } } } })).toBe(
      false,
    );
  });

  it('reads a partial batch response as Lambda does', () => {
    const batch: DynamoDBRecord[] = ['1', '2', '3'].map((n) => ({ dynamodb: { SequenceNumber: n } }));
    expect(streamFailure(undefined, batch)).toBeUndefined();
    expect(streamFailure({ batchItemFailures: [] }, batch)).toBeUndefined();
    expect(
      streamFailure({ batchItemFailures: [{ itemIdentifier: '3' }, { itemIdentifier: '2' }] }, batch),
    ).toEqual({
      from: 1,
      failed: [batch[1], batch[2]],
    });
    expect(streamFailure({ batchItemFailures: [{ itemIdentifier: '9' }] }, batch)).toEqual({
      from: 0,
      failed: batch,
    });
  });
});
