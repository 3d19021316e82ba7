/**
 * The whole portal on one machine: stores, the local API Gateway, the event source mappings (agency
 * queues → dispatcher, table stream → outbox relay), the agency simulator and test sign-in, wired the
 * way AWS wires them. Handlers are configured only by environment, so this sets process.env before the
 * first handler module loads; that makes it one portal per process at a time.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dynamo, sqsClient } from '../../functions/core/clients.js';
import { resetConfig } from '../../functions/core/config.js';
import { s3Client } from '../../functions/core/s3-client.js';
import { pageSecurityHeaders } from '../../functions/core/security-headers.js';
import { functions } from '../../functions/deployment.js';
import { readOutbox, type SentNotification } from '../../functions/notifications/outbox-file.js';
import { fileTransport, useTransport } from '../../functions/notifications/transports.js';
import type { ReconcileReport } from '../../functions/payments/reconcile.js';
import type { EscalationReport } from '../../functions/petitions/escalation.js';
import { allAgencies, channels } from '../../functions/registry/agencies.js';
import type { HttpFunction } from '../../functions/routes.js';
import type { SlaReport } from '../../functions/sla/sla.js';
import type { SupportWatchReport } from '../../functions/support/watcher.js';
import { type Environment, processEnvironment, variables } from '../function-environment.js';
import { ensureAgencySecrets } from './agency-secrets.js';
import { type AgencySimulator, startAgencySimulator } from './agency-simulator.js';
import {
  type ApiServer,
  type HttpFunctionInstance,
  type ServedFunction,
  startApiServer,
} from './api-server.js';
import { injectAwsFaults, throttlingTransport } from './aws-faults.js';
import { createDevAuth, type DevAuth, type DevTokenInput } from './dev-auth.js';
import { refuseWhileDynamoDbLocalRuns } from './dynamodb-lock.js';
import { type EvnSandbox, startEvnSandbox } from './evn-sandbox.js';
import { createFaults, type FaultPlanInput, type Faults, faultsFromEnv } from './faults.js';
import { REPO_ROOT } from './lambda.js';
import { createLog, errorFields, type Log } from './log.js';
import { createOidcIssuer, type OidcIssuer } from './oidc-issuer.js';
import { type PaymentSandbox, startPaymentSandbox } from './payment-sandbox.js';
import { ensurePaymentSecrets } from './payment-secrets.js';
import { ensureProfileKey } from './profile-key.js';
import type { QueuePump } from './queue-pump.js';
import { ensureResultSigningKey } from './result-key.js';
import { LOCAL_CREDENTIALS } from './store-clients.js';
import { dynamoDbPath, LOCAL_NAMES, type LocalStores, startStores } from './stores.js';
import type { StreamPump } from './stream-pump.js';
import { type FunctionName, localFunction, startTriggers } from './triggers.js';
import { bundleWebPage, configAsset, type WebAsset, type WebPageConfig } from './web-page.js';

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
  /** Payment reconciliation timer (EventBridge's role); default 60 s, 0 = only on demand. */
  reconcileIntervalMs?: number;
  /** SLA watcher timer (EventBridge's role); default 60 s, 0 = only on demand. */
  slaIntervalMs?: number;
  /** Petition escalation timer (EventBridge's role); default 60 s, 0 = only on demand. */
  escalationIntervalMs?: number;
  /** Support watcher timer (EventBridge's role); default 60 s, 0 = only on demand. */
  supportWatchIntervalMs?: number;
  /** Faults to inject (lib/local/faults.ts); default CONG_FAULTS, else none. */
  faults?: FaultPlanInput | Faults;
  /**
   * channel → an integrator's own receiver (lib/local/agency-endpoints.ts): that channel's deliveries
   * go there instead of to the simulator.
   */
  agencyEndpoints?: Readonly<Record<string, string>>;
  /**
   * Endpoint of a DynamoDB Local already running (the test tiers share one instead of starting one per
   * portal): an ephemeral portal makes a table of its own there and drops it at stop.
   */
  sharedDynamoDb?: string;
}

/** Where `npm run payments:reconcile` finds a running portal's environment. */
export const PORTAL_ENV_FILE = 'portal-env.json';
/** Merchant code the portal uses at the local payment gateway. */
const SANDBOX_MERCHANT = 'CONGLOCAL';

