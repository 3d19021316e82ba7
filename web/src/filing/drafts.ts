/**
 * A filing's draft on the server (`/v1/me/drafts/{code}`): one per person and procedure, so a closed tab
 * or another device loses nothing. Replaced as a whole with If-Match on the version last read; a save
 * refused for a stale version (412, or 428 when another tab created one meanwhile) is a conflict the
 * citizen settles.
 */
import { ApiError, get, request } from '../api.js';

export interface DraftAttachment {
  documentType: string;
  uploadId?: string;
  documentId?: string;
  fileName?: string;
}

export interface Draft {
  procedureCode: string;
  form: Record<string, unknown>;
  attachments: DraftAttachment[];
  version: number;
  savedAt: string;
  expiresAt: string;
}

export interface DraftSummary {
  procedureCode: string;
  procedureName: string | null;
  version: number;
  savedAt: string;
  expiresAt: string;
}

const path = (code: string) => `/v1/me/drafts/${encodeURIComponent(code)}`;

/** Pages of the list read to learn whether a draft exists (a person keeps one per procedure). */
const MAX_LIST_PAGES = 5;

/** Whether the person has a draft of this procedure, from the list: asking for it directly answers 404. */
async function hasDraft(code: string, signal?: AbortSignal): Promise<boolean | undefined> {
  let cursor: string | null = null;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const list: { items: DraftSummary[]; nextCursor: string | null } = await get(
      `/v1/me/drafts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { auth: true, signal },
    );
    if (list.items.some((d) => d.procedureCode === code)) return true;
    cursor = list.nextCursor;
    if (!cursor) return false;
  }
  return undefined;
}

/** The draft, or undefined when there is none. */
export async function loadDraft(code: string, signal?: AbortSignal): Promise<Draft | undefined> {
  // No draft is the usual case: the list says so without a 404 in the browser's console.
  if ((await hasDraft(code, signal)) === false) return undefined;
  try {
    return await get<Draft>(path(code), { auth: true, signal });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

export const saveDraft = (
  code: string,
  body: { form: Record<string, string>; attachments: DraftAttachment[] },
  version: number | undefined,
) =>
  request<Draft>(path(code), {
    method: 'PUT',
    auth: true,
    body,
    headers: version ? { 'if-match': `"${version}"` } : {},
  });

export const deleteDraft = (code: string) =>
  request<{ deleted: boolean }>(path(code), { method: 'DELETE', auth: true });

export const listDrafts = (signal?: AbortSignal) =>
  get<{ items: DraftSummary[] }>('/v1/me/drafts?limit=100', { auth: true, signal });

/** Someone else (another tab or device) saved the draft since this page read it. */
export const isConflict = (err: unknown) =>
  err instanceof ApiError && (err.status === 412 || err.status === 428);

/** The form's values as the page holds them (text), from a draft's. */
export function draftValues(draft: Draft): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(draft.form))
    out[k] = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}
