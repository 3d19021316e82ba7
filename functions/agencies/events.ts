/**
 * An agency reports a step of a dossier routed to it. The event id is the idempotency key (a replay
 * answers as the first delivery did); the state machine, not arrival order, decides what a late or
 * out-of-order event means; the state change, the timeline event and the event record are one
 * conditional transaction on the dossier's version, so concurrent events never overwrite each other.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulidx';
import type * as z from 'zod';
import type { AgencyEvent, agencyEventResult, IssuedResult } from '../../schemas/agency.js';
import { bundleMembers } from '../catalog/bundles.js';
import { findProcedure } from '../catalog/procedure-forms.js';
import {
  type DossierRecord,
  type DossierResult,
  isDispatched,
  type ResultReference,
} from '../core/dossier.js';
import { decide } from '../core/dossier-state.js';
import { AppError } from '../core/errors.js';
import { sealEvent, type TimelineEvent } from '../core/timeline.js';
import { addWorkingDays } from '../core/working-days.js';
import { attachmentHref, ownResultIdOf } from '../documents/agency-files.js';
import { changeStatus, issueDocument, type ResultDocument } from '../documents/result-documents.js';
import type { RecordStatus, ResultSigner } from '../documents/result-record.js';
import type { Outbox } from '../dossiers/messages.js';
import { dispatchOutbox } from '../dossiers/outbox.js';
import { receivedAtDesk } from '../intake/desk.js';
import { laterBundleSteps, type WithdrawalStep } from '../intake/withdraw.js';
import { findAgency } from '../registry/agencies.js';
import { type StepClock, stepClockOf } from '../steps/clock.js';
import { planOf } from '../steps/plan.js';
import { computeSteps, stepIndex } from '../steps/progress.js';

export type AgencyEventResult = z.infer<typeof agencyEventResult>;

export interface AgencyEventPorts {
  now(): Date;
  findRecorded(agencyId: string, eventId: string): Promise<AgencyEventResult | undefined>;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  /** The dossier's timeline: events naming a step are judged against the steps as they stand. */
  loadTimeline?(code: string): Promise<TimelineEvent[]>;
  /** findRecorded and loadDossier in one read, for an event's first look; without it, two reads. */
  findRecordedWithDossier?(
    agencyId: string,
    eventId: string,
    code: string,
  ): Promise<{ recorded: AgencyEventResult | undefined; dossier: DossierRecord | undefined }>;
  /** Records an event that changes nothing (stale), so its replays answer the same. */
  recordOnly(agencyId: string, result: AgencyEventResult, at: string): Promise<void>;
  /** Keeps an electronic result document (under results/<dossier code>/). */
  putResult(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Signs electronic results' records (the KMS key in AWS). */
  signer: ResultSigner;
  /** A signed electronic document, to revoke or replace it. */
  loadDocument(documentId: string): Promise<ResultDocument | undefined>;
  apply(change: {
    agencyId: string;
    dossier: DossierRecord;
    event: TimelineEvent;
    result: AgencyEventResult;
    /** Set when the step moves the dossier's due date (an extension). */
    newDueAt?: string;
    /** The step under way and when it is due, for the SLA watcher (null: none running). */
    stepClock?: StepClock | null;
    /** Set by `dossier.result_issued`: what the citizen will receive. */
    dossierResult?: DossierResult;
    /** In a bundle: the next dossier goes to its agency in the same transaction. */
    handoff?: Handoff;
    /** In a bundle: a refusal also withdraws the later dossiers, which can no longer start. */
    cascade?: WithdrawalStep[];
    /**
     * Signed documents written with the step: a new one (`expected` absent: only if absent) or a changed
     * one (only while it still has the `expected` status).
     */
    documents?: { document: ResultDocument; expected?: RecordStatus }[];
  }): Promise<'applied' | 'already-recorded' | 'version-conflict'>;
}

export interface Handoff {
  /** The next dossier as read: its update is conditional on this version and on not being handed over. */
  next: DossierRecord;
  dueAt: string;
  /** The next dossier's own timeline records the hand-over (and the new due date). */
  event: TimelineEvent;
  previousResult: ResultReference;
  outbox: Outbox;
}

const MAX_ATTEMPTS = 4;

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/xml': '.xml',
  'text/xml': '.xml',
  'image/jpeg': '.jpg',
  'image/png': '.png',
};

