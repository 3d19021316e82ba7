/**
 * The support desk's API shapes (types only, from the schemas the API validates with), its addresses on
 * the page, and what a question may carry.
 */
import type { z } from 'zod';
import type { supportStats, ticketCreated, ticketList, ticketView } from '../../../schemas/support.js';
import type { DocumentRule } from '../filing/upload.js';

export type TicketCreated = z.output<typeof ticketCreated>;
export type TicketList = z.output<typeof ticketList>;
export type TicketView = z.output<typeof ticketView>;
export type TicketStatus = TicketView['status'];
export type SupportStats = z.output<typeof supportStats>;

export const SUPPORT_PATH = '/ho-tro';
export const ticketPath = (code: string) => `${SUPPORT_PATH}/${encodeURIComponent(code)}`;

/** The ask page, prefilled with a procedure or one of my dossiers. */
export function askPath(about: { procedureCode?: string; dossierCode?: string } = {}): string {
  const q = new URLSearchParams();
  if (about.dossierCode) q.set('ho-so', about.dossierCode);
  else if (about.procedureCode) q.set('thu-tuc', about.procedureCode);
  const s = q.toString();
  return `${SUPPORT_PATH}/hoi${s ? `?${s}` : ''}`;
}

/** What a question may carry (functions/support SUPPORT_DOCUMENTS): images or PDF, each up to 10 MB. */
export const SUPPORT_EVIDENCE: DocumentRule = {
  type: 'evidence',
  name: 'Tài liệu kèm theo câu hỏi',
  nameEn: 'Supporting document',
  required: false,
  maxBytes: 10 * 1024 * 1024,
  mimeTypes: ['application/pdf', 'image/jpeg', 'image/png'],
};
export const MAX_SUPPORT_FILES = 3;
