/**
 * Payments over HTTP: create a payment for a dossier or an electricity bill, show it and its receipt,
 * take the provider's signed callbacks, and (operators) list anomalies and refund. The callback route answers the provider in its own
 * convention (`{ RspCode, Message }` with HTTP 200, VNPay-style) so it stops retrying; every other
 * route answers people in the portal's error shape.
 */
import { readOwnership } from '../core/access-store.js';
import { config } from '../core/config.js';
import { AppError } from '../core/errors.js';
import {
  type ApiRequest,
  type BodilessResult,
  httpFunction,
  type Operations,
  personOf,
} from '../core/http.js';
import { logger } from '../core/logger.js';
import { portalUrl } from '../core/portal-url.js';
import { readerOf, recordRead } from '../pii/read-log.js';
import { readLogStore } from '../pii/read-log-store.js';
import { BillerUnavailableError, billerFor } from './billers.js';
import {
  type CreateContext,
  createBillPayment,
  createDossierPayment,
  paymentViewOf,
  receiptOf,
} from './payments.js';
import { type IpnOutcome, providerFor } from './providers.js';
import { listAnomalies, refundPayment, resolveAnomaly } from './refunds.js';
import { paymentsRoutes } from './routes.js';
import { settleAndConfirm } from './service.js';
import { type PaymentStore, paymentStore } from './store.js';

let store: PaymentStore | undefined;
const ports = () => {
  store ??= paymentStore();
  return store;
};

const BILLER_NAMES: Record<string, string> = { evn: 'Tập đoàn Điện lực Việt Nam (EVN)' };

async function createContext(req: ApiRequest): Promise<CreateContext> {
  const cfg = config();
  const provider = await providerFor(cfg.PAYMENT_PROVIDER);
  if (!provider) throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE');
  const base = (await portalUrl()) ?? `https://${req.headers.host ?? 'localhost'}`;
  const returnUrlOf = (id: string) => `${base.replace(/\/$/, '')}/v1/payments/return/${id}`;
  return {
    provider,
    ttlSeconds: cfg.PAYMENT_TTL_SECONDS,
    returnUrl: returnUrlOf(provider.id),
    providerFor,
    returnUrlOf,
  };
}

/** Callback parameters as the provider sent them: query string and a form-encoded or JSON body. */
function providerParamsOf(req: ApiRequest): Record<string, string> {
  const out: Record<string, string> = {};
  // The route declares no query schema: API Gateway's query parameters as they came, all strings.
  if (req.query && typeof req.query === 'object')
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') out[k] = v;
  const raw = req.rawBody.trim();
  if (!raw) return out;
  if (raw.startsWith('{')) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(raw) as Record<string, unknown>))
        if (typeof v === 'string') out[k] = v;
    } catch {
      // Unreadable bodies carry no parameters; the signature check then fails.
    }
    return out;
  }
  for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  return out;
}

async function electricityBill(customerCode: string) {
  const biller = await billerFor('evn');
  if (!biller) throw new AppError('BILLER_UNAVAILABLE');
  try {
    const bill = await biller.lookup(customerCode);
    if (!bill) throw new AppError('BILL_NOT_FOUND');
    return bill;
  } catch (err) {
    if (err instanceof BillerUnavailableError) throw new AppError('BILLER_UNAVAILABLE');
    throw err;
  }
}

/** A provider's signed notification (IPN), by POST body or GET query: settled, then acknowledged in its convention. */
async function answerCallback(req: ApiRequest<{ provider: string }>) {
  const { provider: id } = req.params;
  const provider = await providerFor(id);
  if (!provider) throw new AppError('NOT_FOUND');
  const note = provider.readNotification(providerParamsOf(req));
  let outcome: IpnOutcome;
  if (note.kind === 'invalid-signature') outcome = 'invalid-signature';
  else if (note.kind === 'missing-fields') outcome = 'invalid-request';
  else if (note.kind === 'malformed') outcome = note.outcome;
  else {
    const settled = await settleAndConfirm(ports(), id, note.result);
    outcome =
      settled === 'not-found'
        ? 'not-found'
        : settled === 'amount-mismatch'
          ? 'invalid-amount'
          : settled === 'duplicate'
            ? 'already-confirmed'
            : 'confirmed';
  }
  if (note.kind !== 'ok') logger.warn('payment callback refused', { provider: id, outcome });
  return { status: 200 as const, body: provider.acknowledge(outcome) };
}

