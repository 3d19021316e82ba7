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
import { errorText, get, request } from '../api.js';
import { config } from '../config.js';
import { useData } from '../data.js';
import { formatDate, formatDateTime, formatNumber, strings, useLang } from '../i18n.js';
import { sharePageUrl } from '../pages/Shared.js';
import { Link } from '../router.js';
import { ErrorSummary } from './ErrorSummary.js';
import { Loading } from './Loading.js';

type ResultStatus = 'valid' | 'revoked' | 'replaced';

interface MyDocument {
  documentId: string;
  kind?: 'scan' | 'result';
  documentType: string;
  fileName: string;
  contentType: string;
  size: number;
  dossierCode: string;
  uploadedAt: string;
  issuedAt?: string;
  issuer?: string;
  issuerName?: string;
  status?: ResultStatus;
  verifyUrl?: string;
}

interface DocumentDownload {
  fileName: string;
  size: number;
  url: string;
  expiresAt: string;
  verification?: { status: ResultStatus; url: string; qrCodeSvg: string };
}

interface AccessEntry {
  at: string;
  via: 'agency_system' | 'agency_officer' | 'share';
  agencyId?: string;
  agencyName?: string;
  dossierCode?: string;
  documentType?: string;
  documentId?: string;
}

/** A share lasts one, three or seven days (the API allows 1–168 hours). */
const SHARE_DAYS = [1, 3, 7] as const;
const ACCESS_PAGE = 10;

