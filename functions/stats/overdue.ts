/**
 * "Overdue now" per agency: dossiers open past their due date, kept as a running count without scans.
 * Each dossier has one marker item whose state guards every change of the count:
 * - the SLA watcher opens it when it confirms a lapsed due date (+1), conditional on the dossier not
 *   having changed since the watcher read it, so a dossier settled meanwhile is never counted;
 * - the statistics consumer closes it on the next timeline step that settles, pauses (a request to
 *   supplement) or extends the dossier (−1), conditional on the marker still being open for the same
 *   deadline, so a replayed step subtracts nothing twice.
 * An extension that lapses again opens the marker again at the new deadline. The count lags the clock
 * by at most one watcher run; `npm run stats:rebuild` recomputes it from the dossiers themselves.
 */
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { getItems } from '../core/batch.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { type DossierRecord, isOverdue } from '../core/dossier.js';
import { cancellationOf, isCancellation } from '../core/dynamo-errors.js';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';

/** Figures that describe an agency now, not a month. */
export const NOW_COUNTERS = ['overdueNow', 'petitionsOverdueNow'] as const;
export type NowCounter = (typeof NOW_COUNTERS)[number];
export type NowCounts = Record<NowCounter, number>;
export const zeroNow = (): NowCounts => ({ overdueNow: 0, petitionsOverdueNow: 0 });

export type OverdueDossier = Pick<DossierRecord, 'code' | 'agencyId' | 'status' | 'dueAt' | 'version'>;

export interface OverdueMarker {
  code: string;
  agencyId: string;
  deadline: string;
  open: boolean;
}

/**
 * Whether an open overdue period has ended: the dossier is gone, its due date moved (an extension),
 * or it is no longer overdue for that deadline (settled, or paused while the citizen supplements).
 */
export function overdueEnded(marker: OverdueMarker, d: OverdueDossier | undefined): boolean {
  if (!d) return true;
  if (d.dueAt !== marker.deadline) return true;
  return !isOverdue(d, new Date(Date.parse(marker.deadline) + 1));
}

export interface OverduePorts {
  /** +1 for the dossier's agency unless already counted; throws when the dossier changed since read. */
  open(d: OverdueDossier, at: string): Promise<'opened' | 'moved' | 'already'>;
  marker(code: string): Promise<OverdueMarker | undefined>;
  /** −1 unless already closed; throws when the dossier changed since read (the caller retries). */
  close(marker: OverdueMarker, d: OverdueDossier | undefined, at: string): Promise<'closed' | 'already'>;
}

/** Called for every new timeline step of a dossier: closes its overdue period if the step ended it. */
export async function settleOverdue(
  ports: Pick<OverduePorts, 'marker' | 'close'>,
  code: string,
  load: () => Promise<OverdueDossier | undefined>,
  at: string,
): Promise<'closed' | 'already' | 'open' | 'none'> {
  const marker = await ports.marker(code);
  if (!marker?.open) return 'none';
  const d = await load();
  if (!overdueEnded(marker, d)) return 'open';
  return ports.close(marker, d, at);
}

/** The same transaction's reasons, by position: which condition failed. */
const cancelled = (err: unknown): string[] | undefined =>
  isCancellation(err) ? cancellationOf(err).codes : undefined;

export class DossierChangedError extends Error {
  constructor(code: string) {
    super(`dossier ${code} changed while its overdue count was updated; it is tried again`);
    this.name = 'DossierChangedError';
  }
}

/** ADD to an agency's current figures (the item is created on first use). */
export function nowUpdate(
  TableName: string,
  agencyId: string,
  counter: NowCounter,
  by: number,
  at: string,
  /** The dossier or petition counted: its code picks the shard. */
  code: string,
) {
  const index = keys.agencyNowIndex(agencyId, code);
  return {
    Update: {
      TableName,
      Key: keys.agencyNowShard(agencyId, code),
      UpdateExpression: 'SET agencyId = :agency, gsi2pk = :gpk, gsi2sk = :gsk, updatedAt = :at ADD #c :by',
      ExpressionAttributeNames: { '#c': counter },
      ExpressionAttributeValues: {
        ':agency': agencyId,
        ':gpk': index.gsi2pk,
        ':gsk': index.gsi2sk,
        ':at': at,
        ':by': by,
      },
    },
  };
}

const unchangedDossier = (TableName: string, d: OverdueDossier) => ({
  ConditionCheck: {
    TableName,
    Key: keys.dossier(d.code),
    ConditionExpression: '#version = :version',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':version': d.version },
  },
});

