/**
 * The operator tools against a deployed stage: names from CloudFormation outputs, then the same
 * domain code on DynamoDB, SQS, the table stream and Lambda (all mocked with aws-sdk-client-mock).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/core/config.js';
import type { Progress } from '../../lib/ops/progress.js';
import {
  attachToStage,
  cdkJsonContext,
  cloudFormation,
  type OUTPUT_KEYS,
  regionOf,
  stageResources,
} from '../../lib/ops/stage.js';
import { streamReader } from '../../lib/ops/stream.js';
import {
  consumerOf,
  invokedRelay,
  runOutboxReplay,
  runPaymentsReconcile,
  runRedrive,
  runStatsRebuild,
  runStreamReplay,
} from '../../lib/ops/tools.js';

const BASE = 'https://sqs.ap-southeast-1.amazonaws.com/333333333333/';
const STREAM = 'arn:aws:dynamodb:ap-southeast-1:333333333333:table/cong-prod/stream/2026-01-01T00:00:00.000';
const RECONCILE = 'arn:aws:lambda:ap-southeast-1:333333333333:function:cong-prod-paymentsReconcile:live';
const RELAY = 'arn:aws:lambda:ap-southeast-1:333333333333:function:cong-prod-notificationRelay:live';
const OUTBOX_RELAY = 'arn:aws:lambda:ap-southeast-1:333333333333:function:cong-prod-outboxRelay:live';
const OUTPUTS: Record<(typeof OUTPUT_KEYS)[number], string> = {
  TableName: 'cong-prod',
  UploadsBucketName: 'cong-prod-scans-333333333333-ap-southeast-1',
  JwtIssuer: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_Test',
  JwtAudience: 'client-1',
  TableStreamArn: STREAM,
  QueueNamePrefix: 'cong-prod',
  OutboxDlqUrl: `${BASE}cong-prod-outbox-dlq`,
  NotificationStreamDlqUrl: `${BASE}cong-prod-notification-stream-dlq`,
  NotificationsDlqUrl: `${BASE}cong-prod-notifications-dlq`,
  PaymentsReconcileFunction: RECONCILE,
  NotificationRelayFunction: RELAY,
  DashboardName: 'cong-prod-flow',
};

const cfn = mockClient(CloudFormationClient);
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const streams = mockClient(DynamoDBStreamsClient);
const lambda = mockClient(LambdaClient);

/** A progress bar that remembers what it was told. */
function recordingBar() {
  const seen = { total: 0, ticks: 0, stopped: false };
  const bar: Progress = {
    total: (n) => {
      seen.total = n;
    },
    tick: (n = 1) => {
      seen.ticks += n;
    },
    stop: () => {
      seen.stopped = true;
    },
  };
  return { bar, seen };
}

const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  for (const key of ['UPLOADS_BUCKET', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_JWKS_URL']) delete process.env[key];
});
afterAll(() => {
  process.env = saved;
  resetConfig();
});

beforeEach(async () => {
  for (const m of [cfn, ddb, sqs, streams, lambda]) m.reset();
  cfn.on(DescribeStacksCommand, { StackName: 'Cong-prod-Api' }).resolves({
    Stacks: [
      {
        StackName: 'Cong-prod-Api',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  await attachToStage('prod', new CloudFormationClient({ region: 'ap-southeast-1' }));
  resetConfig();
});

describe('a deployed stage', () => {
  it('is read from the Api stack outputs, agency queues named as they were deployed', async () => {
    const r = await stageResources('prod', new CloudFormationClient({ region: 'ap-southeast-1' }));
    expect(r).toMatchObject({ tableName: 'cong-prod', outboxDlqUrl: OUTPUTS.OutboxDlqUrl });
    expect(r.agencyQueueUrls.bhxh).toBe(`${BASE}cong-prod-agency-bhxh`);
    expect(process.env.TABLE_NAME).toBe('cong-prod');
    expect(process.env.JWT_JWKS_URL).toBe(`${OUTPUTS.JwtIssuer}/.well-known/jwks.json`);
    expect(JSON.parse(process.env.AGENCY_QUEUE_URLS ?? '{}').bhxh).toBe(`${BASE}cong-prod-agency-bhxh`);
  });

  it("works in the stage's region from cdk.json, whatever region the shell names", async () => {
    const context = (key: string) =>
      ({ regions: { prod: 'ap-southeast-7', staging: 'ap-southeast-1' } })[key as 'regions'];
    expect(regionOf('prod', context)).toBe('ap-southeast-7');
    // A stage cdk.json gives no region runs in the default one, as the deploy does.
    expect(regionOf('dev', () => undefined)).toBe('ap-southeast-1');
    // The repository's own cdk.json names every stage's region.
    const repo = cdkJsonContext();
    const regions = repo('regions') as Record<string, string>;
    for (const stage of ['dev', 'staging', 'prod'] as const)
      expect(regionOf(stage, repo)).toBe(regions[stage]);
    expect(() => regionOf('prod', () => ({ prod: 'saigon' }))).toThrow(/regions/);

    process.env.AWS_REGION = 'us-west-2';
    expect(await cloudFormation('prod', context).config.region()).toBe('ap-southeast-7');
    await attachToStage('prod', undefined, context);
    const [call] = cfn.commandCalls(DescribeStacksCommand).slice(-1);
    const client = call?.thisValue as CloudFormationClient;
    expect(await client.config.region()).toBe('ap-southeast-7');
    // The tools' own clients (SQS, DynamoDB, Lambda) are made after this and follow it.
    expect(process.env.AWS_REGION).toBe('ap-southeast-7');
  });

  it('names the outputs a stage deployed before this release lacks', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Cong-prod-Api',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'https://x' }],
        },
      ],
    });
    await expect(stageResources('prod', new CloudFormationClient({}))).rejects.toThrow(
      /lacks outputs TableName, UploadsBucketName/,
    );
  });
});

