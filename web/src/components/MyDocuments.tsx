/**
 * My documents on the account page: the results agencies issued to me first (whether each still
 * stands, who issued it, a download link fetched on request, its QR code and verification page, and a
 * link to share it for one, three or seven days), then the scans I submitted; and below, who has read my
 * data (agencies fetching my dossiers' files, people opening my shared links), newest first.
 *
 * Nothing about a document goes into the page's address: links are fetched with the access token when
 * the citizen asks, and shown in the page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, get } from '../api.js';
import { useData } from '../data.js';
import { formatDate, formatDateTime, useLang } from '../i18n.js';
import { AccessLogSection } from '../my-documents/AccessLog.js';
import { type DocumentDownload, fileSize, type MyDocument, qrImage } from '../my-documents/model.js';
import { loadDocumentCatalog, nameOf } from '../my-documents/names.js';
import { Share } from '../my-documents/Share.js';
import { useStrings } from '../my-documents/strings.js';
import { Link } from '../router.js';
import { ErrorSummary } from './ErrorSummary.js';
import { Loading } from './Loading.js';

/** "Giấy tờ của tôi" and "Ai đã xem dữ liệu của tôi": one list of documents names the files in both. */
export function MyDocumentsAndAccess() {
  const docs = useData(
    (signal) => get<{ items: MyDocument[] }>('/v1/me/documents?limit=50', { auth: true, signal }),
    [],
  );
  return (
    <>
      <DocumentsSection docs={docs} />
      <AccessLogSection docs={docs.data?.items ?? []} />
    </>
  );
}

function DocumentsSection({ docs }: { docs: ReturnType<typeof useData<{ items: MyDocument[] }>> }) {
  const s = useStrings();
  const lang = useLang();
  const items = docs.data?.items ?? [];
  // What each document is, from its procedure in the catalog; the file's name until that arrives.
  const catalog = useData((signal) => loadDocumentCatalog(items, signal), [docs.data]);
  const named = (d: MyDocument) => nameOf(d, catalog.data, lang, s.resultOf);
  const results = items.filter((d) => d.kind === 'result');
  const scans = items.filter((d) => d.kind !== 'result');
  return (
    <section aria-labelledby="documents-heading">
      <h2 id="documents-heading">{s.documents}</h2>
      {docs.loading && !docs.data ? (
        <Loading />
      ) : docs.error ? (
        <ErrorSummary error={docs.error} onRetry={docs.reload} />
      ) : (
        <>
          <h3 id="results-heading">{s.results}</h3>
          <p class="hint">{s.resultsLead}</p>
          <ul class="list documents" id="my-results" aria-labelledby="results-heading">
            {results.length === 0 && <li>{s.noResults}</li>}
            {results.map((d) => (
              <ResultItem key={d.documentId} d={d} name={named(d)} />
            ))}
          </ul>
          <h3 id="scans-heading">{s.scans}</h3>
          <ul class="list" id="my-documents" aria-labelledby="scans-heading">
            {scans.length === 0 && <li>{s.noScans}</li>}
            {scans.map((d) => (
              <li key={d.documentId} id={`scan-${d.documentId}`}>
                <DocumentTitle d={d} name={named(d)} />
                <span class="meta">{s.inDossier(d.dossierCode, formatDate(d.uploadedAt, lang))}</span>
                <Download d={d} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ResultItem({ d, name }: { d: MyDocument; name: string | undefined }) {
  const s = useStrings();
  const lang = useLang();
  const status = d.status ?? 'valid';
  const id = `result-${d.documentId}`;
  return (
    <li id={id} class="document">
      <p class="document-title">
        <DocumentTitle d={d} name={name} />{' '}
        <span class={status === 'valid' ? 'status done' : 'status overdue'}>{s.status[status]}</span>
      </p>
      <dl class="step-facts document-facts">
        <div>
          <dt>{s.issuer}</dt>
          <dd>{d.issuerName ?? d.issuer ?? '—'}</dd>
        </div>
        <div>
          <dt>{s.issuedAt}</dt>
          <dd>{formatDateTime(d.issuedAt ?? d.uploadedAt, lang)}</dd>
        </div>
        <div>
          <dt>{s.dossier}</dt>
          <dd>{d.dossierCode}</dd>
        </div>
      </dl>
      <p>
        <Link href={`/verify/${encodeURIComponent(d.documentId)}`} aria-label={s.verifyOf(d.fileName)}>
          {s.verify}
        </Link>
      </p>
      <div class="doc-actions">
        <Download d={d} />
        <Share d={d} />
      </div>
    </li>
  );
}

/**
 * A document by what it is, its file's name and size beside; by its file's name while the catalog has
 * no words for it (the file's name is written once either way).
 */
function DocumentTitle({ d, name }: { d: MyDocument; name: string | undefined }) {
  const s = useStrings();
  const lang = useLang();
  const size = fileSize(d.size, lang);
  return name ? (
    <>
      <strong class="break">{name}</strong>
      <span class="meta break">{s.fileOf(d.fileName, size)}</span>
    </>
  ) : (
    <>
      <strong class="break">{d.fileName}</strong> <span class="meta">{size}</span>
    </>
  );
}

/** The download link (and a result's QR code), fetched when asked: it lasts five minutes. */
function Download({ d }: { d: MyDocument }) {
  const s = useStrings();
  const lang = useLang();
  const [link, setLink] = useState<DocumentDownload>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const anchor = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    if (link) anchor.current?.focus();
  }, [link]);
  const fetchLink = async () => {
    setBusy(true);
    try {
      setLink(
        await get<DocumentDownload>(`/v1/me/documents/${encodeURIComponent(d.documentId)}`, { auth: true }),
      );
      setError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const expired = link && Date.parse(link.expiresAt) <= Date.now();
  return (
    <div class={link && !expired ? 'document-download open' : 'document-download'}>
      {(!link || expired) && (
        <button
          type="button"
          class="secondary"
          disabled={busy}
          aria-busy={busy}
          aria-label={s.downloadOf(d.fileName)}
          onClick={() => void fetchLink()}
        >
          {s.download}
        </button>
      )}
      {error ? <p class="field-error">{errorText(error, lang)}</p> : null}
      {link && !expired && (
        <>
          <p>
            <a
              class="button"
              href={link.url}
              download={link.fileName}
              rel="noopener noreferrer"
              ref={anchor}
              data-document={d.documentId}
            >
              {s.file(link.fileName, fileSize(link.size, lang))}
            </a>
          </p>
          <p class="hint">{s.linkExpires(formatDateTime(link.expiresAt, lang))}</p>
          {link.verification && (
            <figure class="qr">
              <img
                src={qrImage(link.verification.qrCodeSvg)}
                alt={s.qrAlt(d.fileName)}
                width={176}
                height={176}
              />
              <figcaption>
                <strong>{s.qr}</strong>
                <br />
                {s.qrHint}
              </figcaption>
            </figure>
          )}
        </>
      )}
    </div>
  );
}
