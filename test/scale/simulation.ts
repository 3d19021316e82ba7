/**
 * The country filing at once, in one process: the real HTTP handlers (found through the one route
 * table, invoked as the local API gateway invokes them, warm, with their timeouts) and the real stream
 * relays, over the functions' own SDK clients, against a table that charges and throttles capacity per
 * partition (throttled-table.ts), an in-memory SQS, and a virtual clock.
 *
 * Virtual time: every request carries the virtual instant it arrives at (AsyncLocalStorage); the table
 * charges it to that virtual second. Each simulated second runs its full load (rate × 1 s of
 * submissions and the readers' requests) before the next starts, however long the machine takes, so
 * partition rates are those of the full national rate. Only a slice of the peak is simulated
 * (`seconds × scale` virtual seconds); the load is stationary, so the per-second figures of the slice
 * are the figures of any second of the peak, and totals are extrapolated linearly (report.ts says so).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, DynamoDBRecord } from 'aws-lambda';
import { createRouter } from '../../lib/local/api-routing.js';
import { functionFromModule, type LocalFunction } from '../../lib/local/lambda.js';
import { isOutboxInsert } from '../../lib/local/stream-pump.js';
import { testEnv } from '../support/tokens.js';
import { startIssuer } from './issuer.js';
import { type Clock, ThrottledTable } from './throttled-table.js';

export interface ScaleOptions {
  /** Dossier submissions per second at the peak. */
  rate: number;
  /** Length of the peak, seconds. */
  seconds: number;
  /** Fraction of the peak's seconds simulated at full rate (at least one second). */
  scale: number;
  /** Citizens reading at once (tracking, their dossiers, catalog search). */
  readers: number;
  /** Seconds a reader waits between two requests. */
  thinkSeconds: number;
  /** Share of submissions for the one hot procedure. */
  hotShare: number;
  /** Requests in flight at once in this process (not a model of anything: how hard the machine works). */
  inFlight: number;
  /** Overrides the per-partition limits (the test proves throttling with small ones). */
  limits?: { write: number; read: number };
  /** The table's write quota in units per second (on-demand default 40,000); none: not enforced. */
  tableWriteQuota?: number;
  onProgress?: (p: { second: number; of: number; requests: number }) => void;
}

export const DEFAULTS: ScaleOptions = {
  rate: 5000,
  seconds: 600,
  scale: 0.01,
  readers: 120_000,
  thinkSeconds: 10,
  hotShare: 0.6,
  inFlight: 64,
};

/** The SDK's standard retry mode as the functions' DynamoDB client uses it (clients.ts: maxAttempts 4). */
const SDK_MAX_ATTEMPTS = 4;
const THROTTLING_RETRY_DELAY_BASE_MS = 500;
/** Lambda's default batch size for a DynamoDB stream event source mapping. */
const STREAM_BATCH = 100;

interface RequestContext {
  /** Virtual milliseconds of the request's next AWS call (retries push it later). */
  t: number;
  calls: number;
  retries: number;
}

const als = new AsyncLocalStorage<RequestContext>();

export interface RouteStats {
  statuses: Map<number, number>;
  latencies: number[];
  calls: number;
  retries: number;
}

export interface SimulationResult {
  options: ScaleOptions;
  simulatedSeconds: number;
  table: ThrottledTable;
  routes: Map<string, RouteStats>;
  queues: Map<string, number>;
  streamRecords: number;
  relayInvocations: Map<string, { count: number; latencies: number[]; calls: number; failures: number }>;
  wallSeconds: number;
  skew: { provinceShares: { code: string; name: string; share: number }[]; assumption: string };
}

