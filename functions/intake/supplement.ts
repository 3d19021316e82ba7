/**
 * The citizen answers an agency's request to supplement (form 02). The scans are checked exactly as at
 * submission; then the dossier's move to `supplemented` (conditional on the version read), its
 * timeline event, the added attachments, the upload claims, the idempotency record and the outbox item
 * that tells the agency are one transaction.
 *
 * Deadline: the processing clock stops while the agency waits for the citizen. Under Decree 61/2018
 * (art. 15, as amended by Decree 107/2021) the time the agency had already spent still counts and the
 * waiting time does not; so on the citizen's answer the due date moves later by the working days that
 * passed since the request (the request's own day is not counted, the answer's day is).
 */

import { ulid } from 'ulidx';
import type * as z from 'zod';
import type { supplementRequest, supplementResponse } from '../../schemas/dossier.js';
import { findProcedure, findProcedureVersion } from '../catalog/procedure-forms.js';
import type { Procedure } from '../catalog/procedures.js';
import type { DossierRecord, StoredAttachment } from '../core/dossier.js';
import { decide } from '../core/dossier-state.js';
import { AppError } from '../core/errors.js';
import { sealEvent, type TimelineEvent } from '../core/timeline.js';
import { addWorkingDays, workingDaysBetween } from '../core/working-days.js';
import {
  type AttachmentPorts,
  type CopyScan,
  checkAttachments,
  copyScans,
  freshUploads,
  storedAttachments,
} from '../documents/attachments.js';
import { replay, requestHashOf } from '../dossiers/idempotency.js';
import { outboxWebhookId, queueMessageOf } from '../dossiers/messages.js';
import { findAgency } from '../registry/agencies.js';
import { type StepClock, stepClockOf } from '../steps/clock.js';
import type { CommitOutcome, IntakeWrite } from './submit.js';

export type SupplementInput = z.output<typeof supplementRequest>;
export type SupplementResult = z.infer<typeof supplementResponse>;

export interface SupplementWrite {
  ownerSub: string;
  idempotencyKey: string;
  requestHash: string;
  response: SupplementResult;
  /** The dossier as read: the update is conditional on its version. */
  dossier: DossierRecord;
  event: TimelineEvent;
  dueAt: string;
  added: StoredAttachment[];
  /** The running step's clock for the SLA index (functions/steps/clock.ts); null when none runs. */
  stepClock?: StepClock | null;
  outbox: NonNullable<IntakeWrite['outbox']>;
  attachedUploads: { uploadId: string; dossierCode: string }[];
}

export type SupplementOutcome = CommitOutcome | 'version-conflict';

export interface SupplementPorts extends AttachmentPorts {
  now(): Date;
  findIdempotent(
    ownerSub: string,
    key: string,
  ): Promise<{ requestHash: string; response: SupplementResult } | undefined>;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  loadTimeline(code: string): Promise<TimelineEvent[]>;
  copyObject: CopyScan;
  deleteObjects(keys: string[]): Promise<void>;
  commit(write: SupplementWrite): Promise<SupplementOutcome>;
}

const MAX_ATTEMPTS = 3;

const hashOf = (code: string, input: SupplementInput) => requestHashOf({ code, ...input });

/** The documents a dossier can take: its procedure's, and for a bundle member also the bundle's. */
/**
 * What a citizen labels a scan with when the agency asked, in its own words, for a paper that is none of
 * the procedure's documents ("Bản sao giấy khai sinh"): offered only while such a request is pending. The
 * citizen page restates this name (web/src/my-dossier/Supplement.tsx).
 */
export const REQUESTED_DOCUMENT = 'requested_document';

function requestedDocument(described: readonly string[]): Procedure['documents'][number] {
  return {
    type: REQUESTED_DOCUMENT,
    name: `Giấy tờ cơ quan yêu cầu: ${described.join('; ')}`.slice(0, 300),
    nameEn: 'A document the agency asked for',
    required: false,
    maxBytes: 10 * 1024 * 1024,
    mimeTypes: ['application/pdf', 'image/jpeg', 'image/png'],
    copies: Math.min(20, Math.max(1, described.length) * 2),
  };
}

function documentsOf(d: DossierRecord): Procedure['documents'] {
  const own = findProcedureVersion(d.procedureCode, d.procedureVersion) ?? findProcedure(d.procedureCode);
  if (!own) throw new Error(`dossier ${d.code} follows unknown procedure ${d.procedureCode}`);
  const bundle = d.bundle ? findProcedure(d.bundle.procedureCode) : undefined;
  const extra = (bundle?.documents ?? []).filter((b) => !own.documents.some((o) => o.type === b.type));
  return [...own.documents, ...extra];
}

/** The newest request to supplement: when the clock stopped, and which documents the agency named. */
export function pendingRequest(timeline: readonly TimelineEvent[]) {
  const request = timeline.findLast((e) => e.type === 'dossier.supplement_requested');
  const missing = request?.details?.missingDocuments;
  const until = request?.dueAt ?? request?.details?.supplementDueAt;
  return {
    requestedAt: request?.at,
    /** The time the agency gave the citizen to supplement. */
    supplementDueAt: typeof until === 'string' ? until : undefined,
    missingDocuments: Array.isArray(missing) ? missing.filter((m): m is string => typeof m === 'string') : [],
  };
}

