/**
 * Petitions (phản ánh, kiến nghị): submitting one, agencies' signed callbacks about it, and the views
 * of it. Every state change writes the petition (conditional on the version read), its timeline
 * events, its one open deadline and — when it moves to an agency — the outbox item that delivers it,
 * in one transaction (see PetitionPorts.commit).
 */

import { ulid } from 'ulidx';
import type * as z from 'zod';
import type {
  PetitionAgencyEvent,
  PetitionEventResult,
  petitionSummary,
  petitionView,
  submitPetitionRequest,
  submitPetitionResponse,
} from '../../schemas/petition.js';
import type { Procedure } from '../catalog/procedures.js';
import type { Person } from '../core/auth.js';
import type { CodeAllocator } from '../core/dossier-codes.js';
import { AppError } from '../core/errors.js';
import { PETITIONS } from '../core/resources.js';
import { type AttachmentPorts, checkAttachments } from '../documents/attachments.js';
import { replay, requestHashOf } from '../dossiers/idempotency.js';
import { type Outbox, outboxWebhookId, queueMessageOf } from '../dossiers/messages.js';
import { type Agency, findAgency } from '../registry/agencies.js';
import type {
  PetitionClock,
  PetitionEvent,
  PetitionRecord,
  PetitionStatus,
  PublicPetition,
} from './model.js';
import { publicVersionOf } from './public-version.js';
import { petitionDeadlines, routePetition } from './routing.js';
import { clockOf, decidePetition } from './state.js';

export type SubmitPetitionInput = z.output<typeof submitPetitionRequest>;
export type SubmitPetitionResult = z.infer<typeof submitPetitionResponse>;
export type { PublicPetition };

/** One state change of one petition, committed atomically. */
export interface PetitionWrite {
  /** The petition as it is after the change (written whole). */
  petition: PetitionRecord;
  /** The version read; absent when the petition is created. */
  expectedVersion?: number;
  events: PetitionEvent[];
  /** The deadline now running, or null when none is (answered, rejected). */
  deadline: { clock: PetitionClock; at: string } | null;
  outbox?: Outbox;
  /** The public view of an answer published with this change (the public version, masked). */
  published?: { view: PublicPetition };
  idempotency?: { ownerSub: string; key: string; requestHash: string; response: SubmitPetitionResult };
  uploadClaims?: { uploadId: string; petitionCode: string }[];
  /** An agency callback: its event id record (replays answer as the first did). */
  agencyRecord?: { agencyId: string; result: PetitionEventResult };
}

export type PetitionCommitOutcome =
  | 'committed'
  | 'version-conflict'
  | 'idempotency-key-taken'
  | 'upload-taken'
  | 'already-recorded';

export interface PetitionStorePorts {
  now(): Date;
  loadPetition(code: string): Promise<PetitionRecord | undefined>;
  commit(w: PetitionWrite): Promise<PetitionCommitOutcome>;
}

export interface SubmitPetitionPorts extends PetitionStorePorts, AttachmentPorts {
  codes: CodeAllocator;
  findIdempotent(
    ownerSub: string,
    key: string,
  ): Promise<{ requestHash: string; response: SubmitPetitionResult } | undefined>;
  copyObject(from: string, to: string): Promise<void>;
  deleteObjects(keys: string[]): Promise<void>;
}

export interface PetitionEventPorts extends PetitionStorePorts {
  findRecorded(agencyId: string, eventId: string): Promise<PetitionEventResult | undefined>;
  /** Records an event that changes nothing (stale), so its replays answer the same. */
  recordOnly(agencyId: string, result: PetitionEventResult, at: string): Promise<void>;
  /** The petitioner's name, address and e-mail as their profile holds them (none without a profile). */
  knownPersonalData(ownerSub: string): Promise<string[]>;
}

/** Scans a petitioner may attach: images or PDF, up to five, each at most 10 MB. */
export const PETITION_DOCUMENTS: Procedure['documents'] = [
  {
    type: 'evidence',
    name: 'Tài liệu kèm theo phản ánh, kiến nghị',
    nameEn: 'Supporting document',
    required: false,
    maxBytes: 10 * 1024 * 1024,
    mimeTypes: ['application/pdf', 'image/jpeg', 'image/png'],
    copies: 5,
  },
];

