/**
 * Paying a dossier's fee and an electricity bill through the local payment gateway and EVN biller,
 * against the real handlers and stores: signed callbacks (tampered, incomplete, wrong amount or
 * currency, unknown, replayed, concurrent, late), retry after failure, one pending attempt at a time,
 * and reconciliation settling a payment whose callback never came.
 */
import { readFile } from 'node:fs/promises';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayTime, signed } from '../../functions/payments/signature.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { readAgencySecrets, signedAgencyGet } from '../support/agency-callbacks.js';
import { bhytForm, licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { createPayment, pressOnGatewayPage } from '../support/payments.js';
import { portalClient } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let db: DynamoDBDocumentClient;
let token: string;
let other: string;
let secret: string;
let seq = 0;

beforeAll(async () => {
  portal = await startTestPortal({ reconcileIntervalMs: 0 });
  const { env } = portal;
  db = portalDynamo(env);
  token = await portal.token({ sub: 'payer-a' });
  other = await portal.token({ sub: 'payer-b' });
  secret = JSON.parse(await readFile(env.PAYMENT_SECRETS_FILE!, 'utf8')).sandbox;
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const client = portalClient(() => portal.url);
const { api } = client;

/**
 * A licence exchange dossier (fee 135 000 VND, paid before dispatch), filed by `filer` (the payer by
 * default) with its scans; `extra` adds to the body (a desk officer's `onBehalfOf`, another form).
 */
async function paidDossier(filer = token, extra: Record<string, unknown> = {}): Promise<string> {
  const n = ++seq;
  const res = await api('POST', '/v1/dossiers', {
    token: filer,
    key: `pay-dossier-${n}-0000`,
    body: {
      procedureCode: '1.002804',
      form: licenceForm,
      attachments: [
        {
          documentType: 'current_licence',
          uploadId: await client.upload(filer, { bytes: `%PDF licence ${n}` }),
        },
        {
          documentType: 'health_certificate',
          uploadId: await client.upload(filer, { bytes: `%PDF health ${n}` }),
        },
      ],
      ...extra,
    },
  });
  expect(res.status).toBe(201);
  return res.body.dossiers[0].code;
}

/** Approves on the gateway page while the gateway's notice to the portal is lost. */
async function approveWithoutNotice(redirectUrl: string) {
  portal.payments.dropIpn = true;
  try {
    await pressOnGatewayPage(redirectUrl, 'approve');
  } finally {
    portal.payments.dropIpn = false;
  }
}

/** A callback as the gateway would sign it, with any field overridden (or removed with undefined). */
function ipnParams(paymentId: string, over: Record<string, string | undefined> = {}) {
  const base: Record<string, string | undefined> = {
    vnp_TmnCode: 'CONGLOCAL',
    vnp_TxnRef: paymentId,
    vnp_Amount: String(135_000 * 100),
    vnp_CurrCode: 'VND',
    vnp_OrderInfo: 'Le phi',
    vnp_ResponseCode: '00',
    vnp_TransactionStatus: '00',
    vnp_TransactionNo: `9${Date.now() % 10_000_000}`,
    vnp_PayDate: gatewayTime(new Date()),
    ...over,
  };
  return signed(
    secret,
    Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Record<string, string>,
  );
}

async function callback(params: Record<string, string>) {
  const res = await fetch(`${portal.url}/v1/payments/callbacks/sandbox`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { RspCode: string }).RspCode;
}

const delivered = (code: string) =>
  portal.simulator.deliveries.some(
    (d) => (d.payload as { dossierCode?: string } | undefined)?.dossierCode === code,
  );

const countItems = async (pk: string) => {
  const out = await db.send(
    new ScanCommand({
      TableName: portal.env.TABLE_NAME,
      FilterExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': pk },
    }),
  );
  return out.Count ?? 0;
};

/** Dispatch messages written for a dossier (none may exist before its fee is paid). */
const dispatchesOf = async (code: string) => {
  const out = await db.send(
    new ScanCommand({
      TableName: portal.env.TABLE_NAME,
      FilterExpression: 'kind = :k',
      ExpressionAttributeValues: { ':k': 'outbox' },
    }),
  );
  return (out.Items ?? []).filter((i) =>
    (i.messages as Array<{ dossierCode?: string }>).some((m) => m.dossierCode === code),
  );
};

/** A citizen withdraws the dossier. */
async function withdraw(code: string, as = token) {
  const res = await api('POST', `/v1/dossiers/${code}/withdraw`, {
    token: as,
    body: { reason: 'Tôi không cần làm thủ tục này nữa' },
  });
  expect(res.status).toBe(200);
}

/** The dossier ends refused, as an agency's refusal leaves it (status only; enough for paying it). */
async function markRefused(code: string) {
  await db.send(
    new UpdateCommand({
      TableName: portal.env.TABLE_NAME,
      Key: { pk: `DOSSIER#${code}`, sk: 'DOSSIER' },
      UpdateExpression: 'SET #s = :r, #v = #v + :one',
      ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
      ExpressionAttributeValues: { ':r': 'rejected', ':one': 1 },
    }),
  );
}

/** Every anomaly operators see, page after page. */
async function allAnomalies(operatorToken: string) {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const res = await api(
      'GET',
      `/v1/payments/anomalies?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: operatorToken },
    );
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('creating a payment', () => {
  it('takes the amount from the catalog, returns the pending attempt again, and replays by key', async () => {
    const code = await paidDossier();
    const first = await createPayment(portal.url, token, code, 'create-key-0001');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amount: 135_000, currency: 'VND', status: 'pending' });
    expect(first.body.redirectUrl).toContain(portal.payments.payUrl);
    expect(Date.parse(first.body.expiresAt as string)).toBeGreaterThan(Date.now());

    const second = await createPayment(portal.url, token, code, 'create-key-0002');
    expect(second.status).toBe(200);
    expect(second.body.paymentId).toBe(first.body.paymentId);
    // The same page, signed again from the attempt's own facts (the record keeps no copy of it).
    expect(second.body.redirectUrl).toBe(first.body.redirectUrl);
    const replay = await createPayment(portal.url, token, code, 'create-key-0001');
    expect(replay.body).toEqual(first.body);
    const owner = await api('GET', `/v1/dossiers/${code}`, { token });
    expect(owner.body.payment).toEqual({
      paymentId: first.body.paymentId,
      status: 'pending',
      amount: 135_000,
    });
  });

  it('refuses a free dossier and answers for someone else’s dossier as for a missing one', async () => {
    const free = await api('POST', '/v1/dossiers', {
      token,
      key: 'free-dossier-0001',
      body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    });
    const code = free.body.dossiers[0].code;
    const res = await createPayment(portal.url, token, code, 'free-pay-0001');
    expect(res.status).toBe(409);
    expect((res.body as unknown as { error: { code: string } }).error.code).toBe('PAYMENT_NOT_REQUIRED');
    const theirs = await createPayment(portal.url, other, await paidDossier(), 'other-pay-0001');
    expect(theirs.status).toBe(404);
  });
});

describe('provider callbacks', () => {
  let code: string;
  let paymentId: string;
  beforeAll(async () => {
    code = await paidDossier();
    paymentId = (await createPayment(portal.url, token, code, 'cb-key-00001')).body.paymentId;
  });

  it('refuses tampered, incomplete, mismatched and unknown callbacks without changing anything', async () => {
    const good = ipnParams(paymentId);
    expect(await callback({ ...good, vnp_Amount: '100' })).toBe('97');
    expect(
      await callback({
        ...good,
        vnp_SecureHash: good.vnp_SecureHash!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
      }),
    ).toBe('97');
    const { vnp_SecureHash: _drop, ...unsigned } = good;
    expect(await callback(unsigned)).toBe('97');
    expect(await callback(ipnParams(paymentId, { vnp_Amount: undefined }))).toBe('99');
    expect(await callback(ipnParams(paymentId, { vnp_Amount: String(1_000 * 100) }))).toBe('04');
    expect(await callback(ipnParams(paymentId, { vnp_CurrCode: 'USD' }))).toBe('04');
    expect(await callback(ipnParams('01J0000000000000000000000Z'))).toBe('01');
    expect((await api('GET', `/v1/payments/${paymentId}`, { token })).body.status).toBe('pending');
    expect(delivered(code)).toBe(false);
  });

  it('takes the notification as a GET with the signed query, as VNPay-style gateways send it', async () => {
    const byQueryCode = await paidDossier();
    const byQuery = (await createPayment(portal.url, token, byQueryCode, 'cb-get-00001')).body.paymentId;
    const get = async (params: Record<string, string>) => {
      const res = await fetch(`${portal.url}/v1/payments/callbacks/sandbox?${new URLSearchParams(params)}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { RspCode: string }).RspCode;
    };
    const good = ipnParams(byQuery, { vnp_TransactionNo: '77000901' });
    expect(await get({ ...good, vnp_Amount: '100' })).toBe('97');
    expect((await api('GET', `/v1/payments/${byQuery}`, { token })).body.status).toBe('pending');
    expect(await get(good)).toBe('00');
    expect(await get(good)).toBe('02');
    expect((await api('GET', `/v1/payments/${byQuery}`, { token })).body.status).toBe('succeeded');
  });

  it('credits concurrent duplicate callbacks once, and answers a replay as already confirmed', async () => {
    const params = ipnParams(paymentId, { vnp_TransactionNo: '77000001' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => callback(params)));
    expect(answers.filter((a) => a === '00')).toHaveLength(1);
    expect(answers.filter((a) => a === '02')).toHaveLength(5);
    expect(await callback(params)).toBe('02');
    expect(await countItems(`PAYMENT_SUCCESS#DOSSIER#${code}`)).toBe(1);
    const owner = await api('GET', `/v1/dossiers/${code}`, { token });
    expect(owner.body.timeline.filter((e: { type: string }) => e.type === 'payment.succeeded')).toHaveLength(
      1,
    );
    await until('the dossier reaches its agency', () => (delivered(code) ? true : undefined));
    const receipt = await api('GET', `/v1/payments/${paymentId}/receipt`, { token });
    expect(receipt.body).toMatchObject({
      paymentId,
      amount: 135_000,
      currency: 'VND',
      payer: licenceForm.fullName,
      procedureCode: '1.002804',
      agencyId: 'cahn',
      dossierCode: code,
      providerTransactionId: '77000001',
    });
    expect(receipt.body.receiptNumber).toMatch(/^BL\d{8}-/);
    expect((await api('GET', `/v1/payments/${paymentId}/receipt`, { token: other })).status).toBe(404);
    const again = await createPayment(portal.url, token, code, 'cb-key-00002');
    expect(again.status).toBe(409);
  });

  it('records a success that arrives after expiry and flags it for refund, without crediting it', async () => {
    const late = await paidDossier();
    const p = (await createPayment(portal.url, token, late, 'late-key-0001')).body;
    const afterExpiry = gatewayTime(new Date(Date.parse(p.expiresAt as string) + 60_000));
    expect(
      await callback(ipnParams(p.paymentId, { vnp_PayDate: afterExpiry, vnp_TransactionNo: '77000002' })),
    ).toBe('00');
    const view = await api('GET', `/v1/payments/${p.paymentId}`, { token });
    expect(view.body).toMatchObject({ status: 'expired', refundDue: true });
    expect((await api('GET', `/v1/dossiers/${late}`, { token })).body.payment.status).toBe('expired');
    expect((await api('GET', `/v1/payments/${p.paymentId}/receipt`, { token })).status).toBe(404);
    expect(delivered(late)).toBe(false);
  });
});

