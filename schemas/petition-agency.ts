/**
 * A petition's code and what passes between the portal and the agency a petition is routed to: its
 * events and the delivery. On their own, so the agency callback and delivery functions build these
 * without the citizen-facing petition API of ./petition.ts.
 */
import * as z from 'zod';
import { isoDateTime, nfcText } from './common.js';
import { petitionStatus } from './petition-status.js';

/** `PAKN-YYMMDD-NNNN`: one national series per day (a petition can move between agencies). */
export const petitionCode = z
  .string()
  .regex(/^PAKN-\d{6}-\d{4,}$/, 'expected a petition code such as PAKN-261122-0001');

export const agencyId = z.string().regex(/^[a-z0-9-]{2,40}$/, 'an agency id such as ubnd-01');

const callbackBase = {
  eventId: z.string().min(8).max(128),
  petitionCode,
  occurredAt: isoDateTime.optional(),
  note: z.string().max(2000).optional(),
};

/** What an agency reports about a petition routed to it (Standard Webhooks signed). */
export const petitionAgencyEvent = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('petition.assigned'), ...callbackBase }).strict(),
    z
      .object({
        type: z.literal('petition.answered'),
        ...callbackBase,
        answer: nfcText(20_000),
        /** Publish the answer now: it is, when the petitioner consented. */
        publish: z.boolean().default(false),
        /**
         * The version the public sees, required to publish: the agency's own wording of the subject,
         * the petition and the answer, without the petitioner's name, address or other personal data
         * (the portal masks identifiers, phones, e-mails and account numbers in it as well).
         */
        publicSubject: nfcText(300).optional(),
        publicContent: nfcText(10_000).optional(),
        publicAnswer: nfcText(20_000).optional(),
      })
      .strict()
      .superRefine((e, ctx) => {
        if (!e.publish) return;
        for (const field of ['publicSubject', 'publicContent', 'publicAnswer'] as const) {
          if (e[field] === undefined)
            ctx.addIssue({
              code: 'custom',
              path: [field],
              message: 'required to publish: the public version, without personal data',
            });
        }
      }),
    z
      .object({
        type: z.literal('petition.rejected'),
        ...callbackBase,
        reason: nfcText(2000, 5),
      })
      .strict(),
    z
      .object({
        type: z.literal('petition.reassigned'),
        ...callbackBase,
        toAgencyId: agencyId,
        reason: nfcText(2000, 5),
      })
      .strict(),
  ])
  .meta({ id: 'PetitionAgencyEvent' });
export type PetitionAgencyEvent = z.output<typeof petitionAgencyEvent>;

export const petitionEventResult = z
  .object({
    eventId: z.string(),
    petitionCode,
    applied: z.boolean(),
    status: petitionStatus,
    agencyId: z.string(),
    reason: z.enum(['applied', 'replay', 'stale']),
  })
  .meta({ id: 'PetitionEventResult' });
export type PetitionEventResult = z.infer<typeof petitionEventResult>;

/**
 * What the dispatcher POSTs to the agency a petition is routed to: the petition itself and its
 * deadlines, never the petitioner's identity (answers go back through the portal).
 */
export const petitionDelivery = z
  .object({
    type: z.literal('petition.created'),
    petitionCode,
    agencyId: z.string(),
    subject: z.string(),
    content: z.string(),
    procedureCode: z.string().optional(),
    provinceCode: z.string().optional(),
    submittedAt: isoDateTime,
    receivedAt: isoDateTime,
    referralDueAt: isoDateTime,
    answerDueAt: isoDateTime,
    /** How it came to this agency. */
    routing: z.enum(['submitted', 'reassigned', 'escalated']),
    fromAgencyId: z.string().optional(),
    attachments: z.array(z.object({ fileName: z.string(), contentType: z.string(), size: z.number() })),
  })
  .meta({ id: 'PetitionDelivery' });
export type PetitionDelivery = z.infer<typeof petitionDelivery>;
