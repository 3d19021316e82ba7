/**
 * The portal's stateful services on one machine: DynamoDB Local (Java), s3rver and local-aws-sqs
 * (in-process), with the table, uploads bucket and agency queues created from the same definitions CDK
 * provisions. Creation is idempotent so a portal restarted on persisted data finds what it left.
 */
import { join } from 'node:path';
import {
  DeleteTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NOTIFICATIONS } from '../../functions/core/resources.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { ensureTable } from './dynamodb-table.js';
import { LOCAL_REGION } from './lambda.js';
import { createLog, type Log } from './log.js';
import { startS3Local } from './s3-local.js';
import {
  type AgencyQueue,
  DLQ_RETENTION_SECONDS,
  ensureAgencyQueues,
  ensureQueue,
  type QueueInfo,
  startSqsLocal,
} from './sqs-local.js';
import { type ClientOptions, clientOptions } from './store-clients.js';

export interface StoreNames {
  table: string;
  bucket: string;
  /** Prefix of agency queue names (agencyQueues(prefix)). */
  queuePrefix: string;
  outboxDlq: string;
  /** The notification relay's failed stream batches (apart from the outbox's, as in AWS). */
  notificationStreamDlq: string;
}

export const LOCAL_NAMES: StoreNames = {
  table: 'cong-local',
  bucket: 'cong-local-uploads',
  queuePrefix: 'cong-local',
  outboxDlq: 'cong-local-outbox-dlq',
  notificationStreamDlq: 'cong-local-notification-stream-dlq',
};

export interface StoresOptions {
  /** DynamoDB's database file and s3rver's objects live here. */
  dataDir: string;
  /** False: DynamoDB in memory (s3rver still writes under dataDir, which the caller then discards). */
  persistent: boolean;
  names?: StoreNames;
  /** Ports to try first, from an earlier start in this process. */
  preferPorts?: { dynamodb?: number; s3?: number; sqs?: number };
  /**
   * A DynamoDB Local already running (the test tiers share one): the table is made there and dropped at
   * stop, and no DynamoDB Local is started. Only for a table of its own (`names`) that nothing keeps.
   */
  sharedDynamoDb?: string;
  log?: Log;
}

/** A running DynamoDB Local this process did not start; "stopping" it drops the table made in it. */
function onSharedDynamoDb(endpoint: string, tableName: string): DynamoDbLocal {
  return {
    endpoint,
    port: Number(new URL(endpoint).port),
    pid: -1,
    async stop() {
      const ddb = new DynamoDBClient(clientOptions(endpoint));
      try {
        await ddb.send(new DeleteTableCommand({ TableName: tableName }));
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      } finally {
        ddb.destroy();
      }
    },
  };
}

export interface LocalStores {
  readonly region: string;
  readonly names: StoreNames;
  readonly endpoints: { dynamodb: string; s3: string; sqs: string };
  readonly ports: { dynamodb: number; s3: number; sqs: number };
  readonly dynamodbPid: number;
  readonly table: TableDescription;
  readonly streamArn: string;
  readonly agencyQueues: AgencyQueue[];
  readonly outboxDlq: QueueInfo;
  readonly notificationStreamDlq: QueueInfo;
  /** Notifications for the notifier, with the DLQ they reach after NOTIFICATIONS.maxReceiveCount receives. */
  readonly notificationsQueue: QueueInfo & { dlq: QueueInfo };
  readonly clients: {
    dynamodb: DynamoDBClient;
    streams: DynamoDBStreamsClient;
    s3: S3Client;
    sqs: SQSClient;
  };
  /** Endpoint, region and credentials for an SDK client of the given service. */
  clientOptions(service: 'dynamodb' | 's3' | 'sqs'): ClientOptions;
  stop(): Promise<void>;
}

/** Where a persistent portal's DynamoDB Local keeps its database, inside the data folder. */
export const dynamoDbPath = (dataDir: string) => join(dataDir, 'dynamodb');

export async function startStores(options: StoresOptions): Promise<LocalStores> {
  const log = options.log ?? createLog({ src: 'stores' });
  const names = options.names ?? LOCAL_NAMES;
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };
  try {
    if (options.sharedDynamoDb && options.persistent)
      throw new Error('a shared DynamoDB Local keeps no data');
    const [dynamo, s3, sqsServer] = await Promise.all([
      (options.sharedDynamoDb
        ? Promise.resolve(onSharedDynamoDb(options.sharedDynamoDb, names.table))
        : startDynamoDbLocal({
            dbPath: options.persistent ? dynamoDbPath(options.dataDir) : undefined,
            preferPort: options.preferPorts?.dynamodb,
            log: log.child('dynamodb'),
          })
      ).then((d) => {
        stops.push(d.stop);
        return d;
      }),
      startS3Local({
        directory: join(options.dataDir, 's3'),
        buckets: [names.bucket],
        preferPort: options.preferPorts?.s3,
      }).then((s) => {
        stops.push(s.stop);
        return s;
      }),
      startSqsLocal({ preferPort: options.preferPorts?.sqs }).then((q) => {
        stops.push(q.stop);
        return q;
      }),
    ]);

    const clients = {
      dynamodb: new DynamoDBClient(clientOptions(dynamo.endpoint)),
      streams: new DynamoDBStreamsClient(clientOptions(dynamo.endpoint)),
      s3: new S3Client({
        ...clientOptions(s3.endpoint),
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
      sqs: new SQSClient(clientOptions(sqsServer.endpoint)),
    };
    stops.push(async () => {
      for (const c of Object.values(clients)) c.destroy();
    });

    const table = await ensureTable(clients.dynamodb, names.table, log);
    const streamArn = table.LatestStreamArn;
    if (!streamArn) throw new Error(`table ${names.table} has no stream`);
    const queues = await ensureAgencyQueues(clients.sqs, names.queuePrefix);
    const outboxDlq = await ensureQueue(clients.sqs, names.outboxDlq, {
      MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
    });
    const notificationStreamDlq = await ensureQueue(clients.sqs, names.notificationStreamDlq, {
      MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
    });
    const notificationsName = `${names.queuePrefix}-${NOTIFICATIONS.queueSuffix}`;
    const notificationsDlq = await ensureQueue(clients.sqs, `${notificationsName}-dlq`, {
      MessageRetentionPeriod: String(NOTIFICATIONS.dlqRetentionDays * 24 * 3600),
    });
    const notificationsQueue = {
      ...(await ensureQueue(clients.sqs, notificationsName, {
        VisibilityTimeout: String(NOTIFICATIONS.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: notificationsDlq.arn,
          maxReceiveCount: NOTIFICATIONS.maxReceiveCount,
        }),
      })),
      dlq: notificationsDlq,
    };
    const endpoints = { dynamodb: dynamo.endpoint, s3: s3.endpoint, sqs: sqsServer.endpoint };
    log.info('stores ready', { ...endpoints, table: names.table, queues: queues.length });

    let stopping: Promise<void> | undefined;
    return {
      region: LOCAL_REGION,
      names,
      endpoints,
      ports: { dynamodb: dynamo.port, s3: s3.port, sqs: sqsServer.port },
      dynamodbPid: dynamo.pid,
      table,
      streamArn,
      agencyQueues: queues,
      outboxDlq,
      notificationStreamDlq,
      notificationsQueue,
      clients,
      clientOptions: (service) => clientOptions(endpoints[service]),
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
