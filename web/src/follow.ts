/**
 * Following a dossier: the API's shapes (types only, from the schemas the API validates with) and the
 * words a citizen reads for its timeline's events and its payment.
 */
import type { z } from 'zod';
import type { ratingCriteria } from '../../schemas/feedback.js';
import type {
  petitionList,
  petitionView,
  publicPetitionList,
  submitPetitionResponse,
} from '../../schemas/petition.js';
import type { Lang } from './i18n.js';
import type { DossierStep } from './types.js';

// schemas/dossier.ts reads cursors with Node's Buffer, so its dossier shapes are restated here (the
// fields the page reads).
export interface OwnDossier {
  code: string;
  procedureCode: string;
  procedureName: string;
  agencyName: string;
  status: string;
  submittedAt: string;
  dueAt: string;
  overdue: boolean;
  timeline: { at: string; type: string; status: string; note?: string; dueAt?: string }[];
  payment?: { paymentId?: string; status: string; amount: number };
  trackingKey?: string;
  steps?: DossierStep[];
  /** While the dossier waits for the citizen: what the agency asked for. */
  supplementRequest?: { requestedAt: string; missingDocuments: string[]; note?: string; dueAt?: string };
  /** The owner's rating, once given. */
  rating?: {
    overall: number;
    criteria: Record<string, number>;
    comment?: string;
    /** The steps the rating concerns, when the owner named them. */
    steps?: string[];
    ratedAt: string;
  };
}
export interface MyDossierList {
  items: Pick<
    OwnDossier,
    'code' | 'procedureCode' | 'procedureName' | 'agencyName' | 'status' | 'submittedAt' | 'dueAt' | 'overdue'
  >[];
  nextCursor: string | null;
}
export type DossierResult =
  | {
      kind: 'electronic';
      issuedAt: string;
      fileName: string;
      contentType: string;
      size: number;
      url: string;
      expiresAt: string;
    }
  | { kind: 'pickup'; issuedAt: string; method: 'post' | 'at_desk'; note: string; trackingNumber?: string };
export type RatingCriterion = keyof z.output<typeof ratingCriteria>;
export type PetitionList = z.output<typeof petitionList>;
export type PetitionView = z.output<typeof petitionView>;
export type PublicPetitionList = z.output<typeof publicPetitionList>;
export type PetitionCreated = z.output<typeof submitPetitionResponse>;

/** The page of one of my dossiers. */
export const dossierPath = (code: string) => `/ho-so-cua-toi/${encodeURIComponent(code)}`;
export const petitionPath = (code: string) => `/phan-anh-kien-nghi/${encodeURIComponent(code)}`;

/** Statuses in which the citizen may still withdraw (the agency has not decided). */
export const WITHDRAWABLE = new Set([
  'submitted',
  'received',
  'in_progress',
  'supplement_requested',
  'supplemented',
]);
/** Statuses in which the service can be rated (functions/feedback/ratings.ts RATABLE). */
export const RATABLE = new Set(['completed', 'rejected']);
/** Statuses in which a result exists. */
export const HAS_RESULT = new Set(['result_issued', 'completed']);