describe('the sandbox gateway', () => {
  it('lets a citizen retry after a declined payment without refilling anything', async () => {
    const code = await paidDossier();
    const first = (await createPayment(portal.url, token, code, 'retry-key-001')).body;
    const back = await pressOnGatewayPage(first.redirectUrl, 'decline');
    expect(back.location).toContain('/v1/payments/return/sandbox?');
    const shown = await fetch(back.location);
    expect(((await shown.json()) as { providerResult: string }).providerResult).toBe('failed');
    await until('the decline to be recorded', async () => {
      const v = await api('GET', `/v1/payments/${first.paymentId}`, { token });
      return v.body.status === 'failed' ? true : undefined;
    });
    const retry = await createPayment(portal.url, token, code, 'retry-key-002');
    expect(retry.status).toBe(201);
    expect(retry.body.paymentId).not.toBe(first.paymentId);
    await pressOnGatewayPage(retry.body.redirectUrl, 'approve');
    await until('the retried payment to succeed', async () => {
      const d = await api('GET', `/v1/dossiers/${code}`, { token });
      return d.body.payment.status === 'succeeded' ? true : undefined;
    });
    await until('the dossier reaches its agency', () => (delivered(code) ? true : undefined));
  });

  it('refuses a signed notification naming no payment the portal could have made, without failing', async () => {
    // A reference longer than any table key: the portal's payment ids are ULIDs.
    const params = ipnParams('P'.repeat(3_000));
    expect(await callback(params)).toBe('01');
    const back = await fetch(`${portal.url}/v1/payments/return/sandbox?${new URLSearchParams(params)}`);
    expect(back.status).toBe(404);
    expect(((await back.json()) as { error: { code: string } }).error.code).toBe('PAYMENT_NOT_FOUND');
  });

  it('refuses a forged return to the browser page', async () => {
    const res = await fetch(`${portal.url}/v1/payments/return/sandbox?vnp_TxnRef=x&vnp_SecureHash=00`);
    expect(res.status).toBe(401);
  });
});

