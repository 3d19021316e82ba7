import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { UnsafeEndpointError } from '../../functions/core/ssrf.js';
import { newWebhookSecret, verifyWebhook } from '../../functions/core/webhooks.js';
import {
  type DeliveryAttempt,
  DeliveryFailed,
  type DeliveryPorts,
  deliver,
  deliveryPayload,
  type PaidFee,
} from '../../functions/dispatch/deliver.js';
import { DeliveryTimeoutError } from '../../functions/dispatch/store.js';
import { attachmentIdOf } from '../../functions/documents/agency-files.js';
import type { DossierMessage as DispatchMessage } from '../../functions/dossiers/messages.js';
import { dossierDelivery } from '../../schemas/dossier-delivery.js';
import { rejection } from '../support/rejections.js';

const CODE = 'H01-260309-0001';
const AGENCY = 'so-tu-phap-ha-noi';
const ENDPOINT = 'https://agency.example/cong/webhook';
const S3_KEY_1 = 'dossiers/H01-260309-0001/01JQ0000000000000000000001/cccd.pdf';
const S3_KEY_2 = 'dossiers/H01-260309-0001/01JQ0000000000000000000002/anh.jpg';
const SHA_1 = createHash('sha256').update('cccd.pdf bytes').digest('hex');

const dossier = (): DossierRecord => ({
  code: CODE,
  submissionId: '01JQ00000000000000000000SB',
  procedureCode: '1.001234',
  procedureVersion: 3,
  procedureName: 'Cấp phiếu lý lịch tư pháp',
  agencyId: AGENCY,
  agencyName: 'Sở Tư pháp Hà Nội',
  ownerSub: 'citizen-sub-secret',
  status: 'submitted',
  version: 1,
  lastSeq: 1,
  lastHash: 'a'.repeat(64),
  submittedAt: '2026-03-09T03:00:00.000Z',
  updatedAt: '2026-03-09T03:00:00.000Z',
  dueAt: '2026-03-16T10:00:00.000Z',
  form: { hoTen: 'Nguyễn Văn A', soCCCD: '001090000001' },
  attachments: [
    {
      documentType: 'ban_sao_cccd',
      uploadId: '01JQ0000000000000000000001',
      fileName: 'cccd.pdf',
      contentType: 'application/pdf',
      size: 12_345,
      key: S3_KEY_1,
      sha256: SHA_1,
    },
    {
      documentType: 'anh_the',
      uploadId: '01JQ0000000000000000000002',
      fileName: 'anh.jpg',
      contentType: 'image/jpeg',
      size: 54_321,
      key: S3_KEY_2,
    },
  ],
});

const message: DispatchMessage = {
  type: 'dossier.submitted',
  dossierCode: CODE,
  agencyId: AGENCY,
  webhookId: 'msg_01JQ000000000000000000WH',
};

interface Post {
  url: string;
  headers: Record<string, string>;
  body: string;
}

class FakePorts implements DeliveryPorts {
  dossiers = new Map<string, DossierRecord>([[CODE, dossier()]]);
  delivered = new Map<string, string>();
  attempts: { code: string; attempt: DeliveryAttempt }[] = [];
  posts: Post[] = [];
  endpoints: Record<string, string | undefined> = { [AGENCY]: ENDPOINT };
  secrets: Record<string, string[]> = { [AGENCY]: [newWebhookSecret()] };
  respond: (p: Post) => Promise<{ status: number; retryAfter?: string | null }> = async () => ({
    status: 200,
  });

  now() {
    return new Date();
  }
  async loadDossier(code: string) {
    return this.dossiers.get(code);
  }
  async isDelivered(code: string, webhookId: string) {
    return this.delivered.has(`${code}|${webhookId}`);
  }
  async markDelivered(code: string, webhookId: string, at: string) {
    this.delivered.set(`${code}|${webhookId}`, at);
  }
  paused = new Map<string, { since: string; reason: string }>();
  async isPaused(agencyId: string) {
    return this.paused.has(agencyId);
  }
  async pauseAgency(agencyId: string, since: string, reason: string) {
    if (this.paused.has(agencyId)) return false;
    this.paused.set(agencyId, { since, reason });
    return true;
  }
  async recordAttempt(code: string, attempt: DeliveryAttempt) {
    this.attempts.push({ code, attempt });
  }
  endpointFor(agencyId: string) {
    return this.endpoints[agencyId];
  }
  async secretsFor(agencyId: string) {
    return this.secrets[agencyId] ?? [];
  }
  async post(url: string, headers: Record<string, string>, body: string) {
    const p = { url, headers, body };
    this.posts.push(p);
    return this.respond(p);
  }
}

