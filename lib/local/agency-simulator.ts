/**
 * Stands in for the agencies' own systems (a province's one-stop system, a ministry's, a utility's):
 * receives the portal's signed dossier deliveries, and reports back like a one-stop desk would — the
 * dossier is received, then in progress — through signed callbacks to the portal. Each agency can be
 * given another script (a supplement request, a rejection, an extension, approval and result, duplicate
 * or out-of-order callbacks) or made to fail (429 with Retry-After, 500, no answer, 410 Gone): by
 * `setMode`, by `POST /control/{agencyId}` {"mode", "count"?, "retryAfterSeconds"?}, or at start by
 * SIMULATOR_MODES='{"<agencyId>":"<mode>"}'. `POST /control` {"agencyId" | "channel", "mode"} sets every agency of a
 * channel at once; `fail` and `ok` stand for `fail_500` and `normal`. Petitions (`petition.created`) are assigned and then
 * answered with the answer published, in a public version of the agency's own wording (`reject`:
 * refused as out of scope); `hold` accepts deliveries
 * and reports nothing, like a desk that lets the deadline lapse.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { AGENCY_HEADER, signWebhook, verifyWebhook } from '../../functions/core/webhooks.js';
import { allAgencies } from '../../functions/registry/agencies.js';
import {
  type CallbackEvent,
  petitionScript,
  SIMULATOR_MODES,
  type SimulatorMode,
  script,
} from './agency-scripts.js';
import type { AgencySecrets } from './agency-secrets.js';
import type { Faults } from './faults.js';
import { BodyTooLargeError, headerValue, readBody, sendError, sendJson } from './http.js';
import { createLog, errorFields, type Log } from './log.js';
import { LOOPBACK, listen, listenPreferring, sleep } from './net.js';

export const DEFAULT_SIMULATOR_DELAY_MS = 1500;

export interface ModeOptions {
  /** Deliveries the mode applies to before the agency returns to normal; absent = until changed. */
  count?: number;
  /** fail_429: the Retry-After the agency sends, in seconds (default 1). */
  retryAfterSeconds?: number;
}

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
  dossierCode?: string;
  petitionCode?: string;
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
  /**
   * Agency-side faults at the plan's rates: deliveries answered 5xx, 429, 410, slowly or never, and
   * callbacks sent twice or out of order. Under a plan a desk also keeps working after a callback the
   * portal refused (a 4xx for an out-of-order step), as agency systems do.
   */
  faults?: Faults;
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
  /** Scripts what the agency does with its next deliveries (see SIMULATOR_MODES). */
  setMode(agencyId: string, mode: SimulatorMode, options?: ModeOptions): void;
  modeOf(agencyId: string): SimulatorMode;
  /** Resolves once every scheduled callback has been sent (or given up). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const MAX_CALLBACK_BACKOFF_MS = 5_000;

const PATH = /^\/agencies\/([^/]+)\/webhook$/;
const CONTROL = /^\/control(?:\/([^/]+))?$/;
/** Short names for the modes a demonstration of pause and resume needs. */
const MODE_ALIASES: Record<string, SimulatorMode> = { fail: 'fail_500', ok: 'normal' };

function modesFromEnv(log: Log): Record<string, SimulatorMode> {
  const raw = process.env.SIMULATOR_MODES;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, SimulatorMode] =>
        SIMULATOR_MODES.includes(e[1] as SimulatorMode),
      ),
    );
  } catch {
    log.warn('SIMULATOR_MODES is not JSON; every agency behaves normally');
    return {};
  }
}

function delayFromEnv(): number {
  const v = Number(process.env.SIMULATOR_DELAY_MS);
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_SIMULATOR_DELAY_MS;
}