/** The result as the dossier keeps it; an electronic document is named by the event, so a retry rewrites the same object. */
export function resultRecord(
  code: string,
  agencyId: string,
  eventId: string,
  issued: IssuedResult,
  at: string,
): { record: DossierResult; bytes?: Buffer } {
  if (issued.kind === 'pickup') {
    return {
      record: {
        kind: 'pickup',
        issuedAt: at,
        method: issued.method,
        note: issued.note,
        ...(issued.trackingNumber ? { trackingNumber: issued.trackingNumber } : {}),
      },
    };
  }
  const bytes = Buffer.from(issued.contentBase64, 'base64');
  const name = createHash('sha256').update(`${agencyId}:${eventId}`).digest('hex').slice(0, 24);
  return {
    bytes,
    record: {
      kind: 'electronic',
      issuedAt: at,
      fileName: issued.fileName.normalize('NFC'),
      contentType: issued.contentType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      key: `results/${code}/${name}${EXTENSIONS[issued.contentType] ?? ''}`,
    },
  };
}

/** The next dossier of a bundle, handed over now that this one has its result; undefined when there is none. */
async function handoffAfter(
  ports: AgencyEventPorts,
  dossier: DossierRecord,
  result: DossierResult,
  now: Date,
): Promise<Handoff | undefined> {
  const link = dossier.bundle;
  if (!link?.next) return undefined;
  const next = await ports.loadDossier(link.next);
  if (!next || next.bundle?.handedOffAt || next.status !== 'submitted') return undefined;
  const bundle = findProcedure(link.procedureCode);
  const member = bundle ? bundleMembers(bundle).find((m) => m.step === next.bundle?.step) : undefined;
  const agency = findAgency(next.agencyId);
  if (!member || !agency) throw new Error(`bundle ${link.procedureCode} cannot hand over ${next.code}`);
  const outboxId = ulid(now.getTime());
  // The next agency's clock starts when it receives the dossier.
  const dueAt = addWorkingDays(now, member.days).toISOString();
  return {
    next,
    dueAt,
    event: sealEvent({
      seq: next.lastSeq + 1,
      at: now.toISOString(),
      type: 'dossier.handed_over',
      status: next.status,
      actor: 'system',
      source: dossier.code,
      dueAt,
      details: { previousDossier: dossier.code, previousProcedure: dossier.procedureCode },
      prevHash: next.lastHash,
    }),
    previousResult: {
      dossierCode: dossier.code,
      procedureCode: dossier.procedureCode,
      agencyId: dossier.agencyId,
      issuedAt: result.issuedAt,
      kind: result.kind,
      ...(result.kind === 'electronic' ? { fileName: result.fileName, sha256: result.sha256 } : {}),
    },
    outbox: dispatchOutbox(outboxId, [{ agency, code: next.code }]),
  };
}

/** A desk-filed dossier's receipt also names the desk (details merged with the agency's own). */
const withDesk = (desk: ReturnType<typeof receivedAtDesk>, own: Record<string, unknown> | undefined) =>
  desk.details ? { ...desk, details: { ...own, ...desk.details } } : desk;

/** The step and officer an event names, kept on the timeline with what the event itself says. */
function eventDetails(e: AgencyEvent): Record<string, unknown> | undefined {
  const own = ownDetails(e);
  const who = {
    ...(e.step ? { step: e.step } : {}),
    ...(e.officer ? { officer: { id: e.officer.id, displayName: e.officer.displayName } } : {}),
  };
  return own || Object.keys(who).length ? { ...own, ...who } : undefined;
}

function ownDetails(e: AgencyEvent): Record<string, unknown> | undefined {
  switch (e.type) {
    case 'dossier.received':
      return e.appointmentAt ? { appointmentAt: e.appointmentAt } : undefined;
    case 'dossier.extended':
      // The new date is the step's; the event's dueAt says when it also moves the dossier's.
      return { reason: e.reason, newDueAt: e.newDueAt };
    case 'dossier.supplement_requested':
      return { missingDocuments: e.missingDocuments, supplementDueAt: e.supplementDueAt };
    case 'dossier.rejected':
      return { reason: e.reason };
    case 'result.revoked':
      return { documentId: e.documentId, reason: e.reason };
    case 'result.replaced':
      return {
        documentId: e.documentId,
        reason: e.reason,
        result: { kind: e.result.kind, fileName: e.result.fileName, contentType: e.result.contentType },
      };
    case 'dossier.result_issued':
      // The document itself is kept in S3, never on the timeline.
      return {
        result:
          e.result.kind === 'electronic'
            ? { kind: e.result.kind, fileName: e.result.fileName, contentType: e.result.contentType }
            : e.result,
      };
    default:
      return undefined;
  }
}