const failure = (p: Promise<unknown>) => rejection(p, DeliveryFailed);

/** The store's shape: one batched read before the POST and one write after it; single calls refused. */
class BatchedPorts extends FakePorts {
  reads: string[] = [];
  writes = 0;
  override async loadDossier(): Promise<DossierRecord | undefined> {
    throw new Error('read with the batch');
  }
  override async isDelivered(): Promise<boolean> {
    throw new Error('read with the batch');
  }
  override async markDelivered(): Promise<void> {
    throw new Error('written with the attempt');
  }
  override async isPaused(): Promise<boolean> {
    throw new Error('read with the batch');
  }
  async readForDelivery(code: string, marker: string, agencyId: string) {
    this.reads.push(`${code}|${marker}|${agencyId}`);
    return {
      delivered: this.delivered.has(`${code}|${marker}`),
      state: this.paused.has(agencyId) ? { paused: true, cause: 'gone' as const } : undefined,
      dossier: this.dossiers.get(code),
    };
  }
  async recordDelivered(code: string, marker: string, at: string, attempt: DeliveryAttempt) {
    this.writes++;
    this.delivered.set(`${code}|${marker}`, at);
    this.attempts.push({ code, attempt });
  }
}

describe('deliver with the store’s batched read and write', () => {
  it('reads marker, agency state and dossier once, and writes marker and attempt once', async () => {
    const ports = new BatchedPorts();
    expect(await deliver(ports, message, 1)).toBe('delivered');
    expect(ports.reads).toEqual([`${CODE}|${message.webhookId}|${AGENCY}`]);
    expect(ports.writes).toBe(1);
    expect(ports.attempts.map((a) => a.attempt.outcome)).toEqual(['delivered']);
    // A redelivered queue message is skipped on the same one read.
    expect(await deliver(ports, message, 2)).toBe('already-delivered');
    expect(ports.posts).toHaveLength(1);
    expect(ports.reads).toHaveLength(2);
  });

  it('holds a paused agency’s dossier on what the one read said', async () => {
    const ports = new BatchedPorts();
    ports.paused.set(AGENCY, { since: '2026-03-09T03:00:00.000Z', reason: '410' });
    const err = await failure(deliver(ports, message, 1));
    expect(err.kind).toBe('paused');
    expect(ports.posts).toHaveLength(0);
  });
});