describe('reconciliation', () => {
  it('settles a payment whose callback never came', async () => {
    const code = await paidDossier();
    const p = (await createPayment(portal.url, token, code, 'recon-key-001')).body;
    await approveWithoutNotice(p.redirectUrl);
    expect((await api('GET', `/v1/payments/${p.paymentId}`, { token })).body.status).toBe('pending');
    const report = await portal.reconcile(0);
    expect(report.settled.credited).toBeGreaterThanOrEqual(1);
    expect(report.errors).toEqual([]);
    expect((await api('GET', `/v1/payments/${p.paymentId}`, { token })).body.status).toBe('succeeded');
    await until('the dossier reaches its agency', () => (delivered(code) ? true : undefined));
    const again = await portal.reconcile(0);
    expect(again.settled.credited ?? 0).toBe(0);
  });
});

describe('electricity bills', () => {
  it('looks up the amount due and pays it through the same flow', async () => {
    const lookup = await api('POST', '/v1/bills/electricity/lookup', {
      token,
      body: { customerCode: 'pd01000123456' },
    });
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ biller: 'evn', customerCode: 'PD01000123456', currency: 'VND' });
    const due = lookup.body.amountDue as number;
    expect(due).toBeGreaterThan(0);

    const pay = await api('POST', '/v1/bills/electricity/payments', {
      token,
      key: 'evn-pay-00001',
      body: { customerCode: 'PD01000123456' },
    });
    expect(pay.status).toBe(201);
    expect(pay.body.amount).toBe(due);
    await pressOnGatewayPage(pay.body.redirectUrl, 'approve');
    await until('the bill payment to succeed', async () => {
      const v = await api('GET', `/v1/payments/${pay.body.paymentId}`, { token });
      return v.body.status === 'succeeded' ? true : undefined;
    });
    await until('the biller to know', () => (portal.evn.confirmations.size > 0 ? true : undefined));
    const receipt = await api('GET', `/v1/payments/${pay.body.paymentId}/receipt`, { token });
    expect(receipt.body).toMatchObject({ amount: due, agencyId: 'evn' });
    const after = await api('POST', '/v1/bills/electricity/lookup', {
      token,
      body: { customerCode: 'PD01000123456' },
    });
    expect(after.body.amountDue).toBe(0);
    const twice = await api('POST', '/v1/bills/electricity/payments', {
      token,
      key: 'evn-pay-00002',
      body: { customerCode: 'PD01000123456' },
    });
    expect(twice.status).toBe(409);
  });

  it('answers an unknown customer with 404 and a malformed code with 400', async () => {
    const unknown = await api('POST', '/v1/bills/electricity/lookup', {
      token,
      body: { customerCode: 'PD01000099999' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('BILL_NOT_FOUND');
    const bad = await api('POST', '/v1/bills/electricity/lookup', { token, body: { customerCode: '123' } });
    expect(bad.status).toBe(400);
  });
});

describe('operators: anomalies and refunds', () => {
  let operator: string;
  beforeAll(async () => {
    operator = await portal.token({ sub: 'operator-1', role: 'operator' });
  });

  /** The refund's status and answer (a replay must answer the same). */
  const refund = async (
    paymentId: string,
    key: string,
    reason = 'Hoàn tiền theo yêu cầu của người nộp',
    transactionId?: string,
  ) => {
    const { status, body } = await api('POST', `/v1/payments/${paymentId}/refund`, {
      token: operator,
      key,
      body: { reason, ...(transactionId ? { transactionId } : {}) },
    });
    return { status, body };
  };

  const anomalies = async () => {
    const res = await api('GET', '/v1/payments/anomalies?limit=100', { token: operator });
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, unknown>>;
  };

  const refundsOf = (paymentId: string) => portal.payments.refunds.filter((r) => r.paymentId === paymentId);

  /** A dossier paid through the gateway page, its payment credited. */
  async function succeededPayment() {
    const code = await paidDossier();
    const p = (await createPayment(portal.url, token, code, `ok-${code}`)).body;
    await pressOnGatewayPage(p.redirectUrl, 'approve');
    await until('the payment to succeed', async () => {
      const v = await api('GET', `/v1/payments/${p.paymentId}`, { token });
      return v.body.status === 'succeeded' ? true : undefined;
    });
    return { code, paymentId: p.paymentId };
  }

  it('answers any other role with 403 on both routes', async () => {
    const list = await api('GET', '/v1/payments/anomalies', { token });
    expect(list.status).toBe(403);
    expect(list.body.error.code).toBe('FORBIDDEN');
    const { paymentId } = await succeededPayment();
    const res = await api('POST', `/v1/payments/${paymentId}/refund`, {
      token,
      key: 'citizen-refund-01',
      body: { reason: 'Tôi muốn hoàn tiền' },
    });
    expect(res.status).toBe(403);
    expect((await api('GET', `/v1/payments/${paymentId}`, { token })).body.status).toBe('succeeded');
    expect(refundsOf(paymentId)).toHaveLength(0);
  });

  it('lists a late success until it is refunded, without touching the dossier', async () => {
    const code = await paidDossier();
    const p = (await createPayment(portal.url, token, code, 'late-refund-01')).body;
    await approveWithoutNotice(p.redirectUrl);
    const txn = portal.payments.ipns.find((i) => i.paymentId === p.paymentId)?.transactionNo;
    expect(txn).toEqual(expect.any(String));
    // The gateway's notice arrives stamped after the payment's expiry: money to give back.
    const afterExpiry = gatewayTime(new Date(Date.parse(p.expiresAt as string) + 60_000));
    expect(await callback(ipnParams(p.paymentId, { vnp_PayDate: afterExpiry, vnp_TransactionNo: txn }))).toBe(
      '00',
    );
    const listed = (await anomalies()).find((a) => a.paymentId === p.paymentId);
    expect(listed).toMatchObject({
      type: 'refund_due',
      refundReason: 'late_success',
      transactionId: txn,
      amount: 135_000,
      currency: 'VND',
      dossierCode: code,
      provider: 'sandbox',
    });

    const res = await refund(p.paymentId, 'late-refund-key-01');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ paymentId: p.paymentId, status: 'refunded', refundDue: false });
    expect(res.body.refundedAt).toEqual(expect.any(String));
    expect(refundsOf(p.paymentId)).toEqual([
      { paymentId: p.paymentId, transactionNo: txn, amount: 135_000, refundNo: expect.any(String) },
    ]);
    expect((await anomalies()).some((a) => a.paymentId === p.paymentId)).toBe(false);
    expect((await api('GET', `/v1/payments/${p.paymentId}`, { token })).body).toMatchObject({
      status: 'refunded',
      refundDue: false,
    });
    const dossier = await api('GET', `/v1/dossiers/${code}`, { token });
    expect(dossier.body.payment.status).toBe('expired');
    expect(dossier.body.timeline.some((e: { type: string }) => e.type === 'payment.refunded')).toBe(false);
  });

  it('lists an amount mismatch, newest first, a page at a time', async () => {
    const code = await paidDossier();
    const p = (await createPayment(portal.url, token, code, 'mismatch-01')).body;
    expect(await callback(ipnParams(p.paymentId, { vnp_Amount: String(2_000 * 100) }))).toBe('04');
    const first = await api('GET', '/v1/payments/anomalies?limit=1', { token: operator });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({
      paymentId: p.paymentId,
      type: 'amount_mismatch',
      amount: 135_000,
      reported: { amount: 2_000, currency: 'VND' },
    });
    const cursor = first.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const all = await anomalies();
    const next = await api('GET', `/v1/payments/anomalies?limit=100&cursor=${cursor}`, { token: operator });
    expect(next.body.items).toEqual(all.slice(1));
    const ats = all.map((a) => a.at as string);
    expect(ats).toEqual([...ats].sort().reverse());
    const bad = await api('GET', '/v1/payments/anomalies?cursor=bm90LWEtY3Vyc29y', { token: operator });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.cursor');
  });

  it('closes an amount mismatch with the operator note once, and never closes money owed back', async () => {
    const code = await paidDossier();
    const p = (await createPayment(portal.url, token, code, 'mismatch-resolve-01')).body;
    expect(await callback(ipnParams(p.paymentId, { vnp_Amount: String(3_000 * 100) }))).toBe('04');
    const listed = (await anomalies()).find((a) => a.paymentId === p.paymentId)!;
    const resolve = (body: object, as = operator) =>
      api('POST', `/v1/payments/${p.paymentId}/anomaly-resolutions`, { token: as, body });
    const note = 'Đối soát với sao kê của cổng thanh toán: không phát sinh giao dịch';

    expect((await resolve({ at: listed.at, note }, token)).status).toBe(403);
    const unknown = await resolve({ at: '2020-01-01T00:00:00.000Z', note });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ANOMALY_NOT_FOUND');

    const [a, b] = await Promise.all([resolve({ at: listed.at, note }), resolve({ at: listed.at, note })]);
    for (const res of [a, b]) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'amount_mismatch', resolution: { by: 'note', note } });
    }
    expect(a.body.resolution.at).toBe(b.body.resolution.at);
    expect((await anomalies()).some((x) => x.paymentId === p.paymentId)).toBe(false);
    const other = await resolve({ at: listed.at, note: 'Một kết luận khác hẳn' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('ANOMALY_ALREADY_RESOLVED');

    // Money owed back stays listed until refunded.
    const late = await paidDossier();
    const q = (await createPayment(portal.url, token, late, 'late-resolve-01')).body;
    await approveWithoutNotice(q.redirectUrl);
    const txn = portal.payments.ipns.find((i) => i.paymentId === q.paymentId)?.transactionNo;
    const afterExpiry = gatewayTime(new Date(Date.parse(q.expiresAt as string) + 60_000));
    expect(await callback(ipnParams(q.paymentId, { vnp_PayDate: afterExpiry, vnp_TransactionNo: txn }))).toBe(
      '00',
    );
    const owed = (await anomalies()).find((x) => x.paymentId === q.paymentId)!;
    const refused = await api('POST', `/v1/payments/${q.paymentId}/anomaly-resolutions`, {
      token: operator,
      body: { at: owed.at, note },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ANOMALY_NEEDS_REFUND');
    expect((await anomalies()).some((x) => x.paymentId === q.paymentId)).toBe(true);
  });

  it('refunds a succeeded payment once under concurrent requests and records it everywhere', async () => {
    const { code, paymentId } = await succeededPayment();
    await until('the dossier reaches its agency', () => (delivered(code) ? true : undefined));
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => refund(paymentId, `concurrent-refund-${i}`)),
    );
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of answers.filter((a) => a.status !== 200)) {
      expect(lost.status).toBe(409);
      expect(['REFUND_IN_PROGRESS', 'PAYMENT_NOT_REFUNDABLE']).toContain(lost.body.error.code);
    }
    expect(refundsOf(paymentId)).toHaveLength(1);
    expect(won[0]!.body).toMatchObject({ paymentId, status: 'refunded', refundDue: false });

    const view = await api('GET', `/v1/payments/${paymentId}`, { token });
    expect(view.body).toMatchObject({ status: 'refunded', refundedAt: won[0]!.body.refundedAt });
    const receipt = await api('GET', `/v1/payments/${paymentId}/receipt`, { token });
    expect(receipt.body.refund).toMatchObject({
      amount: 135_000,
      reason: 'Hoàn tiền theo yêu cầu của người nộp',
    });
    const dossier = await api('GET', `/v1/dossiers/${code}`, { token });
    expect(dossier.body.payment.status).toBe('refunded');
    // Still with its agency: the refund is recorded without moving the dossier.
    const timeline = dossier.body.timeline as Array<{ type: string; status: string }>;
    const refunded = timeline.findIndex((e) => e.type === 'payment.refunded');
    expect(refunded).toBeGreaterThan(timeline.findIndex((e) => e.type === 'payment.succeeded'));
    expect(timeline[refunded]!.status).toBe(timeline[refunded - 1]!.status);
    expect((await api('GET', `/v1/dossiers/${code}/timeline/verify`, { token })).body.intact).toBe(true);
    const payAgain = await createPayment(portal.url, token, code, `again-${code}`);
    expect(payAgain.status).toBe(409);

    const winner = answers.indexOf(won[0]!);
    const replay = await refund(paymentId, `concurrent-refund-${winner}`);
    expect(replay).toEqual(won[0]);
    const reused = await refund(paymentId, `concurrent-refund-${winner}`, 'Một lý do khác hẳn');
    expect(reused.status).toBe(422);
    const second = await refund(paymentId, 'second-refund-01');
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('PAYMENT_NOT_REFUNDABLE');
    expect(refundsOf(paymentId)).toHaveLength(1);
  });

  it('tells the agency what was paid, then that it was given back, both signed', async () => {
    const { code, paymentId } = await succeededPayment();
    const deliveriesOf = (type: string) =>
      portal.simulator.deliveries.filter((d) => {
        const body = d.payload as { type?: string; dossierCode?: string } | undefined;
        return body?.type === type && body.dossierCode === code;
      });
    const [submitted] = await until('the dossier reaches its agency', () => {
      const found = deliveriesOf('dossier.submitted');
      return found.length ? found : undefined;
    });
    const receipt = (await api('GET', `/v1/payments/${paymentId}/receipt`, { token })).body;
    expect(submitted!.payload).toMatchObject({
      payment: {
        paymentId,
        amount: 135_000,
        currency: 'VND',
        status: 'paid',
        provider: 'sandbox',
        receiptNumber: receipt.receiptNumber,
        paidAt: expect.any(String),
      },
    });

    const res = await refund(paymentId, `agency-told-${code}`);
    expect(res.status).toBe(200);
    // 202: the simulated agency verified the signature with the agency's secret before accepting it.
    const [told] = await until('the refund reaches the agency', () => {
      const found = deliveriesOf('dossier.payment_refunded').filter((d) => d.status === 202);
      return found.length ? found : undefined;
    });
    expect(told!.agencyId).toBe('cahn');
    expect(told!.webhookId).toMatch(/^msg_/);
    expect(told!.webhookId).not.toBe(submitted!.webhookId);
    expect(told!.payload).toMatchObject({
      type: 'dossier.payment_refunded',
      dossierCode: code,
      agencyId: 'cahn',
      refundedAt: res.body.refundedAt,
      payment: { paymentId, status: 'refunded', amount: 135_000, receiptNumber: receipt.receiptNumber },
    });
    // The agency's own delivery log lists it like any other delivery.
    const agencyLog = await signedAgencyGet(
      portal,
      await readAgencySecrets(portal),
      `/v1/agency/deliveries?dossierCode=${code}`,
      'cahn',
    );
    expect(agencyLog.status).toBe(200);
    expect(agencyLog.body.items).toContainEqual(
      expect.objectContaining({
        eventType: 'dossier.payment_refunded',
        outcome: 'delivered',
        httpStatus: 202,
      }),
    );
  });

  it('owes back a charge that comes after a refund, and gives back each extra charge by its own refund', async () => {
    const { paymentId } = await succeededPayment();
    const credited = await refund(paymentId, 'after-refund-01');
    expect(credited.body).toMatchObject({ status: 'refunded', refundDue: false });

    const again = await portal.payments.chargeAgain(paymentId);
    expect(portal.payments.ipns.find((i) => i.transactionNo === again)?.answer).toBe('00');
    const owedNow = () => anomalies().then((all) => all.filter((a) => a.paymentId === paymentId));
    expect(await owedNow()).toEqual([
      expect.objectContaining({
        type: 'refund_due',
        refundReason: 'order_already_paid',
        transactionId: again,
      }),
    ]);
    expect((await api('GET', `/v1/payments/${paymentId}`, { token })).body).toMatchObject({
      status: 'refunded',
      refundDue: true,
    });
    const twice = await portal.payments.chargeAgain(paymentId);
    expect((await owedNow()).map((a) => a.transactionId).sort()).toEqual([again, twice].sort());

    // The operator names the charge to give back; without a name the oldest one owed goes first.
    const named = await refund(paymentId, 'after-refund-02', 'Hoàn khoản trừ tiền lặp lại', twice);
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ status: 'refunded', refundDue: true });
    expect((await owedNow()).map((a) => a.transactionId)).toEqual([again]);
    const rest = await refund(paymentId, 'after-refund-03', 'Hoàn khoản trừ tiền lặp lại');
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ status: 'refunded', refundDue: false });
    expect(await owedNow()).toEqual([]);
    expect(
      refundsOf(paymentId)
        .map((r) => r.transactionNo)
        .slice(1)
        .sort(),
    ).toEqual([again, twice].sort());
    const nothing = await refund(paymentId, 'after-refund-04');
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('PAYMENT_NOT_REFUNDABLE');
    const unknown = await refund(paymentId, 'after-refund-05', 'Hoàn tiền', '12345');
    expect(unknown.status).toBe(409);
    expect(refundsOf(paymentId)).toHaveLength(3);
  });

  it('changes nothing when the provider cannot be reached, and refunds on a later try', async () => {
    const { paymentId } = await succeededPayment();
    const before = await api('GET', `/v1/payments/${paymentId}`, { token });
    portal.payments.refundsDown = true;
    let down: Awaited<ReturnType<typeof refund>>;
    try {
      down = await refund(paymentId, 'down-refund-01');
    } finally {
      portal.payments.refundsDown = false;
    }
    expect(down.status).toBe(503);
    expect(down.body.error).toMatchObject({
      code: 'REFUND_PROVIDER_UNAVAILABLE',
      messageVi: expect.any(String),
    });
    expect((await api('GET', `/v1/payments/${paymentId}`, { token })).body).toEqual(before.body);
    expect(refundsOf(paymentId)).toHaveLength(0);
    const later = await refund(paymentId, 'down-refund-01');
    expect(later.status).toBe(200);
    expect(later.body.status).toBe('refunded');
    expect(refundsOf(paymentId)).toHaveLength(1);
  });

  it('refuses a payment that never succeeded, and validates the request', async () => {
    const code = await paidDossier();
    const p = (await createPayment(portal.url, token, code, 'pending-refund-01')).body;
    const pending = await refund(p.paymentId, 'pending-refund-key');
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe('PAYMENT_NOT_REFUNDABLE');
    expect((await refund(p.paymentId, 'short-reason-key', 'abc')).status).toBe(400);
    const noKey = await api('POST', `/v1/payments/${p.paymentId}/refund`, {
      token: operator,
      body: { reason: 'Hoàn tiền' },
    });
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect((await refund('01J0000000000000000000000Z', 'missing-refund-key')).status).toBe(404);
  });
});

