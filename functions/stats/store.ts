/** Counter items over DynamoDB: atomic ADDs, each guarded by its dossier's marker in one transaction. */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { cancellationOf, isCancellation } from '../core/dynamo-errors.js';
import { keys, SHARDS, shardOf } from '../core/keys.js';
import { INDEX } from '../core/table.js';
import { COUNTERS, type Contribution, type Counts, zeroCounts } from './counters.js';

export interface StoredStats {
  agencyId: string;
  month: string;
  counts: Counts;
}

export interface StatsPorts {
  /**
   * Adds a contribution unless its (dossier, kind) was counted already; several of one dossier to one
   * agency's month go in one write, each kind still counted once.
   */
  add(c: Contribution | readonly Contribution[]): Promise<'added' | 'duplicate'>;
  month(month: string): Promise<StoredStats[]>;
  agencyMonths(agencyId: string, months: readonly string[]): Promise<StoredStats[]>;
}

export const countsOf = (item: Record<string, unknown>): Counts => {
  const c = zeroCounts();
  for (const k of COUNTERS) c[k] = Number(item[k] ?? 0);
  return c;
};

/** Counter items (shards, and the unsharded item of old) summed into one per agency and month. */
export function sumShards(items: readonly Record<string, unknown>[]): StoredStats[] {
  const byAgency = new Map<string, StoredStats>();
  for (const item of items) {
    const agencyId = String(item.agencyId);
    const month = String(item.month);
    const id = `${agencyId}#${month}`;
    const counts = countsOf(item);
    const seen = byAgency.get(id);
    if (!seen) byAgency.set(id, { agencyId, month, counts });
    else for (const k of COUNTERS) seen.counts[k] += counts[k];
  }
  return [...byAgency.values()];
}

/** A marker's put or the counter's update, as TransactWriteItems takes them. */
interface StatsWrite {
  Put?: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string };
  Update?: {
    TableName: string;
    Key: Record<string, unknown>;
    UpdateExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  };
}

/**
 * One contribution, or several of one dossier to one agency's month (a submission is `received` and
 * `filed`; a decision may also be the acknowledgement): each under its own marker, and one write of the
 * counter adding them all, so a busy month's index shard is written once per event, not once per kind.
 */
export function addItems(
  TableName: string,
  contributions: Contribution | readonly Contribution[],
  at: string,
): StatsWrite[] {
  const cs: readonly Contribution[] = Array.isArray(contributions)
    ? contributions
    : [contributions as Contribution];
  const c = cs[0];
  if (!c || cs.some((o) => o.code !== c.code || o.agencyId !== c.agencyId || o.month !== c.month))
    throw new Error('contributions counted together must be one dossier’s, to one agency’s month');
  const sum: Record<string, number> = {};
  for (const o of cs) for (const [k, v] of Object.entries(o.add)) sum[k] = (sum[k] ?? 0) + (v ?? 0);
  const adds = Object.entries(sum);
  // The dossier's (or petition's) own shard: its replays land on the same item, its peers spread out.
  const shard = shardOf(c.code, SHARDS.stats);
  const index = keys.agencyStatsIndex(c.month, c.agencyId, shard);
  return [
    ...cs.map((o) => ({
      Put: {
        TableName,
        Item: {
          ...(o.kind === 'petitionAnswered'
            ? keys.petitionStatsMarker(o.code, 'answered')
            : keys.statsMarker(o.code, o.kind)),
          kind: 'stats-marker',
          month: o.month,
          at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
    {
      Update: {
        TableName,
        Key: keys.agencyStatsShard(c.agencyId, c.month, shard),
        UpdateExpression: `SET agencyId = :agency, #month = :month, gsi2pk = :gpk, gsi2sk = :gsk, updatedAt = :at ADD ${adds
          .map(([k]) => `#${k} :${k}`)
          .join(', ')}`,
        ExpressionAttributeNames: {
          '#month': 'month',
          ...Object.fromEntries(adds.map(([k]) => [`#${k}`, k])),
        },
        ExpressionAttributeValues: {
          ':agency': c.agencyId,
          ':month': c.month,
          ':gpk': index.gsi2pk,
          ':gsk': index.gsi2sk,
          ':at': at,
          ...Object.fromEntries(adds.map(([k, v]) => [`:${k}`, v])),
        },
      },
    },
  ];
}

export function statsStore(now: () => Date = () => new Date()): StatsPorts {
  const TableName = config().TABLE_NAME;
  return {
    async add(c) {
      const cs: readonly Contribution[] = Array.isArray(c) ? c : [c as Contribution];
      try {
        await dynamo().send(
          new TransactWriteCommand({ TransactItems: addItems(TableName, cs, now().toISOString()) }),
        );
        return 'added';
      } catch (err) {
        if (!isCancellation(err)) throw err;
        const { failed } = cancellationOf(err);
        const counted = cs.filter((_, i) => failed(i));
        if (!counted.length) throw err;
        // Some kinds were counted before (a replay after a partial earlier count): add the others alone.
        const rest = cs.filter((_, i) => !failed(i));
        return rest.length ? this.add(rest) : 'duplicate';
      }
    },
    async month(month) {
      // Every shard partition of the month's index, side by side: the ranking is read once per cache
      // period (the published figures are cached), so its reads stay far below a partition's limit.
      const partitions = await Promise.all(
        keys.agencyStatsIndexPartitions(month).map(async (partition) => {
          const found: Record<string, unknown>[] = [];
          let ExclusiveStartKey: Record<string, unknown> | undefined;
          do {
            const out = await dynamo().send(
              new QueryCommand({
                TableName,
                IndexName: INDEX.work.name,
                KeyConditionExpression: 'gsi2pk = :month',
                ExpressionAttributeValues: { ':month': partition },
                ExclusiveStartKey,
              }),
            );
            found.push(...(out.Items ?? []));
            ExclusiveStartKey = out.LastEvaluatedKey;
          } while (ExclusiveStartKey);
          return found;
        }),
      );
      return sumShards(partitions.flat());
    },
    async agencyMonths(agencyId, months) {
      const found: Record<string, unknown>[] = [];
      const wanted = months.flatMap((m) => keys.agencyStatsItems(agencyId, m));
      for (let i = 0; i < wanted.length; i += 100) {
        let pending: Record<string, unknown>[] | undefined = wanted.slice(i, i + 100);
        for (let attempt = 0; pending?.length; attempt++) {
          if (attempt > 6) throw new Error('statistics could not be read; try again');
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          const out: BatchGetCommandOutput = await dynamo().send(
            new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending } } }),
          );
          found.push(...(out.Responses?.[TableName] ?? []));
          pending = out.UnprocessedKeys?.[TableName]?.Keys;
        }
      }
      return sumShards(found);
    },
  };
}
