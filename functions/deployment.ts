/**
 * The deployment map: one Lambda per entry, with exactly the access it needs and its non-HTTP trigger.
 * CDK (lib/api-stack.ts, lib/portal-function.ts) and the local cloud (lib/local/) both build from it.
 */
import { DISPATCH, NOTIFICATIONS, PAYMENTS, PETITIONS, SLA, SUPPORT } from './core/resources.js';
import type { HttpFunction } from './core/route-access.js';

export type Access = 'read' | 'readwrite';

/** One Lambda per entry: its code and exactly the access it needs (least privilege, granted by CDK). */
export interface FunctionSpec {
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Files (from the repository root) the function serves as they are, copied beside its bundle. */
  assets?: readonly string[];
  table?: Access;
  /**
   * `get`: reads (and presigns downloads of) accepted scans under dossiers/, nothing else. `deletePending`:
   * deletes uploads never attached (under the pending prefix), nothing else.
   */
  uploads?: 'read' | 'readwrite' | 'presign' | 'get' | 'deletePending';
  /** Dossier results under results/: agencies' events store them, tracking links to them. */
  results?: 'put' | 'get';
  sendsToAgencyQueues?: boolean;
  /** Receives, deletes and releases messages of the agency channels' DLQs (an agency's own redrive). */
  redrivesAgencyDeadLetters?: boolean;
  readsAgencySecrets?: boolean;
  /** Payment providers' and billers' signing secrets. */
  readsPaymentSecrets?: boolean;
  /** The key that seals citizen ID and phone numbers in profiles (Secrets Manager in AWS). */
  readsProfileKey?: boolean;
  /**
   * The result-signing key (KMS in AWS): `sign` signs records of electronic results (kms:Sign, one
   * function only); `publicKey` publishes the key that verifies them (kms:GetPublicKey).
   */
  resultSigning?: 'sign' | 'publicKey';
  /**
   * Reads the portal's public address (PORTAL_URL): providers send the browser back to it, the OpenAPI
   * document names it, deliveries link files to it.
   */
  linksToPortal?: boolean;
  /** Puts messages on the notifications queue. */
  sendsNotifications?: boolean;
  /** Sends text messages (SNS) and e-mail (SES) to citizens. */
  deliversNotifications?: boolean;
  /**
   * Non-HTTP triggers: the table stream (outbox; timeline events, dossier images, ratings and petition
   * events for notifications and statistics, which share one mapping: at most two readers per shard),
   * the agency queues, the notifications queue, or a schedule.
   */
  trigger?: 'outbox-stream' | 'dossier-stream' | 'agency-queues' | 'notifications-queue' | 'schedule';
  /** With trigger 'schedule': minutes between runs. */
  everyMinutes?: number;
  /**
   * With trigger 'schedule': the events each time starts, one run each and all at once (EventBridge: at
   * most five targets a rule). Without it, one run with `{}`.
   */
  scheduleEvents?: readonly Record<string, unknown>[];
  /**
   * Ships the published catalog's data files beside the handler (search index, information entries'
   * summaries and their full details), read from local disk: published atomically with the code.
   */
  catalogData?: boolean;
}

export const functions: Record<
  | Exclude<HttpFunction, 'dev'>
  | 'outboxRelay'
  | 'dispatcher'
  | 'paymentsReconcile'
  | 'notificationRelay'
  | 'notifier'
  | 'slaWatcher'
  | 'supportWatcher'
  | 'escalation',
  FunctionSpec