export function overdueStore(): OverduePorts {
  const TableName = config().TABLE_NAME;
  const transact = (TransactItems: TransactWriteCommandInput['TransactItems']) =>
    dynamo().send(new TransactWriteCommand({ TransactItems }));
  return {
    async open(d, at) {
      try {
        await transact([
          unchangedDossier(TableName, d),
          {
            Put: {
              TableName,
              Item: {
                ...keys.statsOverdue(d.code),
                kind: 'stats-overdue',
                dossierCode: d.code,
                agencyId: d.agencyId,
                deadline: d.dueAt,
                open: true,
                openedAt: at,
              },
              ConditionExpression: 'attribute_not_exists(pk) OR #open = :closed',
              ExpressionAttributeNames: { '#open': 'open' },
              ExpressionAttributeValues: { ':closed': false },
            },
          },
          nowUpdate(TableName, d.agencyId, 'overdueNow', 1, at, d.code),
        ]);
        return 'opened';
      } catch (err) {
        const reasons = cancelled(err);
        if (!reasons) throw err;
        if (reasons[0] === 'ConditionalCheckFailed') throw new DossierChangedError(d.code);
        if (reasons[1] !== 'ConditionalCheckFailed') throw err;
      }
      // Already counted: an extension whose close is not processed yet lapsed again; keep the count, move
      // the deadline so the extension's step does not close the new period.
      try {
        await transact([
          unchangedDossier(TableName, d),
          {
            Update: {
              TableName,
              Key: keys.statsOverdue(d.code),
              UpdateExpression: 'SET deadline = :deadline, openedAt = :at',
              ConditionExpression: '#open = :open AND deadline <> :deadline',
              ExpressionAttributeNames: { '#open': 'open' },
              ExpressionAttributeValues: { ':open': true, ':deadline': d.dueAt, ':at': at },
            },
          },
        ]);
        return 'moved';
      } catch (err) {
        const reasons = cancelled(err);
        if (!reasons) throw err;
        if (reasons[0] === 'ConditionalCheckFailed') throw new DossierChangedError(d.code);
        if (reasons[1] === 'ConditionalCheckFailed') return 'already';
        throw err;
      }
    },
    async marker(code) {
      const out = await dynamo().send(
        new GetCommand({ TableName, Key: keys.statsOverdue(code), ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      return {
        code,
        agencyId: String(out.Item.agencyId),
        deadline: String(out.Item.deadline),
        open: out.Item.open === true,
      };
    },
    async close(marker, d, at) {
      try {
        await transact([
          ...(d ? [unchangedDossier(TableName, d)] : []),
          {
            Update: {
              TableName,
              Key: keys.statsOverdue(marker.code),
              UpdateExpression: 'SET #open = :closed, closedAt = :at',
              ConditionExpression: '#open = :open AND deadline = :deadline',
              ExpressionAttributeNames: { '#open': 'open' },
              ExpressionAttributeValues: {
                ':open': true,
                ':closed': false,
                ':deadline': marker.deadline,
                ':at': at,
              },
            },
          },
          nowUpdate(TableName, marker.agencyId, 'overdueNow', -1, at, marker.code),
        ]);
        return 'closed';
      } catch (err) {
        const reasons = cancelled(err);
        if (!reasons) throw err;
        if (d && reasons[0] === 'ConditionalCheckFailed') throw new DossierChangedError(marker.code);
        if (reasons[d ? 1 : 0] === 'ConditionalCheckFailed') return 'already';
        throw err;
      }
    },
  };
}

const nowOf = (item: Record<string, unknown>): NowCounts => {
  const c = zeroNow();
  for (const k of NOW_COUNTERS) c[k] = Number(item[k] ?? 0);
  return c;
};

/** Every shard's figures added up, by agency. */
function sumNow(items: readonly Record<string, unknown>[]): Map<string, NowCounts> {
  const byAgency = new Map<string, NowCounts>();
  for (const item of items) {
    const agencyId = String(item.agencyId);
    const sum = byAgency.get(agencyId) ?? zeroNow();
    const counts = nowOf(item);
    for (const k of NOW_COUNTERS) sum[k] += counts[k];
    byAgency.set(agencyId, sum);
  }
  return byAgency;
}

/** Reads agencies' current figures, every shard added up: all of them (the index's shards), or one. */
export interface NowPorts {
  allNow(): Promise<Map<string, NowCounts>>;
  agencyNow(agencyId: string): Promise<NowCounts>;
}

export function nowStore(): NowPorts {
  return {
    async allNow() {
      return sumNow(await queries.agenciesNow((item) => item));
    },
    async agencyNow(agencyId) {
      const found = await getItems(keys.agencyNowItems(agencyId));
      return sumNow(found.filter((i) => i !== undefined)).get(agencyId) ?? zeroNow();
    },
  };
}

/** Stores rebuilt current figures beside the live ones. */
export async function saveRebuiltNow(agencyId: string, counts: NowCounts, at: string): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: config().TABLE_NAME,
      Item: {
        ...keys.agencyNowRebuilt(agencyId),
        kind: 'stats-now-rebuilt',
        agencyId,
        ...counts,
        rebuiltAt: at,
      },
    }),
  );
}
