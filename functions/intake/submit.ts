/**
 * Submitting a dossier. Everything the citizen sent is checked against the procedure (form, documents,
 * the uploaded files themselves) before anything is written; then the dossier, its first timeline
 * event, the submission, the dispatch announcement (outbox) and the idempotency record are committed in
 * one transaction — so there is never a dossier without a dispatch, nor a dispatch without a dossier. A
 * dossier whose fee is paid online before dispatch gets its outbox item from the successful payment.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulidx';
import type { z } from 'zod';
import type { submitDossierRequest, submitDossierResponse } from '../../schemas/dossier.js';
import { type Agency, provinces } from '../catalog/agencies.js';
import { findProcedure, resolveAgency } from '../catalog/catalog.js';
import type { Procedure } from '../catalog/procedures.js';
import type { DossierRecord, StoredAttachment } from '../core/dossier.js';
import type { CodeAllocator } from '../core/dossier-codes.js';
import { AppError } from '../core/errors.js';
import { zodDetails } from '../core/http.js';
import { canonical, GENESIS_HASH, sealEvent, type TimelineEvent } from '../core/timeline.js';
import { addWorkingDays } from '../core/working-days.js';
import { feeFor, paymentPolicy } from '../payments/fees.js';
import type { UploadRecord } from '../uploads/uploads.js';

export type SubmitInput = z.output<typeof submitDossierRequest>;
export type SubmitResult = z.infer<typeof submitDossierResponse>;

/** What the agency queue will carry for one dossier; the dispatcher reads the rest from the table. */
export interface DispatchMessage {
  type: 'dossier.submitted';
  dossierCode: string;
  agencyId: string;
  /** The agency's channel (queue), when one outbox item serves several channels. */
  channel?: string;
  /** Stable across redeliveries, so agencies can drop duplicates (Standard Webhooks). */
  webhookId: string;
}

export interface IntakeWrite {
  ownerSub: string;
  idempotencyKey: string;
  requestHash: string;
  response: SubmitResult;
  submissionId: string;
  dossiers: { record: DossierRecord; firstEvent: TimelineEvent }[];
  /** Absent when the dossier waits for its fee: the successful payment writes it instead. */
  outbox?: { id: string; channel?: string; messages: DispatchMessage[] };
  attachedUploads: { uploadId: string; dossierCode: string }[];
  at: string;
}

export type CommitOutcome = 'committed' | 'idempotency-key-taken' | 'upload-taken';

export interface IntakePorts {
  now(): Date;
  findIdempotent(
    ownerSub: string,
    key: string,
  ): Promise<{ requestHash: string; response: SubmitResult } | undefined>;
  findUpload(uploadId: string): Promise<UploadRecord | undefined>;
  /** Size and type of the object S3 really holds, or undefined if nothing was uploaded. */
  inspectObject(key: string): Promise<{ size: number; contentType: string | undefined } | undefined>;
  copyObject(from: string, to: string): Promise<void>;
  deleteObjects(keys: string[]): Promise<void>;
  codes: CodeAllocator;
  commit(write: IntakeWrite): Promise<CommitOutcome>;
}

/**
 * The outbox item that sends dossiers to their agencies: one item for the whole submission, each
 * message naming its agency's channel, so a notice to every province is still one write.
 */
export function dispatchOutbox(
  outboxId: string,
  targets: readonly { agency: Pick<Agency, 'id' | 'channel'>; code: string }[],
): NonNullable<IntakeWrite['outbox']> {
  return {
    id: outboxId,
    messages: targets.map(({ agency, code }) => ({
      type: 'dossier.submitted',
      dossierCode: code,
      agencyId: agency.id,
      channel: agency.channel,
      webhookId: `msg_${outboxId}_${code}`,
    })),
  };
}

export const requestHash = (input: SubmitInput) =>
  createHash('sha256').update(canonical(input)).digest('hex');