describe('deliver', () => {
  it('POSTs the dossier signed with Standard Webhooks, marks it delivered and records the attempt', async () => {
    const ports = new FakePorts();
    const secret = ports.secrets[AGENCY]![0]!;

    expect(await deliver(ports, message, 1)).toBe('delivered');

    expect(ports.posts).toHaveLength(1);
    const post = ports.posts[0]!;
    expect(post.url).toBe(ENDPOINT);
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers['webhook-id']).toBe(message.webhookId);
    expect(verifyWebhook([secret], post.body, post.headers)).toBe(true);
    expect(verifyWebhook([newWebhookSecret()], post.body, post.headers)).toBe(false);

    const body = JSON.parse(post.body);
    expect(body).toEqual(deliveryPayload(dossier()));
    expect(body.dossierCode).toBe(CODE);

    expect(ports.delivered.has(`${CODE}|${message.webhookId}`)).toBe(true);
    expect(ports.attempts).toHaveLength(1);
    const { code, attempt } = ports.attempts[0]!;
    expect(code).toBe(CODE);
    expect(attempt).toMatchObject({
      webhookId: message.webhookId,
      attempt: 1,
      status: 200,
      outcome: 'delivered',
    });
    expect(attempt.error).toBeUndefined();
    expect(attempt.ms).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(attempt.at))).toBe(false);
  });

  it('any 2xx counts as delivered', async () => {
    const ports = new FakePorts();
    ports.respond = async () => ({ status: 202 });
    expect(await deliver(ports, message, 2)).toBe('delivered');
    expect(ports.attempts[0]!.attempt).toMatchObject({ status: 202, outcome: 'delivered', attempt: 2 });
  });

  it('signs with the first active secret; the agency can verify during a rotation', async () => {
    const ports = new FakePorts();
    const [first, second] = [newWebhookSecret(), newWebhookSecret()];
    ports.secrets[AGENCY] = [first, second];
    await deliver(ports, message, 1);
    const post = ports.posts[0]!;
    expect(verifyWebhook([first], post.body, post.headers)).toBe(true);
    expect(verifyWebhook([second, first], post.body, post.headers)).toBe(true);
  });

  it('already delivered: no POST, nothing recorded', async () => {
    const ports = new FakePorts();
    ports.delivered.set(`${CODE}|${message.webhookId}`, '2026-03-09T03:00:01.000Z');
    expect(await deliver(ports, message, 3)).toBe('already-delivered');
    expect(ports.posts).toHaveLength(0);
    expect(ports.attempts).toHaveLength(0);
  });

  it('a redelivered message after a success is not sent twice', async () => {
    const ports = new FakePorts();
    expect(await deliver(ports, message, 1)).toBe('delivered');
    expect(await deliver(ports, message, 2)).toBe('already-delivered');
    expect(ports.posts).toHaveLength(1);
  });

  it('dossier gone: nothing is sent', async () => {
    const ports = new FakePorts();
    ports.dossiers.clear();
    expect(await deliver(ports, message, 1)).toBe('dossier-gone');
    expect(ports.posts).toHaveLength(0);
    expect(ports.attempts).toHaveLength(0);
  });

  it('non-2xx: DeliveryFailed carrying Retry-After, attempt recorded as failed, not marked delivered', async () => {
    const ports = new FakePorts();
    ports.respond = async () => ({ status: 503, retryAfter: '120' });
    const err = await failure(deliver(ports, message, 4));
    expect(err.retryAfter).toBe('120');
    expect(err.message).toContain('503');
    expect(ports.delivered.size).toBe(0);
    expect(ports.attempts).toHaveLength(1);
    expect(ports.attempts[0]!.attempt).toMatchObject({ status: 503, outcome: 'failed', attempt: 4 });
  });

  it('non-2xx without Retry-After: DeliveryFailed with no retry hint', async () => {
    const ports = new FakePorts();
    ports.respond = async () => ({ status: 500, retryAfter: null });
    const err = await failure(deliver(ports, message, 1));
    expect(err.retryAfter ?? undefined).toBeUndefined();
    expect(ports.attempts[0]!.attempt).toMatchObject({ status: 500, outcome: 'failed' });
  });

  it('a redirect is not a delivery', async () => {
    const ports = new FakePorts();
    ports.respond = async () => ({ status: 302 });
    await failure(deliver(ports, message, 1));
    expect(ports.delivered.size).toBe(0);
    expect(ports.attempts[0]!.attempt).toMatchObject({ status: 302, outcome: 'failed' });
  });

  it('network error: DeliveryFailed, attempt recorded with no status and the error', async () => {
    const ports = new FakePorts();
    ports.respond = async () => {
      throw new TypeError('fetch failed: ECONNRESET');
    };
    const err = await failure(deliver(ports, message, 2));
    expect(err.message).toContain('ECONNRESET');
    expect(ports.delivered.size).toBe(0);
    expect(ports.attempts).toHaveLength(1);
    expect(ports.attempts[0]!.attempt).toMatchObject({
      status: null,
      outcome: 'failed',
      attempt: 2,
      error: 'fetch failed: ECONNRESET',
    });
  });

  it('an unsafe endpoint is recorded as refused', async () => {
    const ports = new FakePorts();
    ports.respond = async () => {
      throw new UnsafeEndpointError('refusing non-public address (loopback)');
    };
    await failure(deliver(ports, message, 1));
    expect(ports.attempts[0]!.attempt).toMatchObject({ status: null, outcome: 'refused' });
    expect(ports.attempts[0]!.attempt.error).toContain('loopback');
  });

  it('a long error message is cut to 200 characters in the record', async () => {
    const ports = new FakePorts();
    ports.respond = async () => {
      throw new Error('x'.repeat(1_000));
    };
    await failure(deliver(ports, message, 1));
    expect(ports.attempts[0]!.attempt.error).toHaveLength(200);
  });

  it('410 Gone: attempt recorded as gone, the agency paused once, later deliveries held unsent', async () => {
    const ports = new FakePorts();
    ports.respond = async () => ({ status: 410 });
    const err = await failure(deliver(ports, message, 1));
    expect(err).toMatchObject({ kind: 'gone', paused: true });
    expect(ports.attempts[0]!.attempt).toMatchObject({ status: 410, outcome: 'gone' });
    expect(ports.paused.get(AGENCY)?.reason).toContain('410');
    expect(ports.delivered.size).toBe(0);

    const held = await failure(deliver(ports, { ...message, webhookId: 'msg_other' }, 1));
    expect(held.kind).toBe('paused');
    expect(ports.posts).toHaveLength(1);
    // The held message is recorded unsent, so the agency's delivery log shows it waiting.
    expect(ports.attempts).toHaveLength(2);
    expect(ports.attempts[1]!.attempt).toMatchObject({ status: null, outcome: 'paused' });
  });

  it('a second 410 while already paused does not raise the alarm again', async () => {
    const ports = new FakePorts();
    ports.respond = async () => ({ status: 410 });
    // Another dispatcher had this message in flight when the first 410 paused the agency.
    ports.paused.set(AGENCY, { since: 'earlier', reason: 'first 410' });
    ports.isPaused = async () => false;
    const err = await failure(deliver(ports, message, 2));
    expect(err).toMatchObject({ kind: 'gone', paused: false });
    expect(ports.paused.get(AGENCY)?.reason).toBe('first 410');
  });

  it('a paused agency that was resumed is delivered to again', async () => {
    const ports = new FakePorts();
    ports.paused.set(AGENCY, { since: 'earlier', reason: '410' });
    expect((await failure(deliver(ports, message, 1))).kind).toBe('paused');
    ports.paused.delete(AGENCY);
    expect(await deliver(ports, message, 2)).toBe('delivered');
  });

  it('a timeout is recorded as its own outcome with the error', async () => {
    const ports = new FakePorts();
    ports.respond = async () => {
      throw new DeliveryTimeoutError('agency endpoint gave no answer within 10000 ms');
    };
    const err = await failure(deliver(ports, message, 1));
    expect(err.kind).toBe('failed');
    // The dispatcher holds back the agency's other messages in the batch on this flag.
    expect(err.extra.timedOut).toBe(true);
    expect(ports.attempts[0]!.attempt).toMatchObject({
      status: null,
      outcome: 'timeout',
      error: 'agency endpoint gave no answer within 10000 ms',
    });
  });

  it('missing endpoint: DeliveryFailed, nothing sent', async () => {
    const ports = new FakePorts();
    ports.endpoints[AGENCY] = undefined;
    const err = await failure(deliver(ports, message, 1));
    expect(err.message).toContain(AGENCY);
    expect(ports.posts).toHaveLength(0);
  });

  it('missing secret: DeliveryFailed, nothing sent unsigned', async () => {
    const ports = new FakePorts();
    ports.secrets[AGENCY] = [];
    await failure(deliver(ports, message, 1));
    expect(ports.posts).toHaveLength(0);
  });
});