describe('money taken more than once', () => {
  let operator: string;
  beforeAll(async () => {
    operator = await portal.token({ sub: 'operator-2', role: 'operator' });
  });

  const owedFor = async (paymentId: string) =>
    (await allAnomalies(operator)).filter((a) => a.paymentId === paymentId && a.type === 'refund_due');

  it('credits one of twenty concurrent successes and owes every other one back, once each', async () => {
    const code = await paidDossier();
    const p = (await createPayment(portal.url, token, code, 'many-successes-01')).body;
    const txns = Array.from({ length: 20 }, (_, i) => `8800${String(i).padStart(4, '0')}`);
    const notices = txns.map((t) => ipnParams(p.paymentId, { vnp_TransactionNo: t }));
    const answers = await Promise.all(notices.map((n) => callback(n)));
    expect(answers).toEqual(txns.map(() => '00'));

    const receipt = await api('GET', `/v1/payments/${p.paymentId}/receipt`, { token });
    const credited = receipt.body.providerTransactionId as string;
    expect(txns).toContain(credited);
    const owed = await owedFor(p.paymentId);
    expect(owed.map((a) => a.transactionId).sort()).toEqual(txns.filter((t) => t !== credited).sort());
    for (const a of owed)
      expect(a).toMatchObject({ refundReason: 'order_already_paid', amount: 135_000, dossierCode: code });
    expect((await api('GET', `/v1/payments/${p.paymentId}`, { token })).body).toMatchObject({
      status: 'succeeded',
      refundDue: true,
    });

    // The gateway repeats its notices: nothing is owed twice, nothing credited twice.
    const replays = await Promise.all(notices.map((n) => callback(n)));
    expect(replays).toEqual(txns.map(() => '02'));
    expect(await owedFor(p.paymentId)).toHaveLength(19);
    expect(await countItems(`PAYMENT_SUCCESS#DOSSIER#${code}`)).toBe(1);
    const dossier = await api('GET', `/v1/dossiers/${code}`, { token });
    expect(
      dossier.body.timeline.filter((e: { type: string }) => e.type === 'payment.succeeded'),
    ).toHaveLength(1);
    expect(await dispatchesOf(code)).toHaveLength(1);
  });
});

