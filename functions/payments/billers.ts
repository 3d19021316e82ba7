/**
 * Billers (utilities such as EVN) whose bills citizens pay through the portal. A biller is configured by
 * BILLERS (`{ id: { kind: 'json-api', url } }`) plus its secret; requests and answers are JSON signed
 * with HMAC-SHA512 in `x-cong-signature`. The amount due always comes from the biller, never the client.
 */
import * as z from 'zod';
import { config } from '../core/config.js';
import { partnerSecret } from './secrets.js';
import { signBody, verifyBody } from './signature.js';

export const SIGNATURE_HEADER = 'x-cong-signature';

export interface Bill {
  biller: string;
  billId: string;
  customerCode: string;
  customerName: string;
  period: string;
  amountDue: number;
}

export interface Biller {
  readonly id: string;
  /** The customer's open bill, or undefined when the biller knows no such customer. */
  lookup(customerCode: string): Promise<Bill | undefined>;
  /** Tells the biller the bill is paid; safe to repeat for the same payment. */
  confirm(p: {
    billId: string;
    customerCode: string;
    paymentId: string;
    amount: number;
    paidAt: string;
  }): Promise<void>;
}

/** A biller's settings; lib/settings.ts validates deploy context with it. */
export const billerSettings = z.object({ kind: z.literal('json-api'), url: z.url() });

const billAnswer = z.object({
  billId: z.string().min(1),
  customerCode: z.string(),
  customerName: z.string(),
  period: z.string(),
  amountDue: z.number().int().min(0),
});

export class BillerUnavailableError extends Error {}

function jsonApi(id: string, raw: Record<string, string>, secret: string): Biller {
  const s = billerSettings.parse(raw);
  async function call(path: string, payload: unknown) {
    const body = JSON.stringify(payload);
    let res: Response;
    try {
      res = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new BillerUnavailableError(`${id} unreachable: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (res.status >= 500) throw new BillerUnavailableError(`${id} answered ${res.status}`);
    if (!verifyBody(secret, text, res.headers.get(SIGNATURE_HEADER) ?? undefined))
      throw new BillerUnavailableError(`${id} answer has a bad signature`);
    return { status: res.status, json: JSON.parse(text) as unknown };
  }
  return {
    id,
    async lookup(customerCode) {
      const out = await call('/bills/lookup', { customerCode });
      if (out.status === 404) return undefined;
      if (out.status !== 200) throw new BillerUnavailableError(`${id} lookup answered ${out.status}`);
      return { biller: id, ...billAnswer.parse(out.json) };
    },
    async confirm(p) {
      const out = await call('/bills/confirm', p);
      if (out.status !== 200) throw new BillerUnavailableError(`${id} confirm answered ${out.status}`);
    },
  };
}

export async function billerFor(id: string): Promise<Biller | undefined> {
  const raw = config().BILLERS[id];
  if (raw?.kind !== 'json-api') return undefined;
  const secret = await partnerSecret(id);
  return secret ? jsonApi(id, raw, secret) : undefined;
}
