/**
 * One of my dossiers (/ho-so-cua-toi/<code>): where it stands, its due date in Vietnam's time and whether
 * it is overdue, the fee, and its timeline in words; then what the citizen can do in its state — answer a
 * request to supplement (a note and new scans through the presigned upload form), withdraw (after a
 * confirmation), get the result, confirm having received it, and rate the service once it has ended.
 */
import { type ComponentChildren, Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorText, get, newIdempotencyKey, request } from '../api.js';
import { signIn, useSession } from '../auth.js';
import { ErrorSummary, FieldError } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { ScanUpload, type UploadedScan } from '../components/ScanUpload.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Steps } from '../components/Steps.js';
import { useData, useTitle } from '../data.js';
import { startPayment } from '../filing/pay.js';
import type { DocumentRule } from '../filing/upload.js';
import {
  type DossierResult,
  EVENT,
  HAS_RESULT,
  type OwnDossier,
  PAYMENT,
  RATABLE,
  type RatingCriterion,
  WITHDRAWABLE,
} from '../follow.js';
import { formatDateTime, formatMoney, formatNumber, STATUS, strings, useCommon, useLang } from '../i18n.js';
import { Link, type PageProps } from '../router.js';

const useStrings = strings({
  vi: {
    title: (code: string) => `Hồ sơ ${code}`,
    back: 'Hồ sơ của tôi',
    procedure: 'Thủ tục',
    agency: 'Cơ quan giải quyết',
    status: 'Trạng thái',
    submitted: 'Ngày nộp',
    due: 'Hạn trả kết quả',
    overdueBy: 'Đã quá hạn trả kết quả.',
    onTime: 'Còn trong hạn.',
    key: 'Mã tra cứu',
    fee: 'Lệ phí',
    pay: 'Thanh toán lệ phí',
    timeline: 'Quá trình xử lý',
    supplementHeading: 'Bổ sung hồ sơ',
    supplementAsked: 'Cơ quan giải quyết đề nghị bạn bổ sung hồ sơ:',
    supplementBy: (date: string) => `Hạn bổ sung: ${date}.`,
    note: 'Ghi chú gửi cơ quan (không bắt buộc)',
    noteHint: 'Ví dụ: giấy tờ nào bạn gửi thêm, vì sao.',
    docType: (n: number) => `Loại giấy tờ ${n}`,
    scan: (n: number) => `Bản chụp giấy tờ ${n}`,
    docLegend: (n: number) => `Giấy tờ bổ sung ${n}`,
    addScan: 'Thêm giấy tờ',
    needScan: 'Vui lòng tải lên ít nhất một giấy tờ.',
    sendSupplement: 'Gửi bổ sung',
    sending: 'Đang gửi…',
    supplemented: 'Đã gửi bổ sung. Cơ quan giải quyết sẽ tiếp tục xử lý hồ sơ.',
    resultHeading: 'Kết quả giải quyết',
    getResult: 'Xem kết quả',
    download: (name: string, size: string) => `Tải kết quả: ${name} (${size})`,
    linkExpires: (time: string) => `Đường dẫn tải có hiệu lực đến ${time}.`,
    pickup: { post: 'Kết quả được gửi qua bưu điện.', at_desk: 'Nhận kết quả tại Bộ phận một cửa.' },
    postTracking: (n: string) => `Mã bưu gửi: ${n}`,
    received: 'Tôi đã nhận kết quả',
    completed: 'Cảm ơn bạn. Hồ sơ đã hoàn thành.',
    withdrawHeading: 'Rút hồ sơ',
    withdrawLead: 'Bạn có thể rút hồ sơ khi cơ quan chưa ra quyết định. Hồ sơ đã rút không thể tiếp tục.',
    withdraw: 'Rút hồ sơ',
    confirmHeading: 'Xác nhận rút hồ sơ',
    reason: 'Lý do rút hồ sơ',
    reasonHint: 'Ít nhất 5 ký tự.',
    reasonMissing: 'Vui lòng nhập lý do (ít nhất 5 ký tự).',
    confirmWithdraw: 'Xác nhận rút hồ sơ',
    keep: 'Không rút',
    withdrawn: 'Hồ sơ đã được rút.',
    rateHeading: 'Đánh giá chất lượng phục vụ',
    rateLead: 'Ý kiến của bạn giúp cơ quan phục vụ tốt hơn. Mỗi hồ sơ được đánh giá một lần.',
    overall: 'Mức độ hài lòng chung (bắt buộc)',
    criteria: {
      onTime: 'Thời gian giải quyết đúng hẹn',
      contacts: 'Không phải liên hệ, đi lại nhiều lần',
      attitude: 'Thái độ của cán bộ',
      guidance: 'Hướng dẫn đầy đủ, dễ hiểu',
      reception: 'Việc tiếp nhận hồ sơ',
      handling: 'Việc giải quyết hồ sơ',
    } satisfies Record<RatingCriterion, string>,
    optional: '(không bắt buộc)',
    score: ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
    comment: 'Góp ý thêm (không bắt buộc)',
    rate: 'Gửi đánh giá',
    needOverall: 'Vui lòng chọn mức độ hài lòng chung.',
    rated: 'Cảm ơn bạn đã đánh giá.',
    alreadyRated: 'Bạn đã đánh giá hồ sơ này.',
  },
  en: {
    title: (code: string) => `Dossier ${code}`,
    back: 'My dossiers',
    procedure: 'Procedure',
    agency: 'Agency',
    status: 'Status',
    submitted: 'Filed',
    due: 'Result due',
    overdueBy: 'The result is overdue.',
    onTime: 'Within the time allowed.',
    key: 'Tracking key',
    fee: 'Fee',
    pay: 'Pay the fee',
    timeline: 'Progress',
    supplementHeading: 'Add documents',
    supplementAsked: 'The agency asks you to add to the dossier:',
    supplementBy: (date: string) => `Add them by ${date}.`,
    note: 'Note to the agency (optional)',
    noteHint: 'For example: which documents you are sending and why.',
    docType: (n: number) => `Kind of document ${n}`,
    scan: (n: number) => `Scan of document ${n}`,
    docLegend: (n: number) => `Additional document ${n}`,
    addScan: 'Add a document',
    needScan: 'Please upload at least one document.',
    sendSupplement: 'Send the documents',
    sending: 'Sending…',
    supplemented: 'Documents sent. The agency will carry on with the dossier.',
    resultHeading: 'Result',
    getResult: 'See the result',
    download: (name: string, size: string) => `Download the result: ${name} (${size})`,
    linkExpires: (time: string) => `The download link works until ${time}.`,
    pickup: { post: 'The result is sent by post.', at_desk: 'Collect the result at the one-stop desk.' },
    postTracking: (n: string) => `Postal tracking number: ${n}`,
    received: 'I have received the result',
    completed: 'Thank you. The dossier is completed.',
    withdrawHeading: 'Withdraw',
    withdrawLead: 'You can withdraw the dossier until the agency decides. A withdrawn dossier cannot go on.',
    withdraw: 'Withdraw the dossier',
    confirmHeading: 'Confirm the withdrawal',
    reason: 'Reason for withdrawing',
    reasonHint: 'At least 5 characters.',
    reasonMissing: 'Please give a reason (at least 5 characters).',
    confirmWithdraw: 'Confirm: withdraw the dossier',
    keep: 'Keep the dossier',
    withdrawn: 'The dossier has been withdrawn.',
    rateHeading: 'Rate the service',
    rateLead: 'Your opinion helps the agency serve better. Each dossier can be rated once.',
    overall: 'Overall satisfaction (required)',
    criteria: {
      onTime: 'Handled on time',
      contacts: 'Not having to call or come back many times',
      attitude: "Officers' attitude",
      guidance: 'Clear, complete guidance',
      reception: 'How the dossier was received',
      handling: 'How the dossier was handled',
    } satisfies Record<RatingCriterion, string>,
    optional: '(optional)',
    score: ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'],
    comment: 'Other comments (optional)',
    rate: 'Send the rating',
    needOverall: 'Please choose your overall satisfaction.',
    rated: 'Thank you for your rating.',
    alreadyRated: 'You have already rated this dossier.',
  },
});

