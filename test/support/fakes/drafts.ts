/** Drafts in memory; test/adapters/contracts/drafts.test.ts holds them to the DynamoDB store. */
import type { DraftPorts, StoredDraft } from '../../../functions/me/drafts.js';
import type { ProfileKeys } from '../../../functions/pii/protect.js';

/** The table's behaviour: conditional on the stored version, or on none (an expired one counts as none). */
export function memoryDrafts(keys: ProfileKeys, start = new Date('2026-12-06T03:00:00Z')) {
  const items = new Map<string, StoredDraft>();
  const k = (sub: string, code: string) => `${sub}|${code}`;
  const clock = { now: start };
  const ports: DraftPorts = {
    now: () => clock.now,
    keys: async () => keys,
    load: async (sub, code) => items.get(k(sub, code)),
    save: async (d, expected) => {
      const cur = items.get(k(d.ownerSub, d.procedureCode));
      const ok = expected === undefined ? !cur || cur.expiresAt <= d.savedAt : cur?.version === expected;
      if (ok) items.set(k(d.ownerSub, d.procedureCode), d);
      return ok;
    },
    // Pages in procedure-code order like the table's sort key; the cursor is the last code returned.
    list: async (sub, limit, after) => {
      const mine = [...items.values()]
        .filter((d) => d.ownerSub === sub && (after === undefined || d.procedureCode > after))
        .sort((a, b) => (a.procedureCode < b.procedureCode ? -1 : 1));
      const page = mine.slice(0, limit);
      return { items: page, ...(mine.length > limit ? { last: page.at(-1)!.procedureCode } : {}) };
    },
    remove: async (sub, code) => items.delete(k(sub, code)),
  };
  return { ports, items, clock };
}
