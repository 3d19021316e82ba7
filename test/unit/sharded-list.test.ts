/**
 * An agency's dossiers over its write shards read as one list: newest first, every dossier once across
 * pages (also when many share an instant, as at a peak), the unsharded partition of old included.
 */
import { describe, expect, it } from 'vitest';
import { keys, SHARDS, shardOf } from '../../functions/core/keys.js';
import { compareRows, type ReadShard, type RowKey, readMerged } from '../../functions/core/sharded-list.js';

interface Row {
  key: RowKey;
  value: string;
}

/**
 * An in-memory index partitioned by `ipk`, read newest first with `Limit`; rows sharing a sort key come
 * in insertion order (DynamoDB promises no order among them), and `after` is the last row's position.
 */
function index(rows: Row[]) {
  let queries = 0;
  const read: ReadShard<string, number> = async (partition, q) => {
    queries += 1;
    const inPartition = rows
      .filter((r) => r.key.ipk === partition && (!q.atMost || r.key.isk <= q.atMost))
      .sort((a, b) => (a.key.isk === b.key.isk ? 0 : a.key.isk < b.key.isk ? 1 : -1));
    const from = q.after ?? 0;
    const page = inPartition.slice(from, from + q.limit);
    const next = from + page.length;
    return {
      rows: page.map((r) => ({ key: r.key, value: r.value })),
      ...(next < inPartition.length ? { lastKey: next } : {}),
    };
  };
  return { read, queries: () => queries };
}

const dossierRow = (agencyId: string, code: string, at: string, legacy = false): Row => ({
  key: {
    ...keys.dossier(code),
    ipk: legacy
      ? keys.agencyIndex(agencyId, 'DOSSIER', at).gsi2pk
      : keys.agencyDossierIndex(agencyId, code, at).gsi2pk,
    isk: keys.agencyDossierIndex(agencyId, code, at).gsi2sk,
  },
  value: code,
});

async function everyPage(read: ReadShard<string, number>, partitions: string[], limit: number) {
  const seen: string[] = [];
  let cursor: RowKey | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await readMerged(read, partitions, cursor, limit);
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    seen.push(...page.rows.map((r) => r.value));
    if (!page.more) return seen;
    expect(page.rows).toHaveLength(limit);
    cursor = page.rows.at(-1)!.key;
  }
  throw new Error('the list never ended');
}

describe('a list over write shards', () => {
  // 300 dossiers of one agency, five to an instant, some filed before the shards; one of another agency.
  const rows = Array.from({ length: 300 }, (_, i) =>
    dossierRow(
      'bhxh-hn',
      `BHXHHN-261206-${String(i + 1).padStart(4, '0')}`,
      `2026-12-06T09:00:00.${String(Math.floor(i / 5)).padStart(3, '0')}Z`,
      i < 40,
    ),
  );
  const other = dossierRow('bhxh-79', 'BHXH79-261206-0001', '2026-12-06T09:00:00.999Z');
  const expected = [...rows].sort((a, b) => compareRows(a.key, b.key)).map((r) => r.value);

  it('spreads the dossiers over every shard', () => {
    const used = new Set(rows.slice(40).map((r) => r.key.ipk));
    expect(used.size).toBe(SHARDS.agencyDossiers);
    expect(keys.agencyDossierPartitions('bhxh-hn')).toEqual(
      [...used]
        .sort((a, b) => {
          const n = (p: string) => Number(p.split('#')[2]);
          return n(a) - n(b);
        })
        .concat('AGENCY#bhxh-hn'),
    );
  });

  it.each([1, 7, 20, 50])('pages of %i list every dossier once, newest first', async (limit) => {
    const { read } = index([...rows, other]);
    const seen = await everyPage(read, keys.agencyDossierPartitions('bhxh-hn'), limit);
    expect(seen).toEqual(expected);
    expect(seen).not.toContain(other.value);
    // Newest first by the instant filed.
    const instants = seen.map((c) => rows.find((r) => r.value === c)!.key.isk);
    expect([...instants].sort().reverse()).toEqual(instants);
  });

  it('reads one query per shard for a page that fits', async () => {
    const { read, queries } = index(rows);
    const page = await readMerged(read, keys.agencyDossierPartitions('bhxh-hn'), undefined, 5);
    expect(page.rows.map((r) => r.value)).toEqual(expected.slice(0, 5));
    expect(page.more).toBe(true);
    expect(queries()).toBeLessThanOrEqual(keys.agencyDossierPartitions('bhxh-hn').length * 2);
  });

  it('says there is no more at the end', async () => {
    const { read } = index(rows.slice(0, 3));
    const page = await readMerged(read, keys.agencyDossierPartitions('bhxh-hn'), undefined, 3);
    expect(page.rows).toHaveLength(3);
    expect(page.more).toBe(false);
  });

  it('keeps a dossier in one shard, whatever else is filed', () => {
    const code = 'BHXHHN-261206-0042';
    expect(keys.agencyDossierIndex('bhxh-hn', code, 'a').gsi2pk).toBe(
      `AGENCY#bhxh-hn#${shardOf(code, SHARDS.agencyDossiers)}`,
    );
    expect(keys.agencyDossierIndex('bhxh-hn', code, 'b').gsi2pk).toBe(
      keys.agencyDossierIndex('bhxh-hn', code, 'a').gsi2pk,
    );
  });
});

describe("a commune committee's work list", () => {
  it('stays one partition: a commune takes a sliver of any peak', () => {
    expect(keys.agencyDossierIndex('xa-00004', 'UBX00004-261206-0001', 'a').gsi2pk).toBe('AGENCY#xa-00004');
    expect(keys.agencyDossierPartitions('xa-00004')).toEqual(['AGENCY#xa-00004']);
    expect(keys.agencyDossierPartitions('bhxh-79')).toHaveLength(SHARDS.agencyDossiers + 1);
  });
});
