/**
 * Submitting a dossier. Everything the citizen sent is checked against the procedure (form, documents,
 * the uploaded files themselves) before anything is written; then the dossier, its first timeline
 * event, the submission, the dispatch announcement (outbox) and the idempotency record are committed in
 * one transaction — so there is never a dossier without a dispatch, nor a dispatch without a dossier. A
 * dossier whose fee is paid online before dispatch gets its outbox item from the successful payment.
 *
 * Who files is not always who owns: a business representative files for the enterprise named by the
 * tax code in their token (every representative of it sees the dossier); a one-stop desk officer files
 * on behalf of a citizen named by citizen ID, found by its keyed hash among the IDs bound to accounts
 * from their VNeID sign-in (one account each) — the citizen owns the dossier, the officer and their
 * office are recorded in `filedBy`. Citizen ID and phone numbers in the form are sealed before anything
 * is written (sealed-form.ts).
 */
import { ulid } from 'ulidx';
import type * as z from 'zod';
import type { submitDossierRequest, submitDossierResponse } from '../../schemas/dossier.js';
import { bundleMembers } from '../catalog/bundles.js';
import { piiFields } from '../catalog/form-values.js';
import { isNationalProcedure } from '../catalog/information-codes.js';
import { feeFor, paymentPolicy, resolveAgency } from '../catalog/policy.js';
import { findProcedure } from '../catalog/procedure-forms.js';
import type { Procedure } from '../catalog/procedures.js';
import type { PersonRole } from '../core/auth.js';
import type { BundleLink, DossierRecord, FiledBy } from '../core/dossier.js';
import type { CodeAllocator } from '../core/dossier-codes.js';
import { isThrottled } from '../core/dynamo-errors.js';
import { AppError } from '../core/errors.js';
import { zodDetails } from '../core/http.js';
import { countEvent } from '../core/metrics.js';
import { type RateClaim, rateLimited } from '../core/rate-limit.js';
import { GENESIS_HASH, sealEvent, type TimelineEvent } from '../core/timeline.js';
import { newTrackingKey } from '../core/tracking-key.js';
import { addWorkingDays } from '../core/working-days.js';
import {
  type AttachmentPorts,
  askedTwice,
  type CopyScan,
  checkAttachments,
  copyScans,
  freshUploads,
  storedAttachments,
} from '../documents/attachments.js';
import { replay, requestHashOf } from '../dossiers/idempotency.js';
import type { Outbox } from '../dossiers/messages.js';
import { dispatchOutbox } from '../dossiers/outbox.js';
import { citizenIdHash, type ProfileKeys } from '../pii/protect.js';
import { sealForm } from '../pii/sealed-form.js';
import { type Agency, findAgency, provinces } from '../registry/agencies.js';
import { deskFilingNote } from './desk.js';

export type SubmitInput = z.output<typeof submitDossierRequest>;
export type SubmitResult = z.infer<typeof submitDossierResponse>;

/** Who is filing, from the token (never from the body). */
export interface Filer {
  sub: string;
  role: PersonRole;
  agencyId?: string;
  taxCode?: string;
  /** The verified citizen ID of the sign-in (VNeID), when it carries one. */
  citizenId?: string;
}

export interface IntakeWrite {
  /** The account the dossiers belong to (for a desk filing: the citizen's). */
  ownerSub: string;
  /** Who sent the request, when not the owner: scopes the Idempotency-Key and owns the uploads it claims. */
  filerSub?: string;
  enterpriseTaxCode?: string;
  filedBy?: FiledBy;
  idempotencyKey: string;
  requestHash: string;
  response: SubmitResult;
  submissionId: string;
  dossiers: { record: DossierRecord; firstEvent: TimelineEvent }[];
  /** Absent when the dossier waits for its fee: the successful payment writes it instead. */
  outbox?: Outbox;
  attachedUploads: { uploadId: string; dossierCode: string }[];
  /** The filer's draft of this procedure, discarded with the commit: it has served. */
  draft: { sub: string; procedureCode: string };
  /** The filer's abuse-limit counter, taken in the same transaction (core/rate-limit.ts). */
  accountLimit?: RateClaim;
  at: string;
}

export type CommitOutcome =
  | 'committed'
  | 'idempotency-key-taken'
  | 'upload-taken'
  | 'rate-limited'
  /** Concurrent transactions on the same items kept it from committing: nothing was written. */
  | 'conflict';