type HttpFn = LocalFunction<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/** A tiny seeded generator, so two runs with the same options draw the same load. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  return Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker)).then(() => out);
}

export async function runSimulation(partial: Partial<ScaleOptions> = {}): Promise<SimulationResult> {
  const options: ScaleOptions = { ...DEFAULTS, ...partial };
  const started = Date.now();
  const issuer = await startIssuer();
  const { channels } = await import('../../functions/registry/agencies.js');
  testEnv(issuer, {
    TABLE_NAME: 'cong-scale',
    PROFILE_DATA_KEY: randomBytes(32).toString('base64'),
    AGENCY_QUEUE_URLS: JSON.stringify(
      Object.fromEntries(channels.map((c) => [c, `https://sqs.local/000000000000/cong-agency-${c}`])),
    ),
    NOTIFICATIONS_QUEUE_URL: 'https://sqs.local/000000000000/cong-notifications',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });

  const clock: Clock = { now: () => als.getStore()?.t ?? 0 };
  const table = new ThrottledTable(clock, options.limits, options.tableWriteQuota);
  const queues = new Map<string, number>();

  // The functions' own clients, answered in process.
  const clients = await import('../../functions/core/clients.js');
  type Input = Record<string, unknown>;
  type Handler = (input: Input) => unknown;
  const withRetries = async <T>(op: () => T): Promise<T> => {
    const ctx = als.getStore();
    if (ctx) ctx.calls++;
    for (let attempt = 1; ; attempt++) {
      try {
        return op();
      } catch (err) {
        if (!(err instanceof ProvisionedThroughputExceededException) || attempt >= SDK_MAX_ATTEMPTS)
          throw err;
        // The SDK's throttling backoff, in virtual time: random × 2^attempt × 500 ms.
        if (ctx) {
          ctx.t += Math.random() * 2 ** attempt * THROTTLING_RETRY_DELAY_BASE_MS;
          ctx.retries++;
        }
      }
    }
  };
  // SQS standard queues: no throughput limit that matters here ("nearly unlimited" per the SQS quotas).
  const enqueue = (url: string, n: number) => {
    const ctx = als.getStore();
    if (ctx) ctx.calls++;
    queues.set(url, (queues.get(url) ?? 0) + n);
  };
  const restore = [
    answerInProcess(clients.dynamo(), [
      [GetCommand, (i) => withRetries(() => table.get(i))],
      [PutCommand, (i) => withRetries(() => table.write('Put', i))],
      [UpdateCommand, (i) => withRetries(() => table.write('Update', i))],
      [DeleteCommand, (i) => withRetries(() => table.write('Delete', i))],
      [QueryCommand, (i) => withRetries(() => table.query(i))],
      [BatchGetCommand, (i) => withRetries(() => table.batchGet(i))],
      [BatchWriteCommand, (i) => withRetries(() => table.batchWrite(i))],
      [TransactWriteCommand, (i) => withRetries(() => table.transactWrite(i))],
    ] as [abstract new (...a: never[]) => unknown, Handler][]),
    answerInProcess(clients.sqsClient(), [
      [
        SendMessageBatchCommand,
        (i) => {
          const entries = i.Entries as { Id: string }[];
          enqueue(i.QueueUrl as string, entries.length);
          return {
            Successful: entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: '' })),
            Failed: [],
          };
        },
      ],
      [
        SendMessageCommand,
        (i) => {
          enqueue(i.QueueUrl as string, 1);
          return { MessageId: 'm' };
        },
      ],
    ] as [abstract new (...a: never[]) => unknown, Handler][]),
  ];

  const { routes } = await import('../../functions/routes.js');
  const { functions } = await import('../../functions/deployment.js');
  const route = createRouter(routes);
  const httpFns = new Map<string, HttpFn>();
  const httpFn = (name: string): HttpFn => {
    let f = httpFns.get(name);
    if (!f) {
      const spec = functions[name as keyof typeof functions];
      f = functionFromModule({
        name,
        entry: spec.entry,
        timeoutSeconds: spec.timeoutSeconds,
        memoryMb: spec.memoryMb,
      });
      httpFns.set(name, f);
    }
    return f;
  };
  const relay = (name: 'outboxRelay' | 'notificationRelay') => {
    const spec = functions[name];
    return functionFromModule<{ Records: DynamoDBRecord[] }, unknown>({
      name,
      entry: spec.entry,
      timeoutSeconds: spec.timeoutSeconds,
      memoryMb: spec.memoryMb,
    });
  };
  const relays = { outboxRelay: relay('outboxRelay'), notificationRelay: relay('notificationRelay') };
  const { isRelayRecord } = await import('../../functions/notifications/stream-filter.js');

  // The load: who files, where, what.
  const { allCommunes, provinces } = await import('../../functions/registry/admin-map.js');
  const { load: shape, assumption } = loadShape(allCommunes(), provinces);
  const random = rng(20250801);
  const pickCommune = () => {
    const x = random();
    let lo = 0;
    let hi = shape.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (shape.cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return shape.communes[lo]!;
  };

  const routeStats = new Map<string, RouteStats>();
  const statsOf = (key: string) => {
    let s = routeStats.get(key);
    if (!s) {
      s = { statuses: new Map(), latencies: [], calls: 0, retries: 0 };
      routeStats.set(key, s);
    }
    return s;
  };

  let requestNo = 0;
  const invoke = async (
    t: number,
    method: string,
    path: string,
    opts: {
      token?: string;
      body?: unknown;
      query?: Record<string, string>;
      headers?: Record<string, string>;
    },
  ) => {
    const found = route(method, path);
    if (!found || !('match' in found)) throw new Error(`no route ${method} ${path}`);
    const { route: r, pathParameters } = found.match;
    const key = `${r.method} ${r.path}`;
    const n = requestNo++;
    const rawQueryString = new URLSearchParams(opts.query ?? {}).toString();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: key,
      rawPath: path,
      rawQueryString,
      headers: {
        ...(opts.body ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      ...(opts.query ? { queryStringParameters: opts.query } : {}),
      ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'scale',
        domainName: 'api.cong.gov.vn',
        domainPrefix: 'api',
        // Each citizen from their own address (carrier NAT would share some; see the report).
        http: {
          method,
          path,
          protocol: 'HTTP/1.1',
          sourceIp: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
          userAgent: 'scale',
        },
        requestId: `scale-${n}`,
        routeKey: key,
        stage: '$default',
        time: new Date(t).toUTCString(),
        timeEpoch: t,
      },
      ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
      isBase64Encoded: false,
    };
    const ctx: RequestContext = { t, calls: 0, retries: 0 };
    const stats = statsOf(key);
    const t0 = performance.now();
    let status: number;
    let body: unknown;
    try {
      const res = await als.run(ctx, () => httpFn(r.fn).invoke(event));
      status = res.statusCode ?? 200;
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      // An unhandled error: API Gateway answers 500 for a function that failed.
      status = 500;
    }
    stats.latencies.push(performance.now() - t0);
    stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
    stats.calls += ctx.calls;
    stats.retries += ctx.retries;
    return { status, body };
  };

  const relayStats = new Map<
    string,
    { count: number; latencies: number[]; calls: number; failures: number }
  >();
  let streamRecords = 0;
  let streamCursor = 0;
  const drainStream = async (t: number) => {
    const records = table.stream.slice(streamCursor).map(
      (r, i): DynamoDBRecord => ({
        eventID: String(streamCursor + i),
        eventName: r.eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ap-southeast-1',
        eventSourceARN: 'arn:aws:dynamodb:ap-southeast-1:000000000000:table/cong-scale/stream/scale',
        dynamodb: {
          Keys: r.keys as never,
          ...(r.newImage ? { NewImage: r.newImage as never } : {}),
          SequenceNumber: String(streamCursor + i),
          StreamViewType: 'NEW_IMAGE',
        },
      }),
    );
    streamCursor = table.stream.length;
    streamRecords += records.length;
    // Each mapping reads the stream with its own filter, in batches, one batch per shard at a time.
    const mappings: [keyof typeof relays, (r: DynamoDBRecord) => boolean][] = [
      ['outboxRelay', isOutboxInsert],
      ['notificationRelay', isRelayRecord],
    ];
    const batches: (() => Promise<void>)[] = [];
    for (const [name, filter] of mappings) {
      const mine = records.filter(filter);
      for (let i = 0; i < mine.length; i += STREAM_BATCH) {
        const batch = mine.slice(i, i + STREAM_BATCH);
        batches.push(async () => {
          const ctx: RequestContext = { t: t + random() * 1000, calls: 0, retries: 0 };
          let s = relayStats.get(name);
          if (!s) {
            s = { count: 0, latencies: [], calls: 0, failures: 0 };
            relayStats.set(name, s);
          }
          const t0 = performance.now();
          try {
            const out = (await als.run(ctx, () => relays[name].invoke({ Records: batch }))) as {
              batchItemFailures?: unknown[];
            } | null;
            s.failures += out?.batchItemFailures?.length ?? 0;
          } catch {
            s.failures += batch.length;
          }
          s.latencies.push(performance.now() - t0);
          s.count++;
          s.calls += ctx.calls;
        });
      }
    }
    await pool(8, batches);
  };

  // Forms as citizens fill them.
  const { bhytForm } = await import('../support/forms.js');
  const childForm = (provinceCode: string, communeCode: string) => ({
    fullName: 'Lê Thị Hoa',
    dateOfBirth: '1994-02-10',
    citizenId: '001194000456',
    phone: '0912000111',
    childFullName: 'Lê Minh Khang',
    childDateOfBirth: '2026-10-01',
    childSex: 'male',
    placeOfBirth: 'Trạm y tế',
    motherCitizenId: '001194000456',
    provinceCode,
    communeCode,
  });

  const filed: { code: string; key: string; owner: string }[] = [];
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (sub: string) => {
    let t = tokens.get(sub);
    if (!t) {
      t = issuer.token(sub, 'citizen', { expiresIn: '2h' });
      tokens.set(sub, t);
    }
    return t;
  };

  const simulatedSeconds = Math.max(1, Math.round(options.seconds * options.scale));
  const readRate = options.readers / options.thinkSeconds;
  let citizenNo = 0;
  const searches = [
    'bảo hiểm y tế',
    'khai sinh',
    'giay phep lai xe',
    'thường trú',
    'đăng ký kinh doanh',
    'cấp điện',
  ];
  try {
    for (let second = 0; second < simulatedSeconds; second++) {
      const base = second * 1000;
      const tasks: (() => Promise<unknown>)[] = [];
      const submissions = Math.round(options.rate * (second + 1)) - Math.round(options.rate * second);
      for (let i = 0; i < submissions; i++) {
        const t = base + random() * 1000;
        const sub = `citizen-${citizenNo++}`;
        const hot = random() < options.hotShare;
        const commune = pickCommune();
        tasks.push(async () => {
          const token = await tokenOf(sub);
          const body = hot
            ? {
                procedureCode: '1.011723',
                form: childForm(commune.provinceCode, commune.code),
                attachments: [],
              }
            : { procedureCode: '1.002758', form: bhytForm, attachments: [] };
          const res = await invoke(t, 'POST', '/v1/dossiers', {
            token,
            body,
            headers: { 'idempotency-key': `scale-${sub}` },
          });
          const d = (res.body as { dossiers?: { code: string; trackingKey: string }[] } | undefined)
            ?.dossiers?.[0];
          if (res.status === 201 && d) filed.push({ code: d.code, key: d.trackingKey, owner: sub });
        });
      }
      const reads = Math.round(readRate * (second + 1)) - Math.round(readRate * second);
      for (let i = 0; i < reads; i++) {
        const t = base + random() * 1000;
        const x = random();
        const target = filed.length ? filed[Math.floor(random() * filed.length)] : undefined;
        tasks.push(async () => {
          if (!target || x < 0.15) {
            return invoke(t, 'GET', '/v1/procedures', {
              query: { q: searches[Math.floor(random() * searches.length)]! },
            });
          }
          if (x < 0.55) return invoke(t, 'GET', `/v1/track/${target.code}`, { query: { key: target.key } });
          const token = await tokenOf(target.owner);
          if (x < 0.8) return invoke(t, 'GET', `/v1/dossiers/${target.code}`, { token });
          return invoke(t, 'GET', '/v1/me/dossiers', { token });
        });
      }
      // Arrivals in time order within the second, then in parallel as far as the machine allows.
      await pool(options.inFlight, tasks);
      await drainStream(base);
      options.onProgress?.({ second: second + 1, of: simulatedSeconds, requests: requestNo });
    }
  } finally {
    for (const r of restore) r();
    await issuer.close();
  }
  return {
    options,
    simulatedSeconds,
    table,
    routes: routeStats,
    queues,
    streamRecords,
    relayInvocations: relayStats,
    wallSeconds: (Date.now() - started) / 1000,
    skew: { provinceShares: shape.provinceShares, assumption },
  };
}

/**
 * Where people file from. The data in /work/shared/data has no population, so the weight is stated,
 * not measured: a ward (phường) or special zone weighs 3, a rural commune (xã) 1, and the two special
 * cities (Hà Nội 01, TP Hồ Chí Minh 79) count twice — which gives those two about a fifth of the load.
 */