interface ProcedureDocs {
  documents?: DocumentRule[];
}

const kB = (bytes: number) => `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} kB`;

/** A problem the page finds before asking the server, shown the way the server's are. */
const LOCAL = 'CHECKED_IN_PAGE';
const localError = (path: string, message: string) =>
  new ApiError(422, LOCAL, { vi: message, en: message }, { [path]: { path, code: 'invalid_type', message } });

/** A field's message: the page's own words for what it checked itself, else the server's. */
function Problem({ id, error, path, text }: { id: string; error: unknown; path: string; text: string }) {
  if (!(error instanceof ApiError) || !error.fields[path]) return null;
  if (error.code !== LOCAL) return <FieldError id={id} error={error} path={path} />;
  return (
    <p class="field-error" id={`${id}-error`}>
      {text}
    </p>
  );
}

export function MyDossier({ params }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const session = useSession();
  const code = params.code ?? '';
  const dossier = useData(
    (signal) =>
      session
        ? get<OwnDossier>(`/v1/dossiers/${encodeURIComponent(code)}`, { auth: true, signal })
        : Promise.resolve(undefined),
    [code, session?.sub],
  );
  useTitle(s.title(code), t.brand);
  if (!session)
    return (
      <>
        <h1>{s.title(code)}</h1>
        <p>{t.needSignIn}</p>
        <button type="button" onClick={() => void signIn({ returnTo: location.pathname })}>
          {t.signIn}
        </button>
      </>
    );
  if (dossier.loading && !dossier.data) return <Loading />;
  if (!dossier.data)
    return (
      <>
        <h1>{s.title(code)}</h1>
        <ErrorSummary error={dossier.error} onRetry={dossier.reload} />
        <Link href="/ho-so-cua-toi">{s.back}</Link>
      </>
    );
  return <DossierPage d={dossier.data} reload={dossier.reload} />;
}

