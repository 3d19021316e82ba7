/**
 * The petition data model (phản ánh, kiến nghị): the record, its timeline events and the delivery
 * message. Statistics count the timeline events, so their names and fields are a contract:
 * every event carries `agencyId` (the agency responsible after the event) and `at`; `petition.answered`
 * also carries `answerDueAt` and `onTime`.
 */
import type * as z from 'zod';
import type { publicPetitionView } from '../../schemas/petition.js';
import type { StoredAttachment } from '../core/dossier.js';

export const PETITION_STATUSES = [
  'received',
  'assigned',
  'answered',
  'published',
  'rejected',
  'escalated',
] as const;
export type PetitionStatus = (typeof PETITION_STATUSES)[number];

export const PETITION_EVENT_TYPES = [
  'petition.received',
  'petition.assigned',
  'petition.answered',
  'petition.rejected',
  'petition.reassigned',
  'petition.escalated',
  'petition.published',
] as const;
export type PetitionEventType = (typeof PETITION_EVENT_TYPES)[number];

/** Item kind of a petition timeline event (keys.petitionEvent). */
export const PETITION_EVENT_KIND = 'petitionEvent';
export const PETITION_KIND = 'petition';

/** Which clock is running for the agency the petition is with. */
export type PetitionClock = 'referral' | 'answer';

export interface PetitionEvent {
  seq: number;
  type: PetitionEventType;
  /** The agency responsible after the event. */
  agencyId: string;
  at: string;
  status: PetitionStatus;
  actor: 'citizen' | 'agency' | 'system';
  /** `<agency id>:<event id>` for agency callbacks. */
  source?: string;
  note?: string;
  /** Set on `petition.answered`: the answer deadline in force for that agency, and whether it was met. */
  answerDueAt?: string;
  onTime?: boolean;
  /** Set when the petition moves: where it came from (reassigned, escalated). */
  fromAgencyId?: string;
  /** Deadlines that start with this event (received, reassigned, escalated, assigned). */
  referralDueAt?: string;
  reason?: string;
}

export interface PetitionAnswer {
  text: string;
  at: string;
  agencyId: string;
  agencyName: string;
}

/**
 * What the public sees of a published petition: the agency's edited subject, petition and answer,
 * masked for personal data. The petitioner's own words stay in `subject`, `content` and `answer`.
 */
export interface PublicVersion {
  subject: string;
  content: string;
  answer: string;
}

export interface PetitionRecord {
  code: string;
  /** Ownership fields (contracts): the account, a business's tax code, the agency routed to. */
  ownerSub: string;
  enterpriseTaxCode?: string;
  agencyId: string;
  agencyName: string;
  subject: string;
  content: string;
  /** What the petition concerns, as the petitioner named it. */
  procedureCode?: string;
  concernsAgencyId?: string;
  provinceCode?: string;
  attachments: StoredAttachment[];
  /** The petitioner agreed to the answer being published (without their personal data). */
  allowPublish: boolean;
  status: PetitionStatus;
  version: number;
  lastSeq: number;
  submittedAt: string;
  updatedAt: string;
  /** When the current agency received it: its clocks run from here. */
  routedAt: string;
  referralDueAt: string;
  answerDueAt: string;
  escalations: number;
  answer?: PetitionAnswer;
  rejection?: { reason: string; at: string; agencyId: string };
  publishedAt?: string;
  publicVersion?: PublicVersion;
}

/** A published petition as anyone may read it. */
export type PublicPetition = z.infer<typeof publicPetitionView>;
