/**
 * A dossier's whole life on the local portal, counted: the AWS calls the functions make through their
 * own SDK clients, the Lambda invocations (and how long each ran), the HTTP API requests, the queue
 * messages and notifications, step by step — scans uploaded, submitted, paid, delivered to the agency,
 * received, in progress, result, completed — then priced (test/bench/aws-prices.ts).
 *
 * The procedure is the driving licence exchange (1.002804): two required scans, a 135,000 VND fee paid
 * online before the dossier goes to its agency. The agency's desk is driven by signed callbacks from
 * here (the simulator only accepts deliveries), so every step is one the bench chose.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/core/keys.js';
import { functions } from '../../functions/deployment.js';
import { currentFunction, observeInvocations } from '../../lib/local/lambda.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm, licenceForm } from '../support/forms.js';
import { pressOnGatewayPage } from '../support/payments.js';
import { PRICE_REGION, PRICES, PRICES_AS_OF } from './aws-prices.js';
import { sharedClients } from './call-counter.js';

export const STEPS = [
  'scans',
  'submit',
  'payment',
  'delivered',
  'received',
  'in progress',
  'result',
  'completed',
] as const;
export type Step = (typeof STEPS)[number];

/**
 * From submission to delivery: the calls of the hand-over itself — intake's request, the outbox relay,
 * the dispatcher — without the notification and statistics work the same events set off beside it.
 */
const HAND_OVER = /^(submit|delivered) · (intake|outboxRelay|dispatcher) · /;

/** Functions whose work is the hand-over to the agency, whichever step set it off. */
const DELIVERY_FUNCTIONS = new Set(['cong-local-outboxRelay', 'cong-local-dispatcher']);
const HTTP_FUNCTIONS = new Set(
  Object.entries(functions)
    .filter(([, spec]) => !spec.trigger)
    .map(([name]) => `cong-local-${name}`),
);

/** Scan sizes for storage: a typical phone-camera PDF page, not the bench's few bytes. */
export const SCAN_BYTES = 300 * 1024;
const AGENCY = 'cahn';

/** DocumentClient and client command names, as the API operation they are. */
function operationOf(service: string, commandName: string | undefined): string {
  const name = (commandName ?? '?').replace(/Command$/, '');
  const doc: Record<string, string> = {
    Get: 'GetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchGet: 'BatchGetItem',
    BatchWrite: 'BatchWriteItem',
    TransactGet: 'TransactGetItems',
    TransactWrite: 'TransactWriteItems',
  };
  return `${service}.${service === 'DynamoDB' ? (doc[name] ?? name) : name}`;
}

export interface StepTally {
  calls: Map<string, number>;
  readUnits: number;
  writeUnits: number;
  /** Of writeUnits: what keeping the secondary indexes' copies cost. */
  indexWriteUnits: number;
  /** Of writeUnits: what was written in transactions (DynamoDB bills a transactional write twice). */
  transactionWriteUnits: number;
  invocations: number;
  httpRequests: number;
  gbSeconds: number;
  sqsMessages: number;
  sms: number;
  email: number;
}

export const emptyTally = (): StepTally => ({
  calls: new Map(),
  readUnits: 0,
  writeUnits: 0,
  indexWriteUnits: 0,
  transactionWriteUnits: 0,
  invocations: 0,
  httpRequests: 0,
  gbSeconds: 0,
  sqsMessages: 0,
  sms: 0,
  email: 0,
});

