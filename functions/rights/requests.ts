/**
 * Personal-data rights (Law 91/2025/QH15 on Personal Data Protection, Decree 356/2025/NĐ-CP): a person
 * asks to see (access), correct, stop the publishing of (objection) or delete their personal data; each
 * is a tracked request with the statutory clocks (pii/data-requests.ts, periods in core/resources.ts
 * DATA_RIGHTS). Operators acknowledge, complete or refuse; completing does what was asked:
 * - access: the whole export (GET /v1/me/export), at once, without an operator;
 * - correction: the proposed values replace the saved profile's;
 * - objection: the petitions' answers leave the public list and are never published again;
 * - deletion: drafts, uploads never attached to anything, the saved profile. Never a filed dossier or
 *   its scans: they are administrative records the state must keep (archives law), not the portal's to
 *   delete on request.
 * Every state change is a write conditional on the version read, with its timeline event in the same
 * item, so no two changes overwrite each other.
 */
import { ulid } from 'ulidx';
import type * as z from 'zod';
import type { ProfileInput } from '../../schemas/me.js';
import type {
  CreateDataRequest,
  dataRequestReport,
  operatorDataRequestAction,
} from '../../schemas/rights.js';
import type { Person } from '../core/auth.js';
import { AppError } from '../core/errors.js';
import { localDate } from '../core/working-days.js';
import { type IdempotencyPorts, replay, requestHashOf } from '../dossiers/idempotency.js';
import {
  type DataRequestEvent,
  type DataRequestKind,
  type DataRequestRecord,
  type DataRequestStep,
  type DataRequestView,
  dataRequestClock,
  dataRequestViewOf,
  decideDataRequest,
  isFinal,
  lapsedDeadline,
} from '../pii/data-requests.js';
import { maskPhone } from '../pii/protect.js';

export type { DataRequestView };
export type OperatorAction = z.infer<typeof operatorDataRequestAction>;
type Report = z.infer<typeof dataRequestReport>;

/** What the law keeps when a person asks for deletion, said in their answer. */
export const KEPT_RECORDS =
  'Hồ sơ thủ tục hành chính đã nộp và giấy tờ kèm theo là hồ sơ lưu trữ của cơ quan nhà nước, được giữ theo ' +
  'quy định về lưu trữ; không xóa theo yêu cầu. (Filed dossiers and their scans are records the state must keep.)';

export const EXPORT_URL = '/v1/me/export';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface OwnPetition {
  code: string;
  ownerSub: string;
  version: number;
  allowPublish: boolean;
  publishedAt?: string;
}

