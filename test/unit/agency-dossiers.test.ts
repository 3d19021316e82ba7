/** Agency officers' work list: their agency only, newest first, filtered by status, paged by cursor. */
import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { AppError } from '../../functions/core/errors.js';
import { keys } from '../../functions/core/keys.js';
import {
  type AgencyDossierPorts,
  type IndexKey,
  listAgencyDossiers,
} from '../../functions/tracking/agency-dossiers.js';

const dossier = (n: number, agencyId: string, status: DossierRecord['status']) =>
  ({
    code: `X-261122-000${n}`,
    procedureCode: '1.002758',
    procedureName: 'Cấp lại thẻ BHYT',
    agencyId,
    agencyName: agencyId,
    status,
    submittedAt: `2026-11-22T0${n}:00:00.000Z`,
    dueAt: '2026-12-22T00:00:00.000Z',
  }) as DossierRecord;

/** An in-memory agency index that reads at most `limit` items a page before the status filter. */
function fakePorts(all: DossierRecord[]): AgencyDossierPorts & { asked: string[] } {
  const asked: string[] = [];
  const keyOf = (d: DossierRecord): IndexKey => ({
    ...keys.dossier(d.code),
    ...keys.agencyDossierIndex(d.agencyId, d.code, d.submittedAt),
  });
  return {
    asked,
    now: () => new Date('2026-11-23T00:00:00Z'),
    async agencyDossiers(agencyId, q) {
      asked.push(agencyId);
      const list = all
        .filter((d) => d.agencyId === agencyId)
        .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
      const from = q.after ? list.findIndex((d) => keyOf(d).pk === q.after!.pk) + 1 : 0;
      const page = list.slice(from, from + q.limit);
      const more = from + q.limit < list.length;
      return {
        items: page
          .filter((d) => !q.status || d.status === q.status)
          .map((d) => ({ key: keyOf(d), dossier: d })),
        ...(more && page.length ? { lastKey: keyOf(page.at(-1)!) } : {}),
      };
    },
  };
}

const all = [
  dossier(1, 'bhxh-hn', 'in_progress'),
  dossier(2, 'bhxh-hn', 'received'),
  dossier(3, 'cahn', 'in_progress'),
  dossier(4, 'bhxh-hn', 'in_progress'),
];

describe("an agency's dossiers", () => {
  it('lists only the agency in the token, newest first, page by page', async () => {
    const ports = fakePorts(all);
    const first = await listAgencyDossiers(ports, 'bhxh-hn', { limit: 2 });
    expect(first.items.map((d) => d.code)).toEqual(['X-261122-0004', 'X-261122-0002']);
    const second = await listAgencyDossiers(ports, 'bhxh-hn', { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((d) => d.code)).toEqual(['X-261122-0001']);
    expect(second.nextCursor).toBeNull();
    expect(new Set(ports.asked)).toEqual(new Set(['bhxh-hn']));
  });

  it('filters by status, reading on until the page is full', async () => {
    const res = await listAgencyDossiers(fakePorts(all), 'bhxh-hn', { limit: 2, status: 'in_progress' });
    expect(res.items.map((d) => d.code)).toEqual(['X-261122-0004', 'X-261122-0001']);
  });

  it("refuses another agency's cursor and an officer without an agency", async () => {
    const ports = fakePorts(all);
    const first = await listAgencyDossiers(ports, 'bhxh-hn', { limit: 1 });
    const err = await listAgencyDossiers(ports, 'cahn', { limit: 1, cursor: first.nextCursor! }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    const none = await listAgencyDossiers(ports, undefined, { limit: 1 }).catch((e) => e);
    expect((none as AppError).code).toBe('FORBIDDEN');
  });
});