/** The named step's due time as it stands (an unknown step id is refused: it cannot be extended). */
function extendedStepDue(
  dossier: DossierRecord,
  timeline: TimelineEvent[],
  step: string,
  now: Date,
): string | undefined {
  const i = stepIndex(planOf(dossier).steps, step);
  if (i < 0)
    throw new AppError('VALIDATION_FAILED', [
      { path: 'body.step', code: 'unknown_step', message: `${step} is not a step of this dossier` },
    ]);
  return computeSteps(dossier, timeline, now)[i]?.dueAt ?? undefined;
}

export async function handleAgencyEvent(
  ports: AgencyEventPorts,
  agencyId: string,
  event: AgencyEvent,
): Promise<AgencyEventResult> {
  const asReplay = (recorded: AgencyEventResult | undefined) =>
    recorded ? { ...recorded, applied: false, reason: 'replay' as const } : undefined;
  const replayOf = async () => asReplay(await ports.findRecorded(agencyId, event.eventId));
  const first = await ports.findRecordedWithDossier?.(agencyId, event.eventId, event.dossierCode);
  const earlier = first ? asReplay(first.recorded) : await replayOf();
  if (earlier) return earlier;

  let stored = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const dossier = attempt === 1 && first ? first.dossier : await ports.loadDossier(event.dossierCode);
    // A dossier routed elsewhere, or not yet sent to this agency, is indistinguishable from a missing one.
    if (!dossier || dossier.agencyId !== agencyId || !isDispatched(dossier))
      throw new AppError('DOSSIER_NOT_FOUND');
    const decision = decide(dossier.status, event.type, 'agency');
    const at = ports.now().toISOString();
    if (decision.kind === 'illegal') {
      throw new AppError('ILLEGAL_TRANSITION', { currentStatus: dossier.status, event: event.type });
    }
    if (decision.kind === 'stale') {
      const result: AgencyEventResult = {
        eventId: event.eventId,
        dossierCode: dossier.code,
        applied: false,
        status: dossier.status,
        reason: 'stale',
      };
      await ports.recordOnly(agencyId, result, at);
      return result;
    }
    const timeline = ports.loadTimeline ? await ports.loadTimeline(dossier.code) : undefined;
    // An extension (form 04) must move the promised date later, never earlier or to the same day: the
    // named step's due time, or without a step the dossier's.
    const stepDue =
      event.type === 'dossier.extended' && event.step && timeline
        ? extendedStepDue(dossier, timeline, event.step, ports.now())
        : undefined;
    const floor = stepDue ?? dossier.dueAt;
    if (event.type === 'dossier.extended' && Date.parse(event.newDueAt) <= Date.parse(floor)) {
      throw new AppError('VALIDATION_FAILED', [
        {
          path: 'body.newDueAt',
          code: 'too_early',
          message: `must be later than the current due date ${floor}`,
        },
      ]);
    }
    // A step's new date moves the dossier's only when it falls after it.
    const newDueAt =
      event.type === 'dossier.extended' && Date.parse(event.newDueAt) > Date.parse(dossier.dueAt)
        ? event.newDueAt
        : undefined;
    let dossierResult: DossierResult | undefined;
    let handoff: Handoff | undefined;
    const documents: { document: ResultDocument; expected?: RecordStatus }[] = [];
    // The document an event revokes or replaces: the agency's own, of this dossier, still valid.
    const earlierDocument = async (documentId: string) => {
      const doc = await ports.loadDocument(documentId);
      if (!doc || doc.dossierCode !== dossier.code || doc.issuingAgency !== agencyId)
        throw new AppError('RESULT_DOCUMENT_NOT_FOUND', [{ path: 'body.documentId' }]);
      if (doc.status !== 'valid')
        throw new AppError('RESULT_DOCUMENT_NOT_VALID', { currentStatus: doc.status });
      return doc;
    };
    if (event.type === 'dossier.result_issued' || event.type === 'result.replaced') {
      const earlier = event.type === 'result.replaced' ? await earlierDocument(event.documentId) : undefined;
      const issued = resultRecord(dossier.code, agencyId, event.eventId, event.result, at);
      // The document is stored before the state changes, so an issued result never points at nothing.
      if (issued.bytes && issued.record.kind === 'electronic' && !stored) {
        await ports.putResult(issued.record.key, issued.bytes, issued.record.contentType);
        stored = true;
      }
      dossierResult = issued.record;
      if (issued.record.kind === 'electronic') {
        const documentType =
          event.result.kind === 'electronic'
            ? (event.result.documentType ?? earlier?.documentType)
            : undefined;
        const document = await issueDocument(ports.signer, {
          documentId: ulid(ports.now().getTime()),
          dossier,
          agencyId,
          result: issued.record,
          ...(documentType ? { documentType } : {}),
          ...(earlier ? { replaces: earlier.documentId } : {}),
        });
        dossierResult = {
          ...issued.record,
          documentId: document.documentId,
          documentType: document.documentType,
        };
        documents.push({ document });
        if (earlier) {
          documents.push({
            document: await changeStatus(ports.signer, earlier, {
              status: 'replaced',
              at,
              reason: event.type === 'result.replaced' ? event.reason : '',
              replacedBy: document.documentId,
            }),
            expected: 'valid',
          });
        }
      }
      if (event.type === 'dossier.result_issued')
        handoff = await handoffAfter(ports, dossier, issued.record, ports.now());
    }
    if (event.type === 'result.revoked') {
      const earlier = await earlierDocument(event.documentId);
      documents.push({
        document: await changeStatus(ports.signer, earlier, { status: 'revoked', at, reason: event.reason }),
        expected: 'valid',
      });
    }
    const cascade =
      event.type === 'dossier.rejected' ? await laterBundleSteps(ports.loadDossier, dossier, at) : [];
    const timelineEvent = sealEvent({
      seq: dossier.lastSeq + 1,
      at,
      type: event.type,
      status: decision.to,
      actor: 'agency',
      source: `${agencyId}:${event.eventId}`,
      ...(event.note ? { note: event.note } : {}),
      ...(event.type === 'dossier.supplement_requested' ? { dueAt: event.supplementDueAt } : {}),
      ...(newDueAt ? { dueAt: newDueAt } : {}),
      ...(eventDetails(event) ? { details: eventDetails(event) } : {}),
      ...withDesk(receivedAtDesk(dossier, event.type, event.note), eventDetails(event)),
      prevHash: dossier.lastHash,
    });
    const result: AgencyEventResult = {
      eventId: event.eventId,
      dossierCode: dossier.code,
      applied: true,
      status: decision.to,
      reason: 'applied',
      // The agency can check that the portal keeps exactly the document it sent.
      ...(dossierResult?.kind === 'electronic'
        ? {
            resultDocument: {
              attachmentId: ownResultIdOf(dossier.code),
              href: attachmentHref(dossier.code, ownResultIdOf(dossier.code)),
              fileName: dossierResult.fileName,
              contentType: dossierResult.contentType,
              size: dossierResult.size,
              sha256: dossierResult.sha256,
              ...(dossierResult.documentId
                ? { documentId: dossierResult.documentId, documentType: dossierResult.documentType }
                : {}),
            },
          }
        : {}),
    };
    const outcome = await ports.apply({
      agencyId,
      dossier,
      event: timelineEvent,
      result,
      newDueAt,
      ...(timeline
        ? {
            stepClock: stepClockOf(dossier, decision.to, newDueAt, [...timeline, timelineEvent], ports.now()),
          }
        : {}),
      ...(dossierResult ? { dossierResult } : {}),
      ...(handoff ? { handoff } : {}),
      ...(cascade.length ? { cascade } : {}),
      ...(documents.length ? { documents } : {}),
    });
    if (outcome === 'applied') return result;
    if (outcome === 'already-recorded') {
      const replay = await replayOf();
      if (replay) return replay;
    }
  }
  throw new AppError('CONFLICT');
}
