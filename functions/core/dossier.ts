/** The dossier record as stored, and the views the API shows of it. */
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import type { DossierStatus } from '../../schemas/dossier.js';
import type { dossierView, publicDossierView, supplementRequestView } from '../../schemas/dossier-views.js';
import type { orderPaymentStatus } from '../../schemas/payment.js';
import { findAgency } from '../registry/agencies.js';
import { FINAL_STATES } from './dossier-state.js';
import type { TimelineEvent } from './timeline.js';

export interface StoredAttachment {
  documentType: string;
  uploadId: string;
  fileName: string;
  contentType: string;
  size: number;
  /** Where the accepted scan lives, under the dossier's own prefix. */
  key: string;
  /**
   * SHA-256 of the stored scan, 64 lowercase hex digits, taken when intake copied it. Absent only on
   * scans accepted before digests were kept: the agency's first download computes and keeps it.
   */
  sha256?: string;
  /** Sent in answer to a request to supplement: when, and the timeline event that recorded it. */
  supplement?: { seq: number; at: string };
  /** A scan reused from one of the owner's earlier dossiers, copied from there (never re-uploaded). */
  reusedFrom?: { dossierCode: string; uploadId: string };
}

/** A dossier's place in an interlinked bundle, whose dossiers are handed over one after another. */
export interface BundleLink {
  /** The bundle procedure the citizen submitted. */
  procedureCode: string;
  /** 1-based position in the hand-off order, of `steps`. */
  step: number;
  steps: number;
  previous?: string;
  next?: string;
  /** When the dossier went to its agency; absent while it waits for the previous one's result. */
  handedOffAt?: string;
}

/** The agency's result: an electronic document kept by the portal, or one to collect or receive by post. */
export type DossierResult =
  | {
      kind: 'electronic';
      issuedAt: string;
      fileName: string;
      contentType: string;
      size: number;
      sha256: string;
      key: string;
      /** The signed electronic document (functions/documents/result-documents.ts); absent on older results. */
      documentId?: string;
      documentType?: string;
    }
  | {
      kind: 'pickup';
      issuedAt: string;
      method: 'post' | 'at_desk';
      note: string;
      trackingNumber?: string;
    };

/** What the next agency of a bundle learns of the previous dossier's result. */
export interface ResultReference {
  dossierCode: string;
  procedureCode: string;
  agencyId: string;
  issuedAt: string;
  kind: DossierResult['kind'];
  fileName?: string;
  sha256?: string;
}

/** A one-stop desk officer filed the dossier on the citizen's behalf (the citizen owns it). */
export interface FiledBy {
  sub: string;
  role: 'desk_officer';
  /** The one-stop office (bộ phận một cửa) the officer works at. */
  agencyId: string;
}

/** A citizen ID or phone number of the form, sealed for its dossier and field, with its mask. */
export interface SealedFormField {
  kind: 'citizenId' | 'phone';
  sealed: string;
  masked: string;
}

export interface DossierRecord {
  code: string;
  submissionId: string;
  procedureCode: string;
  procedureVersion: number;
  procedureName: string;
  agencyId: string;
  agencyName: string;
  ownerSub: string;
  status: DossierStatus;
  /** Optimistic lock: every state change is conditional on the version it read. */
  version: number;
  /** Sequence number and hash of the newest timeline event (the chain's head). */
  lastSeq: number;
  lastHash: string;
  submittedAt: string;
  updatedAt: string;
  dueAt: string;
  form: Record<string, unknown>;
  attachments: StoredAttachment[];
  /** The fee paid online, when the procedure charges one (fixed at submission). */
  payment?: OrderPayment;
  bundle?: BundleLink;
  result?: DossierResult;
  /** In a bundle: the previous dossier's result, handed over with this one. */
  previousResult?: ResultReference;
  /** Set when a business representative filed it: the enterprise's tax code (from the token). */
  enterpriseTaxCode?: string;
  filedBy?: FiledBy;
  /** Form fields holding citizen IDs and phone numbers, out of `form` (dossiers since sealing). */
  formSealed?: Record<string, SealedFormField>;
  /** Keyed hashes (HMAC) of the sealed citizen IDs, by field, for look-ups without decrypting. */
  formHashes?: Record<string, string>;
  /** Public tracking's key, issued with the receipt (core/tracking-key.ts); absent on older dossiers. */
  trackingKey?: string;
  /** The processing step under way and its deadlines, for the SLA index (functions/steps/clock.ts). */
  stepClock?: { stepId: string; startedAt: string; dueAt: string; remindAt: string };
  /**
   * Fresh scans of document types the owner already held as a valid electronic result when filing
   * (data asked twice; counted in the published statistics). Absent when none.
   */
  documentsAskedTwice?: number;
}

