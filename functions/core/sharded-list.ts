/**
 * One list over several index partitions (the write shards of one agency's work list), newest first, as
 * if it were one partition. Every shard is read up to the page size past the cursor, the shards' rows are
 * merged, and the page is the first rows of the merge. The cursor is the last row's key, so it stays the
 * shape of a one-partition cursor; rows are ordered by sort key, then table key, which makes the order
 * total even when two dossiers share an instant (common at a peak), so a page never skips or repeats one.
 */

/** A row's place in the list: the table key and the index key. */
export type RowKey = Record<'pk' | 'sk' | 'ipk' | 'isk', string>;

export interface ShardRow<T> {
  key: RowKey;
  value: T;
}

/** One page of one partition, newest first, sort keys at most `atMost`; `after` is the query's start key. */
export type ReadShard<T, K> = (
  partition: string,
  q: { atMost?: string; after?: K; limit: number },
) => Promise<{ rows: ShardRow<T>[]; lastKey?: K }>;

/** Newest first: later sort key first, then the larger table key. */
export function compareRows(a: RowKey, b: RowKey): number {
  if (a.isk !== b.isk) return a.isk < b.isk ? 1 : -1;
  if (a.pk !== b.pk) return a.pk < b.pk ? 1 : -1;
  if (a.sk !== b.sk) return a.sk < b.sk ? 1 : -1;
  return 0;
}

/** Rows of one partition strictly after the cursor, at least `limit` of them if the partition has them. */
async function readPast<T, K>(
  read: ReadShard<T, K>,
  partition: string,
  cursor: RowKey | undefined,
  limit: number,
): Promise<{ rows: ShardRow<T>[]; more: boolean }> {
  const rows: ShardRow<T>[] = [];
  let after: K | undefined;
  for (;;) {
    const page = await read(partition, { atMost: cursor?.isk, after, limit });
    for (const row of page.rows) if (!cursor || compareRows(cursor, row.key) < 0) rows.push(row);
    if (!page.lastKey) return { rows, more: false };
    // Rows that share the last sort key may come in any order within the partition: read past them all.
    const last = page.rows.at(-1)?.key.isk;
    rows.sort((a, b) => compareRows(a.key, b.key));
    const boundary = rows[limit - 1]?.key.isk;
    if (rows.length >= limit && last !== undefined && last !== boundary) return { rows, more: true };
    after = page.lastKey;
  }
}

/**
 * The page of `limit` rows after `cursor` over every partition, and whether any partition holds more.
 * Reads each partition in parallel: a page costs one query per shard, not one per shard and row.
 */
export async function readMerged<T, K>(
  read: ReadShard<T, K>,
  partitions: readonly string[],
  cursor: RowKey | undefined,
  limit: number,
): Promise<{ rows: ShardRow<T>[]; more: boolean }> {
  const shards = await Promise.all(partitions.map((p) => readPast(read, p, cursor, limit)));
  const all = shards.flatMap((s) => s.rows).sort((a, b) => compareRows(a.key, b.key));
  const rows = all.slice(0, limit);
  return { rows, more: all.length > limit || shards.some((s) => s.more) };
}
