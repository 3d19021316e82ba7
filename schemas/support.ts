import * as z from 'zod';
import { dossierCode, isoDateTime, listQuery, nfcText, procedureCode, ulid, vnMobile } from './common.js';
import { ticketCode } from './support-agency.js';
import { ticketStatus } from './ticket-status.js';

export {
  type SupportAgencyEvent,
  type SupportEventResult,
  supportAgencyEvent,
  supportDelivery,
  supportEventResult,
  ticketCode,
} from './support-agency.js';

export { ticketStatus };

const provinceCode = z.string().regex(/^\d{2}$/, 'a province code such as 01');

/**
 * A question from a citizen or business: about a procedure (the support desk answers), or about one of
 * their dossiers (only they and the agency handling it see it; it goes straight to that agency).
 */
export const askRequest = z
  .object({
    subject: nfcText(300),
    question: nfcText(5000),
    procedureCode: procedureCode.optional(),
    dossierCode: dossierCode.optional(),
    /** Which province's support desk should answer (otherwise the national desk). */
    provinceCode: provinceCode.optional(),
    /** Scans uploaded with POST /v1/uploads (images or PDF), at most three. */
    attachments: z
      .array(z.object({ uploadId: ulid }).strict())
      .max(3)
      .default([]),
  })
  .strict()
  .meta({ id: 'SupportAskRequest' });

/**
 * A call-centre agent logs a phone call as a ticket on the caller's behalf: the caller's mobile (for the
 * SMS answer) and optional name, never their citizen ID.
 */
export const phoneTicketRequest = z
  .object({
    subject: nfcText(300),
    question: nfcText(5000),
    procedureCode: procedureCode.optional(),
    provinceCode: provinceCode.optional(),
    caller: z.object({ phone: vnMobile, name: nfcText(200).optional() }).strict(),
  })
  .strict()
  .meta({ id: 'SupportPhoneTicketRequest' });

export const createTicketRequest = z.union([askRequest, phoneTicketRequest]);

export const ticketCreated = z
  .object({
    code: ticketCode,
    status: ticketStatus,
    channel: z.enum(['web', 'phone']),
    firstAnswerDueAt: isoDateTime,
    resolutionDueAt: isoDateTime,
    agencyId: z.string().optional(),
  })
  .meta({ id: 'SupportTicketCreated' });

export const ticketParams = z.object({ code: ticketCode });

const message = z.object({
  seq: z.number().int(),
  type: z.string(),
  status: ticketStatus,
  at: isoDateTime,
  by: z.enum(['citizen', 'support', 'agency', 'system']),
  text: z.string().optional(),
  agencyId: z.string().optional(),
});

export const ticketSummary = z.object({
  code: ticketCode,
  subject: z.string(),
  status: ticketStatus,
  channel: z.enum(['web', 'phone']),
  procedureCode: z.string().optional(),
  dossierCode: z.string().optional(),
  provinceCode: z.string().optional(),
  agencyId: z.string().optional(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  firstAnswerDueAt: isoDateTime,
  resolutionDueAt: isoDateTime,
  firstAnsweredAt: isoDateTime.optional(),
  closedAt: isoDateTime.optional(),
  /**
   * While answered: when the ticket closes itself if the asker neither replies, reopens nor closes it
   * (CONG_SUPPORT_DEADLINES' quietWorkingDays, 5 working days by default); it can be rated once closed.
   */
  closesAt: isoDateTime.optional(),
  /** Past the deadline in force: the first answer while none came, else the resolution. */
  overdue: z.boolean(),
  reopens: z.number().int(),
});

export const ticketView = ticketSummary
  .extend({
    question: z.string(),
    attachments: z.array(z.object({ fileName: z.string(), contentType: z.string(), size: z.number() })),
    rating: z
      .object({
        score: z.number().int(),
        comment: z.string().optional(),
        at: isoDateTime,
        /** A phone caller's score, given on the phone and recorded by this call-centre agent. */
        recordedBy: z.object({ sub: z.string(), role: z.literal('support_agent') }).optional(),
      })
      .optional(),
    faqId: z.string().optional(),
    messages: z.array(message),
  })
  .meta({ id: 'SupportTicket' });

export const ticketList = z.object({ items: z.array(ticketSummary), nextCursor: z.string().nullable() });
export const myTicketsQuery = listQuery.extend({}).strict();

export const queueQuery = listQuery
  .extend({
    status: ticketStatus.optional(),
    province: provinceCode.optional(),
    overdue: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** What the support desk does with a ticket. */
export const supportAction = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('answer'), text: nfcText(10_000) }).strict(),
    z.object({ action: z.literal('ask_more'), text: nfcText(5000) }).strict(),
    z
      .object({
        action: z.literal('hand_to_agency'),
        /** Without it: the agency competent for the ticket's procedure (in its province). */
        agencyId: z
          .string()
          .regex(/^[a-z0-9-]{2,40}$/)
          .optional(),
        note: nfcText(2000).optional(),
      })
      .strict(),
    z.object({ action: z.literal('close'), note: nfcText(2000).optional() }).strict(),
  ])
  .meta({ id: 'SupportAction' });

/** What the asker does: reply to a request for more, reopen an answer once, or close it. */
export const askerAction = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('reply'), text: nfcText(5000) }).strict(),
    z.object({ action: z.literal('reopen'), text: nfcText(5000) }).strict(),
    /** The answer settled it (an agency's answer to a dossier question has no desk to close it). */
    z.object({ action: z.literal('close') }).strict(),
  ])
  .meta({ id: 'SupportAskerAction' });

export const ticketRatingRequest = z
  .object({ score: z.number().int().min(1).max(5), comment: nfcText(1000).optional() })
  .strict()
  .meta({ id: 'SupportRatingRequest' });

export const ticketStatusView = z.object({ code: ticketCode, status: ticketStatus, updatedAt: isoDateTime });

/** The answer kept as a FAQ entry: the agent may edit the wording; personal data is stripped either way. */
export const faqFromTicketRequest = z
  .object({
    question: z.string().trim().min(5).max(500).optional(),
    answer: z.string().trim().min(5).max(5000).optional(),
    keywords: z.array(z.string().trim().min(1).max(80)).max(20).optional(),
  })
  .strict()
  .meta({ id: 'SupportFaqRequest' });

export const supportStatsQuery = z
  .object({
    month: z
      .string()
      .regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'a month such as 2026-12 (years 2000–2099)')
      .optional(),
    /** One province's desk (tickets that named the province); without it, every ticket. */
    province: provinceCode.optional(),
  })
  .strict();

export const supportStats = z
  .object({
    month: z.string(),
    province: z.string().optional(),
    tickets: z.number().int(),
    byChannel: z.object({ web: z.number().int(), phone: z.number().int() }),
    answered: z.number().int(),
    firstAnswerOnTime: z.number().int(),
    /** Share of answered tickets whose first answer met its deadline (null: none answered). */
    firstAnswerOnTimeRate: z.number().nullable(),
    closed: z.number().int(),
    /** Hours from question to closing, over the tickets closed (null: none). */
    averageResolutionHours: z.number().nullable(),
    medianResolutionHours: z.number().nullable(),
    ratings: z.number().int(),
    averageRating: z.number().nullable(),
    /** Share of ratings of 4 or 5. */
    satisfaction: z.number().nullable(),
  })
  .meta({ id: 'SupportStats' });
