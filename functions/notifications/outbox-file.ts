/** The local cloud's notification outbox: one JSON line per notification the local transport sent. */
import { readFile } from 'node:fs/promises';
import type { NotificationMessage } from '../../schemas/notification.js';

export type SentNotification = NotificationMessage & { sentAt: string };

/** What the outbox holds, newest first, optionally for one dossier. */
export async function readOutbox(
  file: string,
  filter: { dossierCode?: string; limit?: number } = {},
): Promise<SentNotification[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const items = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SentNotification)
    .filter((m) => !filter.dossierCode || m.dossierCode === filter.dossierCode)
    .reverse();
  return filter.limit ? items.slice(0, filter.limit) : items;
}
