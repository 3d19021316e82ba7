/**
 * The draft store port's contract, run against the in-memory fake the unit tests use and the DynamoDB
 * store on the shared DynamoDB Local, so the fake cannot drift from the store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { draftStore } from '../../../functions/me/draft-store.js';
import type { DraftPorts, StoredDraft } from '../../../functions/me/drafts.js';
import { deriveProfileKeys } from '../../../functions/pii/protect.js';
import { memoryDrafts } from '../../support/fakes/drafts.js';
import { useSharedStore } from '../support/store.js';

useSharedStore();

const implementations: [string, () => DraftPorts][] = [
  ['in-memory fake', () => memoryDrafts(deriveProfileKeys(randomBytes(32))).ports],
  ['DynamoDB store', () => draftStore()],
];

const draft = (ownerSub: string, procedureCode: string, over: Partial<StoredDraft> = {}): StoredDraft => ({
  ownerSub,
  procedureCode,
  version: 1,
  sealed: `sealed-${randomUUID()}`,
  savedAt: '2026-12-06T03:00:00.000Z',
  expiresAt: '2027-01-05T03:00:00.000Z',
  ...over,
});

describe.each(implementations)('draft store (%s)', (_name, make) => {
  const person = () => `citizen-${randomUUID()}`;

  it('stores a new draft and reads it back as written', async () => {
    const ports = make();
    const sub = person();
    expect(await ports.load(sub, '1.002758')).toBeUndefined();
    const d = draft(sub, '1.002758');
    expect(await ports.save(d, undefined)).toBe(true);
    expect(await ports.load(sub, '1.002758')).toEqual(d);
    expect(await ports.load(person(), '1.002758')).toBeUndefined();
  });

  it('writes only over the version the caller read', async () => {
    const ports = make();
    const sub = person();
    await ports.save(draft(sub, '1.002758'), undefined);
    // A second "new" draft is refused while a live one exists.
    expect(await ports.save(draft(sub, '1.002758'), undefined)).toBe(false);
    const second = draft(sub, '1.002758', { version: 2, savedAt: '2026-12-06T04:00:00.000Z' });
    expect(await ports.save(second, 7)).toBe(false);
    expect(await ports.save(second, 1)).toBe(true);
    expect(await ports.save(draft(sub, '1.002758', { version: 2 }), 1)).toBe(false);
    expect(await ports.load(sub, '1.002758')).toEqual(second);
  });

  it('lets a new draft replace one that has expired but is still stored', async () => {
    const ports = make();
    const sub = person();
    await ports.save(draft(sub, '1.002758', { expiresAt: '2026-12-07T00:00:00.000Z' }), undefined);
    const fresh = draft(sub, '1.002758', { savedAt: '2026-12-08T00:00:00.000Z' });
    expect(await ports.save(fresh, undefined)).toBe(true);
    expect(await ports.load(sub, '1.002758')).toEqual(fresh);
  });

  it("lists one person's drafts and removes one", async () => {
    const ports = make();
    const sub = person();
    const mine = [draft(sub, '1.000001'), draft(sub, '1.002758')];
    for (const d of mine) await ports.save(d, undefined);
    await ports.save(draft(person(), '1.000001'), undefined);
    const page = await ports.list(sub, 20);
    expect(page.items).toEqual(expect.arrayContaining(mine));
    expect(page.items).toHaveLength(2);
    expect(await ports.remove(sub, '1.000001')).toBe(true);
    expect(await ports.remove(sub, '1.000001')).toBe(false);
    expect((await ports.list(sub, 20)).items).toEqual([mine[1]]);
  });

  it('pages in procedure-code order, the cursor leading to the rest', async () => {
    const ports = make();
    const sub = person();
    const codes = ['2.000300', '1.000001', '1.002758'];
    for (const c of codes) await ports.save(draft(sub, c), undefined);
    const first = await ports.list(sub, 2);
    expect(first.items.map((d) => d.procedureCode)).toEqual(['1.000001', '1.002758']);
    expect(first.last).toEqual(expect.any(String));
    const rest = await ports.list(sub, 2, first.last);
    expect(rest.items.map((d) => d.procedureCode)).toEqual(['2.000300']);
    expect(rest.last).toBeUndefined();
  });
});
