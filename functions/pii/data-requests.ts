/**
 * A personal-data request (Law 91/2025/QH15, Decree 356/2025/NĐ-CP) as stored, its clocks and its state
 * machine. In the personal-data kernel because two features read it: functions/rights/ (the requests and
 * the operators' work) and functions/sla/ (the watcher that flags lapsed deadlines).
 *
 * received ─acknowledge─► acknowledged ─complete─► completed
 *    │                         └─refuse──► refused
 *    ├─complete / refuse (acknowledging at the same time)
 *    └─withdraw (the person, while not final) ─► withdrawn
 */
import * as z from 'zod';
import { dataRequestKind, dataRequestStatus, type dataRequestView } from '../../schemas/data-requests.js';
import { setting } from '../core/config.js';
import { itemParser, present } from '../core/items.js';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import { DATA_RIGHTS } from '../core/resources.js';
import { addWorkingDays, type CalendarAdjustments } from '../core/working-days.js';

export type DataRequestKind = z.infer<typeof dataRequestKind>;
export type DataRequestStatus = z.infer<typeof dataRequestStatus>;

const dataRequestEventType = z.enum(['received', 'acknowledged', 'completed', 'refused', 'withdrawn']);
const dataRequestActor = z.enum(['citizen', 'operator', 'portal']);

export interface DataRequestEvent {
  at: string;
  type: z.infer<typeof dataRequestEventType>;
  by: z.infer<typeof dataRequestActor>;
  note?: string;
}

export interface DataRequestRecord {
  id: string;
  ownerSub: string;
  kind: DataRequestKind;
  status: DataRequestStatus;
  /** What was asked, by kind (proposed profile values, petitions, deletion targets, a note). */
  details: Record<string, unknown>;
  receivedAt: string;
  acknowledgeBy: string;
  dueBy: string;
  acknowledgedAt?: string;
  closedAt?: string;
  reason?: string;
  outcome?: Record<string, unknown>;
  timeline: DataRequestEvent[];
  version: number;
  updatedAt: string;
}

interface Periods {
  acknowledgeWorkingDays: number;
  actWorkingDays: Record<DataRequestKind, number>;
}
let periods: Periods | undefined;

/**
 * The periods in force: DATA_RIGHTS (functions/core/resources.ts, with the articles and sources), or
 * CONG_DATA_RIGHTS_PERIODS when set. Read once; an invalid setting stops loudly.
 */
export function dataRightsPeriods(): Periods {
  periods ??= setting('CONG_DATA_RIGHTS_PERIODS') ?? DATA_RIGHTS;
  return periods;
}

export function resetDataRightsPeriods(): void {
  periods = undefined;
}

export function dataRequestClock(
  kind: DataRequestKind,
  receivedAt: Date,
  cal?: CalendarAdjustments,
  p: Periods = dataRightsPeriods(),
): { acknowledgeBy: string; dueBy: string } {
  return {
    acknowledgeBy: addWorkingDays(receivedAt, p.acknowledgeWorkingDays, cal).toISOString(),
    dueBy: addWorkingDays(receivedAt, p.actWorkingDays[kind], cal).toISOString(),
  };
}

export const FINAL_DATA_REQUEST_STATUSES: readonly DataRequestStatus[] = [
  'completed',
  'refused',
  'withdrawn',
];
export const isFinal = (s: DataRequestStatus) => FINAL_DATA_REQUEST_STATUSES.includes(s);

/** The deadline running now: acknowledgement while received, then the legal period; none once final. */
export function deadlineInForce(r: Pick<DataRequestRecord, 'status' | 'acknowledgeBy' | 'dueBy'>) {
  if (r.status === 'received') return r.acknowledgeBy;
  if (r.status === 'acknowledged') return r.dueBy;
  return undefined;
}

