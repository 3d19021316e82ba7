/**
 * The whole portal on one machine: stores, the local API Gateway, the event source mappings (agency
 * queues → dispatcher, table stream → outbox relay), the agency simulator and test sign-in, wired the
 * way AWS wires them. Handlers are configured only by environment, so this sets process.env before the
 * first handler module loads; that makes it one portal per process at a time.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { agencies } from '../../functions/catalog/agencies.js';
import { resetConfig } from '../../functions/core/config.js';
import { functions, type HttpFunction } from '../../functions/routes.js';
import { ensureAgencySecrets } from './agency-secrets.js';
import { type AgencySimulator, startAgencySimulator } from './agency-simulator.js';
import {
  type ApiServer,
  type HttpFunctionInstance,
  type ServedFunction,
  startApiServer,
} from './api-server.js';
import { createDevAuth, type DevAuth, type DevTokenInput } from './dev-auth.js';
import { functionFromModule, REPO_ROOT } from './lambda.js';
import { createLog, errorFields, type Log } from './log.js';
import { type QueuePump, startQueuePump } from './queue-pump.js';
import { LOCAL_CREDENTIALS, type LocalStores, startStores } from './stores.js';
import { type RelayFunction, type StreamPump, startStreamPump } from './stream-pump.js';

export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.local');
export const JWT_AUDIENCE = 'cong-local';
/** Marks a folder as the local portal's, so --reset never wipes anything else. */
const MARKER = '.cong-local';

export interface LocalPortalOptions {
  /** Exact port for the API (fails when taken); 0 or absent = a free one. */
  port?: number;
  /** Persistent data (DynamoDB file, S3 objects, keys, secrets); default `.local/` in the repository. */
  dataDir?: string;
  /** Everything in memory or a temporary folder, gone after stop (tests). */
  ephemeral?: boolean;
  /** Wipe the data folder first. */
  reset?: boolean;
  /** Pause before each agency callback; default SIMULATOR_DELAY_MS or 1500 ms. */
  simulatorDelayMs?: number;
  /** Log errors only. */
  quiet?: boolean;
  log?: Log;
  /** Folder of the citizen web page; default web/. */
  webDir?: string;
}

export interface LocalPortal {
  readonly url: string;
  readonly dataDir: string;
  readonly ephemeral: boolean;
  readonly stores: LocalStores;
  readonly simulator: AgencySimulator;
  readonly api: ApiServer;
  readonly dev: DevAuth;
  readonly pumps: { readonly queues: readonly QueuePump[]; readonly stream: StreamPump };
  /** The variables set in process.env for the handlers (restored on stop). */
  readonly env: Readonly<Record<string, string>>;
  /** A signed test token, as POST /dev/token issues it. */
  token(input: { sub: string; role?: DevTokenInput['role']; name?: string }): Promise<string>;
  stop(): Promise<void>;
}

let active = false;
/** Ports of the previous portal in this process, reused so handler modules' cached endpoints stay valid. */
const remembered: { api?: number; dynamodb?: number; s3?: number; sqs?: number; simulator?: number } = {};

async function wipe(dir: string) {
  if (!existsSync(dir)) return;
  const entries = await readdir(dir);
  if (entries.length && !entries.includes(MARKER)) {
    throw new Error(`refusing to wipe ${dir}: it is not a local portal data folder`);
  }
  await rm(dir, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One portal per data folder: two DynamoDB Local processes on one database file would corrupt it. */
async function lock(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, 'portal.pid');
  if (existsSync(file)) {
    const pid = Number((await readFile(file, 'utf8')).trim());
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
      throw new Error(`another local portal (pid ${pid}) is using ${dir}; stop it first`);
    }
  }
  await writeFile(file, `${process.pid}\n`);
  return () => rm(file, { force: true });
}

function setEnv(values: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const apply = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(values);
  return () => apply(previous);
}

