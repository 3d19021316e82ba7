/**
 * An agency's own deliveries: its delivery log (every attempt, newest first, from the agency's partition
 * of gsi2, every shard `AGENCYLOG#<id>#<n>` / `DELIVERY#<at>#<attempt>` merged, or one dossier's partition) and redelivery on its
 * request. A redelivery re-sends under the original webhook-id, even a webhook the agency had accepted
 * (it asked for it; the id lets it drop what it already holds); each redelivery has its own delivered
 * marker, so a duplicated queue message of one request is still sent once. Dead letters are moved back
 * for this agency only: others' stay in the channel's DLQ.
 */
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import type {
  agencyDeliveriesQuery,
  agencyDeliveryState,
  deliveryLogItem,
  RedeliveryRequest,
} from '../../schemas/agency-deliveries.js';
import { decodeCursor, encodeCursor, invalidCursor } from '../core/cursor.js';
import { AppError } from '../core/errors.js';
import { keys } from '../core/keys.js';
import type { BreakerState } from '../dispatch/breaker.js';
import type { DeliveryAttempt } from '../dispatch/deliver.js';
import { sameRequest } from '../dossiers/idempotency.js';
import { type DossierMessage, isDossierMessageType, type PetitionMessage } from '../dossiers/messages.js';

export type DeliveryLogItem = z.infer<typeof deliveryLogItem>;
export type DeliveriesQuery = z.output<typeof agencyDeliveriesQuery>;
export type AgencyDeliveryState = z.infer<typeof agencyDeliveryState>;

/** A stored attempt as the log reads it (older records may lack the newer fields). */
/** A dossier's attempt carries `dossierCode`, a petition's `petitionCode`, a support ticket's `ticketCode`. */
export type AttemptRecord = DeliveryAttempt & {
  dossierCode?: string;
  petitionCode?: string;
  ticketCode?: string;
  seq?: number;
};
export type LogKey = Record<string, string>;

export const AGENCY_LOG_CURSOR = ['pk', 'sk', 'gsi2pk', 'gsi2sk'] as const;
export const DOSSIER_LOG_CURSOR = ['pk', 'sk'] as const;
const DOSSIER_ATTEMPT_PREFIX = 'DELIVERY#';

/** What one page read asks the table for: a partition, a key range and a filter. */
export interface LogRead {
  agencyId: string;
  /** One dossier's partition instead of the agency's index partition. */
  dossierCode?: string;
  /** One petition's partition (it may have been delivered to other agencies too). */
  petitionCode?: string;
  /** ISO instants (UTC) bounding `at`, inclusive. */
  from?: string;
  to?: string;
  status?: DeliveriesQuery['status'];
  limit: number;
  after?: LogKey;
}

export interface DeliveryLogPorts {
  now(): Date;
  /**
   * One page, newest first (`limit` items read before the filter); the agency's log is every shard
   * merged, `after` the last row read.
   */
  readLog(q: LogRead): Promise<{ items: { key: LogKey; attempt: AttemptRecord }[]; lastKey?: LogKey }>;
  /** The agency a dossier is routed to; undefined for an unknown code. */
  dossierAgency(code: string): Promise<string | undefined>;
  /** The agency a petition is with now; undefined for an unknown code. */
  petitionAgency?(code: string): Promise<string | undefined>;
  /** The agency's delivery switch and breaker (functions/dispatch/store.ts). */
  deliveryState(agencyId: string): Promise<BreakerState | undefined>;
}

export const describeState = (s: BreakerState | undefined): AgencyDeliveryState => ({
  paused: s?.paused === true,
  cause: s?.paused ? (s.cause ?? 'gone') : null,
  since: s?.paused ? (s.since ?? null) : null,
  consecutiveFailures: s?.failures ?? 0,
  nextProbeAt: s?.paused && s.cause === 'breaker' ? (s.probeAt ?? null) : null,
});

const iso = (s: string | undefined) => (s ? new Date(s).toISOString() : undefined);

export function logItem(a: AttemptRecord): DeliveryLogItem {
  return {
    ...(a.petitionCode
      ? { petitionCode: a.petitionCode }
      : a.ticketCode
        ? { ticketCode: a.ticketCode }
        : { dossierCode: a.dossierCode }),
    eventType: a.eventType ?? null,
    webhookId: a.webhookId,
    attempt: a.attempt,
    at: a.at,
    httpStatus: a.status,
    latencyMs: Math.max(0, Math.round(a.ms)),
    outcome: a.outcome,
    nextRetryAt: a.nextRetryAt ?? null,
    ...(a.redeliveryId ? { redeliveryId: a.redeliveryId } : {}),
  };
}