describe('withdrawn and refused dossiers', () => {
  let operator: string;
  beforeAll(async () => {
    operator = await portal.token({ sub: 'operator-3', role: 'operator' });
  });

  it('takes no payment for a withdrawn or refused dossier', async () => {
    const withdrawn = await paidDossier();
    await withdraw(withdrawn);
    const refused = await paidDossier();
    await markRefused(refused);
    for (const [code, status] of [
      [withdrawn, 'withdrawn'],
      [refused, 'rejected'],
    ] as const) {
      const res = await createPayment(portal.url, token, code, `closed-pay-${code}`);
      expect(res.status).toBe(409);
      const error = (res.body as unknown as { error: { code: string; details: unknown } }).error;
      expect(error).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { currentStatus: status } });
      expect((await api('GET', `/v1/dossiers/${code}`, { token })).body.payment.status).toBe('unpaid');
    }
  });

  it('owes back a success that arrives after the dossier was withdrawn or refused, and never sends it on', async () => {
    for (const close of [withdraw, markRefused]) {
      const code = await paidDossier();
      const p = (await createPayment(portal.url, token, code, `closing-${code}`)).body;
      await close(code);
      const txn = `6600${++seq}`;
      const notice = ipnParams(p.paymentId, { vnp_TransactionNo: txn });
      expect(await callback(notice)).toBe('00');
      expect(await callback(notice)).toBe('02');

      expect((await api('GET', `/v1/payments/${p.paymentId}`, { token })).body).toMatchObject({
        status: 'failed',
        refundDue: true,
      });
      expect((await api('GET', `/v1/payments/${p.paymentId}/receipt`, { token })).status).toBe(404);
      const owed = (await allAnomalies(operator)).filter((a) => a.paymentId === p.paymentId);
      expect(owed).toEqual([
        expect.objectContaining({ type: 'refund_due', refundReason: 'dossier_closed', transactionId: txn }),
      ]);
      const dossier = await api('GET', `/v1/dossiers/${code}`, { token });
      expect(['withdrawn', 'rejected']).toContain(dossier.body.status);
      expect(dossier.body.payment.status).not.toBe('succeeded');
      expect(dossier.body.timeline.some((e: { type: string }) => e.type === 'payment.succeeded')).toBe(false);
      expect(await dispatchesOf(code)).toEqual([]);
      expect(await countItems(`PAYMENT_SUCCESS#DOSSIER#${code}`)).toBe(0);
    }
  });
});