/** The payment state an order (dossier or bill) holds: its amount and its current attempt. */
export interface OrderPayment {
  amount: number;
  currency: 'VND';
  status: z.infer<typeof orderPaymentStatus>;
  /** The current attempt; a retry after failure or expiry replaces it. */
  paymentId?: string;
}

/**
 * Whether the dossier has been handed to its agency's queue. Two things hold one back: a fee paid
 * online before dispatch (the successful payment dispatches it; a refund comes only after that), and
 * in an interlinked bundle the previous dossier's result (the hand-over dispatches it). Until then the
 * agency has not been sent it and may not act on it.
 */
export function isDispatched(d: Pick<DossierRecord, 'payment' | 'bundle'>): boolean {
  const paid = !d.payment || d.payment.status === 'succeeded' || d.payment.status === 'refunded';
  const handedOver = !d.bundle || d.bundle.handedOffAt !== undefined;
  return paid && handedOver;
}

/**
 * Overdue is computed at read time from the due date, never stored (a stored flag goes stale). While
 * the agency waits for the citizen to supplement, its clock is stopped (the due date moves on answer).
 */
export function isOverdue(d: Pick<DossierRecord, 'status' | 'dueAt'>, now = new Date()): boolean {
  const done: ReadonlySet<DossierStatus> = new Set([
    ...FINAL_STATES,
    'approved',
    'result_issued',
    'supplement_requested',
  ]);
  return !done.has(d.status) && Date.parse(d.dueAt) < now.getTime();
}

const publicTimeline = (events: readonly TimelineEvent[]) =>
  events.map((e) => ({
    at: e.at,
    type: e.type,
    status: e.status,
    actor: e.actor,
    ...(e.dueAt ? { dueAt: e.dueAt } : {}),
  }));

/** The fields every list of dossiers shows, and the attributes a list query projects for them. */
export const SUMMARY_FIELDS = [
  'code',
  'procedureCode',
  'procedureName',
  'agencyId',
  'agencyName',
  'status',
  'submittedAt',
  'dueAt',
] as const;

export function dossierSummary(d: DossierRecord, now: Date) {
  return {
    code: d.code,
    procedureCode: d.procedureCode,
    procedureName: d.procedureName,
    agencyId: d.agencyId,
    agencyName: d.agencyName,
    status: d.status,
    submittedAt: d.submittedAt,
    dueAt: d.dueAt,
    overdue: isOverdue(d, now),
  };
}

export function toPublicView(d: DossierRecord, events: readonly TimelineEvent[], now = new Date()) {
  const view: z.infer<typeof publicDossierView> = {
    ...dossierSummary(d, now),
    submissionId: d.submissionId,
    timeline: publicTimeline(events),
  };
  return view;
}

/** Who filed a dossier, as the citizen and agencies see it: the office, never the officer's account. */
export function filedByView(f: FiledBy) {
  return {
    role: f.role,
    agencyId: f.agencyId,
    agencyName: findAgency(f.agencyId)?.name ?? f.agencyId,
  };
}

