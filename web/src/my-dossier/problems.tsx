/**
 * What the parts of a citizen's dossier page share: problems the page finds itself, shown the way the
 * server's are, and file sizes in kB. Apart from the page so each part imports only these.
 */
import { ApiError } from '../api.js';
import { FieldError } from '../components/ErrorSummary.js';
import type { DocumentRule } from '../filing/upload.js';
import { formatNumber } from '../i18n.js';

export interface ProcedureDocs {
  documents?: DocumentRule[];
}

export const kB = (bytes: number) => `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} kB`;

/** A problem the page finds before asking the server, shown the way the server's are. */
export const LOCAL = 'CHECKED_IN_PAGE';
export const localError = (path: string, message: string) =>
  new ApiError(422, LOCAL, { vi: message, en: message }, { [path]: { path, code: 'invalid_type', message } });

/** A field's message: the page's own words for what it checked itself, else the server's. */
export function Problem({
  id,
  error,
  path,
  text,
}: {
  id: string;
  error: unknown;
  path: string;
  text: string;
}) {
  if (!(error instanceof ApiError) || !error.fields[path]) return null;
  if (error.code !== LOCAL) return <FieldError id={id} error={error} path={path} />;
  return (
    <p class="field-error" id={`${id}-error`}>
      {text}
    </p>
  );
}