export const EVENT: Record<Lang, Record<string, string>> = {
  vi: {
    'dossier.submitted': 'Nộp hồ sơ',
    'dossier.handed_over': 'Chuyển hồ sơ đến cơ quan giải quyết',
    'payment.succeeded': 'Đã thanh toán lệ phí',
    'payment.refunded': 'Đã hoàn lệ phí',
    'dossier.received': 'Cơ quan tiếp nhận hồ sơ',
    'dossier.in_progress': 'Đang giải quyết',
    'dossier.step_started': 'Bắt đầu một bước xử lý',
    'dossier.step_completed': 'Hoàn thành một bước xử lý',
    'dossier.extended': 'Gia hạn thời gian giải quyết',
    'dossier.supplement_requested': 'Yêu cầu bổ sung hồ sơ',
    'dossier.supplemented': 'Công dân bổ sung hồ sơ',
    'dossier.approved': 'Hồ sơ được phê duyệt',
    'dossier.rejected': 'Hồ sơ bị từ chối',
    'dossier.result_issued': 'Trả kết quả',
    'dossier.completed': 'Đã nhận kết quả — hoàn thành',
    'dossier.withdrawn': 'Rút hồ sơ',
    'result.revoked': 'Kết quả bị thu hồi',
    'result.replaced': 'Kết quả được thay thế',
  },
  en: {
    'dossier.submitted': 'Filed',
    'dossier.handed_over': 'Handed to the agency',
    'payment.succeeded': 'Fee paid',
    'payment.refunded': 'Fee refunded',
    'dossier.received': 'Taken up by the agency',
    'dossier.in_progress': 'Being processed',
    'dossier.step_started': 'A processing step started',
    'dossier.step_completed': 'A processing step completed',
    'dossier.extended': 'Processing time extended',
    'dossier.supplement_requested': 'Documents requested',
    'dossier.supplemented': 'Documents added',
    'dossier.approved': 'Approved',
    'dossier.rejected': 'Refused',
    'dossier.result_issued': 'Result issued',
    'dossier.completed': 'Result received — completed',
    'dossier.withdrawn': 'Withdrawn',
    'result.revoked': 'Result revoked',
    'result.replaced': 'Result replaced',
  },
};

export const PAYMENT: Record<Lang, Record<string, string>> = {
  vi: {
    unpaid: 'Chưa thanh toán',
    pending: 'Đang chờ thanh toán',
    succeeded: 'Đã thanh toán',
    failed: 'Thanh toán không thành công',
    expired: 'Hết hạn thanh toán',
    refunded: 'Đã hoàn tiền',
  },
  en: {
    unpaid: 'Not paid',
    pending: 'Waiting for payment',
    succeeded: 'Paid',
    failed: 'Payment failed',
    expired: 'Payment expired',
    refunded: 'Refunded',
  },
};

export const PETITION_STATUS: Record<Lang, Record<string, string>> = {
  vi: {
    received: 'Đã tiếp nhận',
    assigned: 'Đang xử lý',
    answered: 'Đã trả lời',
    published: 'Đã công khai trả lời',
    rejected: 'Không thụ lý',
    escalated: 'Chuyển cấp trên',
  },
  en: {
    received: 'Received',
    assigned: 'Being handled',
    answered: 'Answered',
    published: 'Answer published',
    rejected: 'Not taken up',
    escalated: 'Escalated',
  },
};

export const PETITION_EVENT: Record<Lang, Record<string, string>> = {
  vi: {
    'petition.created': 'Gửi phản ánh, kiến nghị',
    'petition.received': 'Tiếp nhận phản ánh, kiến nghị',
    'petition.assigned': 'Giao xử lý',
    'petition.answered': 'Cơ quan trả lời',
    'petition.published': 'Công khai trả lời',
    'petition.rejected': 'Không thụ lý',
    'petition.reassigned': 'Chuyển cơ quan khác',
    'petition.escalated': 'Quá hạn, chuyển cấp trên',
  },
  en: {
    'petition.created': 'Sent',
    'petition.received': 'Received',
    'petition.assigned': 'Assigned',
    'petition.answered': 'Answered',
    'petition.published': 'Answer published',
    'petition.rejected': 'Not taken up',
    'petition.reassigned': 'Moved to another agency',
    'petition.escalated': 'Overdue, escalated',
  },
};

/** The past N days, as an ISO instant, for the list's period filter. */
export const sinceDays = (days: number, now = Date.now()) => new Date(now - days * 86_400_000).toISOString();

/**
 * One page of my dossiers (newest first) cut to those filed since `since`: once a dossier is older than
 * the period every later one is too, so there is no next page to ask for.
 */
export function cutAtPeriod<T extends { submittedAt: string }>(
  page: { items: T[]; nextCursor: string | null },
  since: string | undefined,
): { items: T[]; next: string | null } {
  if (!since) return { items: page.items, next: page.nextCursor };
  const from = Date.parse(since);
  const items = page.items.filter((d) => Date.parse(d.submittedAt) >= from);
  return { items, next: items.length < page.items.length ? null : page.nextCursor };
}
