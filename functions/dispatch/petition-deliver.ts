/**
 * Delivering a petition to the agency it is routed to, through the same queues, signing, retries and
 * pause switch as dossiers (functions/dispatch). The payload is the petition and its deadlines, never
 * the petitioner's identity. A message for an agency the petition has since left is dropped.
 */
import type { PetitionDelivery } from '../../schemas/petition.js';
import type { PetitionDispatchMessage, PetitionRecord } from '../petitions/model.js';
import { deliverSigned, gateFor, type WebhookPorts } from './deliver.js';

export interface PetitionDeliveryPorts extends WebhookPorts {
  loadPetition(code: string): Promise<PetitionRecord | undefined>;
}

export function petitionPayload(p: PetitionRecord, m: PetitionDispatchMessage): PetitionDelivery {
  return {
    type: 'petition.created',
    petitionCode: p.code,
    agencyId: p.agencyId,
    subject: p.subject,
    content: p.content,
    ...(p.procedureCode ? { procedureCode: p.procedureCode } : {}),
    ...(p.provinceCode ? { provinceCode: p.provinceCode } : {}),
    submittedAt: p.submittedAt,
    receivedAt: p.routedAt,
    referralDueAt: p.referralDueAt,
    answerDueAt: p.answerDueAt,
    routing: m.routing ?? 'submitted',
    ...(m.fromAgencyId ? { fromAgencyId: m.fromAgencyId } : {}),
    attachments: p.attachments.map(({ fileName, contentType, size }) => ({ fileName, contentType, size })),
  };
}

export async function deliverPetition(
  ports: PetitionDeliveryPorts,
  message: PetitionDispatchMessage,
  attempt: number,
): Promise<'delivered' | 'already-delivered' | 'petition-moved'> {
  if (await ports.isDelivered(message.petitionCode, message.webhookId)) return 'already-delivered';
  const gate = await gateFor(
    ports,
    {
      code: message.petitionCode,
      agencyId: message.agencyId,
      webhookId: message.webhookId,
      eventType: 'petition.created',
    },
    attempt,
  );
  const p = await ports.loadPetition(message.petitionCode);
  if (!p || p.agencyId !== message.agencyId) return 'petition-moved';
  return deliverSigned(
    ports,
    {
      code: p.code,
      agencyId: p.agencyId,
      webhookId: message.webhookId,
      body: JSON.stringify(petitionPayload(p, message)),
      eventType: 'petition.created',
    },
    attempt,
    gate,
  );
}