describe('stats:rebuild --stage', () => {
  const writes = () =>
    ddb
      .calls()
      .filter((c) =>
        [PutCommand, UpdateCommand, DeleteCommand, TransactWriteCommand].some((k) => c.args[0] instanceof k),
      );

  /** One overdue dossier of the agency in the stage table: its figures differ from the (absent) live ones. */
  function tableWithOneOverdueDossier() {
    ddb.onAnyCommand().resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .on(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':agency': 'AGENCY#bhxh' } })
      .resolves({
        Items: [
          {
            gsi2sk: 'DOSSIER#2026-01-05T02:00:00.000Z',
            code: 'BHXH-260105-0001',
            agencyId: 'bhxh',
            submittedAt: '2026-01-05T02:00:00.000Z',
            dueAt: '2026-01-20T10:00:00.000Z',
            status: 'in_progress',
          },
        ],
      });
  }

  it('reads the stage table and, in a dry run, stores nothing', async () => {
    tableWithOneOverdueDossier();
    const { bar, seen } = recordingBar();
    const { report } = await runStatsRebuild({ agencies: ['bhxh'], dryRun: true, bar });
    expect(report).toMatchObject({ agencies: 1, dossiers: 1, dryRun: true });
    expect(report.differences.length).toBeGreaterThan(0);
    const queries = ddb.commandCalls(QueryCommand);
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) expect(q.args[0].input.TableName).toBe('cong-prod');
    expect(writes()).toEqual([]);
    expect(seen).toEqual({ total: 1, ticks: 1, stopped: true });
  });

  it('stores the rebuilt figures in the stage table when not a dry run', async () => {
    tableWithOneOverdueDossier();
    await runStatsRebuild({ agencies: ['bhxh'], dryRun: false, bar: recordingBar().bar });
    expect(writes().length).toBeGreaterThan(0);
    for (const w of writes()) expect(JSON.stringify(w.args[0].input)).toContain('cong-prod');
  });
});

describe('payments:reconcile --stage', () => {
  it("invokes the stage's reconcile function and returns its report", async () => {
    const answer = { checked: 3, settled: { credited: 2 }, errors: [] };
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode(JSON.stringify(answer)) as never,
    });
    const { bar } = recordingBar();
    const { report, exitCode } = await runPaymentsReconcile({
      all: true,
      dryRun: false,
      functionName: RECONCILE,
      lambda: new LambdaClient({}),
      bar,
    });
    expect(report).toMatchObject({ ...answer, dryRun: false });
    expect(exitCode).toBe(0);
    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call?.args[0].input.FunctionName).toBe(RECONCILE);
    expect(JSON.parse(new TextDecoder().decode(call?.args[0].input.Payload as Uint8Array))).toEqual({
      olderThanSeconds: 0,
    });
  });

  it('fails when the function does', async () => {
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('{"errorMessage":"boom"}') as never,
    });
    await expect(
      runPaymentsReconcile({
        all: false,
        dryRun: false,
        functionName: RECONCILE,
        lambda: new LambdaClient({}),
        bar: recordingBar().bar,
      }),
    ).rejects.toThrow(/boom/);
  });

  it('in a dry run lists pending payments from the table and invokes nothing', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PAYMENTS#pending#0' } }).resolves({
      Items: [{ paymentId: 'PAY-1' }, { paymentId: 'PAY-2' }],
    });
    const { report } = await runPaymentsReconcile({ all: true, dryRun: true, bar: recordingBar().bar });
    expect(report).toMatchObject({ pending: ['PAY-1', 'PAY-2'], dryRun: true });
    expect(lambda.commandCalls(InvokeCommand)).toEqual([]);
    for (const q of ddb.commandCalls(QueryCommand)) expect(q.args[0].input.TableName).toBe('cong-prod');
  });
});

