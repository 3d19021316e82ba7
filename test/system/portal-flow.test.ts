/**
 * The real handlers against the local stores over their real protocols (DynamoDB Local, s3rver,
 * local SQS), driven over HTTP through the local API server: the whole backbone flow, and bad input on
 * every route answered with the right 4xx and nothing written.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_HEADER } from '../../functions/core/webhooks.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import {
  type AgencySecrets,
  agencyHeaders,
  channelSecret,
  readAgencySecrets,
} from '../support/agency-callbacks.js';
import { bhytForm, licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { createPayment, pressOnGatewayPage } from '../support/payments.js';
import { portalClient } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';

let portal: LocalPortal;
let db: DynamoDBDocumentClient;
let s3: S3Client;
let tokenA: string;
let tokenB: string;
let secrets: AgencySecrets;

beforeAll(async () => {
  portal = await startTestPortal();
  const { env } = portal;
  db = portalDynamo(env);
  s3 = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL_S3,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    forcePathStyle: true,
  });
  tokenA = await portal.token({ sub: 'citizen-a' });
  tokenB = await portal.token({ sub: 'citizen-b' });
  secrets = await readAgencySecrets(portal);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const { api, upload } = portalClient(() => portal.url);

const submit = (token: string, key: string, body: unknown) =>
  api('POST', '/v1/dossiers', { token, headers: { 'idempotency-key': key }, body });

/** The licence exchange with its two required scans. */
const licenceDossier = (licence: string, health: string) => ({
  procedureCode: '1.002804',
  form: licenceForm,
  attachments: [
    { documentType: 'current_licence', uploadId: licence },
    { documentType: 'health_certificate', uploadId: health },
  ],
});

/** Creates an upload and posts the bytes to S3 through the presigned form, as a browser would. */
const uploadScan = (token: string, bytes: Buffer, declared = bytes.length, contentType = 'application/pdf') =>
  upload(token, { bytes, fileName: 'bản chụp.pdf', formFileName: 'scan.pdf', contentType, size: declared });

async function waitFor<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Counts the table's items of one kind (a test-only scan; the product never scans). */
const countItems = async (prefix: string, sk?: string) => {
  const out = await db.send(
    new ScanCommand({
      TableName: portal.env.TABLE_NAME,
      FilterExpression: sk ? 'begins_with(pk, :p) AND sk = :sk' : 'begins_with(pk, :p)',
      ExpressionAttributeValues: sk ? { ':p': prefix, ':sk': sk } : { ':p': prefix },
    }),
  );
  return out.Count ?? 0;
};

const signedEvent = (
  agencyId: string,
  event: Record<string, unknown>,
  secret = channelSecret(secrets, agencyId),
) => {
  const body = JSON.stringify(event);
  return { body, headers: agencyHeaders(agencyId, secret, body, `msg_${event.eventId}`) };
};