async function replay(ports: IntakePorts, ownerSub: string, key: string, hash: string) {
  const previous = await ports.findIdempotent(ownerSub, key);
  if (!previous) return undefined;
  if (previous.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return previous.response;
}

function checkForm(procedure: Procedure, form: Record<string, unknown>) {
  const parsed = procedure.form.safeParse(form);
  if (!parsed.success) {
    throw new AppError(
      'INVALID_FORM',
      zodDetails(parsed.error).map((d) => ({ ...d, path: d.path ? `form.${d.path}` : 'form' })),
    );
  }
  return parsed.data as Record<string, unknown>;
}

/** Checks every attachment: a document the procedure asks for, an upload of the caller's, really there. */
async function checkAttachments(
  ports: IntakePorts,
  procedure: Procedure,
  ownerSub: string,
  input: SubmitInput,
) {
  const problems: { path: string; code: string; message: string }[] = [];
  const counts = new Map<string, number>();
  const accepted: { upload: UploadRecord; documentType: string }[] = [];
  const seen = new Set<string>();

  for (const [i, a] of input.attachments.entries()) {
    const path = `attachments.${i}`;
    const doc = procedure.documents.find((d) => d.type === a.documentType);
    if (!doc) {
      problems.push({
        path: `${path}.documentType`,
        code: 'unknown_document',
        message: 'not a document of this procedure',
      });
      continue;
    }
    counts.set(doc.type, (counts.get(doc.type) ?? 0) + 1);
    if (seen.has(a.uploadId)) {
      problems.push({
        path: `${path}.uploadId`,
        code: 'duplicate_upload',
        message: 'the same upload is attached twice',
      });
      continue;
    }
    seen.add(a.uploadId);
    const upload = await ports.findUpload(a.uploadId);
    if (!upload || upload.ownerSub !== ownerSub)
      throw new AppError('UPLOAD_NOT_FOUND', [{ path: `${path}.uploadId` }]);
    if (upload.state !== 'pending') {
      problems.push({
        path: `${path}.uploadId`,
        code: 'upload_used',
        message: 'this upload is already attached to a dossier',
      });
      continue;
    }
    if (!doc.mimeTypes.includes(upload.contentType) || upload.size > doc.maxBytes) {
      problems.push({
        path: `${path}.uploadId`,
        code: 'document_mismatch',
        message: `accepts ${doc.mimeTypes.join(', ')} up to ${doc.maxBytes} bytes`,
      });
      continue;
    }
    const stored = await ports.inspectObject(upload.key);
    if (!stored || stored.size !== upload.size || (stored.contentType ?? '') !== upload.contentType) {
      throw new AppError('UPLOAD_INCOMPLETE', [{ path: `${path}.uploadId` }]);
    }
    accepted.push({ upload, documentType: doc.type });
  }
  for (const doc of procedure.documents) {
    const n = counts.get(doc.type) ?? 0;
    if (doc.required && n === 0) {
      problems.push({ path: 'attachments', code: 'missing_document', message: `${doc.type} is required` });
    }
    if (n > (doc.copies ?? 1)) {
      problems.push({
        path: 'attachments',
        code: 'too_many_copies',
        message: `${doc.type}: at most ${doc.copies ?? 1}`,
      });
    }
  }
  if (problems.length) throw new AppError('DOCUMENT_NOT_ACCEPTED', problems);
  return accepted;
}

/** DynamoDB takes at most 100 writes in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** The procedure's agency, or the one its rule picks for the applicant's province and commune. */
function handlingAgency(procedure: Procedure, form: Record<string, unknown>): Agency {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const agency = resolveAgency(procedure, {
    provinceCode: text(form.provinceCode),
    communeCode: text(form.communeCode),
  });
  if (agency) return agency;
  if (procedure.agencyId)
    throw new Error(`procedure ${procedure.code} names unknown agency ${procedure.agencyId}`);
  throw new AppError('INVALID_FORM', [
    { path: 'form.provinceCode', code: 'unknown_province', message: 'no handling agency for this province' },
  ]);
}

/**
 * Where the dossiers go: one agency, or — for a multi-destination procedure such as a promotion
 * notice — the competent agency of each chosen province (`"all"`: every province in the registry).
 */
function handlingAgencies(procedure: Procedure, form: Record<string, unknown>, input: SubmitInput): Agency[] {
  if (!procedure.multiDestination) {
    if (input.destinations !== undefined) {
      throw new AppError('VALIDATION_FAILED', [
        {
          path: 'body.destinations',
          code: 'single_destination',
          message: 'this procedure goes to one agency',
        },
      ]);
    }
    return [handlingAgency(procedure, form)];
  }
  const chosen =
    input.destinations === 'all'
      ? provinces.map((p) => p.code)
      : (input.destinations ?? (Array.isArray(form.provinceCodes) ? (form.provinceCodes as string[]) : []));
  if (chosen.length === 0) {
    throw new AppError('VALIDATION_FAILED', [
      { path: 'body.destinations', code: 'required', message: 'choose the provinces, or "all"' },
    ]);
  }
  const problems: { path: string; code: string; message: string }[] = [];
  const byId = new Map<string, Agency>();
  for (const [i, provinceCode] of [...new Set(chosen)].entries()) {
    const agency = resolveAgency(procedure, { provinceCode });
    if (agency) byId.set(agency.id, agency);
    else problems.push({ path: `body.destinations.${i}`, code: 'unknown_province', message: provinceCode });
  }
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems);
  return [...byId.values()];
}

