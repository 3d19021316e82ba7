/** Drafts in memory; test/adapters/contracts/drafts.test.ts holds them to the DynamoDB store. */
import type { DraftPorts, StoredDraft } from '../../../functions/me/drafts.js';
import type { ProfileKeys } from '../../../functions/me/protect.js';

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
    list: async (sub, limit) => ({
      items: [...items.values()].filter((d) => d.ownerSub === sub).slice(0, limit),
    }),
    remove: async (sub, code) => items.delete(k(sub, code)),
  };
  return { ports, items, clock };
}
