/**
 * A payment gateway on this machine that behaves like Vietnamese gateways (VNPay-style): a payment
 * page where the citizen approves, declines, cancels or lets the payment expire; a redirect of the
 * browser to the portal's return URL with signed parameters; a signed server-to-server IPN to the
 * portal, retried with backoff until the portal acknowledges; a signed `querydr` API for
 * reconciliation; and a signed `refund` command on the same API, which gives an approved transaction's
 * money back once (asked again, it answers with that refund). Tests may drop IPNs so reconciliation has
 * work, take refunds down to see the portal change nothing, and charge an approved payment again (as a
 * payer's bank retrying would) to see the portal owe the extra money back.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gatewayTime, parseGatewayTime, signed, verifyParams } from '../../functions/payments/signature.js';
import type { Faults } from './faults.js';
import { BodyTooLargeError, readBody, sendJson } from './http.js';
import { createLog, errorFields, type Log } from './log.js';
import { LOOPBACK, listen, listenPreferring, sleep } from './net.js';

export type SandboxAction = 'approve' | 'decline' | 'cancel' | 'expire';

export interface SandboxIpn {
  paymentId: string;
  action: SandboxAction;
  attempts: number;
  /** The portal's last RspCode, or `http <status>` / `unreachable`. */
  answer: string;
  dropped: boolean;
  /** The gateway's transaction number of an approval. */
  transactionNo?: string;
}

export interface SandboxRefund {
  paymentId: string;
  transactionNo: string;
  amount: number;
  refundNo: string;
}

interface Session {
  params: Record<string, string>;
  state: 'open' | SandboxAction;
  transactionNo?: string;
  payDate?: string;
  /** Every charge of an approved payment (the approval, then any repeated charge) and its refund. */
  charges: { transactionNo: string; refundNo?: string }[];
}

export interface PaymentSandboxOptions {
  secret: string;
  merchant: string;
  /** The portal, for IPNs; may be set after start. */
  portalUrl?: string;
  provider?: string;
  ipnAttempts?: number;
  ipnBackoffMs?: number;
  port?: number;
  preferPort?: number;
  log?: Log;
  /** Notice faults at the plan's rates: IPNs lost, sent twice or late (reconciliation must recover). */
  faults?: Faults;
}

