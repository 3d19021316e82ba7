/**
 * Paying a dossier's fee and an electricity bill through the local payment gateway and EVN biller,
 * against the real handlers and stores: signed callbacks (tampered, incomplete, wrong amount or
 * currency, unknown, replayed, concurrent, late), retry after failure, one pending attempt at a time,
 * and reconciliation settling a payment whose callback never came.
 */
import { readFile } from 'node:fs/promises';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayTime, signed } from '../../functions/payments/signature.js';
import type { LocalPortal } from '../../lib/local/portal.js';
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

/** A scan of `bytes` uploaded as the payer. */
const upload = (bytes: string) => client.upload(token, { bytes });

/** A licence exchange dossier (fee 135 000 VND, paid before dispatch). */
async function paidDossier(): Promise<string> {
  const n = ++seq;
  const res = await api('POST', '/v1/dossiers', {
    token,
    key: `pay-dossier-${n}-0000`,
    body: {
      procedureCode: '1.002804',
      form: licenceForm,
      attachments: [
        { documentType: 'current_licence', uploadId: await upload(`%PDF licence ${n}`) },
        { documentType: 'health_certificate', uploadId: await upload(`%PDF health ${n}`) },
      ],
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
    expect(await callback(params)).toBe('99');
    const back = await fetch(`${portal.url}/v1/payments/return/sandbox?${new URLSearchParams(params)}`);
    expect(back.status).toBe(400);
    expect(((await back.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
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
  const refund = async (paymentId: string, key: string, reason = 'Hoàn tiền theo yêu cầu của người nộp') => {
    const { status, body } = await api('POST', `/v1/payments/${paymentId}/refund`, {
      token: operator,
      key,
      body: { reason },
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