export async function startAgencySimulator(options: AgencySimulatorOptions): Promise<AgencySimulator> {
  const log = options.log ?? createLog({ src: 'agency-sim' });
  const delayMs = options.delayMs ?? delayFromEnv();
  const faults = options.faults;
  const attempts = options.callbackAttempts ?? (faults ? 12 : 5);
  const backoffMs = options.callbackBackoffMs ?? 250;
  const deliveries: SimulatorDelivery[] = [];
  const callbacks: SimulatorCallback[] = [];
  const accepted = new Set<string>();
  const outages = new Map<string, { count: number; status: number }>();
  const modes = new Map<string, { mode: SimulatorMode; count?: number; retryAfterSeconds: number }>(
    Object.entries(modesFromEnv(log)).map(([id, mode]) => [id, { mode, retryAfterSeconds: 1 }]),
  );
  /** The mode for this delivery, counting it against a limited mode. */
  const takeMode = (agencyId: string) => {
    const m = modes.get(agencyId);
    if (!m) return { mode: 'normal' as SimulatorMode, retryAfterSeconds: 1 };
    if (m.count !== undefined && --m.count <= 0) modes.delete(agencyId);
    return m;
  };
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
      ...(event.dossierCode ? { dossierCode: event.dossierCode } : {}),
      ...(event.petitionCode ? { petitionCode: event.petitionCode } : {}),
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
        const path = event.petitionCode ? '/v1/agency/petition-events' : '/v1/agency/events';
        const res = await fetch(`${sim.portalUrl}${path}`, {
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
      // Capped, so a desk that keeps trying under a long outage still tries every few seconds.
      if (record.attempts < attempts)
        await sleep(Math.min(backoffMs * 2 ** (record.attempts - 1), MAX_CALLBACK_BACKOFF_MS), signal);
    }
    const level = record.status >= 200 && record.status < 300 ? 'info' : 'warn';
    log[level]('callback sent', {
      agencyId,
      type: event.type,
      ...(event.petitionCode ? { petitionCode: event.petitionCode } : { dossierCode: event.dossierCode }),
      status: record.status,
      attempts: record.attempts,
    });
    return record;
  }

  /** The desk works through the script; a callback the portal refuses ends it, as a real desk would stop. */
  async function processDossier(
    agencyId: string,
    mode: SimulatorMode,
    delivery: { dossierCode: string; dueAt?: unknown; steps?: unknown },
  ) {
    const dueAt = typeof delivery.dueAt === 'string' ? delivery.dueAt : undefined;
    const steps = Array.isArray(delivery.steps)
      ? delivery.steps.flatMap((s: { id?: unknown }) => (typeof s?.id === 'string' ? [s.id] : []))
      : [];
    await work(agencyId, withCallbackFaults(script(mode, delivery.dossierCode, dueAt, agencyId, steps)));
  }

  /** The plan's callback faults: one event sent twice (same event id), the first two swapped. */
  function withCallbackFaults(events: CallbackEvent[]): CallbackEvent[] {
    if (!faults || events.length === 0) return events;
    const out = [...events];
    if (out.length >= 2 && faults.roll('agency.outOfOrderCallback', faults.plan.agencies.outOfOrderCallback))
      [out[0], out[1]] = [out[1]!, out[0]!];
    if (faults.roll('agency.duplicateCallback', faults.plan.agencies.duplicateCallback)) {
      const i = Math.floor(faults.random() * out.length);
      out.splice(i + 1, 0, out[i]!);
    }
    return out;
  }

  /**
   * The desk works through its events in order. A callback the portal refuses ends the work, as a real
   * desk would stop; under a fault plan only one the portal never acknowledged does.
   */
  async function work(agencyId: string, events: CallbackEvent[]) {
    for (const next of events) {
      await sleep(delayMs, signal);
      if (signal.aborted) return;
      const sent = await callback(agencyId, next);
      const refused = sent.status >= 400 && sent.status < 500;
      if ((sent.status < 200 || sent.status >= 300) && !(faults && refused)) return;
    }
  }

  async function processPetition(
    agencyId: string,
    mode: SimulatorMode,
    petitionCode: string,
    subject: string,
  ) {
    await work(agencyId, withCallbackFaults(petitionScript(mode, petitionCode, subject)));
  }

  /** Under a fault plan, the agency's system fails some deliveries; true when this one was answered so. */
  async function injectedFailure(
    req: IncomingMessage,
    answer: (status: number, json: unknown, headers?: Record<string, string>) => void,
  ): Promise<boolean> {
    if (!faults) return false;
    const rates = faults.plan.agencies;
    const as = (mode: SimulatorMode) => failAs({ mode, retryAfterSeconds: 1 }, req, answer);
    if (faults.roll('agency.gone', rates.gone)) return as('gone');
    if (faults.roll('agency.tooMany', rates.tooMany)) return as('fail_429');
    if (faults.roll('agency.serverError', rates.serverError)) return as('fail_500');
    if (faults.roll('agency.timeout', rates.timeout)) return as('timeout');
    if (faults.roll('agency.slow', rates.slow)) await sleep(rates.slowMs, signal);
    return false;
  }

  /** A failure mode's answer; undefined when the mode accepts deliveries. */
  async function failAs(
    m: { mode: SimulatorMode; retryAfterSeconds: number },
    req: IncomingMessage,
    answer: (status: number, json: unknown, headers?: Record<string, string>) => void,
  ): Promise<boolean> {
    switch (m.mode) {
      case 'fail_429':
        answer(429, { error: 'simulated rate limit' }, { 'retry-after': String(m.retryAfterSeconds) });
        return true;
      case 'fail_500':
        answer(500, { error: 'simulated failure' });
        return true;
      case 'gone':
        answer(410, { error: 'endpoint retired' });
        return true;
      case 'timeout':
        // Never answers: holds the request until the dispatcher gives up (or the simulator stops).
        await new Promise<void>((resolve) => {
          req.socket.once('close', resolve);
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        return true;
      default:
        return false;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    const control = CONTROL.exec(path);
    if (control && req.method === 'POST') {
      let body: {
        mode?: unknown;
        count?: unknown;
        retryAfterSeconds?: unknown;
        agencyId?: unknown;
        channel?: unknown;
      };
      try {
        body = JSON.parse((await readBody(req, 4096)).toString('utf8') || '{}');
      } catch {
        return sendError(res, 'MALFORMED_JSON');
      }
      const ids = control[1]
        ? [decodeURIComponent(control[1])]
        : typeof body.agencyId === 'string'
          ? [body.agencyId]
          : typeof body.channel === 'string'
            ? allAgencies()
                .filter((a) => a.channel === body.channel)
                .map((a) => a.id)
            : [];
      if (ids.length === 0 || !ids.every((id) => options.secrets[id])) return sendError(res, 'NOT_FOUND');
      const mode = MODE_ALIASES[String(body.mode)] ?? body.mode;
      if (!SIMULATOR_MODES.includes(mode as SimulatorMode))
        return sendJson(res, 400, {
          error: 'mode must be one of',
          modes: [...SIMULATOR_MODES, ...Object.keys(MODE_ALIASES)],
        });
      for (const id of ids)
        sim.setMode(id, mode as SimulatorMode, {
          ...(typeof body.count === 'number' ? { count: body.count } : {}),
          ...(typeof body.retryAfterSeconds === 'number'
            ? { retryAfterSeconds: body.retryAfterSeconds }
            : {}),
        });
      return sendJson(
        res,
        200,
        ids.length === 1 ? { agencyId: ids[0], mode } : { agencies: ids.length, mode },
      );
    }
    if (req.method === 'GET' && path === '/deliveries') {
      // What each agency received, without the dossiers' personal data.
      return sendJson(res, 200, {
        deliveries: deliveries.map(({ payload, ...d }) => ({
          ...d,
          type: (payload as { type?: unknown } | undefined)?.type,
          dossierCode: (payload as { dossierCode?: unknown } | undefined)?.dossierCode,
          petitionCode: (payload as { petitionCode?: unknown } | undefined)?.petitionCode,
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
    const answer = (status: number, json: unknown, headers?: Record<string, string>) => {
      record.status = status;
      sendJson(res, status, json, headers);
    };

    const outage = outages.get(agencyId);
    if (outage && outage.count > 0) {
      outage.count--;
      record.status = outage.status;
      log.info('simulated outage', { agencyId, status: outage.status });
      return sendJson(res, outage.status, { error: 'simulated outage' });
    }

    if (await injectedFailure(req, answer)) return;
    const mode = takeMode(agencyId);
    if (await failAs(mode, req, answer)) {
      log.info('simulated failure', { agencyId, mode: mode.mode });
      return;
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

    const payload = record.payload as {
      type?: unknown;
      dossierCode?: unknown;
      petitionCode?: unknown;
      subject?: unknown;
      dueAt?: unknown;
      steps?: unknown;
    } | null;
    log.info('delivery accepted', {
      agencyId,
      type: payload?.type,
      dossierCode: payload?.dossierCode ?? payload?.petitionCode,
    });
    if (payload?.type === 'petition.created' && typeof payload.petitionCode === 'string') {
      pending++;
      const subject = typeof payload.subject === 'string' ? payload.subject : 'Phản ánh, kiến nghị';
      processPetition(agencyId, mode.mode, payload.petitionCode, subject)
        .catch((err: unknown) => log.error('processing failed', { agencyId, ...errorFields(err) }))
        .finally(settle);
    }
    if (payload?.type === 'dossier.submitted' && typeof payload.dossierCode === 'string') {
      pending++;
      processDossier(agencyId, mode.mode, {
        dossierCode: payload.dossierCode,
        dueAt: payload.dueAt,
        steps: payload.steps,
      })
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
    setMode(agencyId, mode, modeOptions = {}) {
      if (mode === 'normal') modes.delete(agencyId);
      else
        modes.set(agencyId, {
          mode,
          retryAfterSeconds: modeOptions.retryAfterSeconds ?? 1,
          ...(modeOptions.count === undefined ? {} : { count: modeOptions.count }),
        });
    },
    modeOf: (agencyId) => modes.get(agencyId)?.mode ?? 'normal',
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