/** One outbox message handing the petition to `agency` (first routing, reassignment, escalation). */
export function petitionOutbox(
  outboxId: string,
  code: string,
  agency: Pick<Agency, 'id' | 'channel'>,
  routing: 'submitted' | 'reassigned' | 'escalated' = 'submitted',
  fromAgencyId?: string,
) {
  return {
    id: outboxId,
    messages: [
      queueMessageOf({
        type: 'petition.created',
        petitionCode: code,
        agencyId: agency.id,
        channel: agency.channel,
        webhookId: outboxWebhookId(outboxId, code),
        routing,
        ...(fromAgencyId ? { fromAgencyId } : {}),
      }),
    ],
  };
}

/** The deadline in force for a petition in its current state (undefined once settled). */
export function deadlineInForce(p: Pick<PetitionRecord, 'status' | 'referralDueAt' | 'answerDueAt'>) {
  const clock = clockOf(p.status);
  if (!clock) return undefined;
  return { clock, at: clock === 'referral' ? p.referralDueAt : p.answerDueAt };
}

export const isPetitionOverdue = (p: PetitionRecord, now: Date) => {
  const d = deadlineInForce(p);
  return d !== undefined && Date.parse(d.at) < now.getTime();
};

const petitionRequestHash = (input: SubmitPetitionInput) => requestHashOf(input);

export async function submitPetition(
  ports: SubmitPetitionPorts,
  person: Pick<Person, 'sub' | 'role' | 'taxCode'>,
  idempotencyKey: string,
  input: SubmitPetitionInput,
): Promise<{ status: 201; body: SubmitPetitionResult }> {
  const hash = petitionRequestHash(input);
  const earlier = await replay(ports, person.sub, idempotencyKey, hash);
  if (earlier) return { status: 201, body: earlier };

  const { agency } = routePetition(input);
  const accepted = await checkAttachments(
    ports,
    PETITION_DOCUMENTS,
    person.sub,
    input.attachments.map((a) => ({ documentType: 'evidence', uploadId: a.uploadId })),
    { required: [] },
  );
  const now = ports.now();
  const at = now.toISOString();
  const code = await ports.codes.next(PETITIONS.codePrefix, now);
  const { referralDueAt, answerDueAt } = petitionDeadlines(now);
  const attachments = accepted.map(({ upload, documentType }) => ({
    documentType,
    uploadId: upload.uploadId,
    fileName: upload.fileName,
    contentType: upload.contentType,
    size: upload.size,
    key: `petitions/${code}/${upload.uploadId}`,
  }));
  for (const [i, a] of attachments.entries()) await ports.copyObject(accepted[i]!.upload.key, a.key);

  const petition: PetitionRecord = {
    code,
    ownerSub: person.sub,
    ...(person.role === 'business' && person.taxCode ? { enterpriseTaxCode: person.taxCode } : {}),
    agencyId: agency.id,
    agencyName: agency.name,
    subject: input.subject,
    content: input.content,
    ...(input.procedureCode ? { procedureCode: input.procedureCode } : {}),
    ...(input.agencyId ? { concernsAgencyId: input.agencyId } : {}),
    ...(input.provinceCode ? { provinceCode: input.provinceCode } : {}),
    attachments,
    allowPublish: input.allowPublish,
    status: 'received',
    version: 1,
    lastSeq: 1,
    submittedAt: at,
    updatedAt: at,
    routedAt: at,
    referralDueAt,
    answerDueAt,
    escalations: 0,
  };
  const response: SubmitPetitionResult = {
    code,
    status: 'received',
    agencyId: agency.id,
    dueAt: answerDueAt,
    referralDueAt,
  };
  const outcome = await ports.commit({
    petition,
    events: [
      {
        seq: 1,
        type: 'petition.received',
        agencyId: agency.id,
        at,
        status: 'received',
        actor: 'citizen',
        referralDueAt,
        answerDueAt,
      },
    ],
    deadline: { clock: 'referral', at: referralDueAt },
    outbox: petitionOutbox(ulid(now.getTime()), code, agency),
    idempotency: { ownerSub: person.sub, key: idempotencyKey, requestHash: hash, response },
    uploadClaims: accepted.map(({ upload }) => ({ uploadId: upload.uploadId, petitionCode: code })),
  });
  if (outcome === 'committed') return { status: 201, body: response };
  await ports.deleteObjects(attachments.map((a) => a.key));
  if (outcome === 'upload-taken') throw new AppError('UPLOAD_ALREADY_USED', [{ path: 'attachments' }]);
  const winner = await replay(ports, person.sub, idempotencyKey, hash);
  if (!winner) throw new AppError('CONFLICT');
  return { status: 201, body: winner };
}