/** Whether a record passes the log's filters (the store filters too; this keeps the port honest). */
export function passes(
  a: AttemptRecord,
  q: Pick<LogRead, 'from' | 'to' | 'status'> & { agencyId?: string },
): boolean {
  // A petition reassigned to this agency keeps the rows of its deliveries to the one before.
  if (q.agencyId && a.agencyId && a.agencyId !== q.agencyId) return false;
  if (q.from && a.at < q.from) return false;
  if (q.to && a.at > q.to) return false;
  if (q.status === 'waiting') return a.outcome !== 'delivered' && Boolean(a.nextRetryAt);
  if (q.status) return a.outcome === q.status;
  return true;
}

/** The cursor rules of the partition a query reads: a cursor of another agency or dossier is a 400. */
function cursorOf(agencyId: string, q: DeliveriesQuery): LogKey | undefined {
  if (q.petitionCode)
    return decodeCursor(
      q.cursor,
      DOSSIER_LOG_CURSOR,
      { pk: keys.petitionPartition(q.petitionCode) },
      { sk: DOSSIER_ATTEMPT_PREFIX },
    );
  if (q.dossierCode)
    return decodeCursor(
      q.cursor,
      DOSSIER_LOG_CURSOR,
      { pk: keys.dossierPartition(q.dossierCode) },
      { sk: DOSSIER_ATTEMPT_PREFIX },
    );
  const key = decodeCursor(q.cursor, AGENCY_LOG_CURSOR, {}, { gsi2sk: keys.agencyDeliveryIndexPrefix });
  // The cursor names the shard its row sits in: one of this agency's, or it is not this list's.
  if (key && !keys.agencyDeliveryPartitions(agencyId).includes(key.gsi2pk!)) throw invalidCursor();
  return key;
}

/** The agency's delivery log, newest first, one page. */
export async function readDeliveryLog(
  ports: DeliveryLogPorts,
  agencyId: string,
  q: DeliveriesQuery,
): Promise<{ items: DeliveryLogItem[]; nextCursor: string | null; delivery: AgencyDeliveryState }> {
  let after = cursorOf(agencyId, q);
  const delivery = describeState(await ports.deliveryState(agencyId));
  // Another agency's dossier has no deliveries of this agency's: an empty log, as for a code never used.
  if (q.dossierCode && (await ports.dossierAgency(q.dossierCode)) !== agencyId)
    return { items: [], nextCursor: null, delivery };
  const read = {
    agencyId,
    ...(q.dossierCode ? { dossierCode: q.dossierCode } : {}),
    ...(q.petitionCode ? { petitionCode: q.petitionCode } : {}),
    ...(q.from ? { from: iso(q.from) } : {}),
    ...(q.to ? { to: iso(q.to) } : {}),
    ...(q.status ? { status: q.status } : {}),
  };
  const items: DeliveryLogItem[] = [];
  // A filter can match rarely in a long log: each answer reads a bounded number of rows, and its
  // cursor goes on from the last one read.
  for (let reads = 1; ; reads++) {
    const page = await ports.readLog({
      ...read,
      limit: Math.max(READ_BATCH, q.limit),
      ...(after ? { after } : {}),
    });
    const kept = page.items.filter((i) => passes(i.attempt, read));
    const taken = kept.slice(0, q.limit - items.length);
    for (const { attempt } of taken) items.push(logItem(attempt));
    if (taken.length < kept.length) return { items, nextCursor: encodeCursor(taken.at(-1)!.key), delivery };
    if (!page.lastKey) return { items, nextCursor: null, delivery };
    if (items.length >= q.limit || reads >= MAX_READS)
      return { items, nextCursor: encodeCursor(page.lastKey), delivery };
    after = page.lastKey;
  }
}

/** Rows read per table call, and calls per answer (at most 1,000 rows looked at). */
const READ_BATCH = 100;
const MAX_READS = 10;

/** One webhook to send again: the original message, under its own webhook-id. */
export type Redelivery =
  | Pick<DossierMessage, 'type' | 'dossierCode' | 'agencyId' | 'webhookId' | 'seq'>
  | Pick<PetitionMessage, 'type' | 'petitionCode' | 'agencyId' | 'webhookId' | 'routing' | 'fromAgencyId'>;

/** At most this many webhooks per request; a wider outage is the operators' redrive. */
export const MAX_REDELIVERIES = 1000;

/**
 * The distinct webhooks among attempts, each once (newest attempt first in, order kept). Attempts
 * recorded before event types were kept cannot be rebuilt and are skipped.
 */
export function selectRedeliveries(agencyId: string, attempts: readonly AttemptRecord[]): Redelivery[] {
  const seen = new Set<string>();
  const out: Redelivery[] = [];
  for (const a of attempts) {
    if (a.agencyId && a.agencyId !== agencyId) continue;
    const code = subjectCode(a);
    if (!code) continue;
    const id = `${code}|${a.webhookId}`;
    if (seen.has(id)) continue;
    if (a.petitionCode && a.eventType === 'petition.created') {
      seen.add(id);
      out.push({
        type: 'petition.created',
        petitionCode: a.petitionCode,
        agencyId,
        webhookId: a.webhookId,
        ...(a.routing ? { routing: a.routing } : {}),
        ...(a.fromAgencyId ? { fromAgencyId: a.fromAgencyId } : {}),
      });
      continue;
    }
    // Support rows are not redelivered: the ticket is answered through /v1/agency/support-events.
    if (!a.dossierCode || !isDossierMessageType(a.eventType)) continue;
    seen.add(id);
    out.push({
      type: a.eventType,
      dossierCode: a.dossierCode,
      agencyId,
      webhookId: a.webhookId,
      ...(a.seq !== undefined ? { seq: a.seq } : {}),
    });
  }
  return out;
}

