/**
 * Advancing a dossier by one timeline event: the dossier's update, conditioned on the version it was read
 * at (a change landing in between makes the transaction fail rather than be lost), and the event's put
 * beside it. The two go into one TransactWriteItems, to which the caller adds what else the step writes
 * (outbox item, idempotency record, upload claims, agency record): the record and its timeline never
 * disagree, and the hash chain (lastSeq, lastHash) moves with the event.
 */
import { keys } from '../core/keys.js';
import type { TimelineEvent } from '../core/timeline.js';

export interface DossierAdvance {
  /** The dossier as read: the update is refused if its version has moved since. */
  dossier: { code: string; version: number };
  /** The sealed event this step appends (its seq follows the dossier's lastSeq). */
  event: TimelineEvent;
  /** Whether the dossier takes the event's status (default); a payment or refund event leaves it as it is. */
  moveStatus?: boolean;
  /** The dossier's updatedAt; the event's time unless given. */
  at?: string;
  /** Further attributes to set, by path (`dueAt`, `payment.status`, `bundle.handedOffAt`). */
  set?: Readonly<Record<string, unknown>>;
  /** Lists the step adds to (`attachments`). */
  append?: Readonly<Record<string, readonly unknown[]>>;
  /** Attributes the step clears (`stepClock` when no step runs). */
  remove?: readonly string[];
  /** Further conditions: the attribute at each path must hold this value (`payment.paymentId`). */
  expect?: Readonly<Record<string, unknown>>;
  /** Paths that must still be absent (a bundle's next dossier is handed over once). */
  absent?: readonly string[];
}

const NOT_EXISTS = 'attribute_not_exists(pk)';

/** The put of a dossier's timeline event: once (an event is never overwritten). */
export function timelinePut(TableName: string, code: string, event: TimelineEvent) {
  return {
    Put: {
      TableName,
      Item: { ...keys.timelineEvent(code, event.seq), kind: 'event', ...event },
      ConditionExpression: NOT_EXISTS,
    },
  };
}

/** Placeholders for attribute paths and their values, collected as the expressions are written. */
function placeholders() {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  return {
    names,
    values,
    path(p: string) {
      return p
        .split('.')
        .map((part) => {
          names[`#${part}`] = part;
          return `#${part}`;
        })
        .join('.');
    },
    value(prefix: string, p: string, v: unknown) {
      const name = `:${prefix}_${p.replaceAll('.', '_')}`;
      values[name] = v;
      return name;
    },
  };
}

/** The version-conditioned update of the dossier and the put of its event, for one TransactWriteItems. */
export function advanceDossier(TableName: string, a: DossierAdvance) {
  const { dossier, event } = a;
  const x = placeholders();
  // The version, status and chain fields keep the placeholder names they have always had (:expected, :next…).
  x.values[':expected'] = dossier.version;
  x.values[':next'] = dossier.version + 1;
  x.values[':seq'] = event.seq;
  x.values[':hash'] = event.hash;
  x.values[':at'] = a.at ?? event.at;
  if (a.moveStatus !== false) x.values[':to'] = event.status;
  const sets = [
    ...(a.moveStatus === false ? [] : [`${x.path('status')} = :to`]),
    `${x.path('version')} = :next`,
    'lastSeq = :seq',
    'lastHash = :hash',
    'updatedAt = :at',
    ...Object.entries(a.set ?? {}).map(([p, v]) => `${x.path(p)} = ${x.value('set', p, v)}`),
    ...Object.entries(a.append ?? {}).map(
      ([p, v]) => `${x.path(p)} = list_append(${x.path(p)}, ${x.value('append', p, v)})`,
    ),
  ];
  const conditions = [
    `${x.path('version')} = :expected`,
    ...Object.entries(a.expect ?? {}).map(([p, v]) => `${x.path(p)} = ${x.value('expect', p, v)}`),
    ...(a.absent ?? []).map((p) => `attribute_not_exists(${x.path(p)})`),
  ];
  const removed = (a.remove ?? []).map((p) => x.path(p));
  return [
    {
      Update: {
        TableName,
        Key: keys.dossier(dossier.code),
        UpdateExpression: `SET ${sets.join(', ')}${removed.length ? ` REMOVE ${removed.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: x.names,
        ExpressionAttributeValues: x.values,
      },
    },
    timelinePut(TableName, dossier.code, event),
  ] as const;
}