/** The group's operations; the route table's access rules have been enforced before each runs. */
const operations = {
  createDossierPayment: async (req) => {
    const { code } = req.params;
    const key = req.headers['idempotency-key']!;
    return createDossierPayment(ports(), () => createContext(req), personOf(req).sub, key, code);
  },

  getPayment: async (req) => {
    const { paymentId } = req.params;
    return { body: await paymentViewOf(ports(), paymentId), headers: { 'cache-control': 'no-store' } };
  },

  getReceipt: async (req) => {
    const { paymentId } = req.params;
    // The receipt names the payer: the desk that filed the dossier or another representative of its
    // enterprise reading it is recorded in the owner's access log first (functions/pii/read-log.ts).
    const reader = readerOf(personOf(req), req.reach);
    const body = await receiptOf(
      ports(),
      paymentId,
      reader
        ? async (receipt) => {
            if (!receipt.dossierCode) return;
            await recordRead(
              readLogStore(),
              {
                at: new Date().toISOString(),
                requestId: req.requestId,
                dossierCode: receipt.dossierCode,
                ...reader,
                what: 'receipt',
              },
              receipt.ownerSub,
            );
          }
        : undefined,
    );
    return { body, headers: { 'cache-control': 'no-store' } };
  },

  listPaymentAnomalies: async (req) => {
    const { limit, cursor } = req.query;
    return { body: await listAnomalies(ports(), limit, cursor), headers: { 'cache-control': 'no-store' } };
  },

  resolvePaymentAnomaly: async (req) => {
    const { paymentId } = req.params;
    const { at, note } = req.body;
    const body = await resolveAnomaly(ports(), { operatorSub: personOf(req).sub, paymentId, at, note });
    return { body, headers: { 'cache-control': 'no-store' } };
  },

  refundPayment: async (req) => {
    const { paymentId } = req.params;
    const { reason, transactionId } = req.body;
    const body = await refundPayment(ports(), providerFor, {
      operatorSub: personOf(req).sub,
      key: req.headers['idempotency-key']!,
      paymentId,
      reason,
      ...(transactionId ? { transactionId } : {}),
    });
    return { body, headers: { 'cache-control': 'no-store' } };
  },

  paymentCallback: (req) => answerCallback(req),
  // The gateway's GET carries the same signed parameters in the query, which providerParamsOf reads.
  paymentCallbackByQuery: (req) => answerCallback(req),

  paymentReturn: async (req) => {
    const { provider: id } = req.params;
    const provider = await providerFor(id);
    if (!provider) throw new AppError('NOT_FOUND');
    const note = provider.readNotification(providerParamsOf(req));
    if (note.kind === 'invalid-signature') throw new AppError('INVALID_SIGNATURE');
    if (note.kind === 'malformed' && note.outcome === 'not-found') throw new AppError('PAYMENT_NOT_FOUND');
    if (note.kind === 'missing-fields' || note.kind === 'malformed')
      throw new AppError(
        'VALIDATION_FAILED',
        note.fields.map((path) => ({ path })),
      );
    // The browser's return only shows where things stand; the IPN (or reconciliation) changes state.
    const p = await ports().loadPayment(note.result.paymentId);
    if (!p) throw new AppError('PAYMENT_NOT_FOUND');
    // A browser coming back is sent on to the citizen page's return page, which asks this route again.
    if (String(req.headers.accept ?? '').includes('text/html')) {
      const base = ((await portalUrl()) ?? `https://${req.headers.host ?? 'localhost'}`).replace(/\/$/, '');
      const back = `${base}/thanh-toan/${id}?${new URLSearchParams(providerParamsOf(req))}`;
      const seeOther: BodilessResult = {
        status: 303,
        body: undefined,
        headers: { location: back, 'cache-control': 'no-store' },
        raw: { contentType: 'text/plain; charset=utf-8', text: '' },
      };
      return seeOther;
    }
    return {
      body: { paymentId: p.paymentId, status: p.status, providerResult: note.result.outcome },
      headers: { 'cache-control': 'no-store' },
    };
  },

  lookupElectricityBill: async (req) => {
    personOf(req);
    const { customerCode } = req.body;
    const bill = await electricityBill(customerCode);
    return {
      body: {
        biller: 'evn',
        customerCode: bill.customerCode,
        customerName: bill.customerName,
        period: bill.period,
        billId: bill.billId,
        amountDue: bill.amountDue,
        currency: 'VND',
      },
      headers: { 'cache-control': 'no-store' },
    };
  },

  payElectricityBill: async (req) => {
    const { customerCode } = req.body;
    const key = req.headers['idempotency-key']!;
    const sub = personOf(req).sub;
    const bill = await electricityBill(customerCode);
    return createBillPayment(ports(), () => createContext(req), sub, key, bill, BILLER_NAMES.evn!);
  },
} satisfies Operations<typeof paymentsRoutes>;

export const handler = httpFunction(paymentsRoutes, operations, { ownership: readOwnership });