function DossierPage({ d, reload }: { d: OwnDossier; reload: () => void }) {
  const s = useStrings();
  const lang = useLang();
  // What was just done, by name: the notice follows a change of language.
  const [notice, setNotice] = useState<'supplemented' | 'completed' | 'withdrawn'>();
  const [error, setError] = useState<unknown>();
  const heading = useRef<HTMLHeadingElement>(null);
  const lastSupplementAsk = [...d.timeline].reverse().find((e) => e.type === 'dossier.supplement_requested');
  // The button pressed goes with the state it belonged to: the focus goes to the page's heading, and
  // the notice under it is announced.
  const done = (what: 'supplemented' | 'completed' | 'withdrawn') => {
    setNotice(what);
    reload();
    heading.current?.focus();
  };
  const canPay =
    d.payment && d.status === 'submitted' && ['unpaid', 'failed', 'expired'].includes(d.payment.status);
  return (
    <article aria-labelledby="dossier-heading" class="follow">
      <p class="crumbs">
        <Link href="/ho-so-cua-toi">{s.back}</Link>
      </p>
      <h1 id="dossier-heading" tabIndex={-1} ref={heading}>
        {s.title('')}
        <span class="nowrap">{d.code}</span>
      </h1>
      <p id="dossier-notice" role="status" class={notice ? 'notice ok' : undefined}>
        {notice ? s[notice] : ''}
      </p>
      <ErrorSummary error={error} />
      <dl class="facts">
        <div>
          <dt>{s.procedure}</dt>
          <dd>{d.procedureName}</dd>
        </div>
        <div>
          <dt>{s.agency}</dt>
          <dd>{d.agencyName}</dd>
        </div>
        <div>
          <dt>{s.status}</dt>
          <dd id="dossier-status">
            <StatusBadge status={d.status} overdue={d.overdue} />
          </dd>
        </div>
        <div>
          <dt>{s.submitted}</dt>
          <dd>{formatDateTime(d.submittedAt, lang)}</dd>
        </div>
        <div>
          <dt>{s.due}</dt>
          <dd id="dossier-due">
            <time dateTime={d.dueAt}>{formatDateTime(d.dueAt, lang)}</time>
            {WITHDRAWABLE.has(d.status) && (
              <span class={d.overdue ? 'meta late' : 'meta'}>{d.overdue ? s.overdueBy : s.onTime}</span>
            )}
          </dd>
        </div>
        {d.payment && (
          <div>
            <dt>{s.fee}</dt>
            <dd id="dossier-payment">
              {formatMoney(d.payment.amount, lang)} — {PAYMENT[lang][d.payment.status] ?? d.payment.status}
            </dd>
          </div>
        )}
        {d.trackingKey && (
          <div>
            <dt>{s.key}</dt>
            <dd>{d.trackingKey}</dd>
          </div>
        )}
      </dl>
      {canPay && (
        <div class="actions">
          <button type="button" onClick={() => startPayment(d.code).catch(setError)}>
            {s.pay}
          </button>
        </div>
      )}

      {d.status === 'supplement_requested' && (
        <Supplement
          d={d}
          ask={d.supplementRequest ?? lastSupplementAsk}
          onDone={() => done('supplemented')}
        />
      )}
      {HAS_RESULT.has(d.status) && <Result d={d} onCompleted={() => done('completed')} />}
      {RATABLE.has(d.status) && <Rating code={d.code} given={d.rating} />}

      <Steps steps={d.steps ?? []} id="dossier-steps" />

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{s.timeline}</h2>
        <ol class="timeline" id="dossier-timeline">
          {d.timeline.map((e) => (
            <li key={`${e.at}${e.type}`}>
              <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time> —{' '}
              <strong>{EVENT[lang][e.type] ?? STATUS[lang][e.status] ?? e.type}</strong>
              {e.note ? `: ${e.note}` : ''}
            </li>
          ))}
        </ol>
      </section>

      {WITHDRAWABLE.has(d.status) && <Withdraw code={d.code} onDone={() => done('withdrawn')} />}
      {error ? <p class="field-error">{errorText(error, lang)}</p> : null}
    </article>
  );
}

