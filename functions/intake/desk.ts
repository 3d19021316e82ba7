/** How the timeline says a dossier was filed at a one-stop desk: the office, never the officer. */

import type { DossierRecord } from '../core/dossier.js';
import { findAgency } from '../registry/agencies.js';

export const deskFilingNote = (agencyId: string) =>
  `Nộp tại bộ phận một cửa ${findAgency(agencyId)?.name ?? agencyId} thay cho công dân (filed at the one-stop desk on the citizen's behalf).`;

/**
 * What the agency's receipt of a desk-filed dossier adds to its timeline event: the desk in `details`,
 * and in the note (after the agency's own, when it sent one).
 */
export function receivedAtDesk(
  dossier: Pick<DossierRecord, 'filedBy'>,
  eventType: string,
  note: string | undefined,
): { note?: string; details?: Record<string, unknown> } {
  if (eventType !== 'dossier.received' || !dossier.filedBy) return {};
  return {
    note: [note, deskFilingNote(dossier.filedBy.agencyId)].filter(Boolean).join(' — '),
    details: { filedAtDesk: { agencyId: dossier.filedBy.agencyId } },
  };
}