/** Which deadline has lapsed, if any: `ack` while unacknowledged past it, `due` while open past the period. */
export function lapsedDeadline(
  r: Pick<DataRequestRecord, 'status' | 'acknowledgeBy' | 'dueBy'>,
  now: Date,
): { kind: 'ack' | 'due'; deadline: string } | undefined {
  if (isFinal(r.status)) return undefined;
  const t = now.getTime();
  if (Date.parse(r.dueBy) < t) return { kind: 'due', deadline: r.dueBy };
  if (r.status === 'received' && Date.parse(r.acknowledgeBy) < t)
    return { kind: 'ack', deadline: r.acknowledgeBy };
  return undefined;
}

export const isDataRequestOverdue = (r: DataRequestRecord, now: Date) => lapsedDeadline(r, now) !== undefined;

export type DataRequestStep = 'acknowledge' | 'complete' | 'refuse' | 'withdraw';

const STEPS: Record<DataRequestStep, { from: readonly DataRequestStatus[]; to: DataRequestStatus }> = {
  acknowledge: { from: ['received'], to: 'acknowledged' },
  complete: { from: ['received', 'acknowledged'], to: 'completed' },
  refuse: { from: ['received', 'acknowledged'], to: 'refused' },
  withdraw: { from: ['received', 'acknowledged'], to: 'withdrawn' },
};

/** The status a step leads to from `current`, or undefined when the step is not allowed there. */
export function decideDataRequest(current: DataRequestStatus, step: DataRequestStep) {
  const rule = STEPS[step];
  return rule.from.includes(current) ? rule.to : undefined;
}

const text = z.string();

const parseStored = itemParser<Omit<DataRequestRecord, 'kind'> & { requestKind: DataRequestKind }>(
  'dataRequest',
  {
    id: text,
    ownerSub: present(text),
    requestKind: dataRequestKind,
    status: dataRequestStatus,
    receivedAt: present(text),
    acknowledgeBy: present(text),
    dueBy: present(text),
    timeline: present(z.array(z.object({ at: text, type: dataRequestEventType, by: dataRequestActor }))),
    version: present(z.number().int().min(1)),
  },
);

/**
 * A request as stored: its kind as `requestKind` (the item's own `kind` names the item type, as every
 * item's does).
 */
export function parseDataRequest(item: Record<string, unknown>): DataRequestRecord {
  const {
    requestKind,
    kind: _item,
    ...rest
  } = parseStored(item) as ReturnType<typeof parseStored> & { kind?: string };
  return { ...rest, kind: requestKind } as DataRequestRecord;
}

export function storedDataRequest(r: DataRequestRecord) {
  const { kind, ...rest } = r;
  return { ...rest, requestKind: kind };
}

export type DataRequestView = z.infer<typeof dataRequestView>;

/** The request as the person and operators see it: a proposed phone number masked. */
export function dataRequestViewOf(r: DataRequestRecord, now: Date): DataRequestView {
  const { proposed, proposedPhoneMasked, ...rest } = r.details as {
    proposed?: Record<string, unknown>;
    proposedPhoneMasked?: string;
  } & Record<string, unknown>;
  let shown: Record<string, unknown> = rest;
  if (proposed) {
    const { phoneSealed: _sealed, ...values } = proposed;
    shown = {
      ...rest,
      proposed: { ...values, ...(proposedPhoneMasked ? { phone: proposedPhoneMasked } : {}) },
    };
  }
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    receivedAt: r.receivedAt,
    acknowledgeBy: r.acknowledgeBy,
    dueBy: r.dueBy,
    ...(r.acknowledgedAt ? { acknowledgedAt: r.acknowledgedAt } : {}),
    ...(r.closedAt ? { closedAt: r.closedAt } : {}),
    overdue: lapsedDeadline(r, now) !== undefined,
    details: shown,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    timeline: r.timeline,
    version: r.version,
  };
}

/** Every request of a person, newest first, as they see them (the account export). */
export async function exportDataRequests(sub: string, now: Date): Promise<DataRequestView[]> {
  const out: DataRequestView[] = [];
  let cursor: string | undefined;
  do {
    const page = await queries.byOwner(sub, keys.dataRequestIndexPrefix)(
      { limit: 100, cursor },
      parseDataRequest,
    );
    out.push(...page.items.map((r) => dataRequestViewOf(r, now)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
