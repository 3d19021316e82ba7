import * as z from 'zod';
import { isoDateTime, listQuery, nfcText, procedureCode, ulid } from './common.js';
import { agencyId, petitionCode } from './petition-agency.js';
import { petitionStatus } from './petition-status.js';

export {
  type PetitionAgencyEvent,
  type PetitionDelivery,
  type PetitionEventResult,
  petitionAgencyEvent,
  petitionCode,
  petitionDelivery,
  petitionEventResult,
} from './petition-agency.js';

export { petitionStatus };

/**
 * What a citizen or business sends. Status, agency and owner are the portal's to set: the object is
 * strict, so a client naming them is refused.
 */
export const submitPetitionRequest = z
  .object({
    subject: nfcText(300),
    content: nfcText(10_000),
    /** What it concerns, if the petitioner knows: routing follows the first one named. */
    procedureCode: procedureCode.optional(),
    agencyId: agencyId.optional(),
    provinceCode: z
      .string()
      .regex(/^\d{2}$/, 'a province code such as 01')
      .optional(),
    /** Scans uploaded with POST /v1/uploads (images or PDF), at most five. */
    attachments: z
      .array(z.object({ uploadId: ulid }).strict())
      .max(5)
      .default([]),
    /** Consent: the answer may be published, without the petitioner's personal data. */
    allowPublish: z.boolean(),
  })
  .strict()
  .meta({ id: 'SubmitPetitionRequest' });

export const submitPetitionResponse = z
  .object({
    code: petitionCode,
    status: petitionStatus,
    agencyId: z.string(),
    /** The answer deadline of the agency it was routed to. */
    dueAt: isoDateTime,
    referralDueAt: isoDateTime,
  })
  .meta({ id: 'SubmitPetitionResponse' });

export const petitionParams = z.object({ code: petitionCode }).strict();

const petitionAnswer = z.object({
  text: z.string(),
  at: isoDateTime,
  agencyId: z.string(),
  agencyName: z.string(),
});

export const petitionTimelineEntry = z.object({
  seq: z.number().int(),
  type: z.string(),
  status: petitionStatus,
  agencyId: z.string(),
  at: isoDateTime,
  note: z.string().optional(),
  reason: z.string().optional(),
  fromAgencyId: z.string().optional(),
  referralDueAt: isoDateTime.optional(),
  answerDueAt: isoDateTime.optional(),
  onTime: z.boolean().optional(),
});

export const petitionSummary = z
  .object({
    code: petitionCode,
    status: petitionStatus,
    subject: z.string(),
    agencyId: z.string(),
    agencyName: z.string(),
    submittedAt: isoDateTime,
    updatedAt: isoDateTime,
    /** When the agency now responsible received it: its referral and answer clocks start here. */
    routedAt: isoDateTime,
    referralDueAt: isoDateTime,
    answerDueAt: isoDateTime,
    /** The deadline in force has passed and the petition is still open. */
    overdue: z.boolean(),
  })
  .meta({ id: 'PetitionSummary' });

/** The petitioner's view. */
export const petitionView = petitionSummary
  .extend({
    content: z.string(),
    procedureCode: z.string().optional(),
    concernsAgencyId: z.string().optional(),
    provinceCode: z.string().optional(),
    allowPublish: z.boolean(),
    attachments: z.array(z.object({ fileName: z.string(), contentType: z.string(), size: z.number() })),
    escalations: z.number().int(),
    answer: petitionAnswer.optional(),
    rejection: z.object({ reason: z.string(), at: isoDateTime, agencyId: z.string() }).optional(),
    publishedAt: isoDateTime.optional(),
    /** When published: exactly what the public sees (the agency's edited version, masked). */
    publicVersion: z.object({ subject: z.string(), content: z.string(), answer: z.string() }).optional(),
    timeline: z.array(petitionTimelineEntry),
  })
  .meta({ id: 'PetitionView' });

export const myPetitionsQuery = listQuery.extend({}).strict();
export const petitionList = z.object({ items: z.array(petitionSummary), nextCursor: z.string().nullable() });

/** An agency officer's work list: what the agency needs to act, never who sent it. */
export const agencyPetitionsQuery = listQuery.extend({}).strict();
export const agencyPetitionItem = petitionSummary
  .extend({ content: z.string(), procedureCode: z.string().optional(), escalations: z.number().int() })
  .meta({ id: 'AgencyPetition' });
export const agencyPetitionList = z.object({
  items: z.array(agencyPetitionItem),
  nextCursor: z.string().nullable(),
});

/** A published answer as anyone may read it: no name, account, citizen ID, phone, e-mail or scans. */
export const publicPetitionView = z
  .object({
    code: petitionCode,
    subject: z.string(),
    content: z.string(),
    procedureCode: z.string().optional(),
    agencyId: z.string(),
    agencyName: z.string(),
    answer: z.object({ text: z.string(), at: isoDateTime }),
    submittedAt: isoDateTime,
    publishedAt: isoDateTime,
  })
  .meta({ id: 'PublicPetition' });

export const publicPetitionsQuery = listQuery
  .extend({
    /** Only published answers are public; the parameter says so explicitly. */
    published: z.enum(['true']).default('true'),
    /** Words to find, with or without tone marks; a petition's code finds that published petition alone. */
    q: z.string().trim().max(200).optional(),
  })
  .strict();
export const publicPetitionList = z.object({
  items: z.array(publicPetitionView),
  nextCursor: z.string().nullable(),
});
