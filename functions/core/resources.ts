/**
 * The one definition of the portal's stateful resources. CDK provisions them from here and the local
 * cloud creates them from here, so the two cannot drift.
 */
import { channels } from '../registry/agencies.js';

export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /** New images feed the outbox relay (dossier + outbox item are written in one transaction). */
  streamView: 'NEW_IMAGE',
  /**
   * Batches of one stream shard its consumers work on at once (Lambda keeps each partition key's records
   * in order). At 5,000 submissions/s the notification relay needs about 300 at once (`npm run scale`),
   * and the table's ~115,000 write units/s give it on the order of a hundred shards: 5 a shard leaves room.
   */
  streamParallelization: 5,
  indexes: [
    /** A person's own objects, newest first: OWNER#<sub> → <kind>#<createdAt>. */
    { role: 'owner', name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /**
     * Work lists: an agency's (AGENCY#<id>; dossiers AGENCY#<id>#<shard>) → <kind>#<createdAt>, and the
     * sparse queues of open deadlines, payments waiting on a partner and monthly figures.
     */
    { role: 'work', name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /**
     * Dossiers filed for someone, newest first: an enterprise's (ENTERPRISE#<tax code>, every
     * representative reads it) or a desk officer's filings for citizens (FILEDBY#<sub>) → DOSSIER#<at>.
     */
    { role: 'filed', name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export const UPLOADS = {
  /** Presigned POSTs expire quickly; objects never referenced by a dossier are removed after this. */
  abandonedAfterDays: 2,
  pendingPrefix: 'uploads/',
} as const;

/** Dispatcher timing: SQS visibility must be at least 6× the function timeout (AWS guidance). */
export const DISPATCH = {
  functionTimeoutSeconds: 30,
  visibilityTimeoutSeconds: 180,
  batchSize: 10,
  /** Deliveries to one agency at once within a batch; other agencies' run beside them. */
  perAgencyInBatch: 5,
  /** The default wait for an agency's answer (config DISPATCH_POST_TIMEOUT_MS). */
  postTimeoutSeconds: 10,
  maxReceiveCount: 6,
  dlqRetentionDays: 14,
  /** Capped full-jitter backoff between delivery attempts, applied through message visibility. */
  backoffBaseSeconds: 5,
  backoffCapSeconds: 900,
} as const;

export interface QueueDefinition {
  /** Logical id, also the key of the AGENCY_QUEUE_URLS map the handlers read. */
  channel: string;
  name: string;
  dlqName: string;
}

export function agencyQueues(prefix: string): QueueDefinition[] {
  return channels.map((channel) => ({
    channel,
    name: `${prefix}-agency-${channel}`,
    dlqName: `${prefix}-agency-${channel}-dlq`,
  }));
}

/**
 * Transactional outbox: items written in the same TransactWriteItems as the dossier they announce.
 * The table stream delivers their INSERTs to the outbox relay (CDK filter and local stream pump both
 * use this prefix); TTL removes them once relayed records can no longer be replayed.
 */
export const OUTBOX = {
  pkPrefix: 'OUTBOX#',
  ttlDays: 2,
  maxStreamRetries: 8,
} as const;

/** Online payments: the partners whose secrets the portal holds, and the reconciliation schedule. */
export const PAYMENTS = {
  /** Payment providers and billers with a signing secret in AWS (`cong/<stage>/payment/<id>`). */
  cloudPartners: ['vnpay', 'evn'],
  reconcileEveryMinutes: 15,
  /** Shards of the pending-payments index (gsi2). */
  workShards: 4,
  /**
   * Shards reconciled at once, each one payment after another: at most this many questions to a
   * provider in flight, so a backlog after a peak does not become a flood at a partner already slow.
   */
  reconcileConcurrency: 4,
  /** Waiting payments read per query of a shard. */
  reconcilePage: 100,
  /** A run starts no payment with less than this left, so it ends with its report rather than a timeout. */
  reconcileReserveMs: 15_000,
} as const;

/**
 * Citizen and agency notifications. The table stream hands the notification relay every new timeline
 * event (what the citizen sees change) and every new image of a dossier item (to keep the SLA index);
 * the relay puts messages on one queue that the notifier drains (SMS, e-mail) with its own DLQ, so a
 * failed notification never touches the dossier or the dispatch to agencies.
 */
export const NOTIFICATIONS = {
  queueSuffix: 'notifications',
  dossierPkPrefix: 'DOSSIER#',
  dossierSk: 'DOSSIER',
  eventKind: 'event',
  functionTimeoutSeconds: 20,
  /** At least 6 × the notifier timeout (AWS guidance for SQS event sources). */
  visibilityTimeoutSeconds: 120,
  batchSize: 10,
  maxReceiveCount: 5,
  /**
   * A notice its provider refused for load (SNS or SES over the account's rate) comes back after a
   * backoff with full jitter from this base, capped at SQS's longest delay, and is parked as a fresh copy
   * on its last receive at most this many times (about four hours of waiting) before the DLQ takes it.
   */
  throttledBaseSeconds: 30,
  throttledCapSeconds: 900,
  maxParks: 16,
  dlqRetentionDays: 14,
  maxStreamRetries: 8,
  /** A sent notification's marker outlives every redelivery of its message. */
  sentMarkerDays: 14,
} as const;

/**
 * Published statistics: ratings and petition events feed them from the table stream beside timeline
 * events, through the notification relay's mapping.
 */
export const STATS = {
  ratingSk: 'RATING',
  petitionPkPrefix: 'PETITION#',
  petitionEventKind: 'petitionEvent',
} as const;

/** Processing deadlines: the watcher's schedule and the sparse index of open deadlines (gsi2). */
export const SLA = {
  everyMinutes: 15,
  /** Decree 45/2020: an online dossier is acknowledged within 8 working hours. */
  ackWorkingHours: 8,
  /**
   * Shards of each deadline index partition, so national peaks spread over partitions: at 5,000
   * submissions/s each shard takes ~180 write units/s (4 shards ran at ~720 of the 1,000 allowed).
   * The watcher reads shards 0..n-1, so entries written under a smaller count are still read.
   */
  shards: 16,
  /**
   * Lanes (a kind's shard) one run works on at once: all sixteen of its part. A lane takes its entries
   * one after another, about four calls each, so a part's four shards of one kind keep ~110 notices a
   * second flowing when only that kind lapses (acknowledgements after a peak; README, capacity).
   */
  watchConcurrency: 16,
  /**
   * Runs the schedule starts at once, each working through its own share of the shards (shard mod parts)
   * with a CPU of its own: a lapsed entry takes a few ms of CPU, so at 256 MB CPU, not the calls, bounded
   * one run. Part 0 also watches personal-data requests. EventBridge allows a rule five targets.
   */
  watchParts: 4,
  /** A run starts no entry with less than this left, so it ends with its report rather than a timeout. */
  watchReserveMs: 15_000,
} as const;

/**
 * Personal-data requests (Law 91/2025/QH15 on Personal Data Protection, in force 1 January 2026, and
 * Decree 356/2025/NĐ-CP guiding it): THE one place for their clocks, in working days of the portal's
 * calendar (functions/core/working-days.ts: weekends, public holidays from data, announced swaps).
 *
 * Sources (secondary, read 2026-12): Fraser's Law "Chương Mới Của Bảo Vệ Dữ Liệu Cá Nhân" (19/01/2026,
 * frasersvn.com) and CDLAF "Rights of personal data subjects … under Decree No. 356/2025/ND-CP"
 * (cdlaf.vn). The decree's own text was not at hand; check the numbers against it.
 * - Acknowledge: within 2 working days of receipt (Decree 356/2025, both sources): statutory.
 * - Objection / restriction / withdrawal of consent: processing stops within 15 days (Decree 356/2025
 *   Art. 5(2), Art. 10 per CDLAF; 20 days when a processor or third party must stop; one extension of
 *   at most 15 days). The decree counts "ngày" (days), not working days: 10 working days (two working
 *   weeks, 14 calendar days without holidays) keeps inside the 15.
 * - Access (provision), correction, deletion: CDLAF summarises "complete within 10 to 20 days"; no
 *   per-kind number was found. CONSERVATIVE DEFAULT: the low end, 10 days, as 7 working days.
 * CONG_DATA_RIGHTS_PERIODS (functions/core/config.ts) overrides them without a release.
 */
export const DATA_RIGHTS = {
  acknowledgeWorkingDays: 2,
  /** Working days to act on each kind of request, from receipt. */
  actWorkingDays: {
    /** No statutory number found: conservative default (10 days → 7 working days). */
    access: 7,
    /** No statutory number found: conservative default (10 days → 7 working days). */
    correction: 7,
    /** Decree 356/2025 Art. 5(2), Art. 10: 15 days → 10 working days. */
    objection: 10,
    /** No statutory number found: conservative default (10 days → 7 working days). */
    deletion: 7,
  },
} as const;

/**
 * Petitions (phản ánh, kiến nghị): working-day deadlines each agency the petition is routed to must
 * meet (they restart when it is reassigned or escalated), the escalation schedule, the shards of the
 * deadline index (gsi2), and the national agency that takes what no other agency is named for.
 */
export const PETITIONS = {
  /** The agency routed to assigns the petition (or passes it on) within this many working days. */
  referralWorkingDays: 5,
  /** ...and answers it within this many working days of receiving it. */
  answerWorkingDays: 15,
  escalateEveryMinutes: 15,
  deadlineShards: 4,
  /** An escalation run starts no petition with less than this left, so it ends with its report. */
  escalateReserveMs: 15_000,
  /** National triage and oversight: petitions naming nothing, and escalations past a top-level agency. */
  triageAgencyId: 'vpcp',
  /** Every petition code starts with this (Phản ánh, kiến nghị), numbered per day. */
  codePrefix: 'PAKN',
} as const;

/**
 * The online support desk (hỗ trợ trực tuyến, tổng đài): working hours to a first answer and to a
 * resolution (Vietnam calendar, office hours), overridable by CONG_SUPPORT_DEADLINES.
 */
export const SUPPORT = {
  firstAnswerWorkingHours: 8,
  resolutionWorkingHours: 40,
  /**
   * Working days an answered ticket waits for its asker (reopen, reply, close) before it closes itself,
   * so that it can be rated and counts as resolved.
   */
  quietWorkingDays: 5,
  /** Minutes between runs of the support watcher (it closes quiet answered tickets). */
  watchEveryMinutes: 15,
  /** Every ticket code starts with this (hỗ trợ trực tuyến), numbered per day. */
  codePrefix: 'HTTT',
  eventKind: 'supportEvent',
  pkPrefix: 'SUPPORT#',
} as const;
