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
  /** Adds a contribution unless its (dossier, kind) was counted already. */
  add(c: Contribution): Promise<'added' | 'duplicate'>;
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

export function addItems(TableName: string, c: Contribution, at: string) {
  const adds = Object.entries(c.add);
  // The dossier's (or petition's) own shard: its replays land on the same item, its peers spread out.
  const shard = shardOf(c.code, SHARDS.stats);
  const index = keys.agencyStatsIndex(c.month, c.agencyId, shard);
  return [
    {
      Put: {
        TableName,
        Item: {
          ...(c.kind === 'petitionAnswered'
            ? keys.petitionStatsMarker(c.code, 'answered')
            : keys.statsMarker(c.code, c.kind)),
          kind: 'stats-marker',
          month: c.month,
          at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
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
      try {
        await dynamo().send(
          new TransactWriteCommand({ TransactItems: addItems(TableName, c, now().toISOString()) }),
        );
        return 'added';
      } catch (err) {
        if (isCancellation(err) && cancellationOf(err).failed(0)) return 'duplicate';
        throw err;
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