export function loadShape(
  communes: readonly { code: string; provinceCode: string; type: string }[],
  provinces: readonly { code: string; name: string }[],
) {
  const weight = (c: { provinceCode: string; type: string }) =>
    (c.type === 'xa' ? 1 : 3) * (c.provinceCode === '01' || c.provinceCode === '79' ? 2 : 1);
  const total = communes.reduce((s, c) => s + weight(c), 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const c of communes) {
    acc += weight(c) / total;
    cumulative.push(acc);
  }
  cumulative[cumulative.length - 1] = 1;
  const byProvince = new Map<string, number>();
  for (const c of communes)
    byProvince.set(c.provinceCode, (byProvince.get(c.provinceCode) ?? 0) + weight(c) / total);
  const provinceShares = provinces
    .map((p) => ({ code: p.code, name: p.name, share: byProvince.get(p.code) ?? 0 }))
    .sort((a, b) => b.share - a.share);
  return {
    load: { communes, cumulative, provinceShares },
    assumption:
      'no population data in /work/shared/data: commune weight = 3 for phường/đặc khu, 1 for xã, ×2 in Hà Nội and TP Hồ Chí Minh',
  };
}

export { marshall };

/**
 * Answers a client's commands in process: its `send` is replaced (and put back by the returned
 * function). Lighter than a stub library at tens of thousands of calls per virtual second.
 */
function answerInProcess(
  client: { send: (...args: never[]) => unknown },
  handlers: [abstract new (...a: never[]) => unknown, (input: Record<string, unknown>) => unknown][],
) {
  const byClass = new Map(handlers.map(([c, h]) => [c as unknown, h]));
  const original = client.send;
  client.send = (async (command: { constructor: unknown; input: Record<string, unknown> }) => {
    const h = byClass.get(command.constructor);
    if (!h)
      throw new Error(`the simulation does not answer ${(command.constructor as { name: string }).name}`);
    return h(command.input);
  }) as never;
  return () => {
    client.send = original;
  };
}
