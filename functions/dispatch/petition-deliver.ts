/**
 * Delivering a petition to the agency it is routed to, through the same queues, signing, retries and
 * pause switch as dossiers (functions/dispatch). The payload is the petition and its deadlines, never
 * the petitioner's identity. A message for an agency the petition has since left is dropped.
 */
import type { PetitionDelivery } from '../../schemas/petition.js';
import { keys } from '../core/keys.js';
import type { PetitionMessage } from '../dossiers/messages.js';
import type { PetitionRecord } from '../petitions/model.js';
import { deliverSigned, gateFor, type WebhookPorts } from './deliver.js';

export interface PetitionDeliveryPorts extends WebhookPorts {
  loadPetition(code: string): Promise<PetitionRecord | undefined>;
}

export function petitionPayload(p: PetitionRecord, m: PetitionMessage): PetitionDelivery {
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
  message: PetitionMessage,
  attempt: number,
): Promise<'delivered' | 'already-delivered' | 'petition-moved'> {
  // A redelivery the agency asked for goes again under the same webhook-id, once per request (its marker).
  const marker = message.redeliveryId
    ? keys.redeliveryMarkerId(message.webhookId, message.redeliveryId)
    : message.webhookId;
  if (await ports.isDelivered(message.petitionCode, marker)) return 'already-delivered';
  const target = {
    code: message.petitionCode,
    agencyId: message.agencyId,
    webhookId: message.webhookId,
    eventType: 'petition.created',
    // Kept on the attempt, so a redelivery rebuilds the same body.
    ...(message.routing ? { routing: message.routing } : {}),
    ...(message.fromAgencyId ? { fromAgencyId: message.fromAgencyId } : {}),
    ...(message.redeliveryId ? { redeliveryId: message.redeliveryId, marker } : {}),
  };
  const gate = await gateFor(ports, target, attempt);
  const p = await ports.loadPetition(message.petitionCode);
  if (!p || p.agencyId !== message.agencyId) return 'petition-moved';
  return deliverSigned(
    ports,
    { ...target, code: p.code, agencyId: p.agencyId, body: JSON.stringify(petitionPayload(p, message)) },
    attempt,
    gate,
  );
}