describe('redrive --stage', () => {
  const queueUrl = `${BASE}cong-prod-agency-bhxh`;
  const letter = (n: number) => ({
    MessageId: `m${n}`,
    ReceiptHandle: `rh-${n}`,
    Body: JSON.stringify({
      type: 'dossier.submitted',
      dossierCode: `BHXH-260309-000${n}`,
      agencyId: 'bhxh',
      webhookId: `msg_${n}`,
    }),
    Attributes: { SentTimestamp: String(Date.parse('2026-03-09T00:00:00Z')) },
  });
  const options = (dryRun: boolean) => ({
    agencyId: 'bhxh',
    channel: 'bhxh',
    queueUrl,
    dryRun,
    waitSeconds: 0,
    tableName: 'cong-prod',
    sqs: new SQSClient({}),
    db: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  });

  beforeEach(() => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [letter(1), letter(2)] })
      .resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  it("moves the agency's dead letters from its DLQ back to its queue", async () => {
    const { bar, seen } = recordingBar();
    const { report, exitCode } = await runRedrive({ ...options(false), bar });
    expect(report).toMatchObject({ scanned: 2, redriven: 2, failed: 0, dryRun: false });
    expect(exitCode).toBe(0);
    for (const c of sqs.commandCalls(ReceiveMessageCommand))
      expect(c.args[0].input.QueueUrl).toBe(`${queueUrl}-dlq`);
    const [sent] = sqs.commandCalls(SendMessageBatchCommand);
    expect(sent?.args[0].input.QueueUrl).toBe(queueUrl);
    expect(sent?.args[0].input.Entries).toHaveLength(2);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1);
    expect(seen).toMatchObject({ total: 2, ticks: 2, stopped: true });
  });

  it('in a dry run sends and deletes nothing, and lets the letters be seen again', async () => {
    const { report } = await runRedrive({ ...options(true), bar: recordingBar().bar });
    expect(report).toMatchObject({ scanned: 2, redriven: 2, dryRun: true });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toEqual([]);
    const released = sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(released.map((e) => [e.ReceiptHandle, e.VisibilityTimeout])).toEqual([
      ['rh-1', 0],
      ['rh-2', 0],
    ]);
  });
});

