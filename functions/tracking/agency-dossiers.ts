/**
 * The dossiers routed to an agency, newest first, for its officers: read from the agency index (gsi2,
 * `AGENCY#<agencyId>#<shard>` / `DOSSIER#<submittedAt>`, every shard merged), never a scan.
 */
import type * as z from 'zod';
import type { agencyDossiersQuery } from '../../schemas/agency-dossiers.js';
import type { DossierStatus } from '../../schemas/dossier.js';
import type { myDossierItem } from '../../schemas/me.js';
import { decodeCursor, encodeCursor, invalidCursor } from '../core/cursor.js';
import { type DossierRecord, dossierSummary } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import { keys } from '../core/keys.js';

export type AgencyDossier = z.infer<typeof myDossierItem>;
export type IndexKey = Record<'pk' | 'sk' | 'gsi2pk' | 'gsi2sk', string>;

export const CURSOR_ATTRIBUTES = ['pk', 'sk', 'gsi2pk', 'gsi2sk'] as const;
export const DOSSIER_PREFIX = 'DOSSIER#';

export interface AgencyDossierPorts {
  now(): Date;
  /**
   * Up to `limit` of the agency's dossiers after `after` (the last one listed), every shard merged;
   * `lastKey` when there are more.
   */
  agencyDossiers(
    agencyId: string,
    q: { after?: IndexKey; status?: DossierStatus; limit: number },
  ): Promise<{ items: { key: IndexKey; dossier: DossierRecord }[]; lastKey?: IndexKey }>;
}

const summary = (d: DossierRecord, now: Date): AgencyDossier => dossierSummary(d, now);

export async function listAgencyDossiers(
  ports: AgencyDossierPorts,
  agencyId: string | undefined,
  q: z.output<typeof agencyDossiersQuery>,
): Promise<{ items: AgencyDossier[]; nextCursor: string | null }> {
  // An officer whose token names no agency has no dossiers to see.
  if (!agencyId) throw new AppError('FORBIDDEN');
  const start = decodeCursor(q.cursor, CURSOR_ATTRIBUTES, {}, { gsi2sk: DOSSIER_PREFIX }) as
    | IndexKey
    | undefined;
  // The cursor names the shard its dossier sits in: one of this agency's, or it is not this list's.
  if (start && !keys.agencyDossierPartitions(agencyId).includes(start.gsi2pk)) throw invalidCursor();
  const now = ports.now();
  const items: AgencyDossier[] = [];
  let after = start;
  for (;;) {
    const page = await ports.agencyDossiers(agencyId, {
      after,
      status: q.status,
      limit: q.limit - items.length,
    });
    for (const { dossier } of page.items) items.push(summary(dossier, now));
    const last = page.items.at(-1);
    if (items.length >= q.limit && last)
      return { items, nextCursor: page.lastKey ? encodeCursor(last.key) : null };
    if (!page.lastKey) return { items, nextCursor: null };
    after = page.lastKey;
  }
}