export interface PaymentSandbox {
  readonly url: string;
  readonly port: number;
  portalUrl: string | undefined;
  readonly ipns: SandboxIpn[];
  /** The gateway's pay page address (PAYMENT_PROVIDERS payUrl). */
  readonly payUrl: string;
  readonly queryUrl: string;
  /** While true, approvals and declines reach the browser but the IPN is never sent. */
  dropIpn: boolean;
  /** Refunds made, each once. */
  readonly refunds: SandboxRefund[];
  /** While true, refund requests are answered 503 (the gateway is down). */
  refundsDown: boolean;
  /**
   * Charges an approved payment once more, as when a payer's bank repeats a debit, and notifies the
   * portal of that success; returns the new charge's transaction number.
   */
  chargeAgain(paymentId: string): Promise<string>;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const CODES: Record<SandboxAction, { response: string; status: string }> = {
  approve: { response: '00', status: '00' },
  decline: { response: '51', status: '02' },
  cancel: { response: '24', status: '02' },
  expire: { response: '11', status: '02' },
};
/** Acknowledgements after which a real gateway stops retrying. */
const FINAL_ANSWERS = new Set(['00', '02', '01', '04', '97']);

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function startPaymentSandbox(options: PaymentSandboxOptions): Promise<PaymentSandbox> {
  const log = options.log ?? createLog({ src: 'payment-sandbox' });
  const provider = options.provider ?? 'sandbox';
  const attempts = options.ipnAttempts ?? 6;
  const backoffMs = options.ipnBackoffMs ?? 200;
  const sessions = new Map<string, Session>();
  const ipns: SandboxIpn[] = [];
  const refunds: SandboxRefund[] = [];
  const stopper = new AbortController();
  let txnCounter = 10_000_000 + Math.floor(Math.random() * 1_000_000);
  let pending = 0;
  let waiters: Array<() => void> = [];

  const resultParams = (s: Session): Record<string, string> => {
    const action = s.state === 'open' ? undefined : s.state;
    const code = action ? CODES[action] : { response: '99', status: '01' };
    return signed(options.secret, {
      vnp_TmnCode: options.merchant,
      vnp_TxnRef: s.params.vnp_TxnRef!,
      vnp_Amount: s.params.vnp_Amount!,
      vnp_CurrCode: s.params.vnp_CurrCode ?? 'VND',
      vnp_OrderInfo: s.params.vnp_OrderInfo ?? '',
      vnp_BankCode: 'NCB',
      vnp_CardType: 'ATM',
      vnp_ResponseCode: code.response,
      vnp_TransactionStatus: code.status,
      vnp_TransactionNo: s.transactionNo ?? '0',
      vnp_PayDate: s.payDate ?? gatewayTime(new Date()),
    });
  };

  async function sendIpn(record: SandboxIpn, params: Record<string, string>) {
    while (record.attempts < attempts && !stopper.signal.aborted && sandbox.portalUrl) {
      record.attempts++;
      try {
        const res = await fetch(`${sandbox.portalUrl}/v1/payments/callbacks/${provider}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(params).toString(),
          signal: stopper.signal,
        });
        const text = await res.text();
        let code = `http ${res.status}`;
        try {
          code = (JSON.parse(text) as { RspCode?: string }).RspCode ?? code;
        } catch {
          // Not the expected acknowledgement: retried like a 5xx.
        }
        record.answer = code;
        if (res.status < 500 && FINAL_ANSWERS.has(code)) break;
      } catch (err) {
        if (stopper.signal.aborted) break;
        record.answer = 'unreachable';
        log.warn('portal unreachable for IPN', errorFields(err));
      }
      if (record.attempts < attempts) await sleep(backoffMs * 2 ** (record.attempts - 1), stopper.signal);
    }
    log.info('ipn sent', { paymentId: record.paymentId, answer: record.answer, attempts: record.attempts });
  }

  function page(s: Session, expired: boolean): string {
    const ref = escapeHtml(s.params.vnp_TxnRef ?? '');
    const amount = Number(s.params.vnp_Amount ?? 0) / 100;
    const button = (action: SandboxAction, label: string) =>
      `<form method="post" action="/pay/${ref}/${action}"><button type="submit">${label}</button></form>`;
    const body =
      s.state !== 'open'
        ? `<p>Giao dịch đã kết thúc: ${escapeHtml(s.state)}.</p>`
        : expired
          ? `<p>Giao dịch đã hết hạn thanh toán.</p>${button('expire', 'Quay lại / Return')}`
          : [
              button('approve', 'Thanh toán / Approve'),
              button('decline', 'Từ chối / Decline'),
              button('cancel', 'Hủy / Cancel'),
              button('expire', 'Để hết hạn / Let it expire'),
            ].join('\n');
    return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thanh toán thử nghiệm</title></head>
<body><h1>Cổng thanh toán thử nghiệm (sandbox)</h1>
<p>Mã giao dịch: <code>${ref}</code></p>
<p>Nội dung: ${escapeHtml(s.params.vnp_OrderInfo ?? '')}</p>
<p>Số tiền: <strong>${amount.toLocaleString('vi-VN')} VND</strong></p>
${body}</body></html>`;
  }

  const html = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  const isExpired = (s: Session) => {
    const until = parseGatewayTime(s.params.vnp_ExpireDate);
    return until !== undefined && until.getTime() <= Date.now();
  };

  /** Full refunds (type 02) of approved transactions; the answer's vnp_TransactionNo is the refund's. */
  function refund(res: ServerResponse, params: Record<string, string>) {
    if (sandbox.refundsDown) return sendJson(res, 503, {});
    const ref = params.vnp_TxnRef ?? '';
    const answer = (code: string, extra: Record<string, string> = {}) =>
      sendJson(
        res,
        200,
        signed(options.secret, { vnp_ResponseCode: code, vnp_Command: 'refund', vnp_TxnRef: ref, ...extra }),
      );
    const s = sessions.get(ref);
    if (!s) return answer('91');
    const charge = s.charges.find((c) => c.transactionNo === params.vnp_TransactionNo);
    if (s.state !== 'approve' || !charge) return answer('95');
    if (params.vnp_TransactionType !== '02' || params.vnp_Amount !== s.params.vnp_Amount) return answer('03');
    if (!charge.refundNo) {
      charge.refundNo = String(++txnCounter);
      refunds.push({
        paymentId: ref,
        transactionNo: charge.transactionNo,
        amount: Number(s.params.vnp_Amount) / 100,
        refundNo: charge.refundNo,
      });
      log.info('refund made', { paymentId: ref, refundNo: charge.refundNo });
    }
    return answer('00', { vnp_TransactionNo: charge.refundNo, vnp_Amount: s.params.vnp_Amount! });
  }

  /** Records the session's latest result and sends it to the portal (unless IPNs are dropped). */
  function notify(s: Session, params = resultParams(s)) {
    const record: SandboxIpn = {
      paymentId: s.params.vnp_TxnRef!,
      action: s.state === 'open' ? 'expire' : s.state,
      attempts: 0,
      answer: '',
      dropped: sandbox.dropIpn,
      ...(params.vnp_TransactionNo && params.vnp_TransactionNo !== '0'
        ? { transactionNo: params.vnp_TransactionNo }
        : {}),
    };
    const faults = options.faults;
    if (faults?.roll('payments.loseNotice', faults.plan.payments.loseNotice)) record.dropped = true;
    ipns.push(record);
    if (record.dropped) return Promise.resolve();
    const late = faults?.roll('payments.delayNotice', faults.plan.payments.delayNotice);
    const twice = faults?.roll('payments.duplicateNotice', faults.plan.payments.duplicateNotice);
    const send = (r: SandboxIpn) => {
      pending++;
      return (late && faults ? sleep(faults.plan.payments.delayMs, stopper.signal) : Promise.resolve())
        .then(() => sendIpn(r, params))
        .catch((err: unknown) => log.error('ipn failed', errorFields(err)))
        .finally(() => {
          if (--pending > 0) return;
          for (const w of waiters) w();
          waiters = [];
        });
    };
    const first = send(record);
    if (twice) {
      const copy: SandboxIpn = { ...record, attempts: 0 };
      ipns.push(copy);
      void send(copy);
    }
    return first;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (req.method === 'GET' && url.pathname === '/pay') {
      const params = Object.fromEntries(url.searchParams);
      if (
        !verifyParams(options.secret, params) ||
        params.vnp_TmnCode !== options.merchant ||
        !params.vnp_TxnRef
      )
        return html(res, 400, '<p>Chữ ký không hợp lệ / invalid signature</p>');
      let s = sessions.get(params.vnp_TxnRef);
      if (!s) {
        s = { params, state: 'open', charges: [] };
        sessions.set(params.vnp_TxnRef, s);
      }
      return html(res, 200, page(s, isExpired(s)));
    }
    const action = /^\/pay\/([^/]+)\/(approve|decline|cancel|expire)$/.exec(url.pathname);
    if (req.method === 'POST' && action) {
      await readBody(req, 64 * 1024);
      const s = sessions.get(decodeURIComponent(action[1]!));
      if (!s) return html(res, 404, '<p>Không tìm thấy giao dịch</p>');
      if (s.state === 'open') {
        // The gateway honours the expiry it was given: past it, nothing can be paid.
        s.state = isExpired(s) ? 'expire' : (action[2] as SandboxAction);
        if (s.state === 'approve') {
          s.transactionNo = String(++txnCounter);
          s.charges.push({ transactionNo: s.transactionNo });
        }
        s.payDate = gatewayTime(new Date());
        notify(s);
      }
      const back = new URL(s.params.vnp_ReturnUrl ?? '/');
      for (const [k, v] of Object.entries(resultParams(s))) back.searchParams.set(k, v);
      res.writeHead(303, { location: back.toString(), 'content-length': 0 });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/querydr') {
      let params: Record<string, string>;
      try {
        params = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8')) as Record<string, string>;
      } catch (err) {
        if (err instanceof BodyTooLargeError) return sendJson(res, 413, {});
        return sendJson(res, 400, signed(options.secret, { vnp_ResponseCode: '99' }));
      }
      if (!verifyParams(options.secret, params) || params.vnp_TmnCode !== options.merchant)
        return sendJson(res, 200, signed(options.secret, { vnp_ResponseCode: '97' }));
      if (params.vnp_Command === 'refund') return refund(res, params);
      const s = sessions.get(params.vnp_TxnRef ?? '');
      if (!s)
        return sendJson(
          res,
          200,
          signed(options.secret, { vnp_ResponseCode: '91', vnp_TxnRef: params.vnp_TxnRef ?? '' }),
        );
      const result = resultParams(s);
      return sendJson(
        res,
        200,
        signed(options.secret, { ...result, vnp_ResponseCode: '00', vnp_Command: 'querydr' }),
      );
    }
    res.writeHead(404).end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('request failed', errorFields(err));
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const port = options.port
    ? await listen(server, options.port)
    : await listenPreferring(server, options.preferPort);
  const url = `http://${LOOPBACK}:${port}`;
  let stopping: Promise<void> | undefined;
  const sandbox: PaymentSandbox = {
    url,
    port,
    portalUrl: options.portalUrl,
    ipns,
    payUrl: `${url}/pay`,
    queryUrl: `${url}/querydr`,
    dropIpn: false,
    refunds,
    refundsDown: false,
    async chargeAgain(paymentId) {
      const s = sessions.get(paymentId);
      if (s?.state !== 'approve') throw new Error(`payment ${paymentId} was not approved at the gateway`);
      const transactionNo = String(++txnCounter);
      s.charges.push({ transactionNo });
      // The repeated charge is reported like the approval, under its own transaction number.
      await notify(
        s,
        signed(options.secret, {
          ...resultParams(s),
          vnp_TransactionNo: transactionNo,
          vnp_PayDate: gatewayTime(new Date()),
        }),
      );
      return transactionNo;
    },
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    stop() {
      stopping ??= (async () => {
        stopper.abort();
        await sandbox.idle();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopping;
    },
  };
  log.info('payment sandbox listening', { url });
  return sandbox;
}