export interface IntakePorts extends AttachmentPorts {
  now(): Date;
  findIdempotent(
    ownerSub: string,
    key: string,
  ): Promise<{ requestHash: string; response: SubmitResult } | undefined>;
  copyObject: CopyScan;
  deleteObjects(keys: string[]): Promise<void>;
  codes: CodeAllocator;
  /** The profile key: seals form identifiers and hashes citizen IDs for look-ups. */
  profileKeys(): Promise<ProfileKeys>;
  /** The one account holding this citizen ID (by its keyed hash), bound from its VNeID sign-in, if any. */
  findAccountByCitizenIdHash(hash: string): Promise<string | undefined>;
  commit(write: IntakeWrite): Promise<CommitOutcome>;
  /** The document types of the valid electronic results this account holds (for data asked twice). */
  heldResultTypes?(ownerSub: string): Promise<ReadonlySet<string>>;
}

export const requestHash = (input: SubmitInput) => requestHashOf(input);

/** Intake's check of a form against its procedure version: 400 INVALID_FORM naming each `form.<field>`. */
export function checkForm(procedure: Procedure, form: Record<string, unknown>) {
  const parsed = procedure.form.safeParse(form);
  if (!parsed.success) {
    throw new AppError(
      'INVALID_FORM',
      zodDetails(parsed.error).map((d) => ({ ...d, path: d.path ? `form.${d.path}` : 'form' })),
    );
  }
  return parsed.data as Record<string, unknown>;
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
    {
      path: 'form.provinceCode',
      code: 'unknown_province',
      message: 'no handling agency for this province',
      messageVi: 'Chưa có cơ quan giải quyết tại tỉnh, thành phố này.',
    },
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
          messageVi: 'Thủ tục này chỉ nộp đến một cơ quan.',
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
      {
        path: 'body.destinations',
        code: 'required',
        message: 'choose the provinces, or "all"',
        messageVi: 'Vui lòng chọn tỉnh, thành phố nơi nộp.',
      },
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

/** One dossier to create: the procedure it follows, its agency, its own working-day budget. */
interface Target {
  procedure: Procedure;
  agency: Agency;
  /** Working days from submission to this dossier's due date. */
  days: number;
  step?: number;
}

/**
 * An interlinked bundle (birth registration → permanent residence → health card) is one dossier per
 * member procedure, each at its own competent agency, in hand-off order; due dates add up along the
 * chain (each is recomputed when its dossier is handed over).
 */
function bundleTargets(procedure: Procedure, form: Record<string, unknown>, input: SubmitInput): Target[] {
  if (input.destinations !== undefined) {
    throw new AppError('VALIDATION_FAILED', [
      { path: 'body.destinations', code: 'single_destination', message: 'a bundle has fixed agencies' },
    ]);
  }
  let days = 0;
  return bundleMembers(procedure).map((m) => {
    days += m.days;
    return { procedure: m.procedure, agency: handlingAgency(m.procedure, form), days, step: m.step };
  });
}

/** Only a desk officer (of a known office) files for someone else, and a desk officer always does. */
function checkFiler(filer: Filer, input: SubmitInput) {
  if (input.onBehalfOf && filer.role !== 'desk_officer') {
    throw new AppError('ON_BEHALF_NOT_ALLOWED', [{ path: 'body.onBehalfOf' }]);
  }
  if (filer.role !== 'desk_officer') return;
  if (!filer.agencyId || !findAgency(filer.agencyId)) throw new AppError('FORBIDDEN');
  if (!input.onBehalfOf) {
    throw new AppError('VALIDATION_FAILED', [
      {
        path: 'body.onBehalfOf',
        code: 'required',
        message: 'a desk officer files on behalf of a citizen: give their citizen ID',
        messageVi: 'Cán bộ một cửa nộp thay công dân: vui lòng nhập số định danh cá nhân của công dân.',
      },
    ]);
  }
}

/**
 * Filing for oneself: a form's applicant is the person signed in. When the sign-in carries a verified
 * citizen ID, an applicant ID typed into the form must be that one, or the dossier would speak for
 * someone else from this account.
 */
function checkOwnApplicant(filer: Filer, form: Record<string, unknown>) {
  if (!filer.citizenId || typeof form.citizenId !== 'string' || form.citizenId === filer.citizenId) return;
  throw new AppError('INVALID_FORM', [
    {
      path: 'form.citizenId',
      code: 'applicant_mismatch',
      message: 'the applicant must be you: the citizen ID of your verified sign-in',
      messageVi:
        'Người nộp phải là chính bạn: số định danh cá nhân phải trùng với tài khoản định danh điện tử đã đăng nhập.',
    },
  ]);
}

/** The citizen's account: the one whose profile is bound to the citizen ID (by its keyed hash). */
async function citizenAccount(ports: IntakePorts, citizenId: string, form: Record<string, unknown>) {
  // The applicant of the form is the citizen named: a dossier cannot land in another person's account.
  if (typeof form.citizenId === 'string' && form.citizenId !== citizenId) {
    throw new AppError('INVALID_FORM', [
      {
        path: 'form.citizenId',
        code: 'applicant_mismatch',
        message: 'the applicant must be the citizen the dossier is filed for (onBehalfOf.citizenId)',
        messageVi: 'Người nộp phải là công dân được nộp thay (số định danh cá nhân đã nhập).',
      },
    ]);
  }
  const keys = await ports.profileKeys();
  const sub = await ports.findAccountByCitizenIdHash(citizenIdHash(keys.lookup, citizenId));
  if (!sub) throw new AppError('CITIZEN_ACCOUNT_NOT_FOUND', [{ path: 'body.onBehalfOf.citizenId' }]);
  return sub;
}

export async function submitDossier(
  ports: IntakePorts,
  caller: string | Filer,
  idempotencyKey: string,
  input: SubmitInput,
  /** The filer's counter when the route counts the account in the commit (route `accountLimitAt`). */
  accountLimit?: RateClaim,
): Promise<{ status: 200 | 201; body: SubmitResult }> {
  const filer: Filer = typeof caller === 'string' ? { sub: caller, role: 'citizen' } : caller;
  checkFiler(filer, input);
  const hash = requestHash(input);
  // No read of the Idempotency-Key first: the commit's condition on its record decides, and a repeated
  // request is answered from that record once the commit (or the uploads it already claimed) says so.

  const procedure = findProcedure(input.procedureCode);
  if (!procedure)
    // An imported procedure without an online form is information only: refused before anything is written.
    throw new AppError(
      isNationalProcedure(input.procedureCode) ? 'PROCEDURE_NOT_ONLINE' : 'UNKNOWN_PROCEDURE',
      [{ path: 'procedureCode' }],
    );
  const form = checkForm(procedure, input.form);
  if (!input.onBehalfOf) checkOwnApplicant(filer, form);
  const ownerSub = input.onBehalfOf
    ? await citizenAccount(ports, input.onBehalfOf.citizenId, form)
    : filer.sub;
  const enterpriseTaxCode = filer.role === 'business' && filer.taxCode ? filer.taxCode : undefined;
  const filedBy: FiledBy | undefined =
    input.onBehalfOf && filer.agencyId
      ? { sub: filer.sub, role: 'desk_officer', agencyId: filer.agencyId }
      : undefined;
  let accepted: Awaited<ReturnType<typeof checkAttachments>>;
  try {
    accepted = await checkAttachments(ports, procedure.documents, filer.sub, input.attachments, {
      required: procedure.documents.filter((d) => d.required).map((d) => d.type),
      mayReuse: (d) =>
        d.ownerSub === filer.sub ||
        (enterpriseTaxCode !== undefined && d.enterpriseTaxCode === enterpriseTaxCode),
    });
  } catch (err) {
    // A retry racing the request it repeats finds the uploads already claimed by that request's
    // commit: it answers as that request did, not as if the citizen had reused a scan.
    const winner = await replay(ports, filer.sub, idempotencyKey, hash);
    if (winner) return { status: 201, body: winner };
    throw err;
  }
  const targets: Target[] = procedure.bundle
    ? bundleTargets(procedure, form, input)
    : handlingAgencies(procedure, form, input).map((agency) => ({
        procedure,
        agency,
        days: procedure.processingDays,
      }));
  // Idempotency record, submission, outbox and the draft's removal, then per dossier its item and first
  // event, plus the claims of fresh uploads.
  const writes = 4 + 2 * targets.length + freshUploads(accepted).length;
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
  const codes = await Promise.all(targets.map((t) => ports.codes.next(t.agency.code, now)));
  const code = codes[0]!;
  const fee = feeFor(procedure);
  const waitsForPayment = paymentPolicy(procedure, fee) === 'before_dispatch';

  // The dossiers of one submission share one copy of the scans, kept under the first dossier's prefix.
  // Scans move out of the pending prefix (which expires) before the dossier exists, so a committed
  // dossier never points at a missing file; if the commit then fails the copies are removed.
  const attachments = await copyScans(
    (f, t) => ports.copyObject(f, t),
    accepted,
    storedAttachments(code, accepted),
  );

  // Read only when something was uploaded afresh: a filing that reuses everything asks nothing twice.
  const twice =
    ports.heldResultTypes && freshUploads(accepted).length
      ? askedTwice(accepted, await ports.heldResultTypes(ownerSub))
      : 0;

  const pii = piiFields(procedure.form);
  const profileKeys = pii.size ? await ports.profileKeys() : undefined;

  const dossiers = targets.map((t, i) => {
    const dueAt = addWorkingDays(now, t.days).toISOString();
    const firstEvent = sealEvent({
      seq: 1,
      at,
      type: 'dossier.submitted',
      status: 'submitted',
      actor: 'citizen',
      dueAt,
      // Filed at a one-stop desk: the office (never the officer) is named in the timeline.
      ...(filedBy
        ? {
            source: filedBy.agencyId,
            note: deskFilingNote(filedBy.agencyId),
          }
        : {}),
      prevHash: GENESIS_HASH,
    });
    const bundle: BundleLink | undefined =
      t.step === undefined
        ? undefined
        : {
            procedureCode: procedure.code,
            step: t.step,
            steps: targets.length,
            ...(i > 0 ? { previous: codes[i - 1]! } : { handedOffAt: at }),
            ...(i < targets.length - 1 ? { next: codes[i + 1]! } : {}),
          };
    // In a bundle only the first dossier is handed over now, so only it carries the fee.
    const pays = waitsForPayment && i === 0;
    const record: DossierRecord = {
      code: codes[i]!,
      submissionId,
      procedureCode: t.procedure.code,
      procedureVersion: t.procedure.version,
      procedureName: t.procedure.name,
      agencyId: t.agency.id,
      agencyName: t.agency.name,
      ownerSub,
      status: 'submitted',
      version: 1,
      lastSeq: 1,
      lastHash: firstEvent.hash,
      submittedAt: at,
      updatedAt: at,
      dueAt,
      ...(profileKeys ? sealForm(profileKeys, codes[i]!, form, pii) : { form }),
      attachments,
      ...(enterpriseTaxCode ? { enterpriseTaxCode } : {}),
      ...(filedBy ? { filedBy } : {}),
      ...(bundle ? { bundle } : {}),
      ...(twice ? { documentsAskedTwice: twice } : {}),
      ...(pays ? { payment: { amount: fee, currency: 'VND' as const, status: 'unpaid' as const } } : {}),
      trackingKey: newTrackingKey(),
    };
    return { record, firstEvent };
  });
  const response: SubmitResult = {
    submissionId,
    dossiers: dossiers.map(({ record }) => ({
      code: record.code,
      agencyId: record.agencyId,
      status: 'submitted' as const,
      dueAt: record.dueAt,
      trackingKey: record.trackingKey!,
    })),
  };
  const outboxId = ulid(now.getTime());
  // A bundle goes to its first agency now; each result hands the next dossier over (agency events).
  const dispatched = (procedure.bundle ? targets.slice(0, 1) : targets).map((t, i) => ({
    agency: t.agency,
    code: codes[i]!,
  }));
  const write: IntakeWrite = {
    ownerSub,
    filerSub: filer.sub,
    ...(enterpriseTaxCode ? { enterpriseTaxCode } : {}),
    ...(filedBy ? { filedBy } : {}),
    idempotencyKey,
    requestHash: hash,
    response,
    submissionId,
    dossiers,
    ...(waitsForPayment ? {} : { outbox: dispatchOutbox(outboxId, dispatched) }),
    attachedUploads: freshUploads(accepted).map((u) => ({ uploadId: u.uploadId, dossierCode: code })),
    draft: { sub: filer.sub, procedureCode: input.procedureCode },
    ...(accountLimit ? { accountLimit } : {}),
    at,
  };
  let outcome: CommitOutcome;
  try {
    outcome = await ports.commit(write);
  } catch (err) {
    // Refused for load, the one transaction wrote nothing: no dossier points at the copies, so they go,
    // and the citizen sends the same request again (503 with Retry-After). Any other failure may have
    // committed, so its copies stay.
    if (isThrottled(err)) await ports.deleteObjects(attachments.map((a) => a.key)).catch(() => undefined);
    throw err;
  }
  if (outcome === 'committed') {
    countEvent('DossiersSubmitted', {}, dossiers.length);
    return { status: 201, body: response };
  }

  await ports.deleteObjects(attachments.map((a) => a.key));
  if (outcome === 'rate-limited' && accountLimit)
    throw rateLimited(accountLimit.limitClass, ['account'], now.getTime(), accountLimit.window);
  if (outcome === 'conflict') throw new AppError('CONFLICT');
  if (outcome === 'upload-taken') {
    throw new AppError('UPLOAD_ALREADY_USED', [{ path: 'attachments' }]);
  }
  // Another request with the same key won the race: answer as it did (or 422 if its body differed).
  const winner = await replay(ports, filer.sub, idempotencyKey, hash);
  if (!winner) throw new AppError('CONFLICT');
  return { status: 201, body: winner };
}
