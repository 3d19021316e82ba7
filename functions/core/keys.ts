/**
 * Every key of the single table, built in one place. Items are grouped by the object they belong to
 * (a dossier's timeline and deliveries sit under the dossier's partition).
 */
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Write shards of the keys a national peak would otherwise pile onto one partition (DynamoDB takes
 * 1,000 write units a second per partition key). Readers read every shard, so changing a count moves
 * items between shards: raise it only together with a backfill.
 */
export const SHARDS = {
  /**
   * An agency's dossier work list on gsi2 (one national agency takes ~2,000 submissions/s at a peak, a
   * province's ~500). A commune's committee takes a sliver of any peak: its list stays one partition.
   */
  agencyDossiers: 16,
  /** An agency's monthly counters, and the month's index of them (every agency's counters). */
  stats: 16,
  /**
   * An agency's current figures ("overdue now"), and their index. After a peak the SLA watcher counts
   * lapsed due dates at up to ~400 a second (16 due-date shards, 5 calls each; README, capacity), each in
   * a transaction (2 write units): were all one agency's, its one item would take ~800 of the 1,000
   * allowed. 4 shards keep each item and index partition near 200. The ranking reads a partition a shard.
   */
  now: 4,
} as const;

/** Shard n of an agency's current figures; shard 0 keeps the key of the one item of old, so none is left out. */
const nowShardKey = (agencyId: string, n: number) => ({
  pk: n === 0 ? `STATSNOW#${agencyId}` : `STATSNOW#${agencyId}#${n}`,
  sk: 'STATS',
});
/** The index partition of shard n of every agency's current figures (shard 0: the one partition of old). */
const nowIndexPartition = (n: number) => (n === 0 ? 'STATSNOW' : `STATSNOW#${n}`);

/** Commune people's committees (`xa-<commune code>`, ~3,300 of them): work lists of one partition. */
const COMMUNE_AGENCY = /^xa-\d{5}$/;
const dossierListSharded = (agencyId: string) => !COMMUNE_AGENCY.test(agencyId);