describe('outbox:replay --stage', () => {
  const dlqUrl = OUTPUTS.OutboxDlqUrl;
  const outboxImage = marshall({
    pk: 'OUTBOX#01J000000000000000000000',
    sk: 'OUTBOX',
    messages: [
      {
        type: 'dossier.submitted',
        dossierCode: 'BHXH-260309-0001',
        agencyId: 'bhxh',
        channel: 'bhxh',
        webhookId: 'msg_1',
      },
    ],
  });
  const failure = {
    requestContext: { condition: 'RetryAttemptsExhausted' },
    DDBStreamBatchInfo: {
      shardId: 'shardId-0001',
      startSequenceNumber: '100',
      endSequenceNumber: '100',
      streamArn: STREAM,
    },
  };
  const run = (dryRun: boolean, bar = recordingBar().bar) =>
    runOutboxReplay({
      dlqUrl,
      dryRun,
      waitSeconds: 0,
      sqs: new SQSClient({}),
      readStream: streamReader(new DynamoDBStreamsClient({}), 'ap-southeast-1'),
      bar,
    });

  beforeEach(() => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [{ MessageId: 'd1', ReceiptHandle: 'dlq-1', Body: JSON.stringify(failure) }],
      })
      .resolves({ Messages: [] });
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: '' }] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
  });

  it('reads the failed batch back from the stream, relays it to the agency queue and clears the DLQ', async () => {
    streams.on(GetRecordsCommand).resolves({
      Records: [
        {
          eventID: 'e1',
          eventName: 'INSERT',
          dynamodb: {
            SequenceNumber: '100',
            ApproximateCreationDateTime: new Date('2026-03-09T00:00:00Z'),
            NewImage: outboxImage as never,
          },
        },
      ],
      NextShardIterator: 'it-2',
    });
    const { bar, seen } = recordingBar();
    const { report, exitCode } = await run(false, bar);
    expect(report).toEqual({ scanned: 1, replayed: 1, expired: 0, failed: 0, foreign: 0, dryRun: false });
    expect(exitCode).toBe(0);
    const [it] = streams.commandCalls(GetShardIteratorCommand);
    expect(it?.args[0].input).toMatchObject({
      StreamArn: STREAM,
      ShardId: 'shardId-0001',
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: '100',
    });
    const [sent] = sqs.commandCalls(SendMessageBatchCommand);
    expect(sent?.args[0].input.QueueUrl).toBe(`${BASE}cong-prod-agency-bhxh`);
    expect(JSON.parse(sent?.args[0].input.Entries?.[0]?.MessageBody ?? '{}')).toMatchObject({
      dossierCode: 'BHXH-260309-0001',
      webhookId: 'msg_1',
    });
    const [deleted] = sqs.commandCalls(DeleteMessageBatchCommand);
    expect(deleted?.args[0].input).toMatchObject({ QueueUrl: dlqUrl, Entries: [{ ReceiptHandle: 'dlq-1' }] });
    expect(seen).toMatchObject({ total: 1, ticks: 1, stopped: true });
  });

  it('in a dry run relays and deletes nothing', async () => {
    streams.on(GetRecordsCommand).resolves({
      Records: [
        {
          eventID: 'e1',
          eventName: 'INSERT',
          dynamodb: { SequenceNumber: '100', NewImage: outboxImage as never },
        },
      ],
    });
    const { report } = await run(true);
    expect(report).toMatchObject({ scanned: 1, replayed: 1, dryRun: true });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toEqual([]);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(1);
  });

  it('replays what the local stream pump dead-lettered (the record itself) without reading a stream', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'd1',
            ReceiptHandle: 'dlq-1',
            Body: JSON.stringify({
              ...failure,
              record: {
                eventID: 'e1',
                eventName: 'INSERT',
                dynamodb: { SequenceNumber: '100', NewImage: outboxImage },
              },
            }),
          },
        ],
      })
      .resolves({ Messages: [] });
    const { report } = await run(false);
    expect(report).toMatchObject({ scanned: 1, replayed: 1, expired: 0 });
    expect(streams.commandCalls(GetShardIteratorCommand)).toEqual([]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('leaves a batch the stream no longer holds in the DLQ and says so', async () => {
    streams.on(GetRecordsCommand).resolves({ Records: [] });
    const { report, exitCode } = await run(false);
    expect(report).toMatchObject({ scanned: 1, replayed: 0, expired: 1 });
    expect(exitCode).toBe(1);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toEqual([]);
  });
});

