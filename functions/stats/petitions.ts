/**
 * Petition statistics (phản ánh, kiến nghị), from the petition timeline events the petitions capability
 * writes in the same transaction as each state change: answers on time per agency and month, and
 * petitions overdue now. The live stream consumer and `npm run stats:rebuild` count through the same
 * functions, so they cannot disagree.
 *
 * "Petitions overdue now" follows the events. A lapsed deadline does not leave a petition waiting at
 * the late agency: the escalation run moves it to the parent agency with fresh clocks
 * (`petition.escalated`, `fromAgencyId` = the agency that let it lapse). So a petition counts against
 * each agency that let a deadline lapse, from its escalation until the petition is resolved (answered
 * or rejected), wherever it is by then; a reassignment does not undo the lapse. On each petition event
 * the consumer folds the petition's whole timeline (read consistently) into that state, so records
 * handled in parallel, late or twice all converge; the marker keeps the state counted and the event
 * number it was folded to, and each change is conditional on the marker as read.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { cancellationOf, isCancellation } from '../core/dynamo-errors.js';
import { keys } from '../core/keys.js';
import { type Contribution, monthOf } from './counters.js';
import { nowUpdate } from './overdue.js';

export type PetitionEventType =
  | 'petition.received'
  | 'petition.assigned'
  | 'petition.answered'
  | 'petition.rejected'
  | 'petition.reassigned'
  | 'petition.escalated'
  | 'petition.published';

/** What counting needs of a petition timeline event (contracts: every event has agencyId and at). */
export interface CountedPetitionEvent {
  pk: string;
  sk: string;
  type: PetitionEventType | string;
  agencyId: string;
  at: string;
  answerDueAt?: string;
  onTime?: boolean;
  /** On `petition.escalated` and `petition.reassigned`: the agency it came from. */
  fromAgencyId?: string;
}

const PETITION_PREFIX = 'PETITION#';
const EVENT_PREFIX = 'EVENT#';

export const petitionCodeOf = (e: Pick<CountedPetitionEvent, 'pk'>) => e.pk.slice(PETITION_PREFIX.length);
export const eventSeqOf = (e: Pick<CountedPetitionEvent, 'sk'>) => Number(e.sk.slice(EVENT_PREFIX.length));

/** An answer counts once per petition, in the month and for the agency that answered. */
export function petitionContribution(e: CountedPetitionEvent): Contribution | undefined {
  if (e.type !== 'petition.answered') return undefined;
  return {
    code: petitionCodeOf(e),
    kind: 'petitionAnswered',
    agencyId: e.agencyId,
    month: monthOf(e.at),
    add: { petitionsAnswered: 1, petitionsAnsweredOnTime: e.onTime === true ? 1 : 0 },
  };
}

export interface PetitionOverdueState {
  /** Agencies that let a deadline of this still unresolved petition lapse. */
  lapsed: string[];
  /** The event number that set this state. */
  seq: number;
}

const RESOLVES: ReadonlySet<string> = new Set(['petition.answered', 'petition.rejected']);

/** The petition's overdue state after one event. */
export function petitionOverdueAfter(
  prev: PetitionOverdueState | undefined,
  e: CountedPetitionEvent,
): PetitionOverdueState {
  const seq = eventSeqOf(e);
  const lapsed = prev?.lapsed ?? [];
  if (RESOLVES.has(e.type)) return { lapsed: [], seq };
  if (e.type === 'petition.escalated') {
    const late = e.fromAgencyId ?? e.agencyId;
    return { lapsed: lapsed.includes(late) ? lapsed : [...lapsed, late], seq };
  }
  return { lapsed, seq };
}

/** How "petitions overdue now" changes between two states, per agency. */
export function overdueDeltas(
  prev: PetitionOverdueState | undefined,
  next: PetitionOverdueState,
): Map<string, number> {
  const before = new Set(prev?.lapsed ?? []);
  const after = new Set(next.lapsed);
  const out = new Map<string, number>();
  for (const a of before) if (!after.has(a)) out.set(a, -1);
  for (const a of after) if (!before.has(a)) out.set(a, 1);
  return out;
}