describe('deliveryPayload', () => {
  it('matches the published delivery schema', () => {
    expect(dossierDelivery.safeParse(deliveryPayload(dossier())).success).toBe(true);
  });

  it('carries the attachments’ descriptions but no S3 keys, upload ids or owner identity', () => {
    const payload = deliveryPayload(dossier());
    const id1 = attachmentIdOf(CODE, '01JQ0000000000000000000001');
    const id2 = attachmentIdOf(CODE, '01JQ0000000000000000000002');
    expect(id1).toMatch(/^[0-9a-f]{32}$/);
    expect(id1).not.toBe(id2);
    expect(payload.attachments).toEqual([
      {
        attachmentId: id1,
        documentType: 'ban_sao_cccd',
        fileName: 'cccd.pdf',
        contentType: 'application/pdf',
        size: 12_345,
        sha256: SHA_1,
        href: `/v1/agency/dossiers/${CODE}/attachments/${id1}`,
      },
      // A scan stored before digests were kept: the download answer carries its digest.
      {
        attachmentId: id2,
        documentType: 'anh_the',
        fileName: 'anh.jpg',
        contentType: 'image/jpeg',
        size: 54_321,
        href: `/v1/agency/dossiers/${CODE}/attachments/${id2}`,
      },
    ]);
    const text = JSON.stringify(payload);
    expect(text).not.toContain('01JQ0000000000000000000001');
    expect(text).not.toContain('01JQ0000000000000000000002');
    expect(text).not.toContain(S3_KEY_1);
    expect(text).not.toContain(S3_KEY_2);
    // No storage prefix (the download route's path, /v1/agency/dossiers/…, is not one).
    expect(text).not.toContain('"dossiers/');
    expect(text).not.toContain('"key"');
    expect(text).not.toContain('citizen-sub-secret');
  });

  it('links each file absolutely under the portal address when it is known', () => {
    const [first] = deliveryPayload(dossier(), 'https://dichvucong.example/').attachments;
    expect(first?.href).toBe(
      `https://dichvucong.example/v1/agency/dossiers/${CODE}/attachments/${attachmentIdOf(CODE, '01JQ0000000000000000000001')}`,
    );
  });

  it('carries the dossier identity, dates and form', () => {
    const payload = deliveryPayload(dossier());
    expect(payload).toMatchObject({
      type: 'dossier.submitted',
      dossierCode: CODE,
      submissionId: '01JQ00000000000000000000SB',
      procedureCode: '1.001234',
      agencyId: AGENCY,
      submittedAt: '2026-03-09T03:00:00.000Z',
      dueAt: '2026-03-16T10:00:00.000Z',
      form: { hoTen: 'Nguyễn Văn A', soCCCD: '001090000001' },
    });
  });
});