describe('who reads a dossier’s payments', () => {
  it('lets the citizen read the payment a desk officer started for them, and its receipt', async () => {
    const citizen = await portal.token({ sub: 'pay-desk-citizen', citizenId: licenceForm.citizenId });
    const desk = await portal.token({ sub: 'pay-desk-1', role: 'desk_officer', agencyId: 'ttpvhcc-01' });
    const saved = await api('PUT', '/v1/me/profile', {
      token: citizen,
      body: {
        fullName: licenceForm.fullName,
        dateOfBirth: licenceForm.dateOfBirth,
        address: '12 Hàng Bài, Hoàn Kiếm, Hà Nội',
        phone: licenceForm.phone,
      },
    });
    expect(saved.status).toBe(201);
    const code = await paidDossier(desk, { onBehalfOf: { citizenId: licenceForm.citizenId } });
    const p = await createPayment(portal.url, desk, code, 'desk-pay-0001');
    expect(p.status).toBe(201);

    for (const reader of [citizen, desk]) {
      const view = await api('GET', `/v1/payments/${p.body.paymentId}`, { token: reader });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ paymentId: p.body.paymentId, dossierCode: code, status: 'pending' });
    }
    expect((await api('GET', `/v1/payments/${p.body.paymentId}`, { token: other })).status).toBe(404);

    await pressOnGatewayPage(p.body.redirectUrl, 'approve');
    await until('the payment to succeed', async () => {
      const v = await api('GET', `/v1/payments/${p.body.paymentId}`, { token: citizen });
      return v.body.status === 'succeeded' ? true : undefined;
    });
    const receipt = await api('GET', `/v1/payments/${p.body.paymentId}/receipt`, { token: citizen });
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({ dossierCode: code, amount: 135_000 });
    // The receipt names the payer: the desk reading it shows in the citizen's access log; their own does not.
    expect((await api('GET', `/v1/payments/${p.body.paymentId}/receipt`, { token: desk })).status).toBe(200);
    const reads = await until('the desk reading the receipt', async () => {
      const log = await api('GET', '/v1/me/access-log', { token: citizen });
      const found = (log.body.items as { what: string }[]).filter((i) => i.what === 'receipt');
      return found.length ? found : undefined;
    });
    expect(reads).toEqual([
      expect.objectContaining({ via: 'desk_officer', agencyId: 'ttpvhcc-01', dossierCode: code }),
    ]);
  });

  it('lets representatives of one enterprise read the payments of its dossiers, and no one else', async () => {
    const rep1 = await portal.token({ sub: 'pay-rep-1', role: 'business', taxCode: '0107654321' });
    const rep2 = await portal.token({ sub: 'pay-rep-2', role: 'business', taxCode: '0107654321' });
    const repOther = await portal.token({ sub: 'pay-rep-3', role: 'business', taxCode: '0109999999' });
    const code = await paidDossier(rep1);
    const p = await createPayment(portal.url, rep2, code, 'rep-pay-0001');
    expect(p.status).toBe(201);
    for (const reader of [rep1, rep2])
      expect((await api('GET', `/v1/payments/${p.body.paymentId}`, { token: reader })).status).toBe(200);
    for (const stranger of [repOther, other])
      expect((await api('GET', `/v1/payments/${p.body.paymentId}`, { token: stranger })).status).toBe(404);
  });
});