export interface DataRequestPorts extends IdempotencyPorts<DataRequestView> {
  now(): Date;
  /** Writes a new request with its Idempotency-Key record, or neither (`taken`: the key won elsewhere). */
  create(
    r: DataRequestRecord,
    idempotency: { key: string; requestHash: string; response: DataRequestView },
  ): Promise<'created' | 'taken'>;
  load(id: string): Promise<DataRequestRecord | undefined>;
  /** Writes `next` if the stored request is still version `expected`; false if not. */
  update(next: DataRequestRecord, expected: number): Promise<boolean>;
  listOwned(sub: string, limit: number, cursor: string | undefined): Promise<Page<DataRequestRecord>>;
  queue(
    f: { status?: string; kind?: string; overdueAt?: string; notOverdueAt?: string },
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<DataRequestRecord>>;
  ofMonth(month: string): Promise<DataRequestRecord[]>;
  /** The saved profile's values (revealed), if there is one. */
  profile(sub: string): Promise<(ProfileInput & { version: number }) | undefined>;
  /** Replaces the profile's values (conditional on its version); false when it changed meanwhile. */
  correctProfile(sub: string, values: ProfileInput, version: number): Promise<boolean>;
  /** Deletes the saved profile (and its citizen-ID claim); false when there was none. */
  deleteProfile(sub: string): Promise<boolean>;
  deleteDrafts(sub: string): Promise<number>;
  /** Deletes the person's uploads never attached to a dossier, petition or ticket, with their files. */
  deleteUnusedUploads(sub: string): Promise<number>;
  petition(code: string): Promise<OwnPetition | undefined>;
  ownPetitions(sub: string): Promise<OwnPetition[]>;
  withdrawPublication(p: OwnPetition, at: string): Promise<'withdrawn' | 'stale'>;
  /** Tells the person of a step (to their saved profile's phone and e-mail). */
  notify(r: DataRequestRecord, event: DataRequestEvent, contacts: ProfileInput | undefined): Promise<void>;
  /** Seals / opens a proposed phone number, so the request holds it as the profile does. */
  sealPhone(id: string, phone: string): Promise<string>;
  openPhone(id: string, sealed: string): Promise<string>;
}

export const viewOf = dataRequestViewOf;

/** Files a request. The access kind is fulfilled at once (the export), still a tracked request. */
export async function fileDataRequest(
  ports: DataRequestPorts,
  person: Pick<Person, 'sub'>,
  idempotencyKey: string,
  input: CreateDataRequest,
): Promise<DataRequestView> {
  const requestHash = requestHashOf(input);
  const earlier = await replay(ports, person.sub, idempotencyKey, requestHash);
  if (earlier) return earlier;

  const now = ports.now();
  const at = now.toISOString();
  const id = ulid(now.getTime());
  const clock = dataRequestClock(input.kind, now);
  const { kind: _kind, note, ...rest } = input;
  const details: Record<string, unknown> = { ...rest, ...(note ? { note } : {}) };

  if (input.kind === 'correction') {
    if (!(await ports.profile(person.sub))) throw new AppError('DATA_REQUEST_NO_PROFILE');
    const { phone, ...others } = input.proposed;
    // The proposed phone is sealed like the profile's; only its masked form is ever shown.
    details.proposed = phone ? { ...others, phoneSealed: await ports.sealPhone(id, phone) } : others;
    if (phone) details.proposedPhoneMasked = maskPhone(phone);
  }
  if (input.kind === 'objection' && 'petitionCode' in input.stopPublishing) {
    const p = await ports.petition(input.stopPublishing.petitionCode);
    if (!p || p.ownerSub !== person.sub)
      throw new AppError('PETITION_NOT_FOUND', [{ path: 'body.stopPublishing.petitionCode' }]);
  }

  const timeline: DataRequestEvent[] = [{ at, type: 'received', by: 'citizen', ...(note ? { note } : {}) }];
  let record: DataRequestRecord = {
    id,
    ownerSub: person.sub,
    kind: input.kind,
    status: 'received',
    details,
    receivedAt: at,
    ...clock,
    timeline,
    version: 1,
    updatedAt: at,
  };
  if (input.kind === 'access') {
    record = {
      ...record,
      status: 'completed',
      acknowledgedAt: at,
      closedAt: at,
      outcome: { exportUrl: EXPORT_URL },
      timeline: [
        ...timeline,
        { at, type: 'acknowledged', by: 'portal' },
        { at, type: 'completed', by: 'portal', note: 'Tải toàn bộ dữ liệu tại /v1/me/export' },
      ],
    };
  }
  const view = viewOf(record, now);
  const outcome = await ports.create(record, { key: idempotencyKey, requestHash, response: view });
  if (outcome === 'taken') {
    // The same key won a race meanwhile: answer as it was answered (or 422 for another body).
    const again = await replay(ports, person.sub, idempotencyKey, requestHash);
    if (again) return again;
    throw new AppError('CONFLICT');
  }
  return view;
}

/** One of the person's own requests; anyone else's is 404, as a missing one. */
export async function ownRequest(ports: DataRequestPorts, sub: string, id: string) {
  const r = await ports.load(id);
  if (!r || r.ownerSub !== sub) throw new AppError('DATA_REQUEST_NOT_FOUND');
  return r;
}

function next(r: DataRequestRecord, step: DataRequestStep, event: DataRequestEvent): DataRequestRecord {
  const status = decideDataRequest(r.status, step);
  if (!status) throw new AppError('DATA_REQUEST_ILLEGAL_TRANSITION');
  const events: DataRequestEvent[] = [];
  // Completing or refusing an unacknowledged request acknowledges it at the same moment.
  if (r.status === 'received' && (step === 'complete' || step === 'refuse'))
    events.push({ at: event.at, type: 'acknowledged', by: event.by });
  events.push(event);
  return {
    ...r,
    status,
    ...(r.acknowledgedAt || status === 'withdrawn' ? {} : { acknowledgedAt: event.at }),
    ...(isFinal(status) ? { closedAt: event.at } : {}),
    timeline: [...r.timeline, ...events],
    version: r.version + 1,
    updatedAt: event.at,
  };
}

async function commit(ports: DataRequestPorts, r: DataRequestRecord, n: DataRequestRecord) {
  if (!(await ports.update(n, r.version))) throw new AppError('CONFLICT');
  return n;
}

/** The person withdraws their request while it is not final. */
export async function withdrawDataRequest(
  ports: DataRequestPorts,
  sub: string,
  id: string,
  note: string | undefined,
): Promise<DataRequestView> {
  const r = await ownRequest(ports, sub, id);
  const now = ports.now();
  const n = next(r, 'withdraw', {
    at: now.toISOString(),
    type: 'withdrawn',
    by: 'citizen',
    ...(note ? { note } : {}),
  });
  return viewOf(await commit(ports, r, n), now);
}

/** What completing a request does, by kind; each effect may run again harmlessly. */
async function carryOut(ports: DataRequestPorts, r: DataRequestRecord, at: string) {
  switch (r.kind) {
    case 'access':
      return { exportUrl: EXPORT_URL };
    case 'correction': {
      const current = await ports.profile(r.ownerSub);
      if (!current) throw new AppError('DATA_REQUEST_NO_PROFILE');
      const { phoneSealed, ...proposed } = r.details.proposed as Partial<ProfileInput> & {
        phoneSealed?: string;
      };
      const phone = phoneSealed ? await ports.openPhone(r.id, phoneSealed) : undefined;
      const { version, ...values } = current;
      const corrected: ProfileInput = { ...values, ...proposed, ...(phone ? { phone } : {}) };
      if (!(await ports.correctProfile(r.ownerSub, corrected, version))) throw new AppError('CONFLICT');
      return { correctedFields: [...Object.keys(proposed), ...(phone ? ['phone'] : [])].sort() };
    }
    case 'objection': {
      const target = r.details.stopPublishing as { petitionCode?: string; allPetitions?: true };
      const unpublished: string[] = [];
      const codes = target.petitionCode
        ? [target.petitionCode]
        : (await ports.ownPetitions(r.ownerSub))
            .filter((p) => p.allowPublish || p.publishedAt)
            .map((p) => p.code);
      for (const code of codes) {
        // Read again on a lost race: a concurrent step of the petition moved its version on.
        for (let attempt = 0; attempt < 3; attempt++) {
          const p = await ports.petition(code);
          if (!p || p.ownerSub !== r.ownerSub) break;
          if (!p.allowPublish && !p.publishedAt) break;
          if ((await ports.withdrawPublication(p, at)) === 'withdrawn') {
            unpublished.push(code);
            break;
          }
          if (attempt === 2) throw new AppError('CONFLICT');
        }
      }
      return { unpublishedPetitions: unpublished };
    }
    case 'deletion': {
      const targets = r.details.targets as string[];
      const deleted: { drafts?: number; unusedUploads?: number; profile?: boolean } = {};
      if (targets.includes('drafts')) deleted.drafts = await ports.deleteDrafts(r.ownerSub);
      if (targets.includes('unused_uploads'))
        deleted.unusedUploads = await ports.deleteUnusedUploads(r.ownerSub);
      if (targets.includes('profile')) deleted.profile = await ports.deleteProfile(r.ownerSub);
      return { deleted, kept: KEPT_RECORDS };
    }
  }
}

/** An operator acknowledges, completes (doing what was asked) or refuses (with a reason) a request. */
export async function operatorActs(
  ports: DataRequestPorts,
  id: string,
  action: OperatorAction,
): Promise<DataRequestView> {
  const r = await ports.load(id);
  if (!r) throw new AppError('DATA_REQUEST_NOT_FOUND');
  const step: DataRequestStep = action.action;
  if (!decideDataRequest(r.status, step)) throw new AppError('DATA_REQUEST_ILLEGAL_TRANSITION');
  const now = ports.now();
  const at = now.toISOString();
  const type = step === 'acknowledge' ? 'acknowledged' : step === 'complete' ? 'completed' : 'refused';
  const event: DataRequestEvent = { at, type, by: 'operator', ...(action.note ? { note: action.note } : {}) };
  // Contacts first: a deletion may remove the profile they come from.
  const contacts = await ports.profile(r.ownerSub);
  let n = next(r, step, event);
  if (action.action === 'refuse') n = { ...n, reason: action.reason };
  if (action.action === 'complete') n = { ...n, outcome: await carryOut(ports, r, at) };
  const done = await commit(ports, r, n);
  await ports.notify(done, event, contacts);
  return viewOf(done, now);
}

const emptyFigures = () => ({
  received: 0,
  acknowledgedOnTime: 0,
  acknowledgedLate: 0,
  completedOnTime: 0,
  completedLate: 0,
  refused: 0,
  withdrawn: 0,
  open: 0,
  overdueNow: 0,
});

/** The month a request belongs to in reports: its Vietnam calendar month of receipt. */
export const monthOf = (at: string) => localDate(new Date(at)).slice(0, 7);

/** Per kind: received, acknowledged and completed on time or late, refused, withdrawn, open, overdue now. */
export function reportOf(month: string, requests: readonly DataRequestRecord[], now: Date): Report {
  const kinds: Record<DataRequestKind, ReturnType<typeof emptyFigures>> = {
    access: emptyFigures(),
    correction: emptyFigures(),
    objection: emptyFigures(),
    deletion: emptyFigures(),
  };
  for (const r of requests) {
    const f = kinds[r.kind];
    f.received++;
    if (r.acknowledgedAt) {
      if (r.acknowledgedAt <= r.acknowledgeBy) f.acknowledgedOnTime++;
      else f.acknowledgedLate++;
    }
    if (r.status === 'completed' && r.closedAt) {
      if (r.closedAt <= r.dueBy) f.completedOnTime++;
      else f.completedLate++;
    }
    if (r.status === 'refused') f.refused++;
    if (r.status === 'withdrawn') f.withdrawn++;
    if (!isFinal(r.status)) {
      f.open++;
      if (lapsedDeadline(r, now)) f.overdueNow++;
    }
  }
  return { month, at: now.toISOString(), kinds };
}
