/**
 * Payment provider adapters. A provider is configured by PAYMENT_PROVIDERS (`{ id: { kind, payUrl,
 * queryUrl, merchant } }`) plus its secret; `kind` names the adapter, so a real gateway that speaks a
 * known protocol is added by configuration and a new protocol by one adapter here.
 *
 * `hmac-redirect` is the protocol of VNPay-style gateways: the browser is sent to the gateway's page
 * with signed `vnp_` parameters; the gateway calls back server to server (IPN) with signed parameters
 * and expects `{ RspCode, Message }`; a signed `querydr` call tells where a transaction stands, and a
 * signed `refund` call to the same merchant API gives a transaction's money back.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { config } from '../core/config.js';
import type { ProviderResult } from './model.js';
import { partnerSecret } from './secrets.js';
import { gatewayTime, parseGatewayTime, signed, verifyParams } from './signature.js';

/** How a callback or return was judged, before any state is touched. */
export type Notification =
  | { kind: 'invalid-signature' }
  | { kind: 'missing-fields'; fields: string[] }
  /** Signed, but a value cannot be what the provider means; `outcome` is the answer its protocol names. */
  | { kind: 'malformed'; fields: string[]; outcome: 'not-found' | 'invalid-amount' | 'invalid-request' }
  | { kind: 'ok'; result: ProviderResult };

/** The provider's answer to a refund; it could not be asked at all → ProviderUnavailableError. */
export type RefundAnswer = { kind: 'refunded'; refundId: string } | { kind: 'declined'; code: string };

/** The provider could not be reached, or answered in a way that proves nothing. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}

export type IpnOutcome =
  | 'confirmed'
  | 'already-confirmed'
  | 'not-found'
  | 'invalid-amount'
  | 'invalid-signature'
  | 'invalid-request';

export interface PaymentProvider {
  readonly id: string;
  redirectUrl(p: {
    paymentId: string;
    amount: number;
    description: string;
    createdAt: Date;
    expiresAt: Date;
    returnUrl: string;
  }): string;
  /** Verifies and reads a callback's (or browser return's) parameters exactly as received. */
  readNotification(params: Record<string, string>): Notification;
  /** Where the provider says a payment stands; undefined when it has never heard of it. */
  query(p: { paymentId: string; createdAt: string }): Promise<ProviderResult | undefined>;
  /**
   * Gives a transaction's whole amount back. `requestId` identifies this refund: asked again (a retry
   * after a crash), the provider answers with the refund it already made.
   */
  refund(p: {
    paymentId: string;
    transactionId: string;
    amount: number;
    createdAt: string;
    requestId: string;
    by: string;
    reason: string;
  }): Promise<RefundAnswer>;
  /** The acknowledgement the provider expects, so it stops retrying. */
  acknowledge(outcome: IpnOutcome): { RspCode: string; Message: string };
}

/** A redirect gateway's settings (VNPAY's protocol); lib/settings.ts validates deploy context with it. */
export const hmacRedirectSettings = z.object({
  kind: z.literal('hmac-redirect'),
  payUrl: z.url(),
  queryUrl: z.url(),
  merchant: z.string().min(1),
});

const REQUIRED = [
  'vnp_TmnCode',
  'vnp_TxnRef',
  'vnp_Amount',
  'vnp_CurrCode',
  'vnp_ResponseCode',
  'vnp_TransactionStatus',
] as const;

/**
 * What each value must look like before anything is read or stored, and the gateway's answer when it
 * does not: an order reference that is no payment id of ours is an unknown order (01); an amount that is
 * not a whole number of hundredths, or a currency that is not a code, is an invalid amount (04); a
 * transaction number that is no gateway reference, or a result code that is none, is invalid input (99).
 */
