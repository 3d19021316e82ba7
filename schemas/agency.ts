import { z } from 'zod';
import { dossierCode, isoDateTime } from './common.js';
import { dossierStatus } from './dossier.js';

const eventBase = {
  eventId: z.string().min(8).max(128),
  dossierCode,
  occurredAt: isoDateTime.optional(),
  note: z.string().max(2000).optional(),
};

/** Events an agency's system reports back; each moves the dossier through its state machine. */
export const agencyEvent = z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('dossier.received'), ...eventBase, appointmentAt: isoDateTime.optional() })
      .strict(),
    z
      .object({ type: z.literal('dossier.in_progress'), ...eventBase, step: z.string().max(200).optional() })
      .strict(),
    z
      .object({
        type: z.literal('dossier.step_started'),
        ...eventBase,
        step: z.string().trim().min(1).max(200),
      })
      .strict(),
    z
      .object({
        type: z.literal('dossier.step_completed'),
        ...eventBase,
        step: z.string().trim().min(1).max(200),
      })
      .strict(),
    z
      .object({
        type: z.literal('dossier.extended'),
        ...eventBase,
        reason: z.string().trim().min(5).max(2000),
        newDueAt: isoDateTime,
      })
      .strict(),
    z
      .object({
        type: z.literal('dossier.supplement_requested'),
        ...eventBase,
        missingDocuments: z.array(z.string().min(1)).min(1),
        supplementDueAt: isoDateTime,
      })
      .strict(),
    z.object({ type: z.literal('dossier.approved'), ...eventBase }).strict(),
    z
      .object({
        type: z.literal('dossier.rejected'),
        ...eventBase,
        reason: z.string().trim().min(5).max(2000),
      })
      .strict(),
    z.object({ type: z.literal('dossier.result_issued'), ...eventBase }).strict(),
    z.object({ type: z.literal('dossier.completed'), ...eventBase }).strict(),
  ])
  .meta({ id: 'AgencyEvent' });
export type AgencyEvent = z.infer<typeof agencyEvent>;

export const agencyEventResult = z
  .object({
    eventId: z.string(),
    dossierCode,
    applied: z.boolean(),
    status: dossierStatus,
    reason: z.enum(['applied', 'replay', 'stale']),
  })
  .meta({ id: 'AgencyEventResult' });

/** What the dispatcher POSTs to an agency's endpoint (Standard Webhooks signed). */
export const dossierDelivery = z.object({
  type: z.literal('dossier.submitted'),
  dossierCode,
  submissionId: z.string(),
  procedureCode: z.string(),
  agencyId: z.string(),
  submittedAt: isoDateTime,
  dueAt: isoDateTime,
  form: z.record(z.string(), z.unknown()),
  attachments: z.array(
    z.object({ documentType: z.string(), fileName: z.string(), contentType: z.string(), size: z.number() }),
  ),
});
export type DossierDelivery = z.infer<typeof dossierDelivery>;
