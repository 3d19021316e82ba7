/**
 * A support ticket's code and what passes between the portal and the agency a ticket is handed to: its
 * events and the delivery. On their own, so the agency callback and delivery functions build these
 * without the support desk's API of ./support.ts.
 */
import * as z from 'zod';
import { isoDateTime, nfcText } from './common.js';
import { ticketStatus } from './ticket-status.js';

/** `HTTT-YYMMDD-NNNN` (hỗ trợ trực tuyến): one national series per day. */
export const ticketCode = z
  .string()
  .regex(/^HTTT-\d{6}-\d{4,}$/, 'expected a support ticket code such as HTTT-261206-0001');

/** What an agency reports on a support ticket handed to it (Standard Webhooks signed). */
export const supportAgencyEvent = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('support.answered'),
        eventId: z.string().min(8).max(128),
        ticketCode,
        answer: nfcText(10_000),
        occurredAt: isoDateTime.optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('support.returned'),
        eventId: z.string().min(8).max(128),
        ticketCode,
        reason: nfcText(2000),
        occurredAt: isoDateTime.optional(),
      })
      .strict(),
  ])
  .meta({ id: 'SupportAgencyEvent' });
export type SupportAgencyEvent = z.output<typeof supportAgencyEvent>;

export const supportEventResult = z
  .object({
    eventId: z.string(),
    ticketCode,
    applied: z.boolean(),
    status: ticketStatus,
    reason: z.enum(['applied', 'replay']),
  })
  .meta({ id: 'SupportEventResult' });
export type SupportEventResult = z.infer<typeof supportEventResult>;

/** What the dispatcher POSTs to the agency a ticket is handed to: the question, never the asker. */
export const supportDelivery = z
  .object({
    type: z.literal('support.handed'),
    ticketCode,
    agencyId: z.string(),
    subject: z.string(),
    question: z.string(),
    procedureCode: z.string().optional(),
    dossierCode: z.string().optional(),
    provinceCode: z.string().optional(),
    handedAt: isoDateTime,
    resolutionDueAt: isoDateTime,
    note: z.string().optional(),
  })
  .meta({ id: 'SupportDelivery' });