export interface LocalPortal {
  readonly url: string;
  readonly dataDir: string;
  readonly ephemeral: boolean;
  readonly stores: LocalStores;
  readonly simulator: AgencySimulator;
  /** The local payment gateway and EVN biller. */
  readonly payments: PaymentSandbox;
  readonly evn: EvnSandbox;
  readonly api: ApiServer;
  readonly dev: DevAuth;
  /** The OIDC issuer people sign in at (the citizen page's login), at `${url}/dev`. */
  readonly oidc: OidcIssuer;
  /** The citizen web page. */
  readonly webUrl: string;
  readonly pumps: {
    readonly queues: readonly QueuePump[];
    readonly stream: StreamPump;
    /** Table stream → notification relay (notifications and statistics), and notifications queue → notifier. */
    readonly notificationStream: StreamPump;
    readonly notifications: QueuePump;
  };
  /** The variables set in process.env for the handlers (restored on stop). */
  readonly env: Readonly<Record<string, string>>;
  /** A signed test token, as POST /dev/token issues it (`expiresInSeconds` < 0: already expired). */
  token(input: Partial<DevTokenInput> & { sub: string; expiresInSeconds?: number }): Promise<string>;
  /** Runs payment reconciliation now (as the schedule does), for payments pending this long. */
  reconcile(olderThanSeconds?: number): Promise<ReconcileReport>;
  /**
   * Runs the SLA watcher now, optionally as of another instant: over every shard, or as one of the
   * schedule's parts (`part`, 0 to SLA.watchParts − 1).
   */
  watchSla(now?: Date, part?: number): Promise<SlaReport>;
  /** Runs petition escalation now (as the schedule does), optionally as of another instant. */
  escalatePetitions(asOf?: Date): Promise<EscalationReport>;
  /** Runs the support watcher now (as the schedule does), optionally as of another instant. */
  watchSupport(asOf?: Date): Promise<SupportWatchReport>;
  /** The notifications sent so far (what `GET /dev/outbox` shows), newest first. */
  outbox(filter?: { dossierCode?: string; limit?: number }): Promise<SentNotification[]>;
  /** Where the local notification transport writes. */
  readonly outboxFile: string;
  /** The faults being injected, when a plan was given; `faults.stop()` ends them. */
  readonly faults: Faults | undefined;
  stop(): Promise<void>;
}

let active = false;
/** Ports of the previous portal in this process, reused so handler modules' cached endpoints stay valid. */
const remembered: {
  api?: number;
  dynamodb?: number;
  s3?: number;
  sqs?: number;
  simulator?: number;
  paymentSandbox?: number;
  evn?: number;
} = {};