/** What a published answer shows: the public version only, never the petitioner's words, identity or scans. */
export function publicView(p: PetitionRecord): PublicPetition {
  if (!p.answer || !p.publishedAt || !p.publicVersion) throw new Error(`petition ${p.code} is not published`);
  return {
    code: p.code,
    subject: p.publicVersion.subject,
    content: p.publicVersion.content,
    ...(p.procedureCode ? { procedureCode: p.procedureCode } : {}),
    agencyId: p.answer.agencyId,
    agencyName: p.answer.agencyName,
    answer: { text: p.publicVersion.answer, at: p.answer.at },
    submittedAt: p.submittedAt,
    publishedAt: p.publishedAt,
  };
}

const MAX_ATTEMPTS = 4;

/** What an agency's callback changes; undefined fields stay as they are. */
interface Change {
  petition: PetitionRecord;
  events: PetitionEvent[];
  deadline: PetitionWrite['deadline'];
  outbox?: PetitionWrite['outbox'];
  published?: PetitionWrite['published'];
}

/**
 * `known`: the petitioner's personal data to mask in what is published (read only when an answer is
 * to be published).
 */
function agencyChange(
  p: PetitionRecord,
  agencyId: string,
  e: PetitionAgencyEvent,
  to: PetitionStatus,
  now: Date,
  known: readonly string[],
): Change {
  const at = now.toISOString();
  const base = {
    at,
    actor: 'agency' as const,
    source: `${agencyId}:${e.eventId}`,
    ...(e.note ? { note: e.note } : {}),
  };
  const next: PetitionRecord = { ...p, status: to, version: p.version + 1, updatedAt: at };
  const seq = p.lastSeq + 1;
  switch (e.type) {
    case 'petition.assigned':
      next.lastSeq = seq;
      return {
        petition: next,
        events: [{ ...base, seq, type: e.type, agencyId, status: to, answerDueAt: p.answerDueAt }],
        deadline: { clock: 'answer', at: p.answerDueAt },
      };
    case 'petition.rejected':
      next.lastSeq = seq;
      next.rejection = { reason: e.reason, at, agencyId };
      return {
        petition: next,
        events: [{ ...base, seq, type: e.type, agencyId, status: to, reason: e.reason }],
        deadline: null,
      };
    case 'petition.answered': {
      const agency = findAgency(agencyId);
      next.answer = { text: e.answer, at, agencyId, agencyName: agency?.name ?? p.agencyName };
      const answered: PetitionEvent = {
        ...base,
        seq,
        type: e.type,
        agencyId,
        status: to,
        answerDueAt: p.answerDueAt,
        onTime: now.getTime() <= Date.parse(p.answerDueAt),
      };
      // Published only when the petitioner consented and the agency chose to publish the answer.
      if (!(e.publish && p.allowPublish)) {
        next.lastSeq = seq;
        return { petition: next, events: [answered], deadline: null };
      }
      next.status = 'published';
      next.publishedAt = at;
      next.publicVersion = publicVersionOf(e, known);
      next.lastSeq = seq + 1;
      return {
        petition: next,
        events: [
          answered,
          {
            at,
            actor: 'agency',
            source: base.source,
            seq: seq + 1,
            type: 'petition.published',
            agencyId,
            status: 'published',
          },
        ],
        deadline: null,
        published: { view: publicView(next) },
      };
    }
    case 'petition.reassigned': {
      const target = findAgency(e.toAgencyId);
      if (!target || target.id === agencyId) {
        throw new AppError('VALIDATION_FAILED', [
          {
            path: 'body.toAgencyId',
            code: target ? 'same_agency' : 'unknown_agency',
            message: target ? 'the petition is already with this agency' : 'no such agency in the registry',
          },
        ]);
      }
      const clocks = petitionDeadlines(now);
      Object.assign(next, {
        agencyId: target.id,
        agencyName: target.name,
        routedAt: at,
        ...clocks,
        lastSeq: seq,
      });
      return {
        petition: next,
        events: [
          {
            ...base,
            seq,
            type: e.type,
            agencyId: target.id,
            fromAgencyId: agencyId,
            status: to,
            reason: e.reason,
            ...clocks,
          },
        ],
        deadline: { clock: 'referral', at: clocks.referralDueAt },
        outbox: petitionOutbox(ulid(now.getTime()), p.code, target, 'reassigned', agencyId),
      };
    }
  }
}

/**
 * An agency reports on a petition routed to it. Only the agency it is routed to now may act (any
 * other gets 404, as for a petition that does not exist); the event id makes replays answer as the
 * first delivery did.
 */
