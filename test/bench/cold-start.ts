/**
 * Bundle size and cold start per Lambda. Each function is bundled as CDK bundles it (ESM, minified),
 * next to a baseline bundle that holds only the AWS SDK clients the function uses. A cold start is a
 * fresh Node process importing the bundle and serving one representative invocation against stub
 * stores (a loopback server answering the AWS JSON protocols), timed from process start. Beside the wall
 * time, the CPU time the process used: on a busy machine it moves far less than the wall clock.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { hasJwtAuthorizer } from '../../functions/core/route-access.js';
import { signedGetContent } from '../../functions/core/signed-get.js';
import { signWebhook } from '../../functions/core/webhooks.js';
import { type FunctionSpec, functions } from '../../functions/deployment.js';
import { routes } from '../../functions/routes.js';
import { gatewayClaims } from '../../lib/local/api-authorizer.js';
import { bundleFunction } from './bundle.js';

const run = promisify(execFile);
const OUT = resolve('.bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/**
 * The cold-start goal: import plus first invocation at most 1.2× the SDK-only bundle's, or at most 50 ms
 * above it (what matters for functions with little or no SDK, whose floor is Node's own start).
 */
export const meetsGoal = (ms: number, floorMs: number) => ms <= floorMs * 1.2 || ms - floorMs <= 50;

/** A function's build in `dir`: the file to import and what a cold start compiles of it. */
const bundle = (entry: string, dir: string) => bundleFunction(entry, dir);

/** Only the SDK clients a function's grants say it talks to, each constructed and used once. */
function baselineSource(spec: FunctionSpec): string {
  const lines: string[] = [];
  if (spec.table || spec.trigger) {
    lines.push("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';");
    lines.push("import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';");
  }
  if (spec.uploads) lines.push("import { S3Client } from '@aws-sdk/client-s3';");
  if (spec.uploads === 'presign')
    lines.push("import { createPresignedPost } from '@aws-sdk/s3-presigned-post';");
  if (spec.sendsToAgencyQueues || spec.trigger === 'agency-queues')
    lines.push("import { SQSClient } from '@aws-sdk/client-sqs';");
  lines.push('export const handler = async () => {');
  if (spec.table || spec.trigger) {
    lines.push('  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));');
    lines.push("  await db.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }));");
  }
  if (spec.uploads) lines.push('  const s3 = new S3Client({ forcePathStyle: true });');
  if (spec.uploads === 'presign') lines.push("  await createPresignedPost(s3, { Bucket: 'b', Key: 'k' });");
  if (spec.sendsToAgencyQueues || spec.trigger === 'agency-queues') lines.push('  new SQSClient({});');
  lines.push("  return { statusCode: 200, body: '{}' };");
  lines.push('};');
  return lines.join('\n');
}