async function wipe(dir: string) {
  if (!existsSync(dir)) return;
  const entries = await readdir(dir);
  if (entries.length && !entries.includes(MARKER)) {
    throw new Error(`refusing to wipe ${dir}: it is not a local portal data folder`);
  }
  // Never pull the files from under a DynamoDB Local that still runs on them (a portal, or one it left).
  await refuseWhileDynamoDbLocalRuns(dynamoDbPath(dir));
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
  const faults =
    options.faults === undefined
      ? faultsFromEnv()
      : 'roll' in options.faults
        ? options.faults
        : createFaults(options.faults);
  if (faults) log.warn('fault injection is on', { seed: faults.plan.seed });
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

    const outboxFile = join(dataDir, 'notifications-outbox.jsonl');
    const outbox = (filter: { dossierCode?: string; limit?: number } = {}) => readOutbox(outboxFile, filter);
    const httpFunctions = new Map<ServedFunction, HttpFunctionInstance>();
    const webDir = options.webDir ?? join(REPO_ROOT, 'web');
    const webAssets = new Map<string, WebAsset>();
    let webConfig: WebPageConfig | undefined;
    let uploadUrl: string | undefined;
    // The gateway first: a taken port fails before anything heavy starts, and early requests get 503.
    const api = await startApiServer({
      port: options.port,
      preferPort: remembered.api,
      open: false,
      functionFor: (fn) => httpFunctions.get(fn),
      checkResponses: true,
      webDir,
      webAssets,
      pageHeaders: () =>
        pageSecurityHeaders({ apiUrl: '', issuer: '', ...webConfig, uploadUrl }, { https: false }),
      devOutbox: outbox,
      log: log.child('api'),
    });
    cleanups.push(() => api.close());
    const url = api.url;

    const stores = await startStores({
      dataDir,
      persistent: !ephemeral,
      preferPorts: remembered,
      ...(options.sharedDynamoDb
        ? {
            sharedDynamoDb: options.sharedDynamoDb,
            names: { ...LOCAL_NAMES, table: `${LOCAL_NAMES.table}-${randomUUID().slice(0, 8)}` },
          }
        : {}),
      log: log.child('stores'),
    });
    cleanups.push(() => stores.stop());

    const secretsFile = join(dataDir, 'agency-secrets.json');
    const channelSecrets = await ensureAgencySecrets(secretsFile, channels);
    const simulator = await startAgencySimulator({
      // The simulator stands in for every agency; each signs with its channel's secrets.
      secrets: Object.fromEntries(allAgencies().map((a) => [a.id, channelSecrets[a.channel]!])),
      portalUrl: url,
      delayMs: options.simulatorDelayMs,
      preferPort: remembered.simulator,
      log: log.child('agency-sim'),
      faults,
    });
    cleanups.push(() => simulator.stop());

    const paymentSecretsFile = join(dataDir, 'payment-secrets.json');
    const paymentSecrets = await ensurePaymentSecrets(paymentSecretsFile, ['sandbox', 'evn']);
    const profileDataKey = await ensureProfileKey(join(dataDir, 'profile-data-key'));
    const resultSigningKey = await ensureResultSigningKey(join(dataDir, 'result-signing-key.pem'));
    const payments = await startPaymentSandbox({
      secret: paymentSecrets.sandbox!,
      merchant: SANDBOX_MERCHANT,
      portalUrl: url,
      preferPort: remembered.paymentSandbox,
      log: log.child('payment-sandbox'),
      faults,
    });
    cleanups.push(() => payments.stop());
    const evn = await startEvnSandbox({
      secret: paymentSecrets.evn!,
      preferPort: remembered.evn,
      log: log.child('evn-sandbox'),
    });
    cleanups.push(() => evn.stop());

    const dev = await createDevAuth({
      issuer: `${url}/dev`,
      audience: JWT_AUDIENCE,
      keyFile: ephemeral ? undefined : join(dataDir, 'dev-jwt-key.json'),
    });
    // The page is served by the gateway itself (same origin as the API, so no CORS), at either
    // loopback name; the client is registered with exactly those redirect URIs.
    const webOrigins = [url, `http://localhost:${api.port}`];
    const oidc = createOidcIssuer({
      dev,
      redirectUris: webOrigins.map((o) => `${o}/auth/callback`),
      logoutUris: webOrigins.map((o) => `${o}/`),
    });
    for (const [path, asset] of await bundleWebPage(webDir)) webAssets.set(path, asset);
    uploadUrl = stores.endpoints.s3;
    webConfig = { issuer: oidc.issuer, clientId: oidc.clientId, apiUrl: '', allowInsecureRequests: true };
    webAssets.set('/config.json', configAsset(webConfig));

    const shared: Environment = {
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
      // One simulator for every agency: a template, not ~3,700 entries (a child process inherits the env).
      AGENCY_ENDPOINT_TEMPLATE: `${simulator.url}/agencies/{agencyId}/webhook`,
      AGENCY_CHANNEL_ENDPOINTS: JSON.stringify(options.agencyEndpoints ?? {}),
      AGENCY_SECRETS_SOURCE: 'file',
      AGENCY_SECRETS_FILE: secretsFile,
      ALLOW_PRIVATE_ENDPOINTS: 'true',
      // No CloudFront in front of the local gateway: requests need no edge header, and limits count the
      // connection's own address (functions/core/edge-origin.ts).
      EDGE_ORIGIN_CHECK: 'off',
      JWT_ISSUER: dev.issuer,
      JWT_AUDIENCE,
      JWT_JWKS_URL: `${url}/dev/jwks.json`,
      S3_FORCE_PATH_STYLE: 'true',
      PAYMENT_PROVIDERS: JSON.stringify({
        sandbox: {
          kind: 'hmac-redirect',
          payUrl: payments.payUrl,
          queryUrl: payments.queryUrl,
          merchant: SANDBOX_MERCHANT,
        },
      }),
      PAYMENT_PROVIDER: 'sandbox',
      BILLERS: JSON.stringify({ evn: { kind: 'json-api', url: evn.url } }),
      PAYMENT_SECRETS_SOURCE: 'file',
      PAYMENT_SECRETS_FILE: paymentSecretsFile,
      NOTIFICATIONS_QUEUE_URL: stores.notificationsQueue.url,
      // For `npm run outbox:replay`; no function reads it.
      OUTBOX_DLQ_URL: stores.outboxDlq.url,
      NOTIFICATION_STREAM_DLQ_URL: stores.notificationStreamDlq.url,
      NOTIFY_TRANSPORT: 'local-file',
      NOTIFY_OUTBOX_FILE: outboxFile,
    };
    // One process runs every function: it gets the keys and addresses any of their specs asks for.
    const env = variables(
      processEnvironment(shared, Object.values(functions), {
        profileKey: { dataKey: profileDataKey },
        resultSigningKey: { pem: resultSigningKey },
        portalUrl: url,
      }),
    );
    // `npm run payments:reconcile` reads this to reach the stores of the portal running on this folder.
    await writeFile(join(dataDir, PORTAL_ENV_FILE), `${JSON.stringify(env, null, 2)}\n`, { mode: 0o600 });
    cleanups.push(() => rm(join(dataDir, PORTAL_ENV_FILE), { force: true }));
    // A developer's own AWS session or profile must not leak into the local cloud's requests.
    const restoreEnv = setEnv({ ...env, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined });
    resetConfig();
    cleanups.push(() => {
      restoreEnv();
      resetConfig();
    });
    if (faults) {
      const removers = [
        injectAwsFaults(dynamo(), 'dynamodb', faults),
        injectAwsFaults(s3Client(), 's3', faults),
        injectAwsFaults(sqsClient(), 'sqs', faults),
      ];
      // The SMS and e-mail providers refuse notices for load at the plan's rate.
      useTransport(throttlingTransport(fileTransport(outboxFile), faults));
      cleanups.push(() => {
        for (const remove of removers) remove();
        useTransport(undefined);
      });
    }

    for (const fn of Object.keys(functions) as FunctionName[]) {
      if (!functions[fn].trigger) httpFunctions.set(fn as Exclude<HttpFunction, 'dev'>, localFunction(fn));
    }
    api.open(dev, oidc);

    // Streams, queues and schedules, each from its function's spec as CDK maps them.
    const triggers = await startTriggers({
      stores,
      dataDir,
      ephemeral,
      log,
      faults,
      scheduleIntervalMs: {
        paymentsReconcile: options.reconcileIntervalMs,
        slaWatcher: options.slaIntervalMs,
        escalation: options.escalationIntervalMs,
        supportWatcher: options.supportWatchIntervalMs,
      },
    });
    cleanups.push(() => triggers.stop());
    const reconcile = (olderThanSeconds?: number) =>
      triggers.run<ReconcileReport>(
        'paymentsReconcile',
        olderThanSeconds === undefined ? {} : { olderThanSeconds },
      );
    const watchSla = (now?: Date, part?: number) =>
      triggers.run<SlaReport>('slaWatcher', {
        ...(now ? { now: now.toISOString() } : {}),
        ...(part === undefined ? {} : { part }),
      });
    const escalatePetitions = (asOf?: Date) =>
      triggers.run<EscalationReport>('escalation', asOf ? { now: asOf.toISOString() } : {});
    const watchSupport = (asOf?: Date) =>
      triggers.run<SupportWatchReport>('supportWatcher', asOf ? { now: asOf.toISOString() } : {});

    Object.assign(remembered, {
      api: api.port,
      simulator: simulator.port,
      paymentSandbox: payments.port,
      evn: evn.port,
      ...stores.ports,
    });
    log.info('local portal ready', { url, dataDir: ephemeral ? '(temporary)' : dataDir });

    let stopping: Promise<void> | undefined;
    return {
      url,
      dataDir,
      ephemeral,
      stores,
      simulator,
      payments,
      evn,
      api,
      dev,
      oidc,
      webUrl: `${url}/`,
      pumps: {
        queues: triggers.queues,
        stream: triggers.streams['outbox-stream'],
        notificationStream: triggers.streams['dossier-stream'],
        notifications: triggers.notifications,
      },
      env,
      token: async ({ expiresInSeconds, ...input }) =>
        (await dev.issueToken({ role: 'citizen', ...input }, { expiresInSeconds })).token,
      reconcile,
      watchSla,
      escalatePetitions,
      watchSupport,
      outbox,
      outboxFile,
      faults,
      stop: () => {
        stopping ??= (async () => {
          // Finish in-flight batches first, then stop taking work, then the stores the work used.
          await triggers.stop();
          await simulator.stop();
          await payments.stop();
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