export async function handlePetitionEvent(
  ports: PetitionEventPorts,
  agencyId: string,
  event: PetitionAgencyEvent,
): Promise<PetitionEventResult> {
  const replayOf = async () => {
    const recorded = await ports.findRecorded(agencyId, event.eventId);
    return recorded ? { ...recorded, applied: false, reason: 'replay' as const } : undefined;
  };
  const earlier = await replayOf();
  if (earlier) return earlier;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const petition = await ports.loadPetition(event.petitionCode);
    if (!petition || petition.agencyId !== agencyId) throw new AppError('PETITION_NOT_FOUND');
    const decision = decidePetition(petition.status, event.type, 'agency');
    const now = ports.now();
    if (decision.kind === 'illegal') {
      throw new AppError('PETITION_ILLEGAL_TRANSITION', {
        currentStatus: petition.status,
        event: event.type,
      });
    }
    if (decision.kind === 'stale') {
      const result: PetitionEventResult = {
        eventId: event.eventId,
        petitionCode: petition.code,
        applied: false,
        status: petition.status,
        agencyId: petition.agencyId,
        reason: 'stale',
      };
      await ports.recordOnly(agencyId, result, now.toISOString());
      return result;
    }
    const publishing = event.type === 'petition.answered' && event.publish && petition.allowPublish;
    const known = publishing ? await ports.knownPersonalData(petition.ownerSub) : [];
    const change = agencyChange(petition, agencyId, event, decision.to, now, known);
    const result: PetitionEventResult = {
      eventId: event.eventId,
      petitionCode: petition.code,
      applied: true,
      status: change.petition.status,
      agencyId: change.petition.agencyId,
      reason: 'applied',
    };
    const outcome = await ports.commit({
      ...change,
      expectedVersion: petition.version,
      agencyRecord: { agencyId, result },
    });
    if (outcome === 'committed') return result;
    if (outcome === 'already-recorded') {
      const again = await replayOf();
      if (again) return again;
    }
  }
  throw new AppError('CONFLICT');
}

export function summaryOf(p: PetitionRecord, now: Date): z.infer<typeof petitionSummary> {
  return {
    code: p.code,
    status: p.status,
    subject: p.subject,
    agencyId: p.agencyId,
    agencyName: p.agencyName,
    submittedAt: p.submittedAt,
    updatedAt: p.updatedAt,
    routedAt: p.routedAt,
    referralDueAt: p.referralDueAt,
    answerDueAt: p.answerDueAt,
    overdue: isPetitionOverdue(p, now),
  };
}

export function viewOf(
  p: PetitionRecord,
  events: readonly PetitionEvent[],
  now: Date,
): z.infer<typeof petitionView> {
  return {
    ...summaryOf(p, now),
    content: p.content,
    ...(p.procedureCode ? { procedureCode: p.procedureCode } : {}),
    ...(p.concernsAgencyId ? { concernsAgencyId: p.concernsAgencyId } : {}),
    ...(p.provinceCode ? { provinceCode: p.provinceCode } : {}),
    allowPublish: p.allowPublish,
    attachments: p.attachments.map(({ fileName, contentType, size }) => ({ fileName, contentType, size })),
    escalations: p.escalations,
    ...(p.answer ? { answer: p.answer } : {}),
    ...(p.rejection ? { rejection: p.rejection } : {}),
    ...(p.publishedAt ? { publishedAt: p.publishedAt } : {}),
    ...(p.publicVersion ? { publicVersion: p.publicVersion } : {}),
    timeline: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      status: e.status,
      agencyId: e.agencyId,
      at: e.at,
      ...(e.note ? { note: e.note } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.fromAgencyId ? { fromAgencyId: e.fromAgencyId } : {}),
      ...(e.referralDueAt ? { referralDueAt: e.referralDueAt } : {}),
      ...(e.answerDueAt ? { answerDueAt: e.answerDueAt } : {}),
      ...(e.onTime !== undefined ? { onTime: e.onTime } : {}),
    })),
  };
}

/** What the account's data export reads of its petitions (the petition store provides it). */
export interface PetitionExportPorts {
  loadTimeline(code: string): Promise<PetitionEvent[]>;
  listOwned(
    sub: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ items: PetitionRecord[]; nextCursor: string | null }>;
}

/** Every petition of an account with its timeline, for the account's data export. */
export async function exportPetitions(
  ports: PetitionExportPorts,
  sub: string,
  now: Date,
): Promise<z.infer<typeof petitionView>[]> {
  const out: z.infer<typeof petitionView>[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.listOwned(sub, 100, cursor);
    const timelines = await Promise.all(page.items.map((p) => ports.loadTimeline(p.code)));
    for (const [i, p] of page.items.entries()) out.push(viewOf(p, timelines[i]!, now));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