/** The smallest valid request of each operation the functions make, in the low-level clients' terms. */
const KEY = "{ pk: { S: 'a' }, sk: { S: 'b' } }";
const CALL_SOURCE: Record<string, Record<string, string>> = {
  DynamoDB: {
    GetItem: `new d.GetItemCommand({ TableName: 't', Key: ${KEY} })`,
    Query:
      "new d.QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } } })",
    PutItem: `new d.PutItemCommand({ TableName: 't', Item: ${KEY} })`,
    UpdateItem: `new d.UpdateItemCommand({ TableName: 't', Key: ${KEY}, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '1' } } })`,
    DeleteItem: `new d.DeleteItemCommand({ TableName: 't', Key: ${KEY} })`,
    BatchGetItem: `new d.BatchGetItemCommand({ RequestItems: { t: { Keys: [${KEY}] } } })`,
    BatchWriteItem: `new d.BatchWriteItemCommand({ RequestItems: { t: [{ PutRequest: { Item: ${KEY} } }] } })`,
    TransactWriteItems: `new d.TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 't', Item: ${KEY} } }] })`,
    TransactGetItems: `new d.TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 't', Key: ${KEY} } }] })`,
    Scan: "new d.ScanCommand({ TableName: 't' })",
  },
  SQS: {
    SendMessage: "new q.SendMessageCommand({ QueueUrl: queue, MessageBody: 'x' })",
    SendMessageBatch:
      "new q.SendMessageBatchCommand({ QueueUrl: queue, Entries: [{ Id: '1', MessageBody: 'x' }] })",
  },
  S3: {
    GetObject: "new s.GetObjectCommand({ Bucket: 'b', Key: 'k' })",
    HeadObject: "new s.HeadObjectCommand({ Bucket: 'b', Key: 'k' })",
    PutObject: "new s.PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })",
    CopyObject: "new s.CopyObjectCommand({ Bucket: 'b', Key: 'k', CopySource: 'b/j' })",
    DeleteObject: "new s.DeleteObjectCommand({ Bucket: 'b', Key: 'k' })",
  },
  SecretsManager: { GetSecretValue: "new m.GetSecretValueCommand({ SecretId: 's' })" },
  KMS: {
    Sign: "new k.SignCommand({ KeyId: 'k', Message: new Uint8Array(32), MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' })",
    GetPublicKey: "new k.GetPublicKeyCommand({ KeyId: 'k' })",
  },
};
const CLIENT_SOURCE: Record<string, { module: string; alias: string; client: string }> = {
  DynamoDB: { module: '@aws-sdk/client-dynamodb', alias: 'd', client: 'new d.DynamoDBClient({})' },
  SQS: { module: '@aws-sdk/client-sqs', alias: 'q', client: 'new q.SQSClient({})' },
  S3: { module: '@aws-sdk/client-s3', alias: 's', client: 'new s.S3Client({ forcePathStyle: true })' },
  SecretsManager: {
    module: '@aws-sdk/client-secrets-manager',
    alias: 'm',
    client: 'new m.SecretsManagerClient({})',
  },
  KMS: { module: '@aws-sdk/client-kms', alias: 'k', client: 'new k.KMSClient({})' },
};

/**
 * The floor with the function's own AWS work: a bundle of only its SDK clients (those its grants name,
 * as in the baseline, and any other it called) that makes the same calls as the function's first
 * invocation, as many at once. For a function whose first request reads many partitions by design
 * (sharded lists, the SLA watcher's shards) what lies above it is the function's own code; a function
 * that made no call has the baseline itself.
 */
export function sameCallsSource(spec: FunctionSpec, calls: readonly AwsCall[], concurrency: number): string {
  if (!calls.length) return baselineSource(spec);
  const granted = [
    ...(spec.table || spec.trigger ? ['DynamoDB'] : []),
    ...(spec.uploads ? ['S3'] : []),
    ...(spec.sendsToAgencyQueues || spec.trigger === 'agency-queues' ? ['SQS'] : []),
  ];
  const services = [...new Set([...granted, ...calls.map((c) => c.service)])].filter((s) => CLIENT_SOURCE[s]);
  const lines = services.map(
    (s) => `import * as ${CLIENT_SOURCE[s]!.alias} from '${CLIENT_SOURCE[s]!.module}';`,
  );
  if (spec.uploads === 'presign')
    lines.push("import { createPresignedPost } from '@aws-sdk/s3-presigned-post';");
  lines.push('export const handler = async () => {');
  lines.push("  const queue = process.env.AWS_ENDPOINT_URL + '/000000000000/q';");
  for (const s of services) lines.push(`  const c${CLIENT_SOURCE[s]!.alias} = ${CLIENT_SOURCE[s]!.client};`);
  if (spec.uploads === 'presign') lines.push("  await createPresignedPost(cs, { Bucket: 'b', Key: 'k' });");
  const sends = calls
    .filter((c) => CLIENT_SOURCE[c.service])
    .map((c) => {
      const table = CALL_SOURCE[c.service]!;
      const command = table[c.operation] ?? Object.values(table)[0]!;
      return `() => c${CLIENT_SOURCE[c.service]!.alias}.send(${command}).catch(() => undefined)`;
    });
  lines.push(`  const calls = [${sends.join(',\n    ')}];`);
  lines.push(`  for (let i = 0; i < calls.length; i += ${concurrency})`);
  lines.push(`    await Promise.all(calls.slice(i, i + ${concurrency}).map((call) => call()));`);
  lines.push("  return { statusCode: 200, body: '{}' };");
  lines.push('};');
  return lines.join('\n');
}