describe('a dossier from submission to the agency and back', () => {
  let code: string;
  let trackingKey: string;

  it('accepts scans, submits, takes the fee online, delivers to the agency and shows its callbacks', async () => {
    const licence = await uploadScan(tokenA, Buffer.from('%PDF-1.7 licence scan'));
    const health = await uploadScan(tokenA, Buffer.from('%PDF-1.7 health certificate'));
    const submitted = await submit(tokenA, 'flow-key-0001', licenceDossier(licence, health));
    expect(submitted.status).toBe(201);
    code = submitted.body.dossiers[0].code;
    expect(code).toMatch(/^CAHN-\d{6}-\d{4}$/);
    expect(submitted.body.dossiers[0]).toMatchObject({ agencyId: 'cahn', status: 'submitted' });
    // The receipt carries the key that public tracking asks for; the owner's view shows it again.
    trackingKey = submitted.body.dossiers[0].trackingKey;
    expect(trackingKey).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect((await api('GET', `/v1/dossiers/${code}`, { token: tokenA })).body.trackingKey).toBe(trackingKey);

    // A fully online procedure with a fee reaches the agency once the fee is paid.
    const unpaid = await api('GET', `/v1/dossiers/${code}`, { token: tokenA });
    expect(unpaid.body.payment).toEqual({ status: 'unpaid', amount: 135_000 });
    const payment = await createPayment(portal.url, tokenA, code, 'flow-pay-0001');
    expect(payment.status).toBe(201);
    expect(
      portal.simulator.deliveries.some((d) => (d.payload as { dossierCode?: string })?.dossierCode === code),
    ).toBe(false);
    const back = await pressOnGatewayPage(payment.body.redirectUrl, 'approve');
    expect(back.status).toBe(303);

    const tracked = await waitFor(
      () => api('GET', `/v1/dossiers/${code}`, { token: tokenA }),
      (r) => r.body?.status === 'in_progress',
    );
    expect(tracked.status).toBe(200);
    expect(tracked.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'dossier.submitted',
      'payment.succeeded',
      'dossier.received',
      'dossier.in_progress',
    ]);
    expect(tracked.body.payment).toEqual({
      paymentId: payment.body.paymentId,
      status: 'succeeded',
      amount: 135_000,
    });
    // Identifiers in the form are masked unless the owner asks to see them.
    expect(tracked.body.form.citizenId).toBe('0010******01');
    const revealed = await api('GET', `/v1/dossiers/${code}?reveal=true`, { token: tokenA });
    expect(revealed.body.form.citizenId).toBe('001090000001');
    expect(tracked.body.attachments).toHaveLength(2);
    expect(tracked.body.overdue).toBe(false);

    const delivery = portal.simulator.deliveries.find(
      (d) => (d.payload as { dossierCode?: string }).dossierCode === code,
    );
    expect(delivery?.status).toBe(202);
    // The accepted scans were copied under the dossier's own prefix (the pending prefix expires).
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: portal.env.UPLOADS_BUCKET,
        Key: `dossiers/${code}/current_licence-${licence}`,
      }),
    );
    expect(head.ContentLength).toBe(Buffer.byteLength('%PDF-1.7 licence scan'));
  });

  it('shows the public tracking view without personal data, form or attachments', async () => {
    const res = await api('GET', `/v1/track/${code}?key=${trackingKey.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(code);
    expect(res.body.trackingKey).toBeUndefined();
    const text = JSON.stringify(res.body);
    for (const secret of ['001090000001', '0912345678', 'Nguyễn Văn An', 'citizen-a'])
      expect(text).not.toContain(secret);
    expect(res.body.form).toBeUndefined();
    expect(res.body.attachments).toBeUndefined();
  });

  it('tracks a dossier only with the key of its receipt, so codes cannot be enumerated', async () => {
    const bare = await api('GET', `/v1/track/${code}`);
    expect(bare.status).toBe(400);
    expect(bare.body.error.details[0].path).toBe('query.key');
    const wrong = await api('GET', `/v1/track/${code}?key=${'0'.repeat(12)}`);
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('DOSSIER_NOT_FOUND');
    // The next code of the same day, with this dossier's key: as unknown as a code never issued.
    const [prefix, day, n] = code.split('-');
    const next = `${prefix}-${day}-${String(Number(n) + 1).padStart(4, '0')}`;
    const neighbour = await api('GET', `/v1/track/${next}?key=${trackingKey}`);
    expect(neighbour.status).toBe(404);
    expect(neighbour.body).toEqual(wrong.body);
  });

  it("answers another citizen's request for the dossier exactly like a missing one", async () => {
    const other = await api('GET', `/v1/dossiers/${code}`, { token: tokenB });
    const missing = await api('GET', '/v1/dossiers/CAHN-200101-9999', { token: tokenB });
    expect(other.status).toBe(404);
    expect(other.body).toEqual(missing.body);
  });

  it('replays an idempotent submission and refuses the key with another body', async () => {
    const body = { procedureCode: '1.002758', form: bhytForm, attachments: [] };
    const first = await submit(tokenA, 'flow-key-0002', body);
    const again = await submit(tokenA, 'flow-key-0002', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const owned = await db.send(
      new QueryCommand({
        TableName: portal.env.TABLE_NAME,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :o',
        FilterExpression: 'submissionId = :s',
        ExpressionAttributeValues: { ':o': 'OWNER#citizen-a', ':s': first.body.submissionId },
      }),
    );
    expect(owned.Count).toBe(1);
    const changed = await api('POST', '/v1/dossiers', {
      token: tokenA,
      headers: { 'idempotency-key': 'flow-key-0002' },
      body: { ...body, form: { ...bhytForm, phone: '0900000000' } },
    });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('lets concurrent identical submissions create one dossier', async () => {
    const body = { procedureCode: '1.002758', form: bhytForm, attachments: [] };
    const results = await Promise.all(Array.from({ length: 5 }, () => submit(tokenB, 'race-key-0001', body)));
    const codes = new Set(results.map((r) => r.body.dossiers?.[0]?.code));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(codes.size).toBe(1);
  });
});

describe('bad input writes nothing', () => {
  it("refuses someone else's upload", async () => {
    const theirs = await uploadScan(tokenB, Buffer.from('%PDF-1.7 b'));
    const mine = await uploadScan(tokenA, Buffer.from('%PDF-1.7 a'));
    const before = await countItems('DOSSIER#', 'DOSSIER');
    const res = await submit(tokenA, 'bad-key-0001', licenceDossier(mine, theirs));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('UPLOAD_NOT_FOUND');
    expect(await countItems('DOSSIER#', 'DOSSIER')).toBe(before);
    expect(await countItems('IDEMPOTENCY#dossiers#citizen-a#bad-key-0001')).toBe(0);
  });

  it('refuses an upload whose bytes differ from what was declared', async () => {
    const short = await uploadScan(tokenA, Buffer.from('%PDF short'), 5000);
    const ok = await uploadScan(tokenA, Buffer.from('%PDF-1.7 ok'));
    const res = await submit(tokenA, 'bad-key-0002', licenceDossier(ok, short));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('UPLOAD_INCOMPLETE');
  });

  it('refuses a page or an SVG uploaded as a scan, naming the document, and writes nothing', async () => {
    const page = await uploadScan(tokenA, Buffer.from('<!doctype html><script>fetch("/v1/me")</script>'));
    const svg = await uploadScan(
      tokenA,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      undefined,
      'image/png',
    );
    const before = await countItems('DOSSIER#', 'DOSSIER');
    const res = await submit(tokenA, 'bad-key-0003', licenceDossier(svg, page));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('FILE_CONTENT_MISMATCH');
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: 'attachments.0.uploadId', documentType: 'current_licence' }),
      expect.objectContaining({ path: 'attachments.1.uploadId', documentType: 'health_certificate' }),
    ]);
    expect(await countItems('DOSSIER#', 'DOSSIER')).toBe(before);
    const real = await uploadScan(tokenA, Buffer.from('%PDF-1.7 real scan'));
    const page2 = await uploadScan(tokenA, Buffer.from('<html><body>not a scan</body></html>'));
    expect((await submit(tokenA, 'bad-key-0004', licenceDossier(real, page2))).status).toBe(422);
  });

  it.each([
    [
      'unknown procedure',
      { procedureCode: '9.999999', form: bhytForm, attachments: [] },
      400,
      'UNKNOWN_PROCEDURE',
    ],
    [
      'invalid form',
      { procedureCode: '1.002758', form: { ...bhytForm, citizenId: '12' }, attachments: [] },
      400,
      'INVALID_FORM',
    ],
    [
      'server-owned field',
      { procedureCode: '1.002758', form: bhytForm, attachments: [], status: 'approved' },
      400,
      'VALIDATION_FAILED',
    ],
    ['wrong types', { procedureCode: 1002758, form: 'x' }, 400, 'VALIDATION_FAILED'],
    ['malformed JSON', '{"procedureCode":', 400, 'MALFORMED_JSON'],
  ])('%s is refused with its status and code', async (_name, body, status, code) => {
    const before = await countItems('DOSSIER#', 'DOSSIER');
    const res = await submit(tokenA, `bad-${code}-01`, body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({
      code,
      message: expect.any(String),
      messageVi: expect.any(String),
    });
    expect(await countItems('DOSSIER#', 'DOSSIER')).toBe(before);
  });

  it('shows an information entry of the national catalog and refuses to file it online', async () => {
    // 2.002184 (a customs procedure): imported from the national database, with no online form here.
    const view = await api('GET', '/v1/procedures/2.002184');
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ code: '2.002184', onlineFiling: false, formId: null, form: null });
    expect(view.body.channels.items.length).toBeGreaterThan(0);
    expect(view.body.source.url).toMatch(/^https:\/\/dichvucong\.gov\.vn\//);
    const found = await api(
      'GET',
      '/v1/procedures?q=khai%20b%E1%BB%95%20sung%20h%E1%BB%93%20s%C6%A1%20h%E1%BA%A3i%20quan',
    );
    expect(found.body.items.map((i: { code: string }) => i.code)).toContain('2.002184');

    const before = await countItems('DOSSIER#', 'DOSSIER');
    const res = await submit(tokenA, 'not-online-0001', {
      procedureCode: '2.002184',
      form: bhytForm,
      attachments: [],
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'PROCEDURE_NOT_ONLINE',
      message: expect.any(String),
      messageVi: expect.any(String),
    });
    expect(await countItems('DOSSIER#', 'DOSSIER')).toBe(before);
    expect(await countItems('IDEMPOTENCY#dossiers#citizen-a#not-online-0001')).toBe(0);
  });

  it('requires a token and an Idempotency-Key', async () => {
    const body = { procedureCode: '1.002758', form: bhytForm, attachments: [] };
    expect(
      (await api('POST', '/v1/dossiers', { body, headers: { 'idempotency-key': 'no-token-01' } })).status,
    ).toBe(401);
    const noKey = await api('POST', '/v1/dossiers', { token: tokenA, body });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('validates upload requests', async () => {
    const res = await api('POST', '/v1/uploads', {
      token: tokenA,
      body: { fileName: '../x.exe', contentType: 'application/x-msdownload', size: -1 },
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.fileName', 'body.contentType', 'body.size']));
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await api('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toEqual(expect.any(String));
  });
});

describe('agency callbacks', () => {
  let code: string;
  beforeAll(async () => {
    const res = await submit(tokenA, 'agency-key-0001', {
      procedureCode: '1.002758',
      form: bhytForm,
      attachments: [],
    });
    code = res.body.dossiers[0].code;
    await waitFor(
      () => api('GET', `/v1/dossiers/${code}`, { token: tokenA }),
      (r) => r.body?.status === 'in_progress',
    );
  });

  it('refuses unsigned, tampered and wrongly attributed events', async () => {
    const event = { type: 'dossier.approved', eventId: 'evt-tamper-0001', dossierCode: code };
    const unsigned = await api('POST', '/v1/agency/events', {
      body: event,
      headers: { [AGENCY_HEADER]: 'bhxh-hn' },
    });
    expect(unsigned.status).toBe(401);
    const signed = signedEvent('bhxh-hn', event);
    const tampered = await fetch(`${portal.url}/v1/agency/events`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body.replace('approved', 'rejected'),
    });
    expect(tampered.status).toBe(401);
    const wrongAgency = await fetch(`${portal.url}/v1/agency/events`, {
      method: 'POST',
      headers: { ...signed.headers, [AGENCY_HEADER]: 'cahn' },
      body: signed.body,
    });
    expect(wrongAgency.status).toBe(401);
    expect((await api('GET', `/v1/dossiers/${code}`, { token: tokenA })).body.status).toBe('in_progress');
  });

  it('lets an agency touch only dossiers routed to it', async () => {
    const event = signedEvent('cahn', {
      type: 'dossier.approved',
      eventId: 'evt-other-0001',
      dossierCode: code,
    });
    const res = await fetch(`${portal.url}/v1/agency/events`, {
      method: 'POST',
      headers: event.headers,
      body: event.body,
    });
    expect(res.status).toBe(404);
  });

  it('applies a step once, answers replays the same, refuses illegal steps with 409', async () => {
    const approve = signedEvent('bhxh-hn', {
      type: 'dossier.approved',
      eventId: 'evt-approve-0001',
      dossierCode: code,
    });
    const first = await fetch(`${portal.url}/v1/agency/events`, {
      method: 'POST',
      headers: approve.headers,
      body: approve.body,
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ applied: true, status: 'approved' });
    const replay = await fetch(`${portal.url}/v1/agency/events`, {
      method: 'POST',
      headers: approve.headers,
      body: approve.body,
    });
    expect(await replay.json()).toMatchObject({ applied: false, reason: 'replay', status: 'approved' });

    const reject = signedEvent('bhxh-hn', {
      type: 'dossier.rejected',
      eventId: 'evt-reject-0001',
      dossierCode: code,
      reason: 'Không đủ điều kiện',
    });
    const illegal = await fetch(`${portal.url}/v1/agency/events`, {
      method: 'POST',
      headers: reject.headers,
      body: reject.body,
    });
    expect(illegal.status).toBe(409);
    expect(
      ((await illegal.json()) as { error: { details: { currentStatus: string } } }).error.details
        .currentStatus,
    ).toBe('approved');

    const owner = await api('GET', `/v1/dossiers/${code}`, { token: tokenA });
    expect(owner.body.timeline.map((e: { status: string }) => e.status)).toEqual([
      'submitted',
      'received',
      'in_progress',
      'approved',
    ]);
  });

  it('refuses a rejection without a reason', async () => {
    const event = signedEvent('bhxh-hn', {
      type: 'dossier.rejected',
      eventId: 'evt-reject-0002',
      dossierCode: code,
    });
    const res = await fetch(`${portal.url}/v1/agency/events`, {
      method: 'POST',
      headers: event.headers,
      body: event.body,
    });
    expect(res.status).toBe(400);
  });
});

describe('platform', () => {
  it('serves health and the OpenAPI document', async () => {
    expect((await api('GET', '/health')).body.status).toBe('ok');
    const doc = await api('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/v1/dossiers');
  });
});
