/**
 * Stands in for EVN's billing system: answers the amount due by customer code and takes the portal's
 * confirmation that a bill was paid (after which nothing is due for that period). Requests and answers
 * are JSON signed with HMAC-SHA512, as the biller adapter expects.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SIGNATURE_HEADER } from '../../functions/payments/billers.js';
import { signBody, verifyBody } from '../../functions/payments/signature.js';
import { headerValue, readBody } from './http.js';
import { createLog, errorFields, type Log } from './log.js';
import { LOOPBACK, listen, listenPreferring } from './net.js';

export interface EvnSandbox {
  readonly url: string;
  readonly port: number;
  /** Payments confirmed to the biller, by bill id. */
  readonly confirmations: Map<string, { paymentId: string; amount: number }>;
  stop(): Promise<void>;
}

const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Minh Châu', 'Phạm Thu Dung', 'Hoàng Quốc Việt'];

/** A deterministic bill per customer code, so every valid code has something to pay. */
function billOf(customerCode: string, period: string) {
  const h = createHash('sha256').update(customerCode).digest();
  const kwh = 80 + (h.readUInt16BE(0) % 420);
  const name = NAMES[h[2]! % NAMES.length]!;
  // Masked as EVN shows it to anyone who knows the code.
  const masked = name
    .split(' ')
    .map((w, i, all) => (i === all.length - 1 ? w : `${w[0]}.`))
    .join(' ');
  return {
    billId: `${customerCode}-${period}`,
    customerCode,
    customerName: masked,
    period,
    amountDue: kwh * 2_500,
  };
}

export async function startEvnSandbox(options: {
  secret: string;
  port?: number;
  preferPort?: number;
  log?: Log;
}): Promise<EvnSandbox> {
  const log = options.log ?? createLog({ src: 'evn-sandbox' });
  const confirmations = new Map<string, { paymentId: string; amount: number }>();
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      [SIGNATURE_HEADER]: signBody(options.secret, text),
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const text = (await readBody(req, 64 * 1024)).toString('utf8');
    if (!verifyBody(options.secret, text, headerValue(req.headers[SIGNATURE_HEADER])))
      return reply(res, 401, { error: 'invalid signature' });
    const body = JSON.parse(text) as Record<string, unknown>;
    const period = new Date().toISOString().slice(0, 7);
    if (req.method === 'POST' && req.url === '/bills/lookup') {
      const code = String(body.customerCode ?? '');
      if (!/^P[A-Z]\d{11}$/.test(code) || code.endsWith('99999'))
        return reply(res, 404, { error: 'unknown customer' });
      const bill = billOf(code, period);
      return reply(res, 200, { ...bill, amountDue: confirmations.has(bill.billId) ? 0 : bill.amountDue });
    }
    if (req.method === 'POST' && req.url === '/bills/confirm') {
      const billId = String(body.billId ?? '');
      const earlier = confirmations.get(billId);
      if (earlier && earlier.paymentId !== body.paymentId) return reply(res, 409, { error: 'already paid' });
      confirmations.set(billId, { paymentId: String(body.paymentId), amount: Number(body.amount) });
      log.info('bill paid', { billId });
      return reply(res, 200, { confirmed: true });
    }
    return reply(res, 404, { error: 'not found' });
  }
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('request failed', errorFields(err));
      if (!res.headersSent) reply(res, 500, { error: 'internal' });
    });
  });
  const port = options.port
    ? await listen(server, options.port)
    : await listenPreferring(server, options.preferPort);
  const url = `http://${LOOPBACK}:${port}`;
  return {
    url,
    port,
    confirmations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
