/**
 * Stands in for the agencies' own systems (a province's one-stop system, a ministry's, a utility's):
 * receives the portal's signed dossier deliveries, and reports back like a one-stop desk would — the
 * dossier is received, then in progress — through signed callbacks to the portal.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { AGENCY_HEADER, signWebhook, verifyWebhook } from '../../functions/core/webhooks.js';
import type { AgencySecrets } from './agency-secrets.js';
import { BodyTooLargeError, headerValue, readBody, sendError, sendJson } from './http.js';
import { createLog, errorFields, type Log } from './log.js';
import { LOOPBACK, listen, listenPreferring, sleep } from './net.js';

export const DEFAULT_SIMULATOR_DELAY_MS = 1500;

export interface SimulatorDelivery {
  agencyId: string;
  webhookId: string | undefined;
  receivedAt: string;
  /** What the simulated agency answered. */
  status: number;
  /** A redelivery of a webhook-id already accepted (acknowledged, not processed again). */
  duplicate: boolean;
  payload: unknown;
}

export interface SimulatorCallback {
  agencyId: string;
  type: string;
  eventId: string;
  dossierCode: string;
  attempts: number;
  /** The portal's last answer; 0 when it could not be reached. */
  status: number;
}

export interface AgencySimulatorOptions {
  secrets: AgencySecrets;
  /** Where callbacks go; may be set after start (the portal's port is chosen after the simulator's). */
  portalUrl?: string;
  /** Pause before each callback; default SIMULATOR_DELAY_MS or 1500 ms. */
  delayMs?: number;
  callbackAttempts?: number;
  callbackBackoffMs?: number;
  port?: number;
  preferPort?: number;
  log?: Log;
}