describe('one electricity bill, two accounts', () => {
  const payBill = (as: string, key: string) =>
    api('POST', '/v1/bills/electricity/payments', {
      token: as,
      key,
      body: { customerCode: 'PE02000765432' },
    });

  it('keeps each account’s payment its own and never lets the bill be paid twice', async () => {
    const first = await payBill(token, 'bill-a-00001');
    expect(first.status).toBe(201);

    // The bill is being paid from another account: the second payer is told, not handed that payment.
    const second = await payBill(other, 'bill-b-00001');
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('BILL_PAYMENT_IN_PROGRESS');
    expect(JSON.stringify(second.body)).not.toContain(first.body.paymentId);
    expect((await api('GET', `/v1/payments/${first.body.paymentId}`, { token: other })).status).toBe(404);
    const mineAgain = await payBill(token, 'bill-a-00002');
    expect(mineAgain.status).toBe(200);
    expect(mineAgain.body.paymentId).toBe(first.body.paymentId);

    // Once the first payer gives up, the second pays with a payment of their own.
    await pressOnGatewayPage(first.body.redirectUrl, 'decline');
    await until('the decline to be recorded', async () => {
      const v = await api('GET', `/v1/payments/${first.body.paymentId}`, { token });
      return v.body.status === 'failed' ? true : undefined;
    });
    const own = await payBill(other, 'bill-b-00002');
    expect(own.status).toBe(201);
    expect(own.body.paymentId).not.toBe(first.body.paymentId);
    expect((await api('GET', `/v1/payments/${own.body.paymentId}`, { token: other })).status).toBe(200);
    expect((await api('GET', `/v1/payments/${own.body.paymentId}`, { token })).status).toBe(404);
    await pressOnGatewayPage(own.body.redirectUrl, 'approve');
    await until('the bill payment to succeed', async () => {
      const v = await api('GET', `/v1/payments/${own.body.paymentId}`, { token: other });
      return v.body.status === 'succeeded' ? true : undefined;
    });
    const late = await payBill(token, 'bill-a-00003');
    expect(late.status).toBe(409);
    expect(['PAYMENT_ALREADY_MADE', 'NOTHING_DUE']).toContain(late.body.error.code);
  });
});