describe("delivering a dossier's fee", () => {
  const PAYMENT = '01JQ0000000000000000000PAY';
  const paidAt = '2026-03-09T03:00:00.000Z';
  /** A fee-charging dossier, its payment credited (and refunded when asked) and its receipt. */
  const withFee = (refunded: boolean) => {
    const ports = new FakePorts();
    ports.dossiers.set(CODE, {
      ...dossier(),
      payment: {
        amount: 20_000,
        currency: 'VND',
        status: refunded ? 'refunded' : 'succeeded',
        paymentId: PAYMENT,
      },
    });
    const reads: string[] = [];
    const fee: PaidFee = {
      payment: {
        paymentId: PAYMENT,
        amount: 20_000,
        currency: 'VND',
        provider: 'sandbox',
        providerTransactionId: 'T-9',
        paidAt,
        status: refunded ? 'refunded' : 'succeeded',
        ...(refunded
          ? {
              refund: {
                status: 'done' as const,
                reason: 'operator' as const,
                providerTransactionId: 'T-9',
                at: '2026-03-10T03:00:00.000Z',
                refundedAt: '2026-03-10T03:00:00.000Z',
              },
            }
          : {}),
      },
      receipt: { receiptNumber: 'BL20260309-00000000PAY', paidAt },
    };
    return Object.assign(ports, {
      reads,
      async loadPayment(id: string) {
        reads.push(id);
        return id === PAYMENT ? fee : undefined;
      },
    });
  };

  it('sends the submitted dossier with what was paid, when, through whom and under which receipt', async () => {
    const ports = withFee(false);
    expect(await deliver(ports, message, 1)).toBe('delivered');
    const body = JSON.parse(ports.posts[0]!.body);
    expect(body.payment).toEqual({
      paymentId: PAYMENT,
      amount: 20_000,
      currency: 'VND',
      status: 'paid',
      paidAt,
      provider: 'sandbox',
      providerTransactionId: 'T-9',
      receiptNumber: 'BL20260309-00000000PAY',
    });
    expect(dossierDelivery.parse(body)).toEqual(body);
  });

  it('sends the refund signed under its own webhook-id; without a refund on record it is not sent', async () => {
    const refunded = { ...message, type: 'dossier.payment_refunded' as const, webhookId: 'msg_refund' };
    const ports = withFee(true);
    expect(await deliver(ports, refunded, 1)).toBe('delivered');
    const post = ports.posts[0]!;
    expect(verifyWebhook(ports.secrets[AGENCY]!, post.body, post.headers)).toBe(true);
    expect(post.headers['webhook-id']).toBe('msg_refund');
    expect(JSON.parse(post.body)).toMatchObject({
      type: 'dossier.payment_refunded',
      dossierCode: CODE,
      refundedAt: '2026-03-10T03:00:00.000Z',
      payment: { status: 'refunded', refundedAt: '2026-03-10T03:00:00.000Z' },
    });
    expect(ports.attempts.at(-1)!.attempt).toMatchObject({ eventType: 'dossier.payment_refunded' });

    const notRefunded = withFee(false);
    await failure(deliver(notRefunded, refunded, 1));
    expect(notRefunded.posts).toEqual([]);
  });

  it('reads no payment when the message that credited the fee carries it, and sends it as carried', async () => {
    const ports = withFee(false);
    expect(await deliver(ports, message, 1)).toBe('delivered');
    const read = JSON.parse(ports.posts[0]!.body).payment;
    // What the payment's transaction wrote into its message is what the read would have given.
    const carrying = withFee(false);
    expect(await deliver(carrying, { ...message, payment: read }, 1)).toBe('delivered');
    expect(carrying.reads).toEqual([]);
    expect(JSON.parse(carrying.posts[0]!.body).payment).toEqual(read);
  });

  it('reads no payment for a supplement or a withdrawal', async () => {
    const ports = withFee(false);
    await deliver(ports, { ...message, type: 'dossier.withdrawn', webhookId: 'msg_w' }, 1);
    expect(ports.reads).toEqual([]);
  });
});
