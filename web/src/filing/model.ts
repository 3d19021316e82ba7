/**
 * What the filing page works with: the procedure as published, a document's scan, the receipt, the
 * ids its fields and documents carry, and how a value reads on the review. Apart from the page so its
 * steps share them.
 */
import { formatDay } from '../i18n.js';
import type { Draft } from './drafts.js';
import type { FormField, FormSchema } from './form.js';
import type { DocumentRule } from './upload.js';

export interface OnlineProcedure {
  code: string;
  name: string;
  nameEn?: string | null;
  onlineFiling: boolean;
  fee?: number | null;
  documents?: DocumentRule[];
  form?: FormSchema;
}

export interface Scan {
  state: 'uploading' | 'done' | 'failed';
  progress: number;
  fileName: string;
  uploadId?: string;
  file?: File;
  problem?: string;
}

export interface Submitted {
  code: string;
  trackingKey?: string;
  dueAt: string;
}

export const mb = (bytes: number) => String(Math.round((bytes / 1024 / 1024) * 10) / 10);
export const fieldId = (name: string) => `f-${name}`;
export const docId = (type: string) => `doc-${type}`;

/** Scans of a restored draft: already uploaded, shown by name. */
export function scansOf(draft: Draft | undefined, docs: DocumentRule[]): Record<string, Scan> {
  const out: Record<string, Scan> = {};
  for (const a of draft?.attachments ?? [])
    if (a.uploadId && docs.some((d) => d.type === a.documentType))
      out[a.documentType] = {
        state: 'done',
        progress: 1,
        fileName: a.fileName ?? a.documentType,
        uploadId: a.uploadId,
      };
  return out;
}

export const ON_BEHALF_ID = 'on-behalf-citizen-id';

export function displayValue(
  f: FormField,
  v: string,
  lang: string,
  s: { yes: string; none: string },
  remoteLabel?: string,
): string {
  if (f.kind === 'boolean') return v === 'true' ? s.yes : s.none;
  if (f.kind === 'remote') return remoteLabel ?? v;
  if (f.kind === 'date') return formatDay(v);
  if (f.kind === 'select') {
    const o = f.options?.find((x) => x.value === v);
    return o ? (lang === 'vi' ? o.title : (o.titleEn ?? o.title)) : v;
  }
  return v;
}