/** One AWS call a function made: the service and its operation, as the stub stores saw it. */
export interface AwsCall {
  service: string;
  operation: string;
}

/** The operation of a request to the stub stores: JSON protocols name it, S3's REST calls by method. */
function awsCallOf(req: IncomingMessage): AwsCall | undefined {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (target) {
    const [prefix = '', operation = ''] = target.split('.');
    const service = prefix.startsWith('DynamoDB')
      ? 'DynamoDB'
      : prefix === 'AmazonSQS'
        ? 'SQS'
        : prefix === 'secretsmanager'
          ? 'SecretsManager'
          : prefix === 'TrentService'
            ? 'KMS'
            : prefix;
    return { service, operation };
  }
  if (req.url?.endsWith('/jwks.json')) return undefined;
  const operation =
    req.method === 'GET'
      ? 'GetObject'
      : req.method === 'HEAD'
        ? 'HeadObject'
        : req.method === 'DELETE'
          ? 'DeleteObject'
          : req.method === 'PUT' && req.headers['x-amz-copy-source']
            ? 'CopyObject'
            : req.method === 'PUT'
              ? 'PutObject'
              : 'PostObject';
  return { service: 'S3', operation };
}

/** Loopback stand-ins for DynamoDB, SQS, S3 and the token issuer's JWKS, noting every AWS call. */
async function startStubStores(jwks: unknown) {
  // The client's concurrency shows in its connections: a keep-alive agent opens one only when every
  // open one is busy (the stub answers too fast for requests to overlap on the server's side).
  const recorded = { calls: [] as AwsCall[], sockets: new Set<unknown>() };
  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const call = awsCallOf(req);
    if (call) {
      recorded.calls.push(call);
      recorded.sockets.add(req.socket);
    }
    req.resume();
    req.on('end', () => {
      if (req.url?.endsWith('/jwks.json')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(jwks));
        return;
      }
      const body = target.endsWith('.UpdateItem')
        ? { Attributes: { last: { N: '20' } } }
        : target.endsWith('.Query')
          ? { Items: [], Count: 0 }
          : {};
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The calls since the last `take`, and how many connections they came over (at most at once). */
    take() {
      const taken = { calls: recorded.calls, concurrency: Math.max(1, recorded.sockets.size) };
      recorded.calls = [];
      recorded.sockets = new Set();
      return taken;
    },
  };
}

function apiEvent(
  routeKey: string,
  opts: {
    path?: string;
    params?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
  } = {},
) {
  const [method, path] = routeKey.split(' ');
  const route = routes.find((r) => `${r.method} ${r.path}` === routeKey);
  if (!route) throw new Error(`no route ${routeKey}`);
  // What Lambda receives in AWS: on a route with the JWT authorizer, the token's claims as API Gateway
  // passes them (the Authorization header too).
  const token = /^Bearer (\S+)$/.exec(opts.headers?.authorization ?? '')?.[1];
  const authorizer =
    token && hasJwtAuthorizer(route.auth)
      ? { authorizer: { jwt: { claims: gatewayClaims(decodeJwt(token)), scopes: null } } }
      : {};
  return {
    version: '2.0',
    routeKey,
    rawPath: opts.path ?? path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...opts.headers },
    pathParameters: opts.params,
    requestContext: {
      requestId: 'bench',
      routeKey,
      http: { method, path: opts.path ?? path, sourceIp: '127.0.0.1' },
      ...authorizer,
    },
    body:
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body),
    isBase64Encoded: false,
  };
}