/** The newest request to supplement, while the dossier still waits for it. */
export function supplementRequestOf(
  d: Pick<DossierRecord, 'status'>,
  events: readonly TimelineEvent[],
): z.infer<typeof supplementRequestView> | undefined {
  if (d.status !== 'supplement_requested') return undefined;
  const e = events.findLast((x) => x.type === 'dossier.supplement_requested');
  if (!e) return undefined;
  const missing = e.details?.missingDocuments;
  const until = e.dueAt ?? e.details?.supplementDueAt;
  return {
    requestedAt: e.at,
    missingDocuments: Array.isArray(missing) ? missing.filter((m): m is string => typeof m === 'string') : [],
    ...(e.note ? { note: e.note } : {}),
    ...(typeof until === 'string' ? { dueAt: until } : {}),
  };
}

/**
 * How agencies name a dossier's file: derived from the dossier code and the scan's upload id, so it is
 * stable and unique within the dossier, while the citizen's upload ids stay internal to the citizen's side.
 */
export const attachmentIdOf = (code: string, uploadId: string) =>
  createHash('sha256').update(`cong-attachment:${code}:${uploadId}`).digest('hex').slice(0, 32);

export function toOwnerView(d: DossierRecord, events: readonly TimelineEvent[], now = new Date()) {
  const supplementRequest = supplementRequestOf(d, events);
  const view: z.infer<typeof dossierView> = {
    ...toPublicView(d, events, now),
    timeline: events.map((e) => ({
      at: e.at,
      type: e.type,
      status: e.status,
      actor: e.actor,
      ...(e.note ? { note: e.note } : {}),
      ...(e.dueAt ? { dueAt: e.dueAt } : {}),
    })),
    form: d.form,
    // Each file with the id the agency's fetch route names it by (officers see this view too).
    attachments: d.attachments.map(({ key: _key, supplement: _supplement, reusedFrom: _r, ...a }) => ({
      ...a,
      attachmentId: attachmentIdOf(d.code, a.uploadId),
    })),
    ...(d.enterpriseTaxCode ? { enterpriseTaxCode: d.enterpriseTaxCode } : {}),
    ...(d.filedBy ? { filedBy: filedByView(d.filedBy) } : {}),
    ...(d.trackingKey ? { trackingKey: d.trackingKey } : {}),
    ...(supplementRequest ? { supplementRequest } : {}),
    ...(d.payment
      ? {
          payment: {
            ...(d.payment.paymentId ? { paymentId: d.payment.paymentId } : {}),
            status: d.payment.status,
            amount: d.payment.amount,
          },
        }
      : {}),
  };
  return view;
}

/**
 * A submission's dossiers side by side, with how many are in each state. For an interlinked bundle,
 * also which step holds the dossier now: the first one handed over that has not issued its result.
 */
export function toSubmissionView(
  submission: { submissionId: string; createdAt: string },
  dossiers: readonly DossierRecord[],
  now = new Date(),
) {
  const byStatus: Record<string, number> = {};
  for (const d of dossiers) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
  const first = dossiers[0];
  const handedOver = (d: DossierRecord) => Boolean(d.bundle?.handedOffAt);
  const resulted: ReadonlySet<DossierStatus> = new Set(['result_issued', 'completed']);
  const active = first?.bundle
    ? dossiers.find((d) => handedOver(d) && !resulted.has(d.status) && !FINAL_STATES.has(d.status))
    : undefined;
  return {
    submissionId: submission.submissionId,
    procedureCode: first?.bundle?.procedureCode ?? first?.procedureCode ?? '',
    submittedAt: submission.createdAt,
    dossiers: dossiers.map((d) => ({
      code: d.code,
      agencyId: d.agencyId,
      agencyName: d.agencyName,
      procedureCode: d.procedureCode,
      procedureName: d.procedureName,
      status: d.status,
      dueAt: d.dueAt,
      overdue: isOverdue(d, now),
      ...(d.bundle ? { step: d.bundle.step, handedOver: handedOver(d) } : {}),
    })),
    byStatus,
    ...(first?.bundle
      ? {
          bundle: {
            steps: first.bundle.steps,
            activeStep: active?.bundle?.step ?? null,
            activeDossier: active?.code ?? null,
          },
        }
      : {}),
  };
}