export async function submitDossier(
  ports: IntakePorts,
  ownerSub: string,
  idempotencyKey: string,
  input: SubmitInput,
): Promise<{ status: 200 | 201; body: SubmitResult }> {
  const hash = requestHash(input);
  const earlier = await replay(ports, ownerSub, idempotencyKey, hash);
  if (earlier) return { status: 201, body: earlier };

  const procedure = findProcedure(input.procedureCode);
  if (!procedure) throw new AppError('UNKNOWN_PROCEDURE', [{ path: 'procedureCode' }]);
  const form = checkForm(procedure, input.form);
  const accepted = await checkAttachments(ports, procedure, ownerSub, input);
  const targets = handlingAgencies(procedure, form, input);
  // Idempotency record, submission and outbox, then per dossier its item and first event, plus claims.
  const writes = 3 + 2 * targets.length + accepted.length;
  if (writes > MAX_TRANSACTION_ITEMS) {
    throw new AppError('VALIDATION_FAILED', [
      {
        path: 'body.attachments',
        code: 'too_large',
        message: 'too many destinations and attachments at once',
      },
    ]);
  }

  const now = ports.now();
  const at = now.toISOString();
  const submissionId = ulid(now.getTime());
  // Each agency numbers its own dossiers; the reservations are independent, so they run together.
  const codes = await Promise.all(targets.map((a) => ports.codes.next(a.code, now)));
  const code = codes[0]!;
  const dueAt = addWorkingDays(now, procedure.processingDays).toISOString();
  const fee = feeFor(procedure, form);
  const waitsForPayment = paymentPolicy(procedure, fee) === 'before_dispatch';

  const attachments: StoredAttachment[] = accepted.map(({ upload, documentType }) => ({
    documentType,
    uploadId: upload.uploadId,
    fileName: upload.fileName,
    contentType: upload.contentType,
    size: upload.size,
    key: `dossiers/${code}/${documentType}-${upload.uploadId}`,
  }));
  // Scans move out of the pending prefix (which expires) before the dossier exists, so a committed
  // dossier never points at a missing file; if the commit then fails the copies are removed. The
  // dossiers of one submission share one copy, kept under the first dossier's prefix.
  for (const [i, a] of attachments.entries()) await ports.copyObject(accepted[i]!.upload.key, a.key);

  const firstEvent = sealEvent({
    seq: 1,
    at,
    type: 'dossier.submitted',
    status: 'submitted',
    actor: 'citizen',
    dueAt,
    prevHash: GENESIS_HASH,
  });
  const dossiers = targets.map((agency, i) => {
    const record: DossierRecord = {
      code: codes[i]!,
      submissionId,
      procedureCode: procedure.code,
      procedureVersion: procedure.version,
      procedureName: procedure.name,
      agencyId: agency.id,
      agencyName: agency.name,
      ownerSub,
      status: 'submitted',
      version: 1,
      lastSeq: 1,
      lastHash: firstEvent.hash,
      submittedAt: at,
      updatedAt: at,
      dueAt,
      form,
      attachments,
      ...(waitsForPayment
        ? { payment: { amount: fee, currency: 'VND' as const, status: 'unpaid' as const } }
        : {}),
    };
    return { record, firstEvent };
  });
  const response: SubmitResult = {
    submissionId,
    dossiers: dossiers.map(({ record }) => ({
      code: record.code,
      agencyId: record.agencyId,
      status: 'submitted' as const,
      dueAt,
    })),
  };
  const outboxId = ulid(now.getTime());
  const outcome = await ports.commit({
    ownerSub,
    idempotencyKey,
    requestHash: hash,
    response,
    submissionId,
    dossiers,
    ...(waitsForPayment
      ? {}
      : {
          outbox: dispatchOutbox(
            outboxId,
            targets.map((agency, i) => ({ agency, code: codes[i]! })),
          ),
        }),
    attachedUploads: accepted.map(({ upload }) => ({ uploadId: upload.uploadId, dossierCode: code })),
    at,
  });
  if (outcome === 'committed') return { status: 201, body: response };

  await ports.deleteObjects(attachments.map((a) => a.key));
  if (outcome === 'upload-taken') {
    throw new AppError('UPLOAD_ALREADY_USED', [{ path: 'attachments' }]);
  }
  // Another request with the same key won the race: answer as it did (or 422 if its body differed).
  const winner = await replay(ports, ownerSub, idempotencyKey, hash);
  if (!winner) throw new AppError('CONFLICT');
  return { status: 201, body: winner };
}
