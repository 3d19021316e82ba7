/**
 * Handing a support ticket to an agency: the same queues, signing, retries and pause switch as dossiers
 * and petitions (functions/dispatch). The payload is the question, never the asker's identity. A message
 * for an agency the ticket has since left is dropped.
 */
import type * as z from 'zod';
import type { supportDelivery } from '../../schemas/support.js';
import type { SupportMessage } from '../dossiers/messages.js';
import type { TicketRecord } from '../support/model.js';
import { deliverSigned, gateFor, type WebhookPorts } from './deliver.js';

export interface SupportDeliveryPorts extends WebhookPorts {
  loadTicket(code: string): Promise<TicketRecord | undefined>;
}

export function supportPayload(t: TicketRecord): z.infer<typeof supportDelivery> {
  return {
    type: 'support.handed',
    ticketCode: t.code,
    agencyId: t.agencyId!,
    subject: t.subject,
    question: t.question,
    ...(t.procedureCode ? { procedureCode: t.procedureCode } : {}),
    ...(t.dossierCode ? { dossierCode: t.dossierCode } : {}),
    ...(t.provinceCode ? { provinceCode: t.provinceCode } : {}),
    handedAt: t.updatedAt,
    resolutionDueAt: t.resolutionDueAt,
  };
}

export async function deliverSupport(
  ports: SupportDeliveryPorts,
  message: SupportMessage,
  attempt: number,
): Promise<'delivered' | 'already-delivered' | 'ticket-moved'> {
  if (await ports.isDelivered(message.ticketCode, message.webhookId)) return 'already-delivered';
  const target = {
    code: message.ticketCode,
    agencyId: message.agencyId,
    webhookId: message.webhookId,
    eventType: 'support.handed',
  };
  const gate = await gateFor(ports, target, attempt);
  const t = await ports.loadTicket(message.ticketCode);
  if (!t || t.agencyId !== message.agencyId || t.status !== 'with_agency') return 'ticket-moved';
  return deliverSigned(ports, { ...target, body: JSON.stringify(supportPayload(t)) }, attempt, gate);
}