const FORMATS: ReadonlyArray<{
  field: string;
  valid: RegExp;
  outcome: 'not-found' | 'invalid-amount' | 'invalid-request';
}> = [
  { field: 'vnp_TxnRef', valid: /^[0-9A-HJKMNP-TV-Z]{26}$/, outcome: 'not-found' },
  { field: 'vnp_Amount', valid: /^\d{1,15}$/, outcome: 'invalid-amount' },
  { field: 'vnp_CurrCode', valid: /^[A-Z]{3}$/, outcome: 'invalid-amount' },
  { field: 'vnp_TransactionNo', valid: /^[0-9A-Za-z_-]{1,40}$/, outcome: 'invalid-request' },
  // Two-character codes; anything else says nothing about what happened, so it changes nothing.
  { field: 'vnp_ResponseCode', valid: /^[0-9A-Z]{2}$/, outcome: 'invalid-request' },
  { field: 'vnp_TransactionStatus', valid: /^[0-9A-Z]{2}$/, outcome: 'invalid-request' },
];

function malformed(params: Record<string, string>): Notification | undefined {
  const bad = FORMATS.filter(({ field, valid }) => params[field] !== undefined && !valid.test(params[field]));
  if (!bad.length) return undefined;
  return { kind: 'malformed', fields: bad.map((f) => f.field), outcome: bad[0]!.outcome };
}

const ACK: Record<IpnOutcome, { RspCode: string; Message: string }> = {
  confirmed: { RspCode: '00', Message: 'Confirm Success' },
  'already-confirmed': { RspCode: '02', Message: 'Order already confirmed' },
  'not-found': { RspCode: '01', Message: 'Order not found' },
  'invalid-amount': { RspCode: '04', Message: 'Invalid amount' },
  'invalid-signature': { RspCode: '97', Message: 'Invalid signature' },
  'invalid-request': { RspCode: '99', Message: 'Input data required' },
};

/** vnp_ResponseCode / vnp_TransactionStatus → what happened. */
function outcomeOf(responseCode: string, transactionStatus: string): ProviderResult['outcome'] {
  if (responseCode === '00' && transactionStatus === '00') return 'succeeded';
  if (transactionStatus === '01') return 'pending';
  if (responseCode === '24') return 'cancelled';
  if (responseCode === '11') return 'expired';
  return 'failed';
}

function toResult(p: Record<string, string>): ProviderResult {
  const transactionId = p.vnp_TransactionNo && p.vnp_TransactionNo !== '0' ? p.vnp_TransactionNo : undefined;
  // Hundredths of a đồng, as the gateway sends it (checked to be digits before this is read).
  const amount = Number(p.vnp_Amount) / 100;
  return {
    paymentId: p.vnp_TxnRef ?? '',
    ...(transactionId ? { transactionId } : {}),
    amount,
    currency: p.vnp_CurrCode ?? '',
    outcome: outcomeOf(p.vnp_ResponseCode ?? '', p.vnp_TransactionStatus ?? ''),
    ...(parseGatewayTime(p.vnp_PayDate) ? { paidAt: parseGatewayTime(p.vnp_PayDate)!.toISOString() } : {}),
    responseCode: p.vnp_ResponseCode ?? '',
  };
}