describe('malformed but signed callbacks', () => {
  it('answers each with the gateway’s own code and changes nothing', async () => {
    const code = await paidDossier();
    const p = (await createPayment(portal.url, token, code, 'malformed-01')).body;
    for (const amount of [
      '10000050',
      '13500000.5',
      '1e7',
      '1.35e7',
      'abc',
      '-13500000',
      '0x100',
      '9'.repeat(400),
    ])
      expect(await callback(ipnParams(p.paymentId, { vnp_Amount: amount })), amount).toBe('04');
    for (const currency of ['usd', 'V'.repeat(3000)])
      expect(await callback(ipnParams(p.paymentId, { vnp_CurrCode: currency })), currency).toBe('04');
    for (const ref of ['x'.repeat(3000), '../PAYMENT', p.paymentId.toLowerCase()])
      expect(await callback(ipnParams(ref)), ref.slice(0, 20)).toBe('01');
    for (const txn of ['9'.repeat(3000), 'a b', '#1'])
      expect(await callback(ipnParams(p.paymentId, { vnp_TransactionNo: txn })), txn.slice(0, 20)).toBe('99');
    for (const field of ['vnp_ResponseCode', 'vnp_TransactionStatus'])
      for (const value of ['0'.repeat(3000), 'ok'])
        expect(await callback(ipnParams(p.paymentId, { [field]: value })), field).toBe('99');
    expect((await api('GET', `/v1/payments/${p.paymentId}`, { token })).body.status).toBe('pending');
    expect(await dispatchesOf(code)).toEqual([]);
  });
});