> = {
  platform: {
    entry: 'functions/platform/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    // The documentation page's renderer (GET /docs/redoc.standalone.js).
    assets: ['node_modules/redoc/bundles/redoc.standalone.js'],
    linksToPortal: true,
  },
  // Reads the FAQ entries added at run time (from support answers) beside the published FAQ.
  catalog: {
    entry: 'functions/catalog/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 5,
    catalogData: true,
    table: 'read',
  },
  uploads: {
    entry: 'functions/uploads/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    table: 'readwrite',
    uploads: 'presign',
  },
  intake: {
    entry: 'functions/intake/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    table: 'readwrite',
    uploads: 'readwrite',
    // A valid result the citizen holds is copied from results/ instead of a new upload.
    results: 'get',
    readsProfileKey: true,
  },
  tracking: {
    entry: 'functions/tracking/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    // Writes only the abuse-limit counters of public tracking.
    table: 'readwrite',
    results: 'get',
    readsProfileKey: true,
  },
  /** An agency's delivery log and redeliveries: re-sends to its channel's queue, moves its own dead letters. */
  agencyDeliveries: {
    entry: 'functions/agencies/deliveries-handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    table: 'readwrite',
    readsAgencySecrets: true,
    sendsToAgencyQueues: true,
    redrivesAgencyDeadLetters: true,
  },
  agencyEvents: {
    entry: 'functions/agencies/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: 'readwrite',
    readsAgencySecrets: true,
    results: 'put',
    resultSigning: 'sign',
  },
  agencyFiles: {
    entry: 'functions/agencies/files-handler.ts',
    memoryMb: 256,
    // A scan stored before digests were kept is hashed once, streaming up to 20 MB.
    timeoutSeconds: 15,
    // Records each fetch beside the dossier.
    table: 'readwrite',
    readsAgencySecrets: true,
    uploads: 'get',
    // In a bundle, the previous agency's electronic result is one of the next dossier's files.
    results: 'get',
  },
  payments: {
    entry: 'functions/payments/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 15,
    table: 'readwrite',
    readsPaymentSecrets: true,
    linksToPortal: true,
  },
  me: {
    entry: 'functions/me/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 15,
    table: 'readwrite',
    readsProfileKey: true,
    // Download links to the person's own scans and results.
    uploads: 'get',
    results: 'get',
    // Verification links and QR codes of results point at the portal.
    linksToPortal: true,
  },
  /** Public: verification of electronic results, their signing keys, and shared links. */
  results: {
    entry: 'functions/results/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    // Writes only the record of each opening of a shared link (and the abuse-limit counters).
    table: 'readwrite',
    uploads: 'get',
    results: 'get',
    resultSigning: 'publicKey',
  },
  feedback: {
    entry: 'functions/feedback/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    table: 'readwrite',
  },
  stats: { entry: 'functions/stats/handler.ts', memoryMb: 256, timeoutSeconds: 5, table: 'read' },
  paymentsReconcile: {
    entry: 'functions/payments/reconcile.ts',
    memoryMb: 256,
    // A backlog after a peak is worked through while the run lasts (it stops PAYMENTS.reconcileReserveMs
    // before this), inside the quarter hour between runs.
    timeoutSeconds: 300,
    table: 'readwrite',
    readsPaymentSecrets: true,
    trigger: 'schedule',
    everyMinutes: PAYMENTS.reconcileEveryMinutes,
  },
  outboxRelay: {
    entry: 'functions/dispatch/outbox-relay.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    sendsToAgencyQueues: true,
    trigger: 'outbox-stream',
  },
  dispatcher: {
    entry: 'functions/dispatch/dispatcher.ts',
    memoryMb: 256,
    timeoutSeconds: DISPATCH.functionTimeoutSeconds,
    table: 'readwrite',
    readsAgencySecrets: true,
    // Parks messages held by an open circuit breaker again, so a pause does not fill the DLQ.
    sendsToAgencyQueues: true,
    // Tells an agency that the breaker paused or resumed its deliveries.
    sendsNotifications: true,
    readsProfileKey: true,
    linksToPortal: true,
    trigger: 'agency-queues',
  },
  notificationRelay: {
    entry: 'functions/notifications/relay.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    table: 'readwrite',
    sendsNotifications: true,
    readsProfileKey: true,
    trigger: 'dossier-stream',
  },
  notifier: {
    entry: 'functions/notifications/notifier.ts',
    memoryMb: 256,
    timeoutSeconds: NOTIFICATIONS.functionTimeoutSeconds,
    table: 'readwrite',
    deliversNotifications: true,
    // Parks a notice refused for load as a fresh, delayed copy on its own queue.
    sendsNotifications: true,
    trigger: 'notifications-queue',
  },
  slaWatcher: {
    entry: 'functions/sla/watcher.ts',
    // Lambda's CPU comes with memory. A lapsed deadline takes ~4–5 ms of CPU (`npm run bench`), so at
    // 256 MB (a seventh of a vCPU) one run managed ~35 a second; at 1,536 MB a run's busy shards wait
    // mostly on their calls (~110 a second). Idle runs last a fraction of a second: the memory costs little.
    memoryMb: 1536,
    // After a national peak a run may have hundreds of thousands of lapsed deadlines to work through; it
    // stops itself SLA.watchReserveMs before this, well inside the quarter hour between runs.
    timeoutSeconds: 300,
    table: 'readwrite',
    sendsNotifications: true,
    trigger: 'schedule',
    everyMinutes: SLA.everyMinutes,
    scheduleEvents: Array.from({ length: SLA.watchParts }, (_, part) => ({ part })),
  },
  petitions: {
    entry: 'functions/petitions/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    table: 'readwrite',
    uploads: 'readwrite',
  },
  support: {
    entry: 'functions/support/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    table: 'readwrite',
    uploads: 'readwrite',
    // Seals a logged caller's mobile as profiles seal phone numbers.
    readsProfileKey: true,
  },
  /** Answered support tickets whose asker stayed quiet close themselves (the asker hears by the stream). */
  supportWatcher: {
    entry: 'functions/support/watcher.ts',
    memoryMb: 256,
    timeoutSeconds: 120,
    table: 'readwrite',
    trigger: 'schedule',
    everyMinutes: SUPPORT.watchEveryMinutes,
  },
  /**
   * Personal-data requests (Law 91/2025/QH15): a person's requests and the operators' work on them.
   * Completing one corrects or deletes the profile (its key), deletes unused uploads and their files, and
   * tells the person (the notifications queue).
   */
  rights: {
    entry: 'functions/rights/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 15,
    table: 'readwrite',
    uploads: 'deletePending',
    readsProfileKey: true,
    sendsNotifications: true,
  },
  /** Petitions past their referral or answer deadline go to the parent agency. */
  escalation: {
    entry: 'functions/petitions/escalate.ts',
    memoryMb: 256,
    timeoutSeconds: 120,
    table: 'readwrite',
    sendsNotifications: true,
    trigger: 'schedule',
    everyMinutes: PETITIONS.escalateEveryMinutes,
  },
};