export interface AgencySimulator {
  readonly url: string;
  readonly port: number;
  portalUrl: string | undefined;
  readonly deliveries: SimulatorDelivery[];
  readonly callbacks: SimulatorCallback[];
  /** The endpoint the dispatcher delivers an agency's dossiers to. */
  endpointFor(agencyId: string): string;
  /** The agency's system answers `status` to its next `count` deliveries (an outage, for retry tests). */
  failNext(agencyId: string, count: number, status?: number): void;
  /** Resolves once every scheduled callback has been sent (or given up). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/** An event as the agency reports it (schemas/agency.ts agencyEvent). */
interface CallbackEvent {
  type: string;
  eventId: string;
  dossierCode: string;
  [field: string]: unknown;
}
const PATH = /^\/agencies\/([^/]+)\/webhook$/;

function delayFromEnv(): number {
  const v = Number(process.env.SIMULATOR_DELAY_MS);
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_SIMULATOR_DELAY_MS;
}

export async function startAgencySimulator(options: AgencySimulatorOptions): Promise<AgencySimulator> {
  const log = options.log ?? createLog({ src: 'agency-sim' });
  const delayMs = options.delayMs ?? delayFromEnv();
  const attempts = options.callbackAttempts ?? 5;
  const backoffMs = options.callbackBackoffMs ?? 250;
  const deliveries: SimulatorDelivery[] = [];
  const callbacks: SimulatorCallback[] = [];
  const accepted = new Set<string>();
  const outages = new Map<string, { count: number; status: number }>();
  const stopper = new AbortController();
  const signal = stopper.signal;
  let pending = 0;
  let waiters: Array<() => void> = [];
  const settle = () => {
    if (--pending > 0) return;
    for (const w of waiters) w();
    waiters = [];
  };

  /** Sends one signed event to the portal, retrying 5xx and network failures with backoff. */
  async function callback(agencyId: string, event: CallbackEvent) {
    const record: SimulatorCallback = {
      agencyId,
      type: event.type,
      eventId: event.eventId,
      dossierCode: event.dossierCode,
      attempts: 0,
      status: 0,
    };
    callbacks.push(record);
    const payload = JSON.stringify(event);
    const secret = options.secrets[agencyId]?.[0];
    if (!secret || !sim.portalUrl) {
      log.error('cannot call back: no secret or no portal address', { agencyId });
      return record;
    }
    while (record.attempts < attempts && !signal.aborted) {
      record.attempts++;
      try {
        const res = await fetch(`${sim.portalUrl}/v1/agency/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signWebhook(secret, event.eventId, payload),
            [AGENCY_HEADER]: agencyId,
          },
          body: payload,
          signal,
        });
        record.status = res.status;
        await res.arrayBuffer();
        if (res.status < 500) break;
      } catch (err) {
        if (signal.aborted) break;
        record.status = 0;
        log.warn('portal unreachable', { agencyId, type: event.type, ...errorFields(err) });
      }
      if (record.attempts < attempts) await sleep(backoffMs * 2 ** (record.attempts - 1), signal);
    }
    const level = record.status >= 200 && record.status < 300 ? 'info' : 'warn';
    log[level]('callback sent', {
      agencyId,
      type: event.type,
      dossierCode: event.dossierCode,
      status: record.status,
      attempts: record.attempts,
    });
    return record;
  }

  /** The desk receives the dossier, then starts processing it. */
  async function processDossier(agencyId: string, delivery: { dossierCode: string; dueAt?: unknown }) {
    await sleep(delayMs, signal);
    if (signal.aborted) return;
    const received = await callback(agencyId, {
      type: 'dossier.received',
      eventId: `evt_${randomUUID()}`,
      dossierCode: delivery.dossierCode,
      note: 'Bộ phận một cửa đã tiếp nhận hồ sơ',
      ...(typeof delivery.dueAt === 'string' ? { appointmentAt: delivery.dueAt } : {}),
    });
    if (received.status < 200 || received.status >= 300) return;
    await sleep(delayMs, signal);
    if (signal.aborted) return;
    await callback(agencyId, {
      type: 'dossier.in_progress',
      eventId: `evt_${randomUUID()}`,
      dossierCode: delivery.dossierCode,
      note: 'Hồ sơ đã chuyển phòng chuyên môn',
      step: 'Thẩm định hồ sơ',
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/deliveries') {
      // What each agency received, without the dossiers' personal data.
      return sendJson(res, 200, {
        deliveries: deliveries.map(({ payload, ...d }) => ({
          ...d,
          type: (payload as { type?: unknown } | undefined)?.type,
          dossierCode: (payload as { dossierCode?: unknown } | undefined)?.dossierCode,
        })),
        callbacks,
      });
    }
    const m = PATH.exec(path);
    if (!m) return sendError(res, 'NOT_FOUND');
    if (req.method !== 'POST') return sendError(res, 'METHOD_NOT_ALLOWED', undefined, { allow: 'POST' });
    const agencyId = decodeURIComponent(m[1]!);
    const secrets = options.secrets[agencyId];
    if (!secrets) return sendError(res, 'NOT_FOUND');

    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendError(res, 'PAYLOAD_TOO_LARGE');
      throw err;
    }
    const webhookId = headerValue(req.headers['webhook-id']);
    const record: SimulatorDelivery = {
      agencyId,
      webhookId,
      receivedAt: new Date().toISOString(),
      status: 0,
      duplicate: false,
      payload: undefined,
    };
    deliveries.push(record);
    const answer = (status: number, json: unknown) => {
      record.status = status;
      sendJson(res, status, json);
    };

    const outage = outages.get(agencyId);
    if (outage && outage.count > 0) {
      outage.count--;
      record.status = outage.status;
      log.info('simulated outage', { agencyId, status: outage.status });
      return sendJson(res, outage.status, { error: 'simulated outage' });
    }

    const text = body.toString('utf8');
    const headers = {
      'webhook-id': webhookId,
      'webhook-timestamp': headerValue(req.headers['webhook-timestamp']),
      'webhook-signature': headerValue(req.headers['webhook-signature']),
    };
    if (!verifyWebhook(secrets, text, headers)) {
      log.warn('delivery with a bad signature refused', { agencyId });
      record.status = 401;
      return sendError(res, 'INVALID_SIGNATURE');
    }
    try {
      record.payload = JSON.parse(text);
    } catch {
      record.status = 400;
      return sendError(res, 'MALFORMED_JSON');
    }
    if (webhookId && accepted.has(webhookId)) {
      record.duplicate = true;
      return answer(202, { accepted: true, duplicate: true });
    }
    if (webhookId) accepted.add(webhookId);
    answer(202, { accepted: true });

    const payload = record.payload as { type?: unknown; dossierCode?: unknown; dueAt?: unknown } | null;
    log.info('delivery accepted', { agencyId, type: payload?.type, dossierCode: payload?.dossierCode });
    if (payload?.type === 'dossier.submitted' && typeof payload.dossierCode === 'string') {
      pending++;
      processDossier(agencyId, { dossierCode: payload.dossierCode, dueAt: payload.dueAt })
        .catch((err: unknown) => log.error('processing failed', { agencyId, ...errorFields(err) }))
        .finally(settle);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('request failed', errorFields(err));
      if (!res.headersSent) sendError(res, 'INTERNAL');
    });
  });
  const port = options.port
    ? await listen(server, options.port)
    : await listenPreferring(server, options.preferPort);
  const url = `http://${LOOPBACK}:${port}`;
  let stopping: Promise<void> | undefined;

  const sim: AgencySimulator = {
    url,
    port,
    portalUrl: options.portalUrl,
    deliveries,
    callbacks,
    endpointFor: (agencyId) => `${url}/agencies/${encodeURIComponent(agencyId)}/webhook`,
    failNext(agencyId, count, status = 503) {
      outages.set(agencyId, { count, status });
    },
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    stop() {
      stopping ??= (async () => {
        stopper.abort();
        await sim.idle();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopping;
    },
  };
  log.info('agency simulator listening', { url, delayMs });
  return sim;
}