const useStrings = strings({
  vi: {
    documents: 'Giấy tờ của tôi',
    results: 'Kết quả được cấp',
    resultsLead:
      'Kết quả giải quyết thủ tục do cơ quan cấp điện tử, có chữ ký số của Cổng và mã QR để xác thực.',
    noResults: 'Bạn chưa được cấp kết quả điện tử nào.',
    scans: 'Giấy tờ đã nộp',
    noScans: 'Bạn chưa nộp giấy tờ nào.',
    status: {
      valid: 'Còn hiệu lực',
      revoked: 'Đã thu hồi',
      replaced: 'Đã thay thế',
    } as Record<ResultStatus, string>,
    issuer: 'Cơ quan cấp',
    issuedAt: 'Ngày cấp',
    dossier: 'Hồ sơ',
    kind: 'Loại giấy tờ',
    inDossier: (code: string, at: string) => `Hồ sơ ${code}, nộp ngày ${at}`,
    download: 'Tải xuống',
    downloadOf: (name: string) => `Tải xuống: ${name}`,
    file: (name: string, size: string) => `Tải tệp ${name} (${size})`,
    linkExpires: (time: string) => `Đường dẫn tải có hiệu lực đến ${time}.`,
    qr: 'Mã QR xác thực',
    qrAlt: (name: string) => `Mã QR dẫn tới trang xác thực kết quả ${name}`,
    qrHint: 'Người nhận giấy tờ quét mã này để kiểm tra kết quả còn hiệu lực.',
    verify: 'Xác thực kết quả',
    verifyOf: (name: string) => `Xác thực kết quả: ${name}`,
    share: 'Chia sẻ',
    shareOf: (name: string) => `Chia sẻ: ${name}`,
    shareLegend: 'Đường dẫn có hiệu lực trong',
    days: (n: number) => `${n} ngày`,
    makeLink: 'Tạo đường dẫn chia sẻ',
    shareLabel: 'Đường dẫn chia sẻ',
    shareWarning:
      'Ai có đường dẫn này đều tải được giấy tờ cho tới khi hết hạn. Mỗi lần mở được ghi lại bên dưới.',
    shareExpires: (time: string) => `Hết hạn lúc ${time}.`,
    copy: 'Sao chép đường dẫn',
    copied: 'Đã sao chép đường dẫn.',
    copyFailed: 'Không sao chép được; hãy chọn đường dẫn và sao chép.',
    close: 'Đóng',
    access: 'Ai đã xem dữ liệu của tôi',
    accessLead:
      'Mỗi lần cơ quan tải giấy tờ trong hồ sơ của bạn, hoặc có người mở đường dẫn bạn chia sẻ, Cổng ghi lại ở đây. Không ai sửa hay xoá được nhật ký này.',
    noAccess: 'Chưa ai xem dữ liệu của bạn.',
    via: {
      agency_system: (agency: string) => `Hệ thống của ${agency}`,
      agency_officer: (agency: string) => `Cán bộ của ${agency}`,
      share: () => 'Người mở đường dẫn bạn chia sẻ',
    },
    someAgency: 'cơ quan giải quyết',
    what: (doc: string, code?: string) => (code ? `Tải ${doc} trong hồ sơ ${code}` : `Tải ${doc}`),
    aDocument: 'một giấy tờ',
    more: 'Xem thêm',
    loadingMore: 'Đang tải…',
  },
  en: {
    documents: 'My documents',
    results: 'Results issued to me',
    resultsLead:
      'Results issued electronically by agencies, signed by the portal, with a QR code to verify them.',
    noResults: 'No electronic result has been issued to you yet.',
    scans: 'Documents submitted',
    noScans: 'You have not submitted any documents yet.',
    status: {
      valid: 'Valid',
      revoked: 'Revoked',
      replaced: 'Replaced',
    } as Record<ResultStatus, string>,
    issuer: 'Issued by',
    issuedAt: 'Issued on',
    dossier: 'Dossier',
    kind: 'Document type',
    inDossier: (code: string, at: string) => `Dossier ${code}, submitted ${at}`,
    download: 'Download',
    downloadOf: (name: string) => `Download: ${name}`,
    file: (name: string, size: string) => `Download the file ${name} (${size})`,
    linkExpires: (time: string) => `The download link works until ${time}.`,
    qr: 'Verification QR code',
    qrAlt: (name: string) => `QR code leading to the verification page of ${name}`,
    qrHint: 'Whoever receives the document scans this code to check it still stands.',
    verify: 'Verify the result',
    verifyOf: (name: string) => `Verify the result: ${name}`,
    share: 'Share',
    shareOf: (name: string) => `Share: ${name}`,
    shareLegend: 'The link works for',
    days: (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`,
    makeLink: 'Create the share link',
    shareLabel: 'Share link',
    shareWarning:
      'Anyone with this link can download the document until it expires. Each opening is recorded below.',
    shareExpires: (time: string) => `Expires at ${time}.`,
    copy: 'Copy the link',
    copied: 'The link is copied.',
    copyFailed: 'Could not copy; select the link and copy it.',
    close: 'Close',
    access: 'Who has seen my data',
    accessLead:
      'Each time an agency downloads a document of your dossiers, or someone opens a link you shared, the portal records it here. No one can change or delete this log.',
    noAccess: 'No one has seen your data yet.',
    via: {
      agency_system: (agency: string) => `The system of ${agency}`,
      agency_officer: (agency: string) => `An officer of ${agency}`,
      share: () => 'Someone who opened a link you shared',
    },
    someAgency: 'the agency',
    what: (doc: string, code?: string) =>
      code ? `Downloaded ${doc} of dossier ${code}` : `Downloaded ${doc}`,
    aDocument: 'a document',
    more: 'Show more',
    loadingMore: 'Loading…',
  },
});

const kB = (bytes: number) => `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} kB`;

/** The QR code as an image: the SVG never enters the page's DOM, so nothing in it can run or style the page. */
const qrImage = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

/**
 * The link to hand out: the portal's page for it (the token in the fragment), else the API's address as
 * given (absolute, or a path on the API).
 */
const shareLink = (url: string) => sharePageUrl(url) ?? new URL(url, config().apiUrl || location.origin).href;

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
              <ResultItem key={d.documentId} d={d} />
            ))}
          </ul>
          <h3 id="scans-heading">{s.scans}</h3>
          <ul class="list" id="my-documents" aria-labelledby="scans-heading">
            {scans.length === 0 && <li>{s.noScans}</li>}
            {scans.map((d) => (
              <li key={d.documentId}>
                <strong class="break">{d.fileName}</strong> ({kB(d.size)})
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

function ResultItem({ d }: { d: MyDocument }) {
  const s = useStrings();
  const lang = useLang();
  const status = d.status ?? 'valid';
  const id = `result-${d.documentId}`;
  return (
    <li id={id} class="document">
      <p class="document-title">
        <strong class="break">{d.fileName}</strong>{' '}
        <span class={status === 'valid' ? 'status done' : 'status overdue'}>{s.status[status]}</span>
      </p>
      <dl class="step-facts">
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
              {s.file(link.fileName, kB(link.size))}
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

function Share({ d }: { d: MyDocument }) {
  const s = useStrings();
  const lang = useLang();
  const [open, setOpen] = useState(false);
  const [days, setDays] = useState<number>(3);
  const [share, setShare] = useState<{ url: string; expiresAt: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState('');
  const field = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const base = `share-${d.documentId}`;
  useEffect(() => {
    if (share) field.current?.focus();
  }, [share]);
  useEffect(() => {
    if (open && !share) first.current?.focus();
  }, [open]);
  const create = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const made = await request<{ url: string; expiresAt: string }>(
        `/v1/me/documents/${encodeURIComponent(d.documentId)}/shares`,
        { method: 'POST', auth: true, body: { expiresInHours: days * 24 } },
      );
      setShare({ url: shareLink(made.url), expiresAt: made.expiresAt });
      setCopied('');
      setError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const copy = async () => {
    if (!share) return;
    try {
      await navigator.clipboard.writeText(share.url);
      setCopied(s.copied);
    } catch {
      field.current?.select();
      setCopied(s.copyFailed);
    }
  };
  if (d.status && d.status !== 'valid') return null;
  if (!open)
    return (
      <button
        type="button"
        class="secondary"
        ref={opener}
        aria-label={s.shareOf(d.fileName)}
        onClick={() => setOpen(true)}
      >
        {s.share}
      </button>
    );
  return (
    <div class="share panel">
      {share ? (
        <>
          <label for={`${base}-url`}>{s.shareLabel}</label>
          <input
            id={`${base}-url`}
            class="share-url"
            readOnly
            value={share.url}
            ref={field}
            aria-describedby={`${base}-expires ${base}-warning`}
            onFocus={(e) => e.currentTarget.select()}
          />
          <p id={`${base}-expires`}>{s.shareExpires(formatDateTime(share.expiresAt, lang))}</p>
          <p id={`${base}-warning`} class="hint">
            {s.shareWarning}
          </p>
          <div class="actions">
            <button type="button" onClick={() => void copy()}>
              {s.copy}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setOpen(false);
                setShare(undefined);
                requestAnimationFrame(() => opener.current?.focus());
              }}
            >
              {s.close}
            </button>
          </div>
          <p role="status" class="ok-text">
            {copied}
          </p>
        </>
      ) : (
        <form onSubmit={create}>
          <fieldset>
            <legend>{s.shareLegend}</legend>
            {SHARE_DAYS.map((n, i) => (
              <span class="check" key={n}>
                <input
                  type="radio"
                  id={`${base}-${n}`}
                  name={`${base}-days`}
                  value={n}
                  checked={days === n}
                  ref={i === 0 ? first : undefined}
                  onChange={() => setDays(n)}
                />
                <label for={`${base}-${n}`}>{s.days(n)}</label>
              </span>
            ))}
          </fieldset>
          {error ? <p class="field-error">{errorText(error, lang)}</p> : null}
          <div class="actions">
            <button type="submit" disabled={busy} aria-busy={busy}>
              {s.makeLink}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setOpen(false);
                setError(undefined);
                requestAnimationFrame(() => opener.current?.focus());
              }}
            >
              {s.close}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function AccessLogSection({ docs }: { docs: MyDocument[] }) {
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
                <span class="desc">{s.what(docName(e), e.dossierCode)}</span>
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