function hmacRedirect(id: string, raw: Record<string, string>, secret: string): PaymentProvider {
  const s = hmacRedirectSettings.parse(raw);
  return {
    id,
    redirectUrl(p) {
      const params = signed(secret, {
        vnp_Version: '2.1.0',
        vnp_Command: 'pay',
        vnp_TmnCode: s.merchant,
        vnp_Amount: String(p.amount * 100),
        vnp_CurrCode: 'VND',
        vnp_TxnRef: p.paymentId,
        vnp_OrderInfo: p.description,
        vnp_OrderType: 'billpayment',
        vnp_Locale: 'vn',
        vnp_ReturnUrl: p.returnUrl,
        vnp_IpAddr: '127.0.0.1',
        vnp_CreateDate: gatewayTime(p.createdAt),
        vnp_ExpireDate: gatewayTime(p.expiresAt),
      });
      const url = new URL(s.payUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    },
    readNotification(params) {
      if (!verifyParams(secret, params)) return { kind: 'invalid-signature' };
      const missing = REQUIRED.filter((k) => !params[k]);
      if (missing.length) return { kind: 'missing-fields', fields: missing };
      if (params.vnp_TmnCode !== s.merchant) return { kind: 'invalid-signature' };
      const unusable = malformed(params);
      if (unusable) return unusable;
      const result = toResult(params);
      if (result.outcome === 'succeeded' && !result.transactionId)
        return { kind: 'missing-fields', fields: ['vnp_TransactionNo'] };
      return { kind: 'ok', result };
    },
    async query(p) {
      const now = new Date();
      const request = signed(secret, {
        vnp_RequestId: randomUUID().replaceAll('-', ''),
        vnp_Version: '2.1.0',
        vnp_Command: 'querydr',
        vnp_TmnCode: s.merchant,
        vnp_TxnRef: p.paymentId,
        vnp_OrderInfo: `Truy van giao dich ${p.paymentId}`,
        vnp_TransactionDate: gatewayTime(new Date(p.createdAt)),
        vnp_CreateDate: gatewayTime(now),
        vnp_IpAddr: '127.0.0.1',
      });
      const res = await fetch(s.queryUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`${id} querydr answered ${res.status}`);
      const answer = z.record(z.string(), z.string()).parse(await res.json());
      if (!verifyParams(secret, answer)) throw new Error(`${id} querydr answer has a bad signature`);
      if (answer.vnp_ResponseCode === '91') return undefined;
      if (answer.vnp_ResponseCode !== '00')
        throw new Error(`${id} querydr failed: ${answer.vnp_ResponseCode}`);
      const unusable = malformed(answer);
      if (unusable?.kind === 'malformed')
        throw new Error(`${id} querydr answer has unusable ${unusable.fields.join(', ')}`);
      return toResult(answer);
    },
    async refund(p) {
      const request = signed(secret, {
        vnp_RequestId: p.requestId,
        vnp_Version: '2.1.0',
        vnp_Command: 'refund',
        vnp_TmnCode: s.merchant,
        vnp_TransactionType: '02',
        vnp_TxnRef: p.paymentId,
        vnp_Amount: String(p.amount * 100),
        vnp_TransactionNo: p.transactionId,
        vnp_TransactionDate: gatewayTime(new Date(p.createdAt)),
        vnp_CreateBy: p.by,
        vnp_OrderInfo: `Hoan tien ${p.paymentId}: ${p.reason}`.slice(0, 255),
        vnp_CreateDate: gatewayTime(new Date()),
        vnp_IpAddr: '127.0.0.1',
      });
      let answer: Record<string, string>;
      try {
        const res = await fetch(s.queryUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok) throw new Error(`answered ${res.status}`);
        answer = z.record(z.string(), z.string()).parse(await res.json());
      } catch (err) {
        throw new ProviderUnavailableError(`${id} refund: ${(err as Error).message}`);
      }
      if (!verifyParams(secret, answer))
        throw new ProviderUnavailableError(`${id} refund answer has a bad signature`);
      if (answer.vnp_ResponseCode !== '00') return { kind: 'declined', code: answer.vnp_ResponseCode ?? '' };
      if (answer.vnp_TxnRef !== p.paymentId || !answer.vnp_TransactionNo)
        throw new ProviderUnavailableError(`${id} refund answer names another transaction`);
      return { kind: 'refunded', refundId: answer.vnp_TransactionNo };
    },
    acknowledge: (outcome) => ACK[outcome],
  };
}

const adapters: Record<string, (id: string, raw: Record<string, string>, secret: string) => PaymentProvider> =
  {
    'hmac-redirect': hmacRedirect,
  };

/** The configured provider with this id, or undefined when none is configured (or it has no secret). */
export async function providerFor(id: string): Promise<PaymentProvider | undefined> {
  const raw = config().PAYMENT_PROVIDERS[id];
  const make = raw?.kind ? adapters[raw.kind] : undefined;
  if (!raw || !make) return undefined;
  const secret = await partnerSecret(id);
  return secret ? make(id, raw, secret) : undefined;
}