export async function coldStarts() {
  await mkdir(OUT, { recursive: true });
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' }] };
  const stub = await startStubStores(jwks);
  const token = await new SignJWT({ role: 'citizen' })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
    .setSubject('bench-citizen')
    .setIssuer('https://issuer.bench')
    .setAudience('bench')
    .setExpirationTime('1h')
    .sign(privateKey);
  const secret = `whsec_${Buffer.from('bench-secret-bench-secret-bench!').toString('base64')}`;
  const secretsFile = join(OUT, 'agency-secrets.json');
  await writeFile(secretsFile, JSON.stringify({ bca: [secret] }));
  const agencyBody = JSON.stringify({
    type: 'dossier.received',
    eventId: 'bench-event-1',
    dossierCode: 'CAHN-261122-0001',
  });

  const auth = { authorization: `Bearer ${token}` };
  const events: Record<string, () => unknown> = {
    platform: () => apiEvent('GET /health'),
    catalog: () =>
      apiEvent('GET /v1/procedures/{code}', {
        path: '/v1/procedures/1.002804',
        params: { code: '1.002804' },
      }),
    uploads: () =>
      apiEvent('POST /v1/uploads', {
        headers: auth,
        body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 1000 },
      }),
    intake: () =>
      apiEvent('POST /v1/dossiers', {
        headers: { ...auth, 'idempotency-key': 'bench-key-0001' },
        body: {
          procedureCode: '1.002758',
          form: {
            fullName: 'Nguyễn Văn A',
            dateOfBirth: '1990-01-01',
            citizenId: '001090000001',
            phone: '0912345678',
            insuranceNumber: '0123456789',
            reason: 'lost',
            informationChanged: false,
          },
          attachments: [],
        },
      }),
    tracking: () =>
      apiEvent('GET /v1/track/{code}', {
        path: '/v1/track/CAHN-261122-0001',
        params: { code: 'CAHN-261122-0001' },
      }),
    agencyEvents: () =>
      apiEvent('POST /v1/agency/events', {
        headers: { 'cong-agency-id': 'cahn', ...signWebhook(secret, 'msg_bench', agencyBody) },
        body: agencyBody,
      }),
    agencyDeliveries: () =>
      apiEvent('GET /v1/agency/deliveries', {
        path: '/v1/agency/deliveries',
        headers: {
          'cong-agency-id': 'cahn',
          ...signWebhook(secret, 'msg_bench_log', signedGetContent('/v1/agency/deliveries')),
        },
      }),
    agencyFiles: () =>
      apiEvent('GET /v1/dossiers/{code}/attachments/{attachmentId}', {
        path: '/v1/dossiers/CAHN-261122-0001/attachments/01KAAAAAAAAAAAAAAAAAAAAAA1',
        params: { code: 'CAHN-261122-0001', attachmentId: '01KAAAAAAAAAAAAAAAAAAAAAA1' },
        headers: auth,
      }),
    payments: () =>
      apiEvent('GET /v1/payments/{paymentId}', {
        path: '/v1/payments/01KAAAAAAAAAAAAAAAAAAAAAA1',
        params: { paymentId: '01KAAAAAAAAAAAAAAAAAAAAAA1' },
        headers: auth,
      }),
    me: () => apiEvent('GET /v1/me/profile', { headers: auth }),
    feedback: () =>
      apiEvent('POST /v1/dossiers/{code}/rating', {
        path: '/v1/dossiers/CAHN-261122-0001/rating',
        params: { code: 'CAHN-261122-0001' },
        headers: auth,
        body: { overall: 5 },
      }),
    stats: () => apiEvent('GET /v1/stats/agencies'),
    petitions: () =>
      apiEvent('GET /v1/petitions/{code}', {
        path: '/v1/petitions/PAKN-261122-0001',
        params: { code: 'PAKN-261122-0001' },
        headers: auth,
      }),
    results: () =>
      apiEvent('GET /v1/verify/{documentId}', {
        path: '/v1/verify/01KAAAAAAAAAAAAAAAAAAAAAA1',
        params: { documentId: '01KAAAAAAAAAAAAAAAAAAAAAA1' },
      }),
    support: () => apiEvent('GET /v1/me/support/tickets', { headers: auth }),
    rights: () => apiEvent('GET /v1/me/data-requests', { headers: auth }),
    escalation: () => ({}),
    paymentsReconcile: () => ({}),
    // The first of the runs its schedule starts (part 0 also watches personal-data requests).
    slaWatcher: () => ({ part: 0 }),
    supportWatcher: () => ({}),
    notificationRelay: () => ({
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          dynamodb: {
            SequenceNumber: '1',
            NewImage: {
              pk: { S: 'DOSSIER#CAHN-261122-0001' },
              sk: { S: 'EVENT#00002' },
              kind: { S: 'event' },
              seq: { N: '2' },
              type: { S: 'dossier.received' },
              status: { S: 'received' },
              actor: { S: 'agency' },
              at: { S: '2026-11-22T03:00:00.000Z' },
            },
          },
        },
      ],
    }),
    notifier: () => ({
      Records: [
        {
          messageId: 'n1',
          receiptHandle: 'r1',
          body: JSON.stringify({
            id: 'ntf_1',
            channel: 'sms',
            to: '+84912345678',
            dossierCode: 'CAHN-261122-0001',
            text: 'Hồ sơ CAHN-261122-0001 đã được tiếp nhận.',
          }),
          attributes: { ApproximateReceiveCount: '1' },
          messageAttributes: {},
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:cong-bench-notifications',
        },
      ],
    }),
    outboxRelay: () => ({
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          dynamodb: {
            SequenceNumber: '1',
            NewImage: {
              pk: { S: 'OUTBOX#1' },
              channel: { S: 'bca' },
              messages: {
                L: [
                  {
                    M: {
                      type: { S: 'dossier.submitted' },
                      dossierCode: { S: 'CAHN-261122-0001' },
                      agencyId: { S: 'cahn' },
                      webhookId: { S: 'msg_1' },
                    },
                  },
                ],
              },
            },
          },
        },
      ],
    }),
    dispatcher: () => ({
      Records: [
        {
          messageId: 'm1',
          receiptHandle: 'r1',
          body: JSON.stringify({
            type: 'dossier.submitted',
            dossierCode: 'CAHN-261122-0001',
            agencyId: 'cahn',
            webhookId: 'msg_1',
          }),
          attributes: { ApproximateReceiveCount: '1' },
          messageAttributes: {},
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:cong-bench-agency-bca',
        },
      ],
    }),
  };

  const env = {
    ...process.env,
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: stub.url,
    TABLE_NAME: 'bench',
    UPLOADS_BUCKET: 'bench',
    CONG_RATE_LIMITS: 'off',
    PROFILE_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
    S3_FORCE_PATH_STYLE: 'true',
    AGENCY_QUEUE_URLS: JSON.stringify({ bca: `${stub.url}/000000000000/cong-bench-agency-bca` }),
    AGENCY_SECRETS_SOURCE: 'file',
    AGENCY_SECRETS_FILE: secretsFile,
    JWT_ISSUER: 'https://issuer.bench',
    JWT_AUDIENCE: 'bench',
    JWT_JWKS_URL: `${stub.url}/jwks.json`,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // The catalog function reads its data files beside the bundle in a deployment; here, the source's.
    CATALOG_DATA_DIR: resolve('functions/catalog/data'),
  };

  // BENCH_PROFILE=<dir> leaves a V8 CPU profile of each function run there (open it in Chrome DevTools);
  // BENCH_PROFILE_INTERVAL=<µs> samples more often than V8's default 1 ms.
  const profile = process.env.BENCH_PROFILE
    ? [
        '--cpu-prof',
        '--cpu-prof-dir',
        resolve(process.env.BENCH_PROFILE),
        ...(process.env.BENCH_PROFILE_INTERVAL
          ? ['--cpu-prof-interval', process.env.BENCH_PROFILE_INTERVAL]
          : []),
      ]
    : [];
  // BENCH_NODE_FLAGS="--flag …" runs the functions (not their floors) with Node or V8 flags, to try them.
  const nodeFlags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  // Each invocation starts with its function's whole timeout ahead of it, as in Lambda.
  const time = async (file: string, event: unknown, flags: string[] = [], timeoutSeconds = 10) => {
    const script = `const m = await import(${JSON.stringify(file)}); const end = Date.now() + ${timeoutSeconds * 1000}; const r = await m.handler(${JSON.stringify(event)}, { awsRequestId: 'bench', getRemainingTimeInMillis: () => end - Date.now() }); const cpu = process.cpuUsage(); process.stdout.write(JSON.stringify({ ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, status: r?.statusCode ?? (r?.batchItemFailures ? 'batch:' + r.batchItemFailures.length : 'ok') }));`;
    const { stdout } = await run(process.execPath, [...flags, '--input-type=module', '-e', script], { env });
    return JSON.parse(stdout) as { ms: number; cpuMs: number; status: unknown };
  };

  const rows: Record<string, unknown>[] = [];
  try {
    // BENCH_FUNCTIONS=catalog,platform measures only those (the whole table takes minutes).
    const only = process.env.BENCH_FUNCTIONS?.split(',').filter(Boolean);
    // BENCH_COMPARE=<another checkout's .bench> times that build's bundle of each function in the same
    // rounds, with the same event, so a before/after comparison sees the same machine load.
    const compare = process.env.BENCH_COMPARE ? resolve(process.env.BENCH_COMPARE) : undefined;
    for (const [name, spec] of Object.entries(functions)) {
      if (only?.length && !only.includes(name)) continue;
      const baseEntry = join(OUT, `${name}.baseline-entry.mjs`);
      await writeFile(baseEntry, baselineSource(spec));
      const built = await bundle(spec.entry, join(OUT, name));
      const baseline = await bundle(baseEntry, join(OUT, `${name}.baseline`));
      const file = built.entryFile;
      const baseFile = baseline.entryFile;
      const event = events[name];
      if (!event) throw new Error(`no representative event for ${name}: add one to test/bench/cold-start.ts`);
      // One untimed run notes the AWS calls of the first invocation; a bundle of only those clients
      // then makes the same calls, as many at once.
      stub.take();
      await time(file, event(), nodeFlags, spec.timeoutSeconds);
      const first = stub.take();
      const sameEntry = join(OUT, `${name}.same-calls-entry.mjs`);
      await writeFile(sameEntry, sameCallsSource(spec, first.calls, first.concurrency));
      const sameCalls = await bundle(sameEntry, join(OUT, `${name}.same-calls`));
      const sameCpu: number[] = [];
      const fnTimes: number[] = [];
      const baseTimes: number[] = [];
      const fnCpu: number[] = [];
      const baseCpu: number[] = [];
      const otherCpu: number[] = [];
      let otherStatus: unknown;
      let status: unknown;
      for (let i = 0; i < RUNS; i++) {
        const r = await time(file, event(), [...nodeFlags, ...profile], spec.timeoutSeconds);
        status = r.status;
        fnTimes.push(r.ms);
        fnCpu.push(r.cpuMs);
        const b = await time(baseFile, {});
        baseTimes.push(b.ms);
        baseCpu.push(b.cpuMs);
        sameCpu.push((await time(sameCalls.entryFile, {})).cpuMs);
        if (compare) {
          const o = await time(join(compare, name, 'index.mjs'), event(), nodeFlags, spec.timeoutSeconds);
          otherCpu.push(o.cpuMs);
          otherStatus = o.status;
        }
      }
      const fn = median(fnTimes);
      const base = median(baseTimes);
      const cpu = median(fnCpu);
      const baseCpuMs = median(baseCpu);
      rows.push({
        function: name,
        // What a cold start compiles; the chunks behind dynamic imports load only when used.
        'loaded KiB': +(built.eagerBytes / 1024).toFixed(1),
        'bundle KiB': +(built.totalBytes / 1024).toFixed(1),
        'SDK-only KiB': +(baseline.eagerBytes / 1024).toFixed(1),
        'cold ms (median)': +fn.toFixed(1),
        'SDK-only cold ms': +base.toFixed(1),
        ratio: +(fn / base).toFixed(2),
        goal: meetsGoal(fn, base) ? 'met' : 'missed',
        'CPU ms': +cpu.toFixed(1),
        'SDK-only CPU ms': +baseCpuMs.toFixed(1),
        'CPU ratio': +(cpu / baseCpuMs).toFixed(2),
        'CPU goal': meetsGoal(cpu, baseCpuMs) ? 'met' : 'missed',
        'first response': status,
        // The first invocation's AWS calls (at most this many at once), and the CPU of a bundle of only
        // those SDK clients making the same calls: the floor without the reads the design asks for.
        'AWS calls': `${first.calls.length} (${first.concurrency} at once)`,
        'same-calls CPU ms': +median(sameCpu).toFixed(1),
        'CPU goal, same calls': meetsGoal(cpu, median(sameCpu)) ? 'met' : 'missed',
        ...(compare
          ? {
              'compared CPU ms': +median(otherCpu).toFixed(1),
              'compared response': otherStatus,
            }
          : {}),
      });
    }
  } finally {
    stub.server.close();
  }
  return rows;
}