export async function startLocalPortal(options: LocalPortalOptions = {}): Promise<LocalPortal> {
  if (active)
    throw new Error('a local portal is already running in this process (handlers share process.env)');
  active = true;
  const log = options.log ?? createLog({ quiet: options.quiet, src: 'local' });
  const ephemeral = options.ephemeral ?? false;
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log.error('stop step failed', errorFields(err));
      }
    }
    cleanups.length = 0;
  };

  try {
    // Data folder.
    let dataDir: string;
    if (ephemeral) {
      dataDir = await mkdtemp(join(tmpdir(), 'cong-local-'));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    } else {
      dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
      if (options.reset) await wipe(dataDir);
      await mkdir(dataDir, { recursive: true });
      await writeFile(join(dataDir, MARKER), 'Data of the local Cổng portal (npm start). Safe to delete.\n');
      cleanups.push(await lock(dataDir));
    }

    const httpFunctions = new Map<ServedFunction, HttpFunctionInstance>();
    // The gateway first: a taken port fails before anything heavy starts, and early requests get 503.
    const api = await startApiServer({
      port: options.port,
      preferPort: remembered.api,
      open: false,
      functionFor: (fn) => httpFunctions.get(fn),
      webDir: options.webDir ?? join(REPO_ROOT, 'web'),
      log: log.child('api'),
    });
    cleanups.push(() => api.close());
    const url = api.url;

    const stores = await startStores({
      dataDir,
      persistent: !ephemeral,
      preferPorts: remembered,
      log: log.child('stores'),
    });
    cleanups.push(() => stores.stop());

    const secretsFile = join(dataDir, 'agency-secrets.json');
    const secrets = await ensureAgencySecrets(
      secretsFile,
      agencies.map((a) => a.id),
    );
    const simulator = await startAgencySimulator({
      secrets,
      portalUrl: url,
      delayMs: options.simulatorDelayMs,
      preferPort: remembered.simulator,
      log: log.child('agency-sim'),
    });
    cleanups.push(() => simulator.stop());

    const dev = await createDevAuth({
      issuer: `${url}/dev`,
      audience: JWT_AUDIENCE,
      keyFile: ephemeral ? undefined : join(dataDir, 'dev-jwt-key.json'),
    });

    const env: Record<string, string> = {
      STAGE: 'local',
      AWS_REGION: stores.region,
      AWS_DEFAULT_REGION: stores.region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: stores.endpoints.dynamodb,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: stores.endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: stores.endpoints.s3,
      AWS_ENDPOINT_URL_SQS: stores.endpoints.sqs,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_EC2_METADATA_DISABLED: 'true',
      TABLE_NAME: stores.names.table,
      UPLOADS_BUCKET: stores.names.bucket,
      AGENCY_QUEUE_URLS: JSON.stringify(
        Object.fromEntries(stores.agencyQueues.map((q) => [q.channel, q.url])),
      ),
      AGENCY_ENDPOINTS: JSON.stringify(
        Object.fromEntries(agencies.map((a) => [a.id, simulator.endpointFor(a.id)])),
      ),
      AGENCY_SECRETS_SOURCE: 'file',
      AGENCY_SECRETS_FILE: secretsFile,
      ALLOW_PRIVATE_ENDPOINTS: 'true',
      JWT_ISSUER: dev.issuer,
      JWT_AUDIENCE,
      JWT_JWKS_URL: `${url}/dev/jwks.json`,
      S3_FORCE_PATH_STYLE: 'true',
    };
    // A developer's own AWS session or profile must not leak into the local cloud's requests.
    const restoreEnv = setEnv({ ...env, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined });
    resetConfig();
    cleanups.push(() => {
      restoreEnv();
      resetConfig();
    });

    for (const fn of Object.keys(functions) as Array<keyof typeof functions>) {
      const spec = functions[fn];
      if (spec.trigger) continue;
      httpFunctions.set(
        fn as Exclude<HttpFunction, 'dev'>,
        functionFromModule({
          name: `cong-local-${fn}`,
          entry: spec.entry,
          timeoutSeconds: spec.timeoutSeconds,
          memoryMb: spec.memoryMb,
        }),
      );
    }
    api.open(dev);

    const dispatcher = functionFromModule<SQSEvent, SQSBatchResponse>({
      name: 'cong-local-dispatcher',
      entry: functions.dispatcher.entry,
      timeoutSeconds: functions.dispatcher.timeoutSeconds,
      memoryMb: functions.dispatcher.memoryMb,
    });
    const queuePumps = stores.agencyQueues.map((q) =>
      startQueuePump({
        sqs: stores.clients.sqs,
        queueUrl: q.url,
        queueArn: q.arn,
        fn: dispatcher,
        log: log.child('queue-pump'),
      }),
    );
    cleanups.push(() => Promise.all(queuePumps.map((p) => p.stop())).then(() => {}));

    const relay: RelayFunction = functionFromModule({
      name: 'cong-local-outboxRelay',
      entry: functions.outboxRelay.entry,
      timeoutSeconds: functions.outboxRelay.timeoutSeconds,
      memoryMb: functions.outboxRelay.memoryMb,
    });
    const streamPump = await startStreamPump({
      dynamodb: stores.clients.dynamodb,
      streams: stores.clients.streams,
      sqs: stores.clients.sqs,
      tableName: stores.names.table,
      fn: relay,
      dlqUrl: stores.outboxDlq.url,
      checkpointFile: ephemeral ? undefined : join(dataDir, 'stream-checkpoints.json'),
      log: log.child('stream-pump'),
    });
    cleanups.push(() => streamPump.stop());

    Object.assign(remembered, { api: api.port, simulator: simulator.port, ...stores.ports });
    log.info('local portal ready', { url, dataDir: ephemeral ? '(temporary)' : dataDir });

    let stopping: Promise<void> | undefined;
    return {
      url,
      dataDir,
      ephemeral,
      stores,
      simulator,
      api,
      dev,
      pumps: { queues: queuePumps, stream: streamPump },
      env,
      token: async (input) => (await dev.issueToken({ role: 'citizen', ...input })).token,
      stop: () => {
        stopping ??= (async () => {
          // Finish in-flight batches first, then stop taking work, then the stores the work used.
          await streamPump.stop();
          await Promise.all(queuePumps.map((p) => p.stop()));
          await simulator.stop();
          await api.close();
          await cleanup();
          active = false;
          log.info('local portal stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await cleanup();
    active = false;
    throw err;
  }
}