interface ScanRow {
  key: number;
  documentType: string;
  scan?: UploadedScan;
}

function Supplement({
  d,
  ask,
  onDone,
}: {
  d: OwnDossier;
  ask?: { note?: string; dueAt?: string; missingDocuments?: string[] };
  onDone: () => void;
}) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const proc = useData(
    (signal) => get<ProcedureDocs>(`/v1/procedures/${encodeURIComponent(d.procedureCode)}`, { signal }),
    [d.procedureCode],
  );
  const docs = proc.data?.documents ?? [];
  const [rows, setRows] = useState<ScanRow[]>([{ key: 0, documentType: '' }]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // One answer, one key: a double click or a retry after a lost reply sends it once.
  const key = useRef(newIdempotencyKey());
  const docName = (r: DocumentRule) => (lang === 'vi' ? r.name : (r.nameEn ?? r.name));
  const update = (k: number, patch: Partial<ScanRow>) =>
    setRows((all) => all.map((r) => (r.key === k ? { ...r, ...patch } : r)));

  if (proc.loading) return <Loading />;
  if (proc.error) return <ErrorSummary error={proc.error} onRetry={proc.reload} />;

  const send = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const ready = rows.filter((r) => r.scan && (r.documentType || docs[0]));
    if (!ready.length) {
      setError(localError('attachments', s.needScan));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await request(`/v1/dossiers/${encodeURIComponent(d.code)}/supplements`, {
        method: 'POST',
        auth: true,
        idempotencyKey: key.current,
        body: {
          attachments: ready.map((r) => ({
            documentType: r.documentType || docs[0]!.type,
            uploadId: r.scan!.uploadId,
          })),
          ...(note.trim() ? { note: note.trim() } : {}),
        },
      });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="supplement-heading" class="panel">
      <h2 id="supplement-heading">{s.supplementHeading}</h2>
      {ask && (
        <div class="notice">
          <p>{s.supplementAsked}</p>
          {ask.missingDocuments?.length ? (
            <ul id="supplement-missing">
              {ask.missingDocuments.map((m) => {
                // A document type of the procedure by its name; otherwise the agency's own words.
                const rule = docs.find((r) => r.type === m);
                return <li key={m}>{rule ? docName(rule) : m}</li>;
              })}
            </ul>
          ) : null}
          {ask.note && <p id="supplement-ask">{ask.note}</p>}
          {ask.dueAt && <p>{s.supplementBy(formatDateTime(ask.dueAt, lang))}</p>}
        </div>
      )}
      <ErrorSummary
        error={error}
        fieldIds={{ note: 'supplement-note', attachments: 'scan-0' }}
        labels={{ note: s.note, attachments: s.scan(1) }}
      />
      <form class="filing" noValidate onSubmit={send}>
        {rows.map((r, i) => {
          const rule = docs.find((x) => x.type === r.documentType) ?? docs[0];
          return (
            <fieldset key={r.key}>
              <legend>{s.docLegend(i + 1)}</legend>
              <div class="field">
                <label for={`doc-type-${r.key}`}>{s.docType(i + 1)}</label>
                <select
                  id={`doc-type-${r.key}`}
                  value={r.documentType || docs[0]?.type}
                  onChange={(e) => update(r.key, { documentType: e.currentTarget.value })}
                >
                  {docs.map((x) => (
                    <option key={x.type} value={x.type}>
                      {docName(x)}
                    </option>
                  ))}
                </select>
              </div>
              {rule && (
                <ScanUpload
                  id={`scan-${r.key}`}
                  label={s.scan(i + 1)}
                  rule={rule}
                  onUploaded={(scan) => update(r.key, { scan })}
                  missing={
                    i === 0 && error instanceof ApiError && error.fields.attachments ? s.needScan : undefined
                  }
                />
              )}
            </fieldset>
          );
        })}
        {rows.length < 10 && (
          <p>
            <button
              type="button"
              class="secondary"
              onClick={() =>
                setRows((all) => [...all, { key: (all.at(-1)?.key ?? 0) + 1, documentType: '' }])
              }
            >
              {s.addScan}
            </button>
          </p>
        )}
        <div class="field">
          <label for="supplement-note">{s.note}</label>
          <p class="hint" id="supplement-note-hint">
            {s.noteHint}
          </p>
          <textarea
            id="supplement-note"
            rows={3}
            maxLength={2000}
            value={note}
            aria-describedby={
              error instanceof ApiError && error.fields.note
                ? 'supplement-note-hint supplement-note-error'
                : 'supplement-note-hint'
            }
            aria-invalid={(error instanceof ApiError && !!error.fields.note) || undefined}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <FieldError id="supplement-note" error={error} path="note" />
        </div>
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? s.sending : s.sendSupplement}
        </button>
        {busy ? <span class="visually-hidden">{t.loading}</span> : null}
      </form>
    </section>
  );
}

