/**
 * The support desk's data model (hỗ trợ trực tuyến, tổng đài): a ticket, its timeline events and the
 * delivery message that hands it to an agency. The monthly figures are computed from ticket items, so
 * `createdAt`, `firstAnswerDueAt`, `firstAnsweredAt`, `closedAt` and `rating` are a contract.
 */
import type { StoredAttachment } from '../core/dossier.js';

export const TICKET_STATUSES = ['open', 'answered', 'awaiting_citizen', 'with_agency', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export type TicketEventType =
  | 'support.asked'
  | 'support.answered'
  | 'support.more_requested'
  | 'support.replied'
  | 'support.handed'
  | 'support.returned'
  | 'support.reopened'
  | 'support.closed'
  | 'support.rated'
  | 'support.faq_published';

export type TicketActor = 'citizen' | 'support' | 'agency' | 'system';

export interface TicketEvent {
  seq: number;
  type: TicketEventType;
  status: TicketStatus;
  at: string;
  by: TicketActor;
  /** What was said (answers, requests for more, replies); never written to logs. */
  text?: string;
  /** The agency concerned (handed to, answered by). */
  agencyId?: string;
  /** The support agent or agency event that acted (`<agency>:<event id>` for callbacks). */
  source?: string;
}

export interface TicketRecord {
  code: string;
  /** Ownership fields (contracts): the asker's account, a business's tax code, the agency handling it. */
  ownerSub: string;
  enterpriseTaxCode?: string;
  /** A phone call logged by a call-centre agent on the caller's behalf. */
  filedBy?: { sub: string; role: 'support_agent' };
  agencyId?: string;
  /** The province whose desk answers (none: the national desk). */
  provinceCode?: string;
  /** False for a question about a dossier: only the asker and the agency handling it see it. */
  supportDesk: boolean;
  channel: 'web' | 'phone';
  /**
   * Where an SMS answer goes for a phone call with no account behind it: sealed (AES-256-GCM with the
   * profile data key, bound to the ticket), as profiles keep phone numbers.
   */
  callerPhoneSealed?: string;
  callerName?: string;
  subject: string;
  question: string;
  procedureCode?: string;
  dossierCode?: string;
  attachments: StoredAttachment[];
  status: TicketStatus;
  version: number;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
  firstAnswerDueAt: string;
  resolutionDueAt: string;
  firstAnsweredAt?: string;
  firstAnswerOnTime?: boolean;
  /** The deadline running now, if any (the queue's overdue filter reads it). */
  dueInForce?: string;
  closedAt?: string;
  /**
   * While answered: when the ticket closes itself if the asker says nothing (the support watcher closes
   * it, functions/support/watcher.ts). A timer item beside the ticket is kept with it (store.ts).
   */
  closesAt?: string;
  reopens: number;
  /**
   * The asker's rating; for a phone call, the score the caller gave on the phone, recorded by the
   * call-centre agent named in `recordedBy`.
   */
  rating?: {
    score: number;
    comment?: string;
    at: string;
    recordedBy?: { sub: string; role: 'support_agent' };
  };
  faqId?: string;
}