/** A petition's overdue state after its timeline (in event order, whatever order it is given in). */
export function foldPetition(events: readonly CountedPetitionEvent[]): PetitionOverdueState | undefined {
  let state: PetitionOverdueState | undefined;
  for (const e of [...events].sort((a, b) => eventSeqOf(a) - eventSeqOf(b)))
    state = petitionOverdueAfter(state, e);
  return state;
}

/** What a set of petition timelines adds up to: answer contributions and who holds what overdue. */
export function petitionFigures(timelines: Iterable<readonly CountedPetitionEvent[]>): {
  contributions: Contribution[];
  overdueNow: Map<string, number>;
} {
  const contributions: Contribution[] = [];
  const overdueNow = new Map<string, number>();
  for (const events of timelines) {
    for (const e of events) {
      const c = petitionContribution(e);
      if (c) contributions.push(c);
    }
    for (const a of foldPetition(events)?.lapsed ?? []) overdueNow.set(a, (overdueNow.get(a) ?? 0) + 1);
  }
  return { contributions, overdueNow };
}

export interface PetitionOverduePorts {
  marker(code: string): Promise<PetitionOverdueState | undefined>;
  /** The petition's timeline events, read consistently. */
  timeline(code: string): Promise<CountedPetitionEvent[]>;
  /** Moves the marker from `prev` to `next` with the count changes; throws if the marker moved meanwhile. */
  apply(
    code: string,
    prev: PetitionOverdueState | undefined,
    next: PetitionOverdueState,
    at: string,
  ): Promise<void>;
}

/** Brings "petitions overdue now" in line with the petition's timeline after one of its events. */
export async function applyPetitionEvent(
  ports: PetitionOverduePorts,
  e: Pick<CountedPetitionEvent, 'pk'>,
  at: string,
): Promise<'applied' | 'unchanged'> {
  const code = petitionCodeOf(e);
  const [prev, timeline] = await Promise.all([ports.marker(code), ports.timeline(code)]);
  const next = foldPetition(timeline);
  // A marker folded as far or further already counts what this read could tell.
  if (!next || (prev && prev.seq >= next.seq)) return 'unchanged';
  // Nothing counted before or after: no marker needed.
  if (!prev && next.lapsed.length === 0) return 'unchanged';
  await ports.apply(code, prev, next, at);
  return 'applied';
}

export function petitionOverdueStore(): PetitionOverduePorts {
  const TableName = config().TABLE_NAME;
  return {
    async marker(code) {
      const out = await dynamo().send(
        new GetCommand({ TableName, Key: keys.petitionStatsOverdue(code), ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      return { lapsed: (out.Item.lapsed as string[] | undefined) ?? [], seq: Number(out.Item.seq) };
    },
    timeline: (code) => petitionTimeline(TableName, code),
    async apply(code, prev, next, at) {
      const deltas = overdueDeltas(prev, next);
      try {
        await dynamo().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName,
                  Item: {
                    ...keys.petitionStatsOverdue(code),
                    kind: 'stats-petition-overdue',
                    petitionCode: code,
                    ...next,
                    at,
                  },
                  ...(prev
                    ? {
                        ConditionExpression: 'seq = :prev',
                        ExpressionAttributeValues: { ':prev': prev.seq },
                      }
                    : { ConditionExpression: 'attribute_not_exists(pk)' }),
                },
              },
              ...[...deltas].map(([agencyId, by]) =>
                nowUpdate(TableName, agencyId, 'petitionsOverdueNow', by, at, code),
              ),
            ],
          }),
        );
      } catch (err) {
        if (isCancellation(err) && cancellationOf(err).failed(0))
          throw new Error(`petition ${code}: its overdue marker moved meanwhile; the event is tried again`);
        throw err;
      }
    },
  };
}

/** A petition's timeline with only what counting needs (strongly consistent, every page). */
export async function petitionTimeline(TableName: string, code: string): Promise<CountedPetitionEvent[]> {
  const fields = ['pk', 'sk', 'type', 'agencyId', 'at', 'onTime', 'fromAgencyId'];
  const events: CountedPetitionEvent[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.petitionPartition(code), ':prefix': keys.timelinePrefix },
        ExpressionAttributeNames: Object.fromEntries(fields.map((f) => [`#${f}`, f])),
        ProjectionExpression: fields.map((f) => `#${f}`).join(', '),
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    events.push(...((out.Items ?? []) as CountedPetitionEvent[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return events;
}