/** The due date once the clock restarts: later by the working days spent waiting for the citizen. */
export function resumedDueAt(dueAt: string, requestedAt: string | undefined, now: Date): string {
  if (!requestedAt) return dueAt;
  const waited = workingDaysBetween(new Date(requestedAt), now);
  return waited > 0 ? addWorkingDays(new Date(dueAt), waited).toISOString() : dueAt;
}

async function namedDossier(ports: SupplementPorts, code: string) {
  const dossier = await ports.loadDossier(code);
  // Whether the caller may reach it was decided by the route's access rule (functions/core/access.ts).
  if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
  if (decide(dossier.status, 'dossier.supplemented', 'citizen').kind !== 'apply') {
    throw new AppError('ILLEGAL_TRANSITION', {
      currentStatus: dossier.status,
      event: 'dossier.supplemented',
    });
  }
  return dossier;
}

export async function supplementDossier(
  ports: SupplementPorts,
  ownerSub: string,
  code: string,
  idempotencyKey: string,
  input: SupplementInput,
): Promise<{ status: 201; body: SupplementResult }> {
  const hash = hashOf(code, input);
  const earlier = await replay(ports, ownerSub, idempotencyKey, hash);
  if (earlier) return { status: 201, body: earlier };

  let dossier = await namedDossier(ports, code);
  const documents = documentsOf(dossier);
  const { missingDocuments, supplementDueAt } = pendingRequest(await ports.loadTimeline(code));
  // Past the time the agency gave, the dossier is the agency's to return (Decree 61/2018, art. 19):
  // a late answer is refused rather than restarting a clock the agency has already let go.
  if (supplementDueAt && ports.now().getTime() > Date.parse(supplementDueAt))
    throw new AppError('SUPPLEMENT_DEADLINE_PASSED', { supplementDueAt });
  // Named document types must be answered; papers the agency described in its own words are answered
  // with any of the procedure's documents or as "the document the agency asked for".
  const required = missingDocuments.filter((m) => documents.some((d) => d.type === m));
  const described = missingDocuments.filter((m) => !documents.some((d) => d.type === m));
  const answerable = described.length ? [...documents, requestedDocument(described)] : documents;
  const accepted = await checkAttachments(ports, answerable, ownerSub, input.attachments, { required });
  const agency = findAgency(dossier.agencyId);
  if (!agency) throw new Error(`dossier ${code} is held by unknown agency ${dossier.agencyId}`);

  const copies = await copyScans(
    (f, t) => ports.copyObject(f, t),
    accepted,
    storedAttachments(code, accepted),
  );

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) {
      dossier = await namedDossier(ports, code).catch(async (err: unknown) => {
        await ports.deleteObjects(copies.map((a) => a.key));
        throw err;
      });
    }
    const now = ports.now();
    const at = now.toISOString();
    const timeline = await ports.loadTimeline(code);
    const { requestedAt } = pendingRequest(timeline);
    const dueAt = resumedDueAt(dossier.dueAt, requestedAt, now);
    const seq = dossier.lastSeq + 1;
    const added = copies.map((a) => ({ ...a, supplement: { seq, at } }));
    const event = sealEvent({
      seq,
      at,
      type: 'dossier.supplemented',
      status: 'supplemented',
      actor: 'citizen',
      dueAt,
      ...(input.note ? { note: input.note } : {}),
      details: {
        documents: added.map(({ documentType, fileName }) => ({ documentType, fileName })),
        ...(requestedAt ? { waitedWorkingDays: workingDaysBetween(new Date(requestedAt), now) } : {}),
      },
      prevHash: dossier.lastHash,
    });
    const response: SupplementResult = {
      code,
      status: 'supplemented',
      dueAt,
      attachments: added.map(({ documentType, uploadId, fileName, contentType, size }) => ({
        documentType,
        uploadId,
        fileName,
        contentType,
        size,
      })),
    };
    const outboxId = ulid(now.getTime());
    const outcome = await ports.commit({
      ownerSub,
      idempotencyKey,
      requestHash: hash,
      response,
      dossier,
      event,
      dueAt,
      added,
      // The step the request stopped runs again, its due time moved by the working days waited.
      stepClock: stepClockOf(dossier, 'supplemented', dueAt, [...timeline, event], now),
      outbox: {
        id: outboxId,
        messages: [
          queueMessageOf({
            type: 'dossier.supplemented',
            dossierCode: code,
            agencyId: agency.id,
            channel: agency.channel,
            seq,
            webhookId: outboxWebhookId(outboxId, code),
          }),
        ],
      },
      attachedUploads: freshUploads(accepted).map((u) => ({ uploadId: u.uploadId, dossierCode: code })),
    });
    if (outcome === 'committed') return { status: 201, body: response };
    if (outcome === 'version-conflict') continue;
    await ports.deleteObjects(copies.map((a) => a.key));
    if (outcome === 'upload-taken') throw new AppError('UPLOAD_ALREADY_USED', [{ path: 'attachments' }]);
    const winner = await replay(ports, ownerSub, idempotencyKey, hash);
    if (!winner) throw new AppError('CONFLICT');
    return { status: 201, body: winner };
  }
  await ports.deleteObjects(copies.map((a) => a.key));
  throw new AppError('CONFLICT');
}
