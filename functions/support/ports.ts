/**
 * What the support desk's domain needs from storage and what it writes: the ports, one ticket change as
 * committed, and the scans an asker may attach. Apart from the ticket logic so stores and fakes import
 * only these.
 */

import type * as z from 'zod';
import type { createTicketRequest, SupportEventResult, ticketCreated } from '../../schemas/support.js';
import type { Procedure } from '../catalog/procedures.js';
import type { CodeAllocator } from '../core/dossier-codes.js';
import type { AttachmentPorts } from '../documents/attachments.js';
import type { Outbox } from '../dossiers/messages.js';
import type { TicketEvent, TicketRecord } from './model.js';

export type CreateTicketInput = z.output<typeof createTicketRequest>;
export type TicketCreated = z.infer<typeof ticketCreated>;

/** One state change of one ticket, committed atomically. */
export interface TicketWrite {
  ticket: TicketRecord;
  /** The version read; absent when the ticket is created. */
  expectedVersion?: number;
  events: TicketEvent[];
  outbox?: Outbox;
  idempotency?: { ownerSub: string; key: string; requestHash: string; response: TicketCreated };
  uploadClaims?: { uploadId: string; ticketCode: string }[];
  agencyRecord?: { agencyId: string; result: SupportEventResult };
  faq?: { id: string; procedureCode: string | null; question: string; answer: string; keywords: string[] };
  /** The quiet timer: set (to `ticket.closesAt`) on an answer, cleared when the ticket leaves `answered`. */
  quiet?: 'set' | 'clear';
}

export type TicketCommitOutcome =
  | 'committed'
  | 'version-conflict'
  | 'idempotency-key-taken'
  | 'upload-taken'
  | 'already-recorded'
  | 'faq-taken';

export interface TicketPorts {
  now(): Date;
  loadTicket(code: string): Promise<TicketRecord | undefined>;
  commit(w: TicketWrite): Promise<TicketCommitOutcome>;
}

export interface CreateTicketPorts extends TicketPorts, AttachmentPorts {
  codes: CodeAllocator;
  findIdempotent(
    ownerSub: string,
    key: string,
  ): Promise<{ requestHash: string; response: TicketCreated } | undefined>;
  /** The dossier's owner, enterprise and agency (its ownership fields), or undefined. */
  dossierOwnership(
    code: string,
  ): Promise<{ ownerSub: string; enterpriseTaxCode?: string; agencyId?: string } | undefined>;
  copyObject(from: string, to: string): Promise<void>;
  deleteObjects(keys: string[]): Promise<void>;
  /** The caller's mobile sealed for this ticket (never stored in clear). */
  sealCallerPhone(code: string, phone: string): Promise<string>;
}

/** The additional data a caller's sealed mobile is bound to. */
export const callerPhoneContext = (code: string) => `support:${code}:callerPhone`;

/** The support watcher's: answered tickets whose quiet period lapsed before an instant. */
export interface QuietTicketPorts extends TicketPorts {
  listQuiet(before: string): Promise<string[]>;
}

export interface SupportEventPorts extends TicketPorts {
  findRecorded(agencyId: string, eventId: string): Promise<SupportEventResult | undefined>;
}

/** Scans an asker may attach: images or PDF, up to three, each at most 10 MB. */
export const SUPPORT_DOCUMENTS: Procedure['documents'] = [
  {
    type: 'evidence',
    name: 'Tài liệu kèm theo câu hỏi',
    nameEn: 'Supporting document',
    required: false,
    maxBytes: 10 * 1024 * 1024,
    mimeTypes: ['application/pdf', 'image/jpeg', 'image/png'],
    copies: 3,
  },
];