export interface RedeliveryPorts extends DeliveryLogPorts {
  newId(): string;
  /** The stored answer of an earlier request under this key, with its body's hash. */
  findRequest(
    agencyId: string,
    key: string,
  ): Promise<{ requestHash: string; redeliveryId: string; response?: RedeliveryResult } | undefined>;
  /** Claims the key for a new request; false when another request holds it already. */
  claimRequest(agencyId: string, key: string, requestHash: string, redeliveryId: string): Promise<boolean>;
  completeRequest(agencyId: string, key: string, response: RedeliveryResult): Promise<void>;
  /** Queues the messages on the agency's channel; returns how many the queue accepted. */
  enqueue(agencyId: string, redeliveryId: string, messages: readonly Redelivery[]): Promise<number>;
  /** Moves the agency's own dead letters back to its channel's queue; returns how many moved. */
  redriveDeadLetters(agencyId: string): Promise<number>;
}

export interface RedeliveryResult {
  redeliveryId: string;
  count: number;
}

const requestHash = (body: RedeliveryRequest) => {
  const { requestId: _r, ...rest } = body;
  const canonical = JSON.stringify(
    Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))),
  );
  return createHash('sha256').update(canonical).digest('hex');
};

/** The dossier or petition a redeliverable attempt is about (support rows have neither). */
const subjectCode = (a: AttemptRecord) => a.dossierCode ?? a.petitionCode;

/** Every attempt the request names, within MAX_REDELIVERIES distinct webhooks. */
async function attemptsFor(ports: DeliveryLogPorts, agencyId: string, body: RedeliveryRequest) {
  const read: LogRead =
    'dossierCode' in body
      ? { agencyId, dossierCode: body.dossierCode, limit: 100 }
      : 'petitionCode' in body
        ? { agencyId, petitionCode: body.petitionCode, limit: 100 }
        : 'from' in body
          ? { agencyId, from: iso(body.from), to: iso(body.to), limit: 100 }
          : { agencyId, limit: 100 };
  const attempts: AttemptRecord[] = [];
  const webhooks = new Set<string>();
  let after: LogKey | undefined;
  do {
    const page = await ports.readLog({ ...read, ...(after ? { after } : {}) });
    for (const { attempt } of page.items) {
      const code = subjectCode(attempt);
      if (!code || !passes(attempt, read)) continue;
      webhooks.add(`${code}|${attempt.webhookId}`);
      if (webhooks.size > MAX_REDELIVERIES) return attempts;
      attempts.push(attempt);
    }
    after = page.lastKey;
  } while (after);
  return attempts;
}

/**
 * `POST /v1/agency/redeliveries`: idempotent by key (the same key and body answer as the first time;
 * another body is 422). A request interrupted after its claim is finished by its retry under the same
 * redelivery id, whose markers keep anything already re-sent from going twice.
 */
export async function requestRedelivery(
  ports: RedeliveryPorts,
  agencyId: string,
  idempotencyKey: string | undefined,
  body: RedeliveryRequest,
): Promise<RedeliveryResult> {
  const key = idempotencyKey ?? body.requestId;
  if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
  // Another agency's (or no) dossier is refused before anything is written.
  if ('dossierCode' in body && (await ports.dossierAgency(body.dossierCode)) !== agencyId)
    throw new AppError('DOSSIER_NOT_FOUND');
  // A petition is redelivered only by the agency it is with now.
  if ('petitionCode' in body && (await ports.petitionAgency?.(body.petitionCode)) !== agencyId)
    throw new AppError('PETITION_NOT_FOUND');
  const hash = requestHash(body);
  let earlier = await ports.findRequest(agencyId, key);
  let redeliveryId = earlier?.redeliveryId;
  if (!earlier) {
    redeliveryId = ports.newId();
    if (!(await ports.claimRequest(agencyId, key, hash, redeliveryId))) {
      earlier = await ports.findRequest(agencyId, key);
      redeliveryId = earlier?.redeliveryId;
    }
  }
  sameRequest(earlier, hash);
  if (earlier?.response) return earlier.response;
  if (!redeliveryId) throw new Error('redelivery claim vanished');

  const count =
    'deadLetters' in body
      ? await ports.redriveDeadLetters(agencyId)
      : await ports.enqueue(
          agencyId,
          redeliveryId,
          selectRedeliveries(agencyId, await attemptsFor(ports, agencyId, body)),
        );
  const result = { redeliveryId, count };
  await ports.completeRequest(agencyId, key, result);
  return result;
}