function Result({ d, onCompleted }: { d: OwnDossier; onCompleted: () => void }) {
  const s = useStrings();
  const lang = useLang();
  const [result, setResult] = useState<DossierResult>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const link = useRef<HTMLAnchorElement & HTMLParagraphElement>(null);
  useEffect(() => {
    if (result) link.current?.focus();
  }, [result]);
  const fetchResult = async () => {
    setBusy(true);
    try {
      setResult(
        await get<DossierResult>(`/v1/dossiers/${encodeURIComponent(d.code)}/result`, { auth: true }),
      );
      setError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await request(`/v1/dossiers/${encodeURIComponent(d.code)}/received-result`, {
        method: 'POST',
        auth: true,
      });
      onCompleted();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="result-heading" class="panel">
      <h2 id="result-heading">{s.resultHeading}</h2>
      <ErrorSummary error={error} />
      <div aria-live="polite">
        {result?.kind === 'electronic' && (
          <>
            <p>
              <a
                id="result-link"
                class="button"
                href={result.url}
                download={result.fileName}
                rel="noopener noreferrer"
                ref={link}
              >
                {s.download(result.fileName, kB(result.size))}
              </a>
            </p>
            <p class="hint">{s.linkExpires(formatDateTime(result.expiresAt, lang))}</p>
          </>
        )}
        {result?.kind === 'pickup' && (
          <div id="result-pickup" tabIndex={-1} ref={link}>
            <p>{s.pickup[result.method]}</p>
            <p>{result.note}</p>
            {result.trackingNumber && <p>{s.postTracking(result.trackingNumber)}</p>}
          </div>
        )}
      </div>
      <div class="actions">
        {!result && (
          <button type="button" disabled={busy} onClick={() => void fetchResult()}>
            {s.getResult}
          </button>
        )}
        {d.status === 'result_issued' && (
          <button type="button" class="secondary" disabled={busy} onClick={() => void confirm()}>
            {s.received}
          </button>
        )}
      </div>
    </section>
  );
}

function Withdraw({ code, onDone }: { code: string; onDone: () => void }) {
  const s = useStrings();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmHeading.current?.focus();
  }, [asking]);
  const send = async (e: Event) => {
    e.preventDefault();
    if (reason.trim().length < 5) {
      setError(localError('reason', s.reasonMissing));
      return;
    }
    setBusy(true);
    try {
      await request(`/v1/dossiers/${encodeURIComponent(code)}/withdraw`, {
        method: 'POST',
        auth: true,
        body: { reason: reason.trim() },
      });
      setAsking(false);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const invalid = error instanceof ApiError && !!error.fields.reason;
  return (
    <section aria-labelledby="withdraw-heading" class="panel">
      <h2 id="withdraw-heading">{s.withdrawHeading}</h2>
      <p>{s.withdrawLead}</p>
      {!asking ? (
        <button type="button" class="secondary" ref={opener} onClick={() => setAsking(true)}>
          {s.withdraw}
        </button>
      ) : (
        <form class="filing confirm" noValidate onSubmit={send}>
          <h3 id="withdraw-confirm" tabIndex={-1} ref={confirmHeading}>
            {s.confirmHeading}
          </h3>
          <ErrorSummary
            error={error}
            fieldIds={{ reason: 'withdraw-reason' }}
            labels={{ reason: s.reason }}
          />
          <div class="field">
            <label for="withdraw-reason">{s.reason}</label>
            <p class="hint" id="withdraw-reason-hint">
              {s.reasonHint}
            </p>
            <textarea
              id="withdraw-reason"
              rows={3}
              maxLength={500}
              required
              value={reason}
              aria-invalid={invalid || undefined}
              aria-describedby={
                invalid ? 'withdraw-reason-hint withdraw-reason-error' : 'withdraw-reason-hint'
              }
              onInput={(e) => setReason(e.currentTarget.value)}
            />
            <Problem id="withdraw-reason" error={error} path="reason" text={s.reasonMissing} />
          </div>
          <div class="actions">
            <button type="submit" disabled={busy} aria-busy={busy}>
              {s.confirmWithdraw}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setAsking(false);
                setError(undefined);
                requestAnimationFrame(() => opener.current?.focus());
              }}
            >
              {s.keep}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** The marks the owner gave, said as on the form. */
function GivenRating({ given }: { given: NonNullable<OwnDossier['rating']> }) {
  const s = useStrings();
  const mark = (n: number) => `${n} — ${s.score[n - 1] ?? ''}`;
  return (
    <dl class="facts" id="rate-given">
      <div>
        <dt>{s.overall}</dt>
        <dd>{mark(given.overall)}</dd>
      </div>
      {(Object.keys(s.criteria) as RatingCriterion[])
        .filter((c) => given.criteria[c])
        .map((c) => (
          <div key={c}>
            <dt>{s.criteria[c]}</dt>
            <dd>{mark(given.criteria[c]!)}</dd>
          </div>
        ))}
      {given.comment && (
        <div>
          <dt>{s.comment}</dt>
          <dd>{given.comment}</dd>
        </div>
      )}
    </dl>
  );
}

function Rating({ code, given }: { code: string; given?: OwnDossier['rating'] }) {
  const s = useStrings();
  const [overall, setOverall] = useState<number>();
  const [criteria, setCriteria] = useState<Partial<Record<RatingCriterion, number>>>({});
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [state, setState] = useState<'open' | 'rated' | 'already'>('open');
  const box = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state !== 'open') box.current?.focus();
  }, [state]);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!overall) {
      setError(localError('overall', s.needOverall));
      return;
    }
    setBusy(true);
    try {
      await request(`/v1/dossiers/${encodeURIComponent(code)}/rating`, {
        method: 'POST',
        auth: true,
        body: { overall, criteria, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      });
      setState('rated');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ALREADY_RATED') setState('already');
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  // Rated before this page loaded: what was given, never the form again.
  if (given && state === 'open')
    return (
      <section aria-labelledby="rate-heading" class="panel">
        <h2 id="rate-heading">{s.rateHeading}</h2>
        <p id="rate-done" class="notice ok">
          {s.alreadyRated}
        </p>
        <GivenRating given={given} />
      </section>
    );
  if (state !== 'open')
    return (
      <section aria-labelledby="rate-heading" class="panel">
        <h2 id="rate-heading">{s.rateHeading}</h2>
        <p id="rate-done" class="notice ok" tabIndex={-1} ref={box}>
          {state === 'rated' ? s.rated : s.alreadyRated}
        </p>
      </section>
    );
  const scale = (
    name: string,
    value: number | undefined,
    set: (n: number) => void,
    legend: string,
    problem?: ComponentChildren,
  ) => (
    <fieldset class="scale" id={`rate-${name}`} aria-describedby={problem ? `rate-${name}-error` : undefined}>
      <legend>{legend}</legend>
      {problem}
      <div class="scale-options">
        {s.score.map((label, i) => (
          <Fragment key={label}>
            <span class="check">
              <input
                type="radio"
                id={`rate-${name}-${i + 1}`}
                name={`rate-${name}`}
                value={i + 1}
                checked={value === i + 1}
                onChange={() => set(i + 1)}
              />
              <label for={`rate-${name}-${i + 1}`}>
                {i + 1} — {label}
              </label>
            </span>
          </Fragment>
        ))}
      </div>
    </fieldset>
  );
  return (
    <section aria-labelledby="rate-heading" class="panel">
      <h2 id="rate-heading">{s.rateHeading}</h2>
      <p>{s.rateLead}</p>
      <ErrorSummary error={error} fieldIds={{ overall: 'rate-overall-1' }} labels={{ overall: s.overall }} />
      <form class="filing" noValidate onSubmit={send}>
        {scale(
          'overall',
          overall,
          (n) => {
            setOverall(n);
            if (error instanceof ApiError && error.code === LOCAL) setError(undefined);
          },
          s.overall,
          error instanceof ApiError && error.fields.overall ? (
            <Problem id="rate-overall" error={error} path="overall" text={s.needOverall} />
          ) : undefined,
        )}
        {(Object.keys(s.criteria) as RatingCriterion[]).map((c) =>
          scale(
            c,
            criteria[c],
            (n) => setCriteria((all) => ({ ...all, [c]: n })),
            `${s.criteria[c]} ${s.optional}`,
          ),
        )}
        <div class="field">
          <label for="rate-comment">{s.comment}</label>
          <textarea
            id="rate-comment"
            rows={3}
            maxLength={1000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy} aria-busy={busy}>
          {s.rate}
        </button>
      </form>
    </section>
  );
}