describe('stream DLQs are replayed by the consumer that failed', () => {
  const timelineImage = marshall({
    pk: 'DOSSIER#BHXH-260309-0001',
    sk: 'EVENT#0003',
    kind: 'event',
    seq: 3,
    type: 'dossier.accepted',
  });
  const outboxImage = marshall({ pk: 'OUTBOX#01J000000000000000000001', sk: 'OUTBOX', messages: [] });
  const failureOf = (functionArn: string) => ({
    requestContext: { functionArn, condition: 'RetryAttemptsExhausted' },
    DDBStreamBatchInfo: {
      shardId: 'shardId-0001',
      startSequenceNumber: '200',
      endSequenceNumber: '201',
      streamArn: STREAM,
    },
  });
  /** The failed range as the stream holds it: an outbox item and a timeline event. */
  const range = {
    Records: [
      { eventID: 'o1', eventName: 'INSERT', dynamodb: { SequenceNumber: '200', NewImage: outboxImage } },
      { eventID: 't1', eventName: 'INSERT', dynamodb: { SequenceNumber: '201', NewImage: timelineImage } },
    ],
    NextShardIterator: 'it-2',
  } as never;
  const deliver = (body: object) => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'd1', ReceiptHandle: 'dlq-1', Body: JSON.stringify(body) }] })
      .resolves({ Messages: [] });
  };
  const replay = (consumer: 'outbox' | 'notifications', dryRun = false) =>
    runStreamReplay({
      consumer,
      dlqUrl: consumer === 'outbox' ? OUTPUTS.OutboxDlqUrl : OUTPUTS.NotificationStreamDlqUrl,
      dryRun,
      waitSeconds: 0,
      sqs: new SQSClient({}),
      readStream: streamReader(new DynamoDBStreamsClient({}), 'ap-southeast-1'),
      relays: { notifications: invokedRelay(new LambdaClient({}), RELAY) },
      bar: recordingBar().bar,
    });
  const invokedRecords = () =>
    lambda
      .commandCalls(InvokeCommand)
      .map((c) => JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array)).Records);

  beforeEach(() => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: '' }] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    streams.on(GetRecordsCommand).resolves(range);
  });

  it('names the consumer from the failed function, alias or not, and no other', () => {
    expect(consumerOf(failureOf(RELAY), 'outbox')).toBe('notifications');
    expect(consumerOf(failureOf(OUTBOX_RELAY), 'notifications')).toBe('outbox');
    expect(consumerOf(failureOf('arn:aws:lambda:r:1:function:notificationRelay'), 'outbox')).toBe(
      'notifications',
    );
    expect(consumerOf(failureOf('arn:aws:lambda:r:1:function:cong-prod-dispatcher:live'), 'outbox')).toBe(
      undefined,
    );
    expect(consumerOf({}, 'notifications')).toBe('notifications');
  });

  it("replays a notification relay failure as notifications through the stage's relay, its records only", async () => {
    deliver(failureOf(RELAY));
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode(JSON.stringify({ batchItemFailures: [] })) as never,
    });
    const { report, exitCode } = await replay('notifications');
    expect(report).toEqual({ scanned: 1, replayed: 1, expired: 0, failed: 0, foreign: 0, dryRun: false });
    expect(exitCode).toBe(0);
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input.FunctionName).toBe(RELAY);
    // The outbox item in the same range is the outbox relay's: not handed to the notification relay.
    expect(invokedRecords()).toEqual([[expect.objectContaining({ eventID: 't1' })]]);
    // Nothing goes to an agency queue.
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
    const [deleted] = sqs.commandCalls(DeleteMessageBatchCommand);
    expect(deleted?.args[0].input).toMatchObject({
      QueueUrl: OUTPUTS.NotificationStreamDlqUrl,
      Entries: [{ ReceiptHandle: 'dlq-1' }],
    });
  });

  it('a notification relay failure found in the outbox DLQ is still replayed as notifications', async () => {
    deliver(failureOf(RELAY));
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode(JSON.stringify({ batchItemFailures: [] })) as never,
    });
    const { report } = await replay('outbox');
    expect(report).toMatchObject({ scanned: 1, replayed: 1, foreign: 0 });
    expect(invokedRecords()).toEqual([[expect.objectContaining({ eventID: 't1' })]]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
  });

  it('keeps the message when the relay fails a record again', async () => {
    deliver(failureOf(RELAY));
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode(
        JSON.stringify({ batchItemFailures: [{ itemIdentifier: '201' }] }),
      ) as never,
    });
    const { report, exitCode } = await replay('notifications');
    expect(report).toMatchObject({ scanned: 1, replayed: 0, failed: 1 });
    expect(exitCode).toBe(1);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toEqual([]);
    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input.Entries;
    expect(released).toEqual([expect.objectContaining({ ReceiptHandle: 'dlq-1', VisibilityTimeout: 0 })]);
  });

  it('keeps the message when the relay function itself errs', async () => {
    deliver(failureOf(RELAY));
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('{"errorMessage":"boom"}') as never,
    });
    const { report } = await replay('notifications');
    expect(report).toMatchObject({ replayed: 0, failed: 1 });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toEqual([]);
  });

  it('leaves a message of another function untouched and says so', async () => {
    deliver(failureOf('arn:aws:lambda:ap-southeast-1:333333333333:function:cong-prod-dispatcher:live'));
    const { report, exitCode } = await replay('outbox');
    expect(report).toMatchObject({ scanned: 1, replayed: 0, foreign: 1 });
    expect(exitCode).toBe(1);
    expect(streams.commandCalls(GetShardIteratorCommand)).toEqual([]);
    expect(lambda.commandCalls(InvokeCommand)).toEqual([]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toEqual([]);
  });

  it('in a dry run counts the notifications and invokes nothing', async () => {
    deliver(failureOf(RELAY));
    const { report } = await replay('notifications', true);
    expect(report).toMatchObject({ scanned: 1, replayed: 1, dryRun: true });
    expect(lambda.commandCalls(InvokeCommand)).toEqual([]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toEqual([]);
  });
});