interface Stack {
  add(
    mw: (
      next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
      context: { commandName?: string },
    ) => (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
    options: { step: 'initialize'; name: string; override: boolean },
  ): void;
  remove(name: string): boolean;
}

type Units = { ReadCapacityUnits?: number; WriteCapacityUnits?: number; CapacityUnits?: number };
type Capacity = Units & { GlobalSecondaryIndexes?: Record<string, Units> };

/**
 * Counts, per step, every call the functions make through the shared clients (and the capacity
 * DynamoDB reports for it), every invocation and its duration. Calls made outside a function (the
 * bench's own, the local cloud's pumps) are not counted.
 */
export function lifeCounter() {
  const tallies = new Map<Step, StepTally>(STEPS.map((s) => [s, emptyTally()]));
  /** step · function · operation → calls and write units, to see where they go. */
  const detail = new Map<string, { calls: number; wru: number; rru: number; indexWru: number }>();
  let step: Step = 'scans';
  let counting = false;
  let lastActivity = performance.now();
  const stepOf = (fn: string | undefined): Step => (fn && DELIVERY_FUNCTIONS.has(fn) ? 'delivered' : step);
  const clients = sharedClients();
  for (const [service, client] of clients) {
    (client.middlewareStack as unknown as Stack).add(
      (next, context) => async (args) => {
        const fn = currentFunction();
        if (!counting || !fn) return next(args);
        lastActivity = performance.now();
        const tally = tallies.get(stepOf(fn))!;
        const op = operationOf(service, context.commandName);
        tally.calls.set(op, (tally.calls.get(op) ?? 0) + 1);
        // The same totals as TOTAL, with each secondary index's share beside them.
        if (service === 'DynamoDB') args.input.ReturnConsumedCapacity = 'INDEXES';
        if (op === 'SQS.SendMessage') tally.sqsMessages += 1;
        if (op === 'SQS.SendMessageBatch') tally.sqsMessages += (args.input.Entries as unknown[]).length;
        const where = `${stepOf(fn)} · ${fn.replace('cong-local-', '')} · ${op}`;
        const d = detail.get(where) ?? { calls: 0, wru: 0, rru: 0, indexWru: 0 };
        detail.set(where, d);
        d.calls += 1;
        let out: Awaited<ReturnType<typeof next>>;
        try {
          out = await next(args);
        } catch (err) {
          // A refused condition still costs its write in DynamoDB (at least one unit; transactions are
          // billed as if written), though DynamoDB Local reports nothing for it: counted here as one.
          if ((err as Error).name === 'ConditionalCheckFailedException') {
            tally.writeUnits += 1;
            d.wru += 1;
          }
          throw err;
        }
        const before = { r: tally.readUnits, w: tally.writeUnits, i: tally.indexWriteUnits };
        const consumed = out.output.ConsumedCapacity as Capacity | Capacity[] | undefined;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          // DynamoDB names reads and writes apart only for some calls; the operation says which it was.
          const reads = c.ReadCapacityUnits ?? 0;
          const writes = c.WriteCapacityUnits ?? 0;
          const total = c.CapacityUnits ?? reads + writes;
          const isWrite = /Put|Update|Delete|Write/.test(op);
          tally.readUnits += reads || writes ? reads : isWrite ? 0 : total;
          tally.writeUnits += reads || writes ? writes : isWrite ? total : 0;
          if (isWrite) {
            for (const i of Object.values(c.GlobalSecondaryIndexes ?? {}))
              tally.indexWriteUnits += i.WriteCapacityUnits ?? i.CapacityUnits ?? 0;
            if (op === 'DynamoDB.TransactWriteItems') tally.transactionWriteUnits += total;
          }
        }
        d.wru += tally.writeUnits - before.w;
        d.rru += tally.readUnits - before.r;
        d.indexWru += tally.indexWriteUnits - before.i;
        return out;
      },
      { step: 'initialize', name: 'lifeCounter', override: true },
    );
  }
  const stopObserving = observeInvocations(({ name, memoryMb, ms }) => {
    if (!counting) return;
    lastActivity = performance.now();
    const tally = tallies.get(stepOf(name))!;
    tally.invocations += 1;
    if (HTTP_FUNCTIONS.has(name)) tally.httpRequests += 1;
    // Lambda bills each invocation's duration rounded up to the millisecond.
    tally.gbSeconds += (memoryMb / 1024) * (Math.ceil(ms) / 1000);
  });
  return {
    tallies,
    detail,
    start(s: Step) {
      step = s;
      counting = true;
      lastActivity = performance.now();
    },
    pause() {
      counting = false;
    },
    /** Resolves once nothing has been called for `quietMs` (the stream and queue pumps have drained). */
    async quiet(quietMs = 1_500, timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() - lastActivity < quietMs) {
        if (performance.now() > deadline) throw new Error('the portal never went quiet');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop() {
      stopObserving();
      for (const [, client] of clients) (client.middlewareStack as unknown as Stack).remove('lifeCounter');
    },
  };
}

async function uploadScan(portal: LocalPortal, token: string, name: string, size: number) {
  const bytes = Buffer.alloc(size, 0x20);
  bytes.write(`%PDF-1.7 ${name}\n`);
  const res = await fetch(`${portal.url}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ fileName: `${name}.pdf`, contentType: 'application/pdf', size }),
  });
  if (res.status !== 201) throw new Error(`upload refused: ${res.status} ${await res.text()}`);
  const { url, fields, uploadId } = (await res.json()) as {
    url: string;
    fields: Record<string, string>;
    uploadId: string;
  };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), `${name}.pdf`);
  const posted = await fetch(url, { method: 'POST', body: form });
  await posted.arrayBuffer();
  if (posted.status >= 300) throw new Error(`scan not stored: ${posted.status}`);
  return uploadId;
}

async function expectStatus(res: Response, status: number, what: string) {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export interface LifeResult {
  code: string;
  tallies: Map<Step, StepTally>;
  /** Browser requests straight to S3 (the presigned POST of each scan): S3 PUT-class, no function. */
  browserS3Posts: number;
  /** Bytes the dossier keeps: its scans in S3, its items in the table. */
  s3Bytes: number;
  tableBytes: number;
  /** The dossier's state changes: its timeline events, each a write of its own. */
  stateChanges: number;
  /** step · function · operation → calls and capacity units (and the index copies' share of the writes). */
  detail: Map<string, { calls: number; wru: number; rru: number; indexWru: number }>;
}

/**
 * Lives one dossier through, counting from the first scan to the citizen's confirmation. `n` keeps
 * the Idempotency-Keys of several lives in one portal apart.
 */
export async function liveOneDossier(
  portal: LocalPortal,
  n: number,
  scanBytes = SCAN_BYTES,
): Promise<LifeResult> {
  const token = await portal.token({ sub: `life-citizen-${n}` });
  const secrets = await readAgencySecrets(portal);
  // The agency's system accepts the delivery; its desk's steps are the signed callbacks below.
  portal.simulator.setMode(AGENCY, 'hold');
  const counter = lifeCounter();
  try {
    const agency = async (type: string, fields: Record<string, unknown> = {}) => {
      const res = await signedAgencyCall(portal, secrets, '/v1/agency/events', AGENCY, {
        type,
        dossierCode: code,
        ...fields,
      });
      if (res.status !== 200) throw new Error(`${type}: ${res.status} ${res.text}`);
    };
    const citizen = (method: string, path: string, body?: unknown, key?: string) =>
      fetch(`${portal.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    counter.start('scans');
    const licence = await uploadScan(portal, token, `licence-${n}`, scanBytes);
    const health = await uploadScan(portal, token, `health-${n}`, scanBytes);
    await counter.quiet();

    counter.start('submit');
    const submitted = await expectStatus(
      await citizen(
        'POST',
        '/v1/dossiers',
        {
          procedureCode: '1.002804',
          form: licenceForm,
          attachments: [
            { documentType: 'current_licence', uploadId: licence },
            { documentType: 'health_certificate', uploadId: health },
          ],
        },
        `life-${n}-submit-0001`,
      ),
      201,
      'submission',
    );
    const code = (submitted.dossiers as { code: string }[])[0]!.code;
    await counter.quiet();

    counter.start('payment');
    const deliveriesBefore = portal.simulator.deliveries.length;
    const payment = await expectStatus(
      await citizen('POST', `/v1/dossiers/${code}/payments`, undefined, `life-${n}-pay-000001`),
      201,
      'payment',
    );
    const back = await pressOnGatewayPage(payment.redirectUrl as string, 'approve');
    // The browser comes back to the portal's return page.
    await (await fetch(back.location, { redirect: 'manual' })).arrayBuffer();
    for (const deadline = Date.now() + 30_000; ; ) {
      const delivered = portal.simulator.deliveries
        .slice(deliveriesBefore)
        .some((d) => d.status === 202 && (d.payload as { dossierCode?: string }).dossierCode === code);
      if (delivered) break;
      if (Date.now() > deadline) throw new Error(`${code} was not delivered`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await counter.quiet();

    counter.start('received');
    await agency('dossier.received', { note: 'Đã tiếp nhận hồ sơ' });
    await counter.quiet();
    counter.start('in progress');
    await agency('dossier.in_progress', { note: 'Chuyển phòng chuyên môn', step: 'Thẩm định hồ sơ' });
    await counter.quiet();
    counter.start('result');
    await agency('dossier.approved', { note: 'Hồ sơ được phê duyệt' });
    await agency('dossier.result_issued', {
      note: 'Đã có kết quả',
      result: { kind: 'pickup', method: 'at_desk', note: 'Nhận kết quả tại Bộ phận một cửa, mang theo CCCD' },
    });
    await counter.quiet();
    counter.start('completed');
    await expectStatus(await citizen('POST', `/v1/dossiers/${code}/received-result`, {}), 200, 'completion');
    await counter.quiet();
    counter.pause();

    // What the notifier sent for this dossier, by channel (SNS text messages, SES e-mail in AWS), is
    // attributed to the step whose event it announces.
    const sent = await portal.outbox({ dossierCode: code });
    const stepOfEvent: Record<string, Step> = {
      'dossier.submitted': 'submit',
      'payment.succeeded': 'payment',
      'dossier.received': 'received',
      'dossier.in_progress': 'in progress',
      'dossier.approved': 'result',
      'dossier.result_issued': 'result',
      'dossier.completed': 'completed',
    };
    for (const m of sent) {
      const s = stepOfEvent[m.topic] ?? 'completed';
      if (m.channel === 'sms') counter.tallies.get(s)!.sms += 1;
      if (m.channel === 'email') counter.tallies.get(s)!.email += 1;
    }

    const dossier = await portal.stores.clients.dynamodb.send(
      new QueryCommand({
        TableName: portal.env.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.dossier(code).pk },
      }),
    );
    const tableBytes = (dossier.Items ?? []).reduce((sum, item) => sum + JSON.stringify(item).length, 0);
    const stateChanges = (dossier.Items ?? []).filter((item) => item.kind === 'event').length;
    return {
      code,
      tallies: counter.tallies,
      detail: counter.detail,
      browserS3Posts: 2,
      s3Bytes: 2 * scanBytes,
      tableBytes,
      stateChanges,
    };
  } finally {
    counter.stop();
    portal.simulator.setMode(AGENCY, 'normal');
  }
}

/**
 * The hand-over alone, the simplest way a dossier goes: a health insurance card reissue (1.002758, no
 * fee) with one scan, from the citizen's POST until the agency's system has accepted it. Counted as
 * the whole life is; `n` keeps Idempotency-Keys apart.
 */
export async function handOverOneScan(
  portal: LocalPortal,
  n: number,
): Promise<Pick<LifeResult, 'code' | 'tallies' | 'detail'>> {
  const agencyId = 'bhxh-hn';
  const token = await portal.token({ sub: `hand-over-citizen-${n}` });
  portal.simulator.setMode(agencyId, 'hold');
  const counter = lifeCounter();
  try {
    const scan = await uploadScan(portal, token, `the-hong-${n}`, 64 * 1024);
    counter.start('submit');
    const before = portal.simulator.deliveries.length;
    const res = await fetch(`${portal.url}/v1/dossiers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `hand-over-${n}-0001`,
      },
      body: JSON.stringify({
        procedureCode: '1.002758',
        form: bhytForm,
        attachments: [{ documentType: 'damaged_card', uploadId: scan }],
      }),
    });
    const body = await expectStatus(res, 201, 'submission');
    const code = (body.dossiers as { code: string }[])[0]!.code;
    for (const deadline = Date.now() + 30_000; ; ) {
      const delivered = portal.simulator.deliveries
        .slice(before)
        .some((d) => d.status === 202 && (d.payload as { dossierCode?: string }).dossierCode === code);
      if (delivered) break;
      if (Date.now() > deadline) throw new Error(`${code} was not delivered`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await counter.quiet();
    counter.pause();
    return { code, tallies: counter.tallies, detail: counter.detail };
  } finally {
    counter.stop();
    portal.simulator.setMode(agencyId, 'normal');
  }
}

/** `step · function · operation` → calls, for the hand-over's functions only. */
export const handOverCalls = (life: Pick<LifeResult, 'detail'>) =>
  Object.fromEntries(
    [...life.detail].filter(([where]) => HAND_OVER.test(where)).map(([where, d]) => [where, d.calls]),
  );

const total = (calls: Map<string, number>) => [...calls.values()].reduce((a, b) => a + b, 0);

/** step → calls by operation, one row per step, one column per operation that occurred. */
export function callsTable(life: LifeResult) {
  const ops = [...new Set(STEPS.flatMap((s) => [...life.tallies.get(s)!.calls.keys()]))].sort();
  const rows = STEPS.map((s) => {
    const t = life.tallies.get(s)!;
    return {
      step: s as string,
      calls: total(t.calls),
      ...Object.fromEntries(ops.map((op) => [op.replace(/^DynamoDB\./, 'ddb.'), t.calls.get(op) ?? 0])),
    };
  });
  const sum = (f: (t: StepTally) => number) => STEPS.reduce((a, s) => a + f(life.tallies.get(s)!), 0);
  rows.push({
    step: 'whole life',
    calls: sum((t) => total(t.calls)),
    ...Object.fromEntries(
      ops.map((op) => [op.replace(/^DynamoDB\./, 'ddb.'), sum((t) => t.calls.get(op) ?? 0)]),
    ),
  });
  return rows;
}

/** Calls from the citizen's POST to the agency's system holding the dossier (see HAND_OVER). */
export const submissionToDelivery = (life: Pick<LifeResult, 'detail'>) =>
  [...life.detail].filter(([where]) => HAND_OVER.test(where)).reduce((a, [, d]) => a + d.calls, 0);

/**
 * What one dossier's life costs at the list prices, by line, per million dossiers: the life itself
 * (requests and compute, paid once) and what keeping it costs each month (storage).
 */
export function costModel(life: LifeResult) {
  const sum = (f: (t: StepTally) => number) => STEPS.reduce((a, s) => a + f(life.tallies.get(s)!), 0);
  const count = (pattern: RegExp) =>
    sum((t) => [...t.calls].filter(([op]) => pattern.test(op)).reduce((a, [, n]) => a + n, 0));
  const sqsSends = count(/^SQS\.Send/);
  // Each message is also received and deleted by its event source mapping (billed SQS requests),
  // at best in batches; counted here one receive and one delete per send request.
  const sqsRequests = count(/^SQS\./) + 2 * sqsSends;
  const s3Puts = count(/^S3\.(Put|Copy|CreateMultipart|UploadPart|CompleteMultipart)/) + life.browserS3Posts;
  const s3Gets = count(/^S3\.(Get|Head|List)/);
  const gb = 1024 ** 3;
  const lines = [
    {
      line: 'DynamoDB writes (WRU)',
      units: sum((t) => t.writeUnits),
      usd: sum((t) => t.writeUnits) * PRICES.dynamoWriteUnit,
    },
    {
      line: 'DynamoDB reads (RRU)',
      units: sum((t) => t.readUnits),
      usd: sum((t) => t.readUnits) * PRICES.dynamoReadUnit,
    },
    { line: 'S3 PUT/COPY/POST', units: s3Puts, usd: s3Puts * PRICES.s3Put },
    { line: 'S3 GET', units: s3Gets, usd: s3Gets * PRICES.s3Get },
    {
      line: 'SQS requests (send + receive + delete)',
      units: sqsRequests,
      usd: sqsRequests * PRICES.sqsRequest,
    },
    {
      line: 'Lambda requests',
      units: sum((t) => t.invocations),
      usd: sum((t) => t.invocations) * PRICES.lambdaRequest,
    },
    {
      line: 'Lambda GB-seconds',
      units: +sum((t) => t.gbSeconds).toFixed(4),
      usd: sum((t) => t.gbSeconds) * PRICES.lambdaGbSecond,
    },
    {
      line: 'HTTP API requests',
      units: sum((t) => t.httpRequests),
      usd: sum((t) => t.httpRequests) * PRICES.httpApiRequest,
    },
    // The data key is a customer managed KMS key: S3 uses a bucket key, SQS and DynamoDB reuse data
    // keys for minutes, so its requests are per key and period, not per dossier.
    { line: 'KMS requests (amortised)', units: 0, usd: 0 },
    { line: 'SES e-mail', units: sum((t) => t.email), usd: sum((t) => t.email) * PRICES.sesEmail },
  ];
  const perDossier = lines.reduce((a, l) => a + l.usd, 0);
  const storage = [
    {
      line: 'DynamoDB storage, per month (bytes)',
      units: life.tableBytes,
      usd: (life.tableBytes / gb) * PRICES.dynamoStorageGbMonth,
    },
    {
      line: 'S3 storage, per month (bytes)',
      units: life.s3Bytes,
      usd: (life.s3Bytes / gb) * PRICES.s3StorageGbMonth,
    },
  ];
  const perMillion = (l: { line: string; units: number; usd: number }) => ({
    ...l,
    usdPerMillion: +(l.usd * 1e6).toFixed(2),
  });
  return {
    lines: [
      ...lines.map(perMillion),
      perMillion({ line: 'the life (requests and compute)', units: Number.NaN, usd: perDossier }),
      ...storage.map(perMillion),
    ],
    perMillion: perDossier * 1e6,
    /**
     * The life's requests and compute without the table: HTTP API, S3, SQS, Lambda and e-mail, what the
     * life costs whatever its data model (US$ per million dossiers).
     */
    withoutTablePerMillion:
      lines.filter((l) => !l.line.startsWith('DynamoDB')).reduce((a, l) => a + l.usd, 0) * 1e6,
    /**
     * The same without the table if every queue and stream consumer took full batches of ten (a national
     * peak's best case): their receives, deletes and invocations a tenth, every send, upload, HTTP request
     * and the compute as measured.
     */
    batchedWithoutTablePerMillion: (() => {
      const http = sum((t) => t.httpRequests);
      const consumerInvocations = Math.max(0, sum((t) => t.invocations) - http);
      const usd =
        s3Puts * PRICES.s3Put +
        s3Gets * PRICES.s3Get +
        (count(/^SQS\./) + (2 * sqsSends) / 10) * PRICES.sqsRequest +
        (http + consumerInvocations / 10) * PRICES.lambdaRequest +
        sum((t) => t.gbSeconds) * PRICES.lambdaGbSecond +
        http * PRICES.httpApiRequest +
        sum((t) => t.email) * PRICES.sesEmail;
      return usd * 1e6;
    })(),
    /**
     * The life has one scan; this one has two. With one scan fewer (its upload request and
     * function, the browser's POST, its copy into the dossier and its ranged read at submission), the
     * life without the table, in US$ per million dossiers.
     */
    oneScanWithoutTablePerMillion: (() => {
      const scans = life.tallies.get('scans')!;
      const upload =
        (scans.httpRequests * PRICES.httpApiRequest +
          scans.invocations * PRICES.lambdaRequest +
          scans.gbSeconds * PRICES.lambdaGbSecond) /
          life.browserS3Posts +
        2 * PRICES.s3Put +
        PRICES.s3Get;
      const withoutTable = lines.filter((l) => !l.line.startsWith('DynamoDB')).reduce((a, l) => a + l.usd, 0);
      return (withoutTable - (life.browserS3Posts - 1) * upload) * 1e6;
    })(),
    /**
     * The least any data model could write: each state change of the dossier (a timeline event, made at
     * its own time by its own actor) is at least one write unit. US$ per million dossiers.
     */
    stateChanges: life.stateChanges,
    leastWritesPerMillion: life.stateChanges * PRICES.dynamoWriteUnit * 1e6,
    /**
     * Where the write units go, in US$ per million dossiers, already inside the WRU line above: the
     * secondary indexes' copies of items (every index an item is in is written again when the item
     * changes), and the second half of each transactional write (the price of all-or-nothing).
     */
    writes: {
      indexCopies: +(sum((t) => t.indexWriteUnits) * PRICES.dynamoWriteUnit * 1e6).toFixed(2),
      indexWriteUnits: sum((t) => t.indexWriteUnits),
      transactionPremium: +((sum((t) => t.transactionWriteUnits) / 2) * PRICES.dynamoWriteUnit * 1e6).toFixed(
        2,
      ),
      transactionWriteUnits: sum((t) => t.transactionWriteUnits),
    },
    storagePerMillionMonth: storage.reduce((a, l) => a + l.usd, 0) * 1e6,
    sms: sum((t) => t.sms),
    note: `prices: ${PRICE_REGION}, list prices as of ${PRICES_AS_OF} (test/bench/aws-prices.ts)`,
  };
}

/** Calls and capacity units by function over the whole life, most write units first. */
export function byFunction(life: Pick<LifeResult, 'detail'>) {
  const rows = new Map<
    string,
    { function: string; calls: number; WRU: number; 'of which index copies': number; RRU: number }
  >();
  for (const [where, d] of life.detail) {
    const fn = where.split(' · ')[1]!;
    const row = rows.get(fn) ?? { function: fn, calls: 0, WRU: 0, 'of which index copies': 0, RRU: 0 };
    rows.set(fn, row);
    row.calls += d.calls;
    row.WRU += d.wru;
    row['of which index copies'] += d.indexWru;
    row.RRU = +(row.RRU + d.rru).toFixed(1);
  }
  return [...rows.values()].sort((a, b) => b.WRU - a.WRU);
}

/** The whole-life bench for `npm run bench`: one warm-up life, then three measured. */
export async function dossierLifeBench() {
  const { startLocalPortal } = await import('../../lib/local/portal.js');
  const portal = await startLocalPortal({
    port: 0,
    ephemeral: true,
    quiet: true,
    simulatorDelayMs: 20,
    reconcileIntervalMs: 0,
    slaIntervalMs: 0,
    escalationIntervalMs: 0,
  });
  try {
    await liveOneDossier(portal, 0);
    // Calls are the same each time; durations on a shared machine are not: the life whose Lambda
    // GB-seconds are the median of three is the one reported.
    const lives = [];
    for (let n = 1; n <= 3; n++) lives.push(await liveOneDossier(portal, n));
    const gbSeconds = (l: LifeResult) => STEPS.reduce((a, s) => a + l.tallies.get(s)!.gbSeconds, 0);
    const life = lives.sort((a, b) => gbSeconds(a) - gbSeconds(b))[1]!;
    await handOverOneScan(portal, 0);
    const oneScan = await handOverOneScan(portal, 1);
    const steps = STEPS.map((s) => {
      const t = life.tallies.get(s)!;
      return {
        step: s,
        'AWS calls': total(t.calls),
        RRU: +t.readUnits.toFixed(1),
        WRU: +t.writeUnits.toFixed(1),
        'HTTP requests': t.httpRequests,
        invocations: t.invocations,
        'GB-s': +t.gbSeconds.toFixed(4),
        'SQS messages': t.sqsMessages,
        SMS: t.sms,
        'e-mail': t.email,
      };
    });
    return {
      calls: callsTable(life),
      steps,
      submissionToDelivery: submissionToDelivery(life),
      oneScan: { total: submissionToDelivery(oneScan), calls: handOverCalls(oneScan) },
      cost: costModel(life),
      bytes: { s3: life.s3Bytes, table: life.tableBytes },
      detail: [...life.detail].map(([where, d]) => ({ where, ...d })),
      byFunction: byFunction(life),
    };
  } finally {
    await portal.stop();
  }
}
