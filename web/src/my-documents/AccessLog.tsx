/**
 * Who viewed my data: the access log of the citizen's documents, page by page. Apart from the document
 * list because it is its own section of the account page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, get } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { formatDateTime, useLang } from '../i18n.js';
import { ACCESS_PAGE, type AccessEntry, type MyDocument } from './model.js';
import { useStrings } from './strings.js';

export function AccessLogSection({ docs }: { docs: MyDocument[] }) {
  const s = useStrings();
  const lang = useLang();
  const [items, setItems] = useState<AccessEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'more'>('loading');
  const [error, setError] = useState<unknown>();
  const firstNew = useRef<HTMLLIElement>(null);
  const [focusFrom, setFocusFrom] = useState<number>();
  const load = async (after: string | null) => {
    setState(after ? 'more' : 'loading');
    try {
      const q = new URLSearchParams({ limit: String(ACCESS_PAGE), ...(after ? { cursor: after } : {}) });
      const page = await get<{ items: AccessEntry[]; nextCursor: string | null }>(`/v1/me/access-log?${q}`, {
        auth: true,
      });
      if (after) setFocusFrom(items.length);
      setItems((all) => (after ? [...all, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setState('ready');
    }
  };
  useEffect(() => {
    void load(null);
  }, []);
  // "Xem thêm" keeps the reader's place: the focus goes to the first entry it added.
  useEffect(() => {
    if (focusFrom !== undefined) firstNew.current?.focus();
  }, [focusFrom]);
  /** The file read, by name when it is one of mine the page already knows. */
  const docName = (e: AccessEntry) => {
    const known =
      docs.find((d) => e.documentId && d.documentId === e.documentId) ??
      docs.find((d) => d.dossierCode === e.dossierCode && d.documentType === e.documentType);
    return known ? known.fileName : (e.documentType ?? s.aDocument);
  };
  /** What was read: the dossier, its identifiers in full, its result, its receipt, or a file. */
  const whatOf = (e: AccessEntry) =>
    e.what === 'dossier'
      ? s.readDossier(e.dossierCode)
      : e.what === 'sealed_fields'
        ? s.readSealed(e.dossierCode)
        : e.what === 'result'
          ? s.readResult(e.dossierCode)
          : e.what === 'receipt'
            ? s.readReceipt(e.dossierCode)
            : s.what(docName(e), e.dossierCode);
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">{s.access}</h2>
      <p class="hint">{s.accessLead}</p>
      {state === 'loading' ? (
        <Loading />
      ) : error && !items.length ? (
        <ErrorSummary error={error} onRetry={() => void load(null)} />
      ) : (
        <>
          <ul class="list access-log" id="access-log">
            {items.length === 0 && <li>{s.noAccess}</li>}
            {items.map((e, i) => (
              <li
                key={`${e.at}-${i}`}
                tabIndex={i === focusFrom ? -1 : undefined}
                ref={i === focusFrom ? firstNew : undefined}
              >
                <time class="meta" dateTime={e.at}>
                  {formatDateTime(e.at, lang)}
                </time>
                <strong>{s.via[e.via](e.agencyName ?? e.agencyId ?? s.someAgency)}</strong>
                <span class="desc">{whatOf(e)}</span>
                {e.reason ? <span class="desc">{s.reason(e.reason)}</span> : null}
                {e.reader && e.via !== 'agency_system' ? (
                  <span class="meta">{s.reader(e.reader)}</span>
                ) : null}
              </li>
            ))}
          </ul>
          {error ? <p class="field-error">{errorText(error, lang)}</p> : null}
          {cursor && (
            <p>
              <button
                type="button"
                class="secondary"
                id="access-more"
                disabled={state === 'more'}
                aria-busy={state === 'more'}
                onClick={() => void load(cursor)}
              >
                {state === 'more' ? s.loadingMore : s.more}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