/** Which shard a dossier's items go to: stable per code, spread evenly (FNV-1a of the code). */
export function shardOf(code: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

/** Deadlines the SLA watcher keeps: acknowledgement, due date, the running step's due time and its reminder. */
export type SlaKind = 'ack' | 'due' | 'step' | 'remind';

export const keys = {
  dossier: (code: string) => ({ pk: `DOSSIER#${code}`, sk: 'DOSSIER' }),
  dossierPartition: (code: string) => `DOSSIER#${code}`,
  timelineEvent: (code: string, seq: number) => ({ pk: `DOSSIER#${code}`, sk: `EVENT#${pad(seq, 5)}` }),
  timelinePrefix: 'EVENT#',
  /** One delivery attempt of a webhook to the agency (kept for operators and redrive). */
  deliveryAttempt: (code: string, attemptId: string) => ({
    pk: `DOSSIER#${code}`,
    sk: `DELIVERY#${attemptId}`,
  }),
  /** Marks a webhook as delivered so a redelivered queue message is not sent twice. */
  delivered: (code: string, webhookId: string) => ({ pk: `DOSSIER#${code}`, sk: `DELIVERED#${webhookId}` }),
  /**
   * One read of a dossier's personal data by someone other than its owner (an agency's fetch of a file,
   * an officer opening the dossier, a reveal of its sealed identifiers), beside the dossier: its own item,
   * put only if absent and never updated or deleted (functions/pii/read-log.ts). Sorted by when the portal
   * answered it.
   */
  dossierRead: (code: string, at: string, requestId: string) => ({
    pk: `DOSSIER#${code}`,
    sk: `ACCESS#${at}#${requestId}`,
  }),
  dossierReadPrefix: 'ACCESS#',
  /**
   * A signed GET already answered (agency and webhook-id), written with its fetch record: the same signed
   * request again is a replay. Kept a day, far past the signature's five-minute tolerance.
   */
  signedRequest: (agencyId: string, webhookId: string) => ({
    pk: `SIGNEDREQ#${agencyId}#${webhookId}`,
    sk: 'SIGNEDREQ',
  }),
  /**
   * gsi2, on each delivery attempt: the agency's own delivery log, newest first, write-sharded by the
   * dossier's (or petition's) code like its work list (`AGENCYLOG#<id>#<n>`; a commune's stays in
   * `AGENCY#<id>`, where attempts recorded before the shards also sit). The attempt's ULID keeps
   * same-instant rows apart.
   */
  agencyDeliveryIndex: (agencyId: string, code: string, at: string, attemptId: string) => ({
    gsi2pk: dossierListSharded(agencyId)
      ? `AGENCYLOG#${agencyId}#${shardOf(code, SHARDS.agencyDossiers)}`
      : `AGENCY#${agencyId}`,
    gsi2sk: `DELIVERY#${at}#${attemptId}`,
  }),
  /** Every gsi2 partition holding an agency's delivery log: each shard, then the unsharded one of old. */
  agencyDeliveryPartitions: (agencyId: string) => [
    ...(dossierListSharded(agencyId)
      ? Array.from({ length: SHARDS.agencyDossiers }, (_, n) => `AGENCYLOG#${agencyId}#${n}`)
      : []),
    `AGENCY#${agencyId}`,
  ],
  agencyDeliveryIndexPrefix: 'DELIVERY#',
  /**
   * An agency's redelivery request (`POST /v1/agency/redeliveries`), by id; its Idempotency-Key record
   * is `idempotency('redelivery', agencyId, key)`.
   */
  redelivery: (agencyId: string, id: string) => ({ pk: `AGENCY#${agencyId}`, sk: `REDELIVERY#${id}` }),
  /**
   * The delivered-marker id of a webhook re-sent by one redelivery request (`delivered(code, this)`): a
   * duplicated queue message of the same request is sent once; the webhook-id stays the original's.
   */
  redeliveryMarkerId: (webhookId: string, redeliveryId: string) => `${webhookId}#REDELIVERY#${redeliveryId}`,
  /**
   * Whether the dispatcher may deliver to an agency: paused after its endpoint answered 410 Gone (until an
   * operator resumes) or by the circuit breaker after a run of failures (until a probe gets a 2xx).
   */
  agencyDeliveryState: (agencyId: string) => ({ pk: `AGENCY#${agencyId}`, sk: 'DELIVERY_STATE' }),
  submission: (id: string) => ({ pk: `SUBMISSION#${id}`, sk: 'SUBMISSION' }),
  upload: (id: string) => ({ pk: `UPLOAD#${id}`, sk: 'UPLOAD' }),
  /** gsi1: a person's uploads (`ownerIndex(sub, 'UPLOAD', createdAt)`), newest first. */
  uploadIndexPrefix: 'UPLOAD#',
  idempotency: (scope: string, owner: string, key: string) => ({
    pk: `IDEMPOTENCY#${scope}#${owner}#${key}`,
    sk: 'IDEMPOTENCY',
  }),
  agencyEvent: (agencyId: string, eventId: string) => ({
    pk: `AGENCYEVENT#${agencyId}#${eventId}`,
    sk: 'AGENCYEVENT',
  }),
  /** Per agency per day; numbers are handed out in blocks so the counter never becomes a hot item. */
  codeSequence: (agencyCode: string, day: string) => ({ pk: `SEQ#${agencyCode}#${day}`, sk: 'SEQ' }),
  outbox: (id: string) => ({ pk: `OUTBOX#${id}`, sk: 'OUTBOX' }),
  /** A payment attempt; its receipt and any recorded anomalies sit in the same partition. */
  payment: (id: string) => ({ pk: `PAYMENT#${id}`, sk: 'PAYMENT' }),
  receipt: (paymentId: string) => ({ pk: `PAYMENT#${paymentId}`, sk: 'RECEIPT' }),
  /** Money owed back is one anomaly per provider transaction (`transactionId`), so none hides another. */
  paymentAnomaly: (paymentId: string, at: string, transactionId?: string) => ({
    pk: `PAYMENT#${paymentId}`,
    sk: transactionId ? `ANOMALY#${at}#${transactionId}` : `ANOMALY#${at}`,
  }),
  /** At most one payment succeeds per order (dossier or bill): put with attribute_not_exists on success. */
  paymentSuccess: (orderRef: string) => ({ pk: `PAYMENT_SUCCESS#${orderRef}`, sk: 'PAYMENT_SUCCESS' }),
  /** A provider transaction already applied: callbacks are idempotent by the provider's own id. */
  providerTransaction: (provider: string, txnId: string) => ({
    pk: `PAYTXN#${provider}#${txnId}`,
    sk: 'PAYTXN',
  }),
  /** A utility bill being paid; like a dossier it holds its current payment. */
  bill: (biller: string, billId: string) => ({ pk: `BILL#${biller}#${billId}`, sk: 'BILL' }),
  /** A person's profile (citizen ID and phone sealed). */
  profile: (sub: string) => ({ pk: `PROFILE#${sub}`, sk: 'PROFILE' }),
  /** A person's draft of one procedure's filing, beside their profile (expires by TTL). */
  draft: (sub: string, procedureCode: string) => ({ pk: `PROFILE#${sub}`, sk: `DRAFT#${procedureCode}` }),
  draftPrefix: 'DRAFT#',
  /**
   * The one account a citizen ID belongs to, keyed by the ID's keyed hash (never the number itself):
   * written with the first profile, so no two accounts hold one ID, and read by desk filing.
   */
  citizenIdClaim: (hash: string) => ({ pk: `CITIZENID#${hash}`, sk: 'CLAIM' }),
  /** gsi1: a person's own objects, newest first. */
  ownerIndex: (sub: string, kind: string, createdAt: string) => ({
    gsi1pk: `OWNER#${sub}`,
    gsi1sk: `${kind}#${createdAt}`,
  }),
  /** gsi2: an agency's work list (its petitions; ratings and deliveries share the partition). */
  agencyIndex: (agencyId: string, kind: string, createdAt: string) => ({
    gsi2pk: `AGENCY#${agencyId}`,
    gsi2sk: `${kind}#${createdAt}`,
  }),
  /**
   * gsi2: an agency's dossiers, newest first, write-sharded by dossier code (`AGENCY#<id>#<n>`) so the
   * busiest agency's submissions spread over partitions (a commune's stay in `AGENCY#<id>`). Dossiers
   * filed before the shards sit under `AGENCY#<id>`; readers read that partition too.
   */
  agencyDossierIndex: (agencyId: string, code: string, submittedAt: string) => ({
    gsi2pk: dossierListSharded(agencyId)
      ? `AGENCY#${agencyId}#${shardOf(code, SHARDS.agencyDossiers)}`
      : `AGENCY#${agencyId}`,
    gsi2sk: `DOSSIER#${submittedAt}`,
  }),
  /** Every gsi2 partition holding an agency's dossiers: each shard, then the unsharded one of old. */
  agencyDossierPartitions: (agencyId: string) => [
    ...(dossierListSharded(agencyId)
      ? Array.from({ length: SHARDS.agencyDossiers }, (_, n) => `AGENCY#${agencyId}#${n}`)
      : []),
    `AGENCY#${agencyId}`,
  ],
  agencyDossierIndexPrefix: 'DOSSIER#',
  /**
   * gsi2, sparse: payments waiting on a partner (the provider's answer, or the biller's confirmation),
   * oldest first, spread over a few shards so no partition runs hot at peaks.
   */
  paymentWork: (queue: 'pending' | 'biller', shard: number, at: string, paymentId: string) => ({
    gsi2pk: `PAYMENTS#${queue}#${shard}`,
    gsi2sk: `${at}#${paymentId}`,
  }),
  /**
   * gsi2, sparse: payment anomalies an operator has yet to deal with, newest first. One partition: they
   * are rare (a few a day), far below what a partition takes, and one partition lists in order.
   */
  paymentAnomalyIndex: (at: string, paymentId: string) => ({
    gsi2pk: 'PAYMENT_ANOMALY',
    gsi2sk: `${at}#${paymentId}`,
  }),
  /** A dossier's open deadline (`ack`: acknowledgement, `due`: result), kept by the notification relay. */
  slaEntry: (code: string, kind: SlaKind) => ({ pk: `SLA#${code}`, sk: kind.toUpperCase() }),
  /** gsi2, sparse: open deadlines by time, sharded; the SLA watcher reads those already past. */
  slaIndex: (kind: SlaKind, shard: number, deadline: string, code: string) => ({
    gsi2pk: `SLA#${kind}#${shard}`,
    gsi2sk: `${deadline}#${code}`,
  }),
  /** A breach already notified: put with attribute_not_exists, so each breach is notified once. */
  slaFlag: (code: string, kind: SlaKind, deadline: string) => ({
    pk: `SLA#${code}`,
    sk: `FLAG#${kind}#${deadline}`,
  }),
  /** A notification already handed to its channel, so a redelivered message is not sent twice. */
  notificationSent: (id: string) => ({ pk: `NOTIFICATION#${id}`, sk: 'SENT' }),
  /** A citizen's one rating of a finished dossier, beside the dossier it rates. */
  rating: (code: string) => ({ pk: `DOSSIER#${code}`, sk: 'RATING' }),
  /** gsi2: an agency's ratings, newest first. */
  ratingIndex: (agencyId: string, ratedAt: string, code: string) => ({
    gsi2pk: `AGENCY#${agencyId}`,
    gsi2sk: `RATING#${ratedAt}#${code}`,
  }),
  ratingIndexPrefix: 'RATING#',
  /**
   * One shard of an agency's published counters for one month (Vietnam calendar month); the counters
   * are the sum of every shard's. A dossier's contributions always go to the shard of its code.
   */
  agencyStatsShard: (agencyId: string, month: string, shard: number) => ({
    pk: `STATS#${agencyId}#${month}#${shard}`,
    sk: 'STATS',
  }),
  /** Every shard of an agency's counters of a month, with the unsharded item of old (read, never written). */
  agencyStatsItems: (agencyId: string, month: string) => [
    ...Array.from({ length: SHARDS.stats }, (_, n) => ({
      pk: `STATS#${agencyId}#${month}#${n}`,
      sk: 'STATS',
    })),
    { pk: `STATS#${agencyId}#${month}`, sk: 'STATS' },
  ],
  /**
   * gsi2: the counter shards of one month, for the public ranking: shard n of every agency sits in
   * `STATSMONTH#<month>#<n>`, so the month's index takes its writes over as many partitions.
   */
  agencyStatsIndex: (month: string, agencyId: string, shard: number) => ({
    gsi2pk: `STATSMONTH#${month}#${shard}`,
    gsi2sk: agencyId,
  }),
  /** Every partition of the month's index: each shard, then the unsharded one of old. */
  agencyStatsIndexPartitions: (month: string) => [
    ...Array.from({ length: SHARDS.stats }, (_, n) => `STATSMONTH#${month}#${n}`),
    `STATSMONTH#${month}`,
  ],
  /** Counters recomputed from timelines by `npm run stats:rebuild`, kept beside the live ones to compare. */
  agencyStatsRebuilt: (agencyId: string, month: string) => ({
    pk: `STATSREBUILT#${agencyId}#${month}`,
    sk: 'STATS',
  }),
  /** A dossier already counted for one kind of counter: put with the ADD, so a replay adds nothing. */
  statsMarker: (code: string, kind: string) => ({ pk: `DOSSIER#${code}`, sk: `STATS#${kind}` }),
  /** gsi3: an enterprise's dossiers, newest first (every representative of the tax code reads them). */
  enterpriseIndex: (taxCode: string, kind: string, createdAt: string) => ({
    gsi3pk: `ENTERPRISE#${taxCode}`,
    gsi3sk: `${kind}#${createdAt}`,
  }),
  /** gsi3: what a one-stop desk officer filed on citizens' behalf, newest first. */
  filedByIndex: (sub: string, kind: string, createdAt: string) => ({
    gsi3pk: `FILEDBY#${sub}`,
    gsi3sk: `${kind}#${createdAt}`,
  }),
  /**
   * Whether a dossier is counted in its agency's "overdue now": opened by the SLA watcher when the due
   * date lapses, closed by the step that settles, pauses or extends it; each change guarded by its state.
   */
  statsOverdue: (code: string) => ({ pk: `DOSSIER#${code}`, sk: 'STATSOVERDUE' }),
  /**
   * One shard of an agency's current figures (not per month): dossiers and petitions overdue now, the sum
   * of every shard's. A dossier's or petition's changes always go to the shard of its code.
   */
  agencyNowShard: (agencyId: string, code: string) => nowShardKey(agencyId, shardOf(code, SHARDS.now)),
  /** Every shard of an agency's current figures. */
  agencyNowItems: (agencyId: string) =>
    Array.from({ length: SHARDS.now }, (_, n) => nowShardKey(agencyId, n)),
  /** gsi2: shard n of every agency's current figures sits in one partition, for the public ranking. */
  agencyNowIndex: (agencyId: string, code: string) => ({
    gsi2pk: nowIndexPartition(shardOf(code, SHARDS.now)),
    gsi2sk: agencyId,
  }),
  /** Every partition of the current figures' index, one a shard. */
  agencyNowIndexPartitions: () => Array.from({ length: SHARDS.now }, (_, n) => nowIndexPartition(n)),
  /** Current figures recomputed by `npm run stats:rebuild`, beside the live ones. */
  agencyNowRebuilt: (agencyId: string) => ({ pk: `STATSNOWREBUILT#${agencyId}`, sk: 'STATS' }),
  /** A petition already counted for one kind of counter (as statsMarker for dossiers). */
  petitionStatsMarker: (code: string, kind: string) => ({ pk: `PETITION#${code}`, sk: `STATS#${kind}` }),
  /** Whether a petition is counted in its agency's "petitions overdue now", and as of which event. */
  petitionStatsOverdue: (code: string) => ({ pk: `PETITION#${code}`, sk: 'STATSOVERDUE' }),
  /**
   * Requests of one abuse-limit class by one subject (`acct:<sub>` or `ip:<hash>`) in one fixed window
   * (its start, epoch seconds); TTL removes it a day after the window.
   */
  rateWindow: (limitClass: string, subject: string, windowStart: number) => ({
    pk: `RATE#${limitClass}#${subject}#${windowStart}`,
    sk: 'RATE',
  }),
  /** A petition (phản ánh, kiến nghị); its timeline, deadline and deliveries sit in its partition. */
  petition: (code: string) => ({ pk: `PETITION#${code}`, sk: 'PETITION' }),
  petitionPartition: (code: string) => `PETITION#${code}`,
  /** A petition's timeline event (`kind: 'petitionEvent'`), written with the state change it records. */
  petitionEvent: (code: string, seq: number) => ({ pk: `PETITION#${code}`, sk: `EVENT#${pad(seq, 5)}` }),
  /** The petition's one open deadline (referral or answer), kept in the same transaction as its state. */
  petitionDeadline: (code: string) => ({ pk: `PETITION#${code}`, sk: 'DEADLINE' }),
  /** gsi2, sparse: open petition deadlines by time, sharded; the escalation run reads those already past. */
  petitionDeadlineIndex: (shard: number, deadline: string, code: string) => ({
    gsi2pk: `PETITIONDUE#${shard}`,
    gsi2sk: `${deadline}#${code}`,
  }),
  /** A published answer's public view (no personal data), beside its petition. */
  petitionPublished: (code: string) => ({ pk: `PETITION#${code}`, sk: 'PUBLISHED' }),
  /** gsi1: every published answer, newest first (append-only: an answer once published stays). */
  publishedPetitionIndex: (publishedAt: string, code: string) => ({
    gsi1pk: 'PETITIONS#PUBLISHED',
    gsi1sk: `${publishedAt}#${code}`,
  }),
  petitionIndexPrefix: 'PETITION#',
  /** A petition webhook already delivered to an agency (redelivered queue messages are skipped). */
  petitionDelivered: (code: string, webhookId: string) => ({
    pk: `PETITION#${code}`,
    sk: `DELIVERED#${webhookId}`,
  }),
  petitionDeliveryAttempt: (code: string, attemptId: string) => ({
    pk: `PETITION#${code}`,
    sk: `DELIVERY#${attemptId}`,
  }),
  /**
   * An electronic result as a signed document (functions/documents/result-documents.ts), by its id; on gsi1 under
   * its owner (`ownerIndex(sub, 'RESULTDOC', issuedAt)`) for the owner's document store.
   */
  resultDocument: (documentId: string) => ({ pk: `RESULTDOC#${documentId}`, sk: 'RESULTDOC' }),
  resultDocumentIndexPrefix: 'RESULTDOC#',
  /** A time-limited share of one of a person's documents, by the SHA-256 of its token (never the token). */
  documentShare: (tokenHash: string) => ({ pk: `SHARE#${tokenHash}`, sk: 'SHARE' }),
  /** One read of a shared document, beside its share: put only if absent. */
  shareRead: (tokenHash: string, at: string, requestId: string) => ({
    pk: `SHARE#${tokenHash}`,
    sk: `ACCESS#${at}#${requestId}`,
  }),
  /**
   * gsi1, on every read of a person's data by someone else (a dossier or one of its files read by anyone
   * but its owner, a shared link opened): the person's own access log across all their dossiers and
   * documents, newest first.
   */
  ownerAccessIndex: (sub: string, at: string, requestId: string) => ({
    gsi1pk: `OWNER#${sub}`,
    gsi1sk: `ACCESS#${at}#${requestId}`,
  }),
  ownerAccessIndexPrefix: 'ACCESS#',
  /** A support ticket (hỗ trợ trực tuyến); its timeline and deliveries sit in its partition. */
  supportTicket: (code: string) => ({ pk: `SUPPORT#${code}`, sk: 'TICKET' }),
  supportPartition: (code: string) => `SUPPORT#${code}`,
  /** A ticket's timeline event (`kind: 'supportEvent'`), written with the state change it records. */
  supportEvent: (code: string, seq: number) => ({ pk: `SUPPORT#${code}`, sk: `EVENT#${pad(seq, 5)}` }),
  supportIndexPrefix: 'SUPPORT#',
  /**
   * gsi2: the support desk's queue of one province (`national` for tickets naming none), oldest first.
   * Tickets about a dossier are the handling agency's alone and are never in it.
   */
  supportQueueIndex: (province: string, createdAt: string, code: string) => ({
    gsi2pk: `SUPPORTQ#${province}`,
    gsi2sk: `${createdAt}#${code}`,
  }),
  /**
   * gsi3: every ticket by when it was asked: the national desk's queue and the monthly figures. Tickets
   * are a few thousand a day, far below what one partition takes.
   */
  supportAllIndex: (createdAt: string, code: string) => ({
    gsi3pk: 'SUPPORTALL',
    gsi3sk: `${createdAt}#${code}`,
  }),
  /**
   * An answered ticket's quiet timer, kept by each state change beside the ticket: on gsi2 by when the
   * ticket closes itself if its asker says nothing (the support watcher's work list), oldest first.
   */
  supportQuietTimer: (code: string) => ({ pk: `SUPPORT#${code}`, sk: 'QUIET' }),
  supportQuietIndex: (closesAt: string, code: string) => ({
    gsi2pk: 'SUPPORTQUIET',
    gsi2sk: `${closesAt}#${code}`,
  }),
  supportDelivered: (code: string, webhookId: string) => ({
    pk: `SUPPORT#${code}`,
    sk: `DELIVERED#${webhookId}`,
  }),
  supportDeliveryAttempt: (code: string, attemptId: string) => ({
    pk: `SUPPORT#${code}`,
    sk: `DELIVERY#${attemptId}`,
  }),
  /**
   * A personal-data request (functions/rights/); on gsi1 under its owner (`ownerIndex(sub, 'DATAREQ',
   * receivedAt)`), on gsi2 under the month it was received (the report) and, while open, on gsi3 by the
   * deadline in force (the operators' queue and the SLA watcher).
   */
  dataRequest: (id: string) => ({ pk: `DATAREQ#${id}`, sk: 'DATAREQ' }),
  dataRequestIndexPrefix: 'DATAREQ#',
  /** gsi2: every request received in one Vietnam calendar month (`YYYY-MM`), oldest first. */
  dataRequestMonthIndex: (month: string, receivedAt: string, id: string) => ({
    gsi2pk: `DATAREQMONTH#${month}`,
    gsi2sk: `${receivedAt}#${id}`,
  }),
  /**
   * gsi3, sparse: open requests by the deadline in force (acknowledgement, then the legal period), oldest
   * first. Requests are a few a day nationally, far below what one partition takes.
   */
  dataRequestQueueIndex: (deadline: string, id: string) => ({
    gsi3pk: 'DATAREQ#OPEN',
    gsi3sk: `${deadline}#${id}`,
  }),
  /** A FAQ entry added at run time (from a support answer), merged with the catalog's published FAQ. */
  faqEntry: (id: string) => ({ pk: `FAQ#${id}`, sk: 'FAQ' }),
  /** gsi1: every FAQ entry added at run time, oldest first (one small partition). */
  faqIndex: (createdAt: string, id: string) => ({ gsi1pk: 'FAQ#RUNTIME', gsi1sk: `${createdAt}#${id}` }),
} as const;

/** Seconds since the epoch, the unit DynamoDB TTL reads. */
export const ttlAfterDays = (days: number, from = Date.now()) => Math.floor(from / 1000) + days * 86_400;
