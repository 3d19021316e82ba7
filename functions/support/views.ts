/**
 * How a ticket is shown: its summary in lists and its full view with the conversation. Apart from the
 * ticket logic because reading a ticket changes nothing.
 */

import type * as z from 'zod';
import type { ticketSummary, ticketView } from '../../schemas/support.js';
import { isTicketOverdue } from './clock.js';
import type { TicketEvent, TicketRecord } from './model.js';

export function summaryOf(t: TicketRecord, now: Date): z.infer<typeof ticketSummary> {
  return {
    code: t.code,
    subject: t.subject,
    status: t.status,
    channel: t.channel,
    ...(t.procedureCode ? { procedureCode: t.procedureCode } : {}),
    ...(t.dossierCode ? { dossierCode: t.dossierCode } : {}),
    ...(t.provinceCode ? { provinceCode: t.provinceCode } : {}),
    ...(t.agencyId ? { agencyId: t.agencyId } : {}),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    firstAnswerDueAt: t.firstAnswerDueAt,
    resolutionDueAt: t.resolutionDueAt,
    ...(t.firstAnsweredAt ? { firstAnsweredAt: t.firstAnsweredAt } : {}),
    ...(t.closedAt ? { closedAt: t.closedAt } : {}),
    ...(t.closesAt ? { closesAt: t.closesAt } : {}),
    overdue: isTicketOverdue(t, now),
    reopens: t.reopens,
  };
}

export function viewOf(
  t: TicketRecord,
  events: readonly TicketEvent[],
  now: Date,
): z.infer<typeof ticketView> {
  return {
    ...summaryOf(t, now),
    question: t.question,
    attachments: t.attachments.map(({ fileName, contentType, size }) => ({ fileName, contentType, size })),
    ...(t.rating ? { rating: t.rating } : {}),
    ...(t.faqId ? { faqId: t.faqId } : {}),
    messages: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      status: e.status,
      at: e.at,
      by: e.by,
      ...(e.text ? { text: e.text } : {}),
      ...(e.agencyId ? { agencyId: e.agencyId } : {}),
    })),
  };
}
