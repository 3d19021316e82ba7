/**
 * The SLA deadline index on DynamoDB Local: a newer image moves a deadline, an older one never does, and
 * an image that leaves a deadline where it was writes nothing — the index copy is not rewritten.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/core/clients.js';
import { keys } from '../../functions/core/keys.js';
import { type SlaDossier, syncSlaIndex, watchSla } from '../../functions/sla/sla.js';
import { slaIndexStore, slaShard, slaWatchStore } from '../../functions/sla/store.js';
import { sharedDocumentClient, useSharedStore } from './support/store.js';

const shared = useSharedStore();
const db = sharedDocumentClient(shared);

type Consumed = { GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }> };

/**
 * The index copies' write units the store's own client spends, and its write requests (a refused
 * conditional write is billed though DynamoDB Local reports no units for it).
 */
function capacityOf() {
  const spent = { index: 0, writes: 0 };
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'INDEXES';
      if (/Put|Update|Delete|Write/.test(context.commandName ?? '')) spent.writes += 1;
      const out = await next(args);
      const c = (out.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
      for (const i of Object.values(c?.GlobalSecondaryIndexes ?? {})) spent.index += i.CapacityUnits ?? 0;
      return out;
    },
    { step: 'initialize', name: 'slaCapacity', override: true },
  );
  return spent;
}

const dossier = (code: string, version: number, dueAt: string): SlaDossier => ({
  code,
  agencyId: 'cahn',
  agencyName: 'Công an Hà Nội',
  procedureName: 'Đổi giấy phép lái xe',
  status: 'in_progress',
  submittedAt: '2026-12-01T02:00:00.000Z',
  updatedAt: '2026-12-01T03:00:00.000Z',
  dueAt,
  version,
});

const dueEntry = async (code: string) =>
  (
    await db.send(
      new GetCommand({ TableName: shared.tableName, Key: keys.slaEntry(code, 'due'), ConsistentRead: true }),
    )
  ).Item;

describe('the SLA deadline index', () => {
  it('writes nothing when a newer image leaves the due date where it was, and still refuses older images', async () => {
    const store = slaIndexStore();
    const spent = capacityOf();
    const code = `SLA-${Date.now()}`;
    const d1 = '2026-12-10T10:00:00.000Z';
    const d2 = '2026-12-17T10:00:00.000Z';

    await store.putDue(dossier(code, 1, d1), d1);
    expect(spent.index).toBeGreaterThan(0);
    expect(await dueEntry(code)).toMatchObject({ deadline: d1, dossierVersion: 1 });

    const before = { ...spent };
    await store.putDue(dossier(code, 2, d1), d1);
    expect(spent.index - before.index).toBe(0);
    expect(await dueEntry(code)).toMatchObject({ deadline: d1, dossierVersion: 1 });

    // An extension moves it; the image it skipped, replayed, does not move it back.
    await store.putDue(dossier(code, 3, d2), d2);
    expect(await dueEntry(code)).toMatchObject({ deadline: d2, dossierVersion: 3 });
    await store.putDue(dossier(code, 2, d1), d1);
    expect(await dueEntry(code)).toMatchObject({ deadline: d2, dossierVersion: 3 });

    // A later image that settles the dossier removes it, whichever image last wrote it.
    await store.putDue(dossier(code, 4, d2), d2);
    await store.remove(code, 'due', 5);
    expect(await dueEntry(code)).toBeUndefined();
  });

  it('moves a step deadline by newer images only', async () => {
    const store = slaIndexStore();
    const code = `SLA-STEP-${Date.now()}`;
    const at = (h: number) => `2026-12-10T${String(h).padStart(2, '0')}:00:00.000Z`;
    await store.putStep!(dossier(code, 2, at(10)), 'step', at(8));
    await store.putStep!(dossier(code, 3, at(10)), 'step', at(8));
    await store.putStep!(dossier(code, 4, at(10)), 'step', at(9));
    await store.putStep!(dossier(code, 3, at(10)), 'step', at(7));
    const item = (
      await db.send(
        new GetCommand({
          TableName: shared.tableName,
          Key: keys.slaEntry(code, 'step'),
          ConsistentRead: true,
        }),
      )
    ).Item;
    expect(item).toMatchObject({ deadline: at(9), dossierVersion: 4 });
  });

  it('reads what a dossier holds and writes only what an image changes', async () => {
    const store = slaIndexStore();
    const code = `SLA-HELD-${Date.now()}`;
    const d1 = '2026-12-10T10:00:00.000Z';
    const d2 = '2026-12-17T10:00:00.000Z';
    expect(await store.held!(code)).toEqual({});
    await syncSlaIndex(store, dossier(code, 1, d1));
    // A breach flag shares the partition and is not an entry.
    await slaWatchStore().flag(code, 'due', d1, '2026-12-10T10:05:00.000Z');
    expect(await store.held!(code)).toEqual({ due: d1 });

    const spent = capacityOf();
    await syncSlaIndex(store, dossier(code, 2, d1));
    expect(spent).toEqual({ index: 0, writes: 0 });
    await syncSlaIndex(store, dossier(code, 3, d2));
    expect(await store.held!(code)).toEqual({ due: d2 });
    expect(spent.index).toBeGreaterThan(0);
    await syncSlaIndex(store, { ...dossier(code, 4, d2), status: 'completed' });
    expect(await store.held!(code)).toEqual({});
    expect(await dueEntry(code)).toBeUndefined();
  });

  it('reads a shard page after page, past the entries it has just taken out of the index', async () => {
    const store = slaIndexStore();
    const run = Date.now();
    // Deadlines of the year 2000 lapse before any other test's; dossiers that no longer exist are cleared.
    const candidates = Array.from({ length: 200 }, (_, i) => `SLA-PAGE-${run}-${i}`);
    const shard = slaShard(candidates[0]!);
    // Five in one shard (three pages of two), and three elsewhere.
    const sameShard = candidates.filter((c) => slaShard(c) === shard).slice(0, 5);
    const codes = [...sameShard, ...candidates.filter((c) => slaShard(c) !== shard).slice(0, 3)];
    for (const [i, code] of codes.entries()) {
      const deadline = `2000-01-01T00:${String(i).padStart(2, '0')}:00.000Z`;
      await store.putDue(dossier(code, 1, deadline), deadline);
    }
    const ports = slaWatchStore(2);
    const read: number[] = [];
    const list = ports.listLapsed;
    ports.listLapsed = async (kind, s, before, after) => {
      const page = await list(kind, s, before, after);
      if (kind === 'due' && s === shard) read.push(page.entries.length);
      return page;
    };
    const report = await watchSla(ports, new Date('2000-06-01T00:00:00.000Z'), { concurrency: 4 });
    expect(report).toMatchObject({ checked: codes.length, cleared: codes.length, unfinished: 0, errors: [] });
    // That shard's entries came two by two, in one run.
    expect(read).toEqual([2, 2, 1]);
    for (const code of codes) expect(await dueEntry(code)).not.toHaveProperty('gsi2pk');
  });
});
