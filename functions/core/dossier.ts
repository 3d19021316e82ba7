/** The dossier record as stored, and the views the API shows of it. */
import type { z } from 'zod';
import type { DossierStatus, dossierView, publicDossierView } from '../../schemas/dossier.js';
import type { orderPaymentStatus } from '../../schemas/payment.js';
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
}

/** The payment state an order (dossier or bill) holds: its amount and its current attempt. */
export interface OrderPayment {
  amount: number;
  currency: 'VND';
  status: z.infer<typeof orderPaymentStatus>;
  /** The current attempt; a retry after failure or expiry replaces it. */
  paymentId?: string;
}

/** Overdue is computed at read time from the due date, never stored (a stored flag goes stale). */
export function isOverdue(d: Pick<DossierRecord, 'status' | 'dueAt'>, now = new Date()): boolean {
  const done: ReadonlySet<DossierStatus> = new Set([...FINAL_STATES, 'approved', 'result_issued']);
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

export function toPublicView(d: DossierRecord, events: readonly TimelineEvent[], now = new Date()) {
  const view: z.infer<typeof publicDossierView> = {
    code: d.code,
    submissionId: d.submissionId,
    procedureCode: d.procedureCode,
    procedureName: d.procedureName,
    agencyId: d.agencyId,
    agencyName: d.agencyName,
    status: d.status,
    submittedAt: d.submittedAt,
    dueAt: d.dueAt,
    overdue: isOverdue(d, now),
    timeline: publicTimeline(events),
  };
  return view;
}

export function toOwnerView(d: DossierRecord, events: readonly TimelineEvent[], now = new Date()) {
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
    attachments: d.attachments.map(({ key: _key, ...a }) => a),
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

/** A submission's dossiers side by side, with how many are in each state. */
export function toSubmissionView(
  submission: { submissionId: string; createdAt: string },
  dossiers: readonly DossierRecord[],
  now = new Date(),
) {
  const byStatus: Record<string, number> = {};
  for (const d of dossiers) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
  return {
    submissionId: submission.submissionId,
    procedureCode: dossiers[0]?.procedureCode ?? '',
    submittedAt: submission.createdAt,
    dossiers: dossiers.map((d) => ({
      code: d.code,
      agencyId: d.agencyId,
      agencyName: d.agencyName,
      status: d.status,
      dueAt: d.dueAt,
      overdue: isOverdue(d, now),
    })),
    byStatus,
  };
}
