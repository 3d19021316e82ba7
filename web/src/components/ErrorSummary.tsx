import { useEffect, useRef } from 'preact/hooks';
import { ApiError, errorText, fieldMessage } from '../api.js';
import { useCommon, useLang } from '../i18n.js';

/**
 * An error at the top of a form or page (GOV.UK's error summary pattern): focused when it appears so
 * keyboard and screen-reader users land on it, with a link to each field the server named. `fieldIds`
 * maps a server field path ("form.fullName") to the id of its input; `labels` gives each its name.
 */
export function ErrorSummary({
  error,
  fieldIds = {},
  labels = {},
  onRetry,
}: {
  error: unknown;
  fieldIds?: Record<string, string>;
  labels?: Record<string, string>;
  onRetry?: () => void;
}) {
  const t = useCommon();
  const lang = useLang();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) box.current?.focus();
  }, [error]);
  if (!error) return null;
  const fields = error instanceof ApiError ? Object.entries(error.fields) : [];
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={box} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{fields.length ? t.fixTitle : t.errorTitle}</h2>
      <p>{errorText(error, lang)}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map(([path, d]) => (
            <li key={path}>
              {fieldIds[path] ? (
                <a href={`#${fieldIds[path]}`}>
                  {labels[path] ?? path}: {fieldMessage(d, lang)}
                </a>
              ) : (
                `${labels[path] ?? path}: ${fieldMessage(d, lang)}`
              )}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t.retry}
        </button>
      )}
    </div>
  );
}

/** The inline message under one field, tied to it with aria-describedby={`${id}-error`}. */
export function FieldError({ id, error, path }: { id: string; error: unknown; path: string }) {
  const lang = useLang();
  const d = error instanceof ApiError ? error.fields[path] : undefined;
  if (!d) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {fieldMessage(d, lang)}
    </p>
  );
}

/**
 * Whether the server named a field, and the ids its input is described by (its hint, its message): the
 * same wiring for every form that shows the server's field errors.
 */
export function fieldErrors(error: unknown) {
  const invalid = (path: string) => error instanceof ApiError && !!error.fields[path];
  const describe = (id: string, path: string, hint?: boolean) =>
    [hint ? `${id}-hint` : '', invalid(path) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return { invalid, describe };
}
