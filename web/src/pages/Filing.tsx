/**
 * Filing a procedure online (/nop/<code>): the form the catalog publishes as JSON Schema, drawn with its
 * Vietnamese titles and help, filled first from the citizen's profile; scans checked here against the
 * procedure's limits and sent through the presigned form with progress; a review step; one submission
 * however many clicks (one Idempotency-Key per filing); then a printable receipt and, when the procedure
 * has a fee, payment.
 */
import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, errorText, get, newIdempotencyKey, request } from '../api.js';
import { signIn, useSession } from '../auth.js';
import { ErrorSummary, FieldError } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { useData, useTitle } from '../data.js';
import { type Draft, deleteDraft, draftValues, isConflict, loadDraft, saveDraft } from '../filing/drafts.js';
import {
  type FormField,
  type FormSchema,
  fieldsOf,
  initialValues,
  remoteHref,
  toSubmission,
} from '../filing/form.js';
import { type HeldDocument, loadHeld } from '../filing/held.js';
import { startPayment } from '../filing/pay.js';
import { RemoteSelect } from '../filing/RemoteSelect.js';
import { checkScan, type DocumentRule, uploadScan } from '../filing/upload.js';
import { formatDate, formatDateTime, formatDay, formatMoney, strings, useCommon, useLang } from '../i18n.js';
import type { PageProps } from '../router.js';
import { Link } from '../router.js';
import { procedurePath } from '../routes.js';

const useStrings = strings({
  vi: {
    title: (name: string) => `Nộp hồ sơ: ${name}`,
    notOnline: 'Thủ tục này chưa nộp trực tuyến được trên Cổng.',
    back: 'Xem thông tin thủ tục',
    prefilled:
      'Một số mục đã được điền sẵn từ hồ sơ cá nhân hoặc tài khoản định danh điện tử của bạn. Vui lòng kiểm tra lại.',
    formHeading: 'Thông tin tờ khai',
    docsHeading: 'Giấy tờ đính kèm',
    required: '(bắt buộc)',
    optional: '(không bắt buộc)',
    choose: '— Chọn —',
    yes: 'Có',
    accepted: (types: string, mb: string) => `Nhận tệp ${types}, tối đa ${mb} MB.`,
    badType: 'Loại tệp không được chấp nhận. Vui lòng chọn tệp PDF, JPG hoặc PNG.',
    badSize: (mb: string) => `Tệp quá lớn: tối đa ${mb} MB.`,
    empty: 'Tệp trống.',
    uploading: 'Đang tải lên',
    uploaded: (name: string) => `Đã tải lên: ${name}`,
    heldResult: (from: string, date: string) =>
      `Bạn đã có giấy tờ này (cấp bởi ${from}, ngày ${date}) — dùng giấy tờ đã có`,
    heldScan: (code: string, date: string) =>
      `Bạn đã có giấy tờ này (đã nộp trong hồ sơ ${code}, ngày ${date}) — dùng giấy tờ đã có`,
    heldOrUpload: 'Bỏ chọn để tải lên tệp khác.',
    reused: (name: string) => `Dùng giấy tờ đã có: ${name}`,
    reusedSummary: (n: number) => `${n} giấy tờ dùng lại giấy tờ bạn đã có, không cần tải lên lại.`,
    uploadFailed: 'Tải tệp lên không thành công.',
    missingDoc: 'Vui lòng đính kèm giấy tờ này.',
    missingField: 'Vui lòng nhập mục này.',
    toReview: 'Xem lại hồ sơ',
    reviewHeading: 'Xem lại trước khi nộp',
    edit: 'Sửa lại',
    submit: 'Nộp hồ sơ',
    submitting: 'Đang nộp…',
    fee: 'Lệ phí',
    free: 'Không mất lệ phí',
    receiptHeading: 'Biên nhận hồ sơ',
    received: 'Cổng đã nhận hồ sơ của bạn.',
    code: 'Mã hồ sơ',
    trackingKey: 'Mã tra cứu',
    due: 'Hẹn trả kết quả',
    next: 'Cơ quan giải quyết sẽ kiểm tra hồ sơ. Bạn sẽ nhận tin nhắn SMS khi hồ sơ được tiếp nhận, cần bổ sung hoặc có kết quả. Tra cứu hồ sơ bằng mã hồ sơ và mã tra cứu.',
    print: 'Lưu PDF',
    pay: (amount: string) => `Thanh toán lệ phí ${amount}`,
    mine: 'Xem hồ sơ của tôi',
    none: 'Không có',
    restored: (at: string) => `Đã khôi phục bản nháp lưu lúc ${at}.`,
    startOver: 'Bỏ bản nháp, điền lại từ đầu',
    saveDraft: 'Lưu nháp',
    draftSaving: 'Đang lưu nháp…',
    draftSaved: (at: string) =>
      `Đã lưu nháp lúc ${at}. Bạn có thể tiếp tục trên thiết bị khác trong 30 ngày.`,
    draftFailed: 'Chưa lưu được bản nháp. Nội dung vẫn còn trên trang này; hãy bấm "Lưu nháp" để thử lại.',
    draftConflict:
      'Bản nháp của thủ tục này vừa được lưu ở thiết bị hoặc thẻ trình duyệt khác. Bạn muốn dùng bản nào?',
    takeTheirs: 'Dùng bản nháp đã lưu ở nơi khác',
    keepMine: 'Giữ nội dung đang nhập ở đây',
    remoteHint: 'Chọn tỉnh, thành phố trước, rồi chọn xã, phường hoặc đặc khu trong danh sách.',
    onBehalfHeading: 'Nộp thay công dân',
    onBehalfHelp:
      'Cán bộ một cửa nộp hồ sơ thay công dân. Công dân phải đã đăng nhập Cổng bằng VNeID và lưu thông tin cá nhân; hồ sơ sẽ thuộc tài khoản của công dân.',
    onBehalfId: 'Số định danh cá nhân của công dân',
    onBehalfIdHint: '12 chữ số, in trên căn cước công dân.',
    onBehalfReview: 'Nộp thay công dân có số định danh',
    filedForCitizen:
      'Hồ sơ được nộp thay công dân và thuộc tài khoản của công dân; công dân nhận tin nhắn và theo dõi hồ sơ trên Cổng.',
  },
  en: {
    title: (name: string) => `File: ${name}`,
    notOnline: 'This procedure cannot be filed online on the portal yet.',
    back: 'See the procedure',
    prefilled: 'Some fields were filled from your profile or your verified sign-in. Please check them.',
    formHeading: 'Form',
    docsHeading: 'Documents',
    required: '(required)',
    optional: '(optional)',
    choose: '— Choose —',
    yes: 'Yes',
    accepted: (types: string, mb: string) => `${types} files, up to ${mb} MB.`,
    badType: 'This kind of file is not accepted. Choose a PDF, JPG or PNG file.',
    badSize: (mb: string) => `The file is too large: up to ${mb} MB.`,
    empty: 'The file is empty.',
    uploading: 'Uploading',
    uploaded: (name: string) => `Uploaded: ${name}`,
    heldResult: (from: string, date: string) =>
      `You already have this document (issued by ${from} on ${date}) — use it`,
    heldScan: (code: string, date: string) =>
      `You already have this document (filed in dossier ${code} on ${date}) — use it`,
    heldOrUpload: 'Untick to upload another file instead.',
    reused: (name: string) => `Using the document you have: ${name}`,
    reusedSummary: (n: number) => `${n} document(s) reuse what you already have; nothing to upload again.`,
    uploadFailed: 'The upload failed.',
    missingDoc: 'Please attach this document.',
    missingField: 'Please fill this in.',
    toReview: 'Review',
    reviewHeading: 'Review before filing',
    edit: 'Change',
    submit: 'File the dossier',
    submitting: 'Filing…',
    fee: 'Fee',
    free: 'No fee',
    receiptHeading: 'Receipt',
    received: 'The portal has received your dossier.',
    code: 'Dossier code',
    trackingKey: 'Tracking key',
    due: 'Result due',
    next: 'The agency will check the dossier. You get an SMS when it is taken up, needs more documents or has a result. Track it with its code and tracking key.',
    print: 'Save as PDF',
    pay: (amount: string) => `Pay the fee of ${amount}`,
    mine: 'My dossiers',
    none: 'None',
    restored: (at: string) => `Your draft saved at ${at} has been restored.`,
    startOver: 'Discard the draft and start again',
    saveDraft: 'Save draft',
    draftSaving: 'Saving the draft…',
    draftSaved: (at: string) => `Draft saved at ${at}. You can continue on another device within 30 days.`,
    draftFailed:
      'The draft could not be saved. What you typed is still on this page; press "Save draft" to try again.',
    draftConflict:
      'A draft of this procedure was just saved on another device or browser tab. Which one do you want to keep?',
    takeTheirs: 'Use the draft saved elsewhere',
    keepMine: 'Keep what is typed here',
    remoteHint: 'Choose the province first, then the commune or ward from the list.',
    onBehalfHeading: 'Filing for a citizen',
    onBehalfHelp:
      "A one-stop desk officer files for a citizen. The citizen must have signed in to the portal with VNeID and saved their profile; the dossier belongs to the citizen's account.",
    onBehalfId: "The citizen's personal ID number",
    onBehalfIdHint: '12 digits, printed on the citizen identity card.',
    onBehalfReview: 'Filed for the citizen with ID number',
    filedForCitizen:
      "The dossier was filed for the citizen and belongs to the citizen's account; the citizen gets the SMS notices and follows it on the portal.",
  },
});

interface OnlineProcedure {
  code: string;
  name: string;
  nameEn?: string | null;
  onlineFiling: boolean;
  fee?: number | null;
  documents?: DocumentRule[];
  form?: FormSchema;
}

interface Scan {
  state: 'uploading' | 'done' | 'failed';
  progress: number;
  fileName: string;
  uploadId?: string;
  file?: File;
  problem?: string;
}

interface Submitted {
  code: string;
  trackingKey?: string;
  dueAt: string;
}

const mb = (bytes: number) => String(Math.round((bytes / 1024 / 1024) * 10) / 10);
const fieldId = (name: string) => `f-${name}`;
const docId = (type: string) => `doc-${type}`;

export function Filing({ params }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const session = useSession();
  const code = params.code ?? '';
  const proc = useData(
    (signal) => get<OnlineProcedure>(`/v1/procedures/${encodeURIComponent(code)}`, { signal }),
    [code],
  );
  const prefill = useData(
    (signal) =>
      session
        ? get<{ form: Record<string, string>; filled: string[] }>(
            `/v1/me/prefill/${encodeURIComponent(code)}`,
            { auth: true, signal },
          ).catch(() => undefined)
        : Promise.resolve(undefined),
    [code, session?.sub],
  );
  const draft = useData(
    (signal) => (session ? loadDraft(code, signal).catch(() => undefined) : Promise.resolve(undefined)),
    [code, session?.sub],
  );
  useTitle(proc.data ? s.title(proc.data.name) : undefined, t.brand);
  if (!session)
    return (
      <>
        <h1>{proc.data ? s.title(proc.data.name) : t.loading}</h1>
        <p>{t.needSignIn}</p>
        <button type="button" onClick={() => void signIn({ returnTo: location.pathname })}>
          {t.signIn}
        </button>
      </>
    );
  if (proc.loading || prefill.loading || draft.loading) return <Loading />;
  if (proc.error || !proc.data) return <ErrorSummary error={proc.error} onRetry={proc.reload} />;
  const p = proc.data;
  if (!p.onlineFiling || !p.form)
    return (
      <>
        <h1>{p.name}</h1>
        <p>{s.notOnline}</p>
        <Link href={procedurePath(p.code)}>{s.back}</Link>
      </>
    );
  // Keyed by procedure only: switching the language keeps what the citizen typed.
  return <FilingForm p={p} prefill={prefill.data} draft={draft.data} key={p.code} />;
}

/** Scans of a restored draft: already uploaded, shown by name. */
function scansOf(draft: Draft | undefined, docs: DocumentRule[]): Record<string, Scan> {
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

const ON_BEHALF_ID = 'on-behalf-citizen-id';

function FilingForm({
  p,
  prefill,
  draft,
}: {
  p: OnlineProcedure;
  prefill?: { form: Record<string, string>; filled: string[] };
  draft?: Draft;
}) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const fields = useMemo(() => fieldsOf(p.form!), [p.form]);
  const docs = p.documents ?? [];
  const session = useSession();
  const desk = session?.role === 'desk_officer';
  const fresh = () => initialValues(fields, prefill?.form ?? {});
  const [values, setValues] = useState<Record<string, string>>(() =>
    draft ? initialValues(fields, { ...(prefill?.form ?? {}), ...draftValues(draft) }) : fresh(),
  );
  const [scans, setScans] = useState<Record<string, Scan>>(() => scansOf(draft, docs));
  const [onBehalf, setOnBehalf] = useState('');
  // Documents the citizen already holds, offered (and chosen) instead of an upload; a desk officer files
  // for someone else, whose documents are not theirs to list.
  const [held, setHeld] = useState<Record<string, HeldDocument>>({});
  const [declined, setDeclined] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (desk) return;
    loadHeld(docs.map((d) => d.type)).then(setHeld, () => setHeld({}));
  }, [desk, p.code]);
  /** The held document filed for this type, unless the citizen chose to upload (or has uploaded) instead. */
  const reusing = (type: string) =>
    held[type] && !declined.has(type) && scans[type]?.state !== 'done' && scans[type]?.state !== 'uploading'
      ? held[type]
      : undefined;
  const draftSync = useDraftSync(p.code, docs, values, scans);
  const [restoredAt, setRestoredAt] = useState(draft?.savedAt);
  useEffect(() => draftSync.start(draft?.version), []);
  const [step, setStep] = useState<'form' | 'review' | 'receipt'>('form');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<Submitted>();
  // One filing, one key: a double click or a retry after a lost answer files once.
  const key = useRef(newIdempotencyKey());
  const heading = useRef<HTMLHeadingElement>(null);

  const label = (f: FormField) => (lang === 'vi' ? f.title : (f.titleEn ?? f.title));
  const help = (f: FormField) => (lang === 'vi' ? f.description : (f.descriptionEn ?? f.description));
  const docName = (d: DocumentRule) => (lang === 'vi' ? d.name : (d.nameEn ?? d.name));
  const labels = Object.fromEntries([
    ['onBehalfOf.citizenId', s.onBehalfId],
    ['onBehalfOf', s.onBehalfId],
    ...fields.map((f) => [`form.${f.name}`, label(f)]),
    ...docs.map((d) => [`attachments.${d.type}`, docName(d)]),
  ]);
  const fieldIds = Object.fromEntries([
    ['onBehalfOf.citizenId', ON_BEHALF_ID],
    ['onBehalfOf', ON_BEHALF_ID],
    ...fields.map((f) => [`form.${f.name}`, fieldId(f.name)]),
    ...docs.map((d) => [`attachments.${d.type}`, docId(d.type)]),
  ]);

  // A field's inline message goes once the citizen changes it; the summary stays until the next check
  // (replacing it would move the focus there while they type).
  const [fixed, setFixed] = useState<ReadonlySet<string>>(new Set());
  /** What a remote choice (a commune) is called, for the review. */
  const [remoteLabels, setRemoteLabels] = useState<Record<string, string | undefined>>({});
  const clearField = (path: string) => setFixed((all) => (all.has(path) ? all : new Set([...all, path])));
  const report = (e: unknown) => {
    setFixed(new Set());
    setError(e);
  };
  const hasError = (path: string) => error instanceof ApiError && !!error.fields[path] && !fixed.has(path);

  const show = (next: 'form' | 'review' | 'receipt') => {
    setStep(next);
    scrollTo(0, 0);
    requestAnimationFrame(() => heading.current?.focus());
  };

  const send = (d: DocumentRule, file: File) => {
    const problem = checkScan(file, d);
    if (problem) {
      setScans((all) => ({
        ...all,
        [d.type]: {
          state: 'failed',
          progress: 0,
          fileName: file.name,
          problem: problem === 'type' ? s.badType : problem === 'size' ? s.badSize(mb(d.maxBytes)) : s.empty,
        },
      }));
      return;
    }
    const update = (patch: Partial<Scan>) =>
      setScans((all) => ({ ...all, [d.type]: { ...all[d.type]!, ...patch } }));
    setScans((all) => ({ ...all, [d.type]: { state: 'uploading', progress: 0, fileName: file.name, file } }));
    uploadScan(file, (progress) => update({ progress })).then(
      (uploadId) => {
        update({ state: 'done', uploadId, progress: 1 });
        clearField(`attachments.${d.type}`);
        draftSync.changed();
      },
      (err) =>
        update({
          state: 'failed',
          problem: err instanceof ApiError ? errorText(err, lang) : s.uploadFailed,
        }),
    );
  };

  /** What the page can tell before asking the server: required fields and documents. */
  const localProblems = (): ApiError | undefined => {
    const details = [
      ...(desk && !/^\d{12}$/.test(onBehalf.trim())
        ? [
            {
              path: 'onBehalfOf.citizenId',
              code: onBehalf.trim() ? 'invalid_format' : 'invalid_type',
              message: 'expected the 12 digits of a citizen ID',
            },
          ]
        : []),
      ...fields
        .filter((f) => f.required && f.kind !== 'boolean' && !values[f.name]?.trim())
        .map((f) => ({ path: `form.${f.name}`, code: 'invalid_type', message: 'required' })),
      ...docs
        .filter((d) => d.required && scans[d.type]?.state !== 'done' && !reusing(d.type))
        .map((d) => ({ path: `attachments.${d.type}`, code: 'invalid_type', message: 'required' })),
    ];
    if (!details.length) return undefined;
    return new ApiError(
      422,
      'VALIDATION_FAILED',
      { vi: 'Hồ sơ còn thiếu thông tin.', en: 'The dossier is incomplete.' },
      Object.fromEntries(details.map((d) => [d.path, d])),
    );
  };

  const review = (e: Event) => {
    e.preventDefault();
    const problems = localProblems();
    report(problems);
    if (!problems) show('review');
  };

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    report(undefined);
    // No draft save may land after the filing: the server deletes the draft when the dossier is filed.
    await draftSync.close();
    try {
      const res = await request<{ dossiers: Submitted[] }>('/v1/dossiers', {
        method: 'POST',
        auth: true,
        idempotencyKey: key.current,
        body: {
          procedureCode: p.code,
          ...(desk ? { onBehalfOf: { citizenId: onBehalf.trim() } } : {}),
          form: toSubmission(fields, values),
          attachments: docs.flatMap((d): ({ documentType: string } & Record<string, string>)[] => {
            const reused = reusing(d.type);
            if (reused) return [{ documentType: d.type, documentId: reused.documentId }];
            const uploadId = scans[d.type]?.uploadId;
            return uploadId ? [{ documentType: d.type, uploadId }] : [];
          }),
        },
      });
      setReceipt(res.dossiers[0]);
      show('receipt');
    } catch (err) {
      draftSync.reopen();
      report(err);
      // The server names fields: back to the form, where each shows its message.
      if (err instanceof ApiError && Object.keys(err.fields).length) show('form');
    } finally {
      setBusy(false);
    }
  };

  const messageFor = (path: string) => {
    if (!hasError(path)) return undefined;
    return path.startsWith('attachments.') ? s.missingDoc : undefined;
  };

  if (step === 'receipt' && receipt)
    return (
      <section class="receipt" aria-labelledby="receipt-heading">
        <h1 id="receipt-heading" tabIndex={-1} ref={heading}>
          {s.receiptHeading}
        </h1>
        <p class="notice">{s.received}</p>
        {desk && <p>{s.filedForCitizen}</p>}
        <dl class="facts">
          <dt>{s.code}</dt>
          <dd id="receipt-code">{receipt.code}</dd>
          {receipt.trackingKey && (
            <>
              <dt>{s.trackingKey}</dt>
              <dd id="receipt-key">{receipt.trackingKey}</dd>
            </>
          )}
          <dt>{lang === 'vi' ? 'Thủ tục' : 'Procedure'}</dt>
          <dd>{lang === 'vi' ? p.name : (p.nameEn ?? p.name)}</dd>
          <dt>{s.due}</dt>
          <dd>{formatDateTime(receipt.dueAt, lang)}</dd>
          <dt>{s.fee}</dt>
          <dd>{p.fee ? formatMoney(p.fee, lang) : s.free}</dd>
        </dl>
        <p>{s.next}</p>
        <ErrorSummary error={error} />
        <div class="actions no-print">
          {p.fee ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                startPayment(receipt.code).catch((err) => {
                  setError(err);
                  setBusy(false);
                });
              }}
            >
              {s.pay(formatMoney(p.fee, lang))}
            </button>
          ) : null}
          <button type="button" class="secondary" onClick={() => print()}>
            {s.print}
          </button>
          <Link href="/ho-so-cua-toi">{s.mine}</Link>
        </div>
      </section>
    );

  if (step === 'review')
    return (
      <section aria-labelledby="review-heading">
        <h1 id="review-heading" tabIndex={-1} ref={heading}>
          {s.reviewHeading}
        </h1>
        <ErrorSummary error={error} fieldIds={{}} labels={labels} />
        {desk && (
          <dl class="facts">
            <dt>{s.onBehalfReview}</dt>
            <dd>{onBehalf}</dd>
          </dl>
        )}
        <h2>{s.formHeading}</h2>
        <dl class="facts">
          {fields.map((f) => (
            <Fragment key={f.name}>
              <dt>{label(f)}</dt>
              <dd>{displayValue(f, values[f.name] ?? '', lang, s, remoteLabels[f.name]) || s.none}</dd>
            </Fragment>
          ))}
        </dl>
        <h2>{s.docsHeading}</h2>
        {docs.some((d) => reusing(d.type)) && (
          <p class="notice" id="reused-summary">
            {s.reusedSummary(docs.filter((d) => reusing(d.type)).length)}
          </p>
        )}
        <dl class="facts">
          {docs.map((d) => {
            const reused = reusing(d.type);
            return (
              <Fragment key={d.type}>
                <dt>{docName(d)}</dt>
                <dd>
                  {reused
                    ? s.reused(reused.fileName)
                    : scans[d.type]?.state === 'done'
                      ? scans[d.type]!.fileName
                      : s.none}
                </dd>
              </Fragment>
            );
          })}
          <dt>{s.fee}</dt>
          <dd>{p.fee ? formatMoney(p.fee, lang) : s.free}</dd>
        </dl>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => show('form')}>
            {s.edit}
          </button>
          <button type="button" disabled={busy} aria-busy={busy} onClick={() => void submit()}>
            {busy ? s.submitting : s.submit}
          </button>
        </div>
      </section>
    );

  return (
    <section aria-labelledby="filing-heading">
      <h1 id="filing-heading" tabIndex={-1} ref={heading}>
        {s.title(lang === 'vi' ? p.name : (p.nameEn ?? p.name))}
      </h1>
      {restoredAt ? (
        <div class="notice" id="draft-restored">
          <p>{s.restored(formatDateTime(restoredAt, lang))}</p>
          <button
            type="button"
            class="link"
            onClick={() => {
              void draftSync.discard();
              setValues(fresh());
              setScans({});
              setRestoredAt(undefined);
            }}
          >
            {s.startOver}
          </button>
        </div>
      ) : prefill?.filled.length ? (
        <p class="notice">{s.prefilled}</p>
      ) : null}
      <ErrorSummary error={error} fieldIds={fieldIds} labels={labels} />
      <form class="filing" noValidate onSubmit={review}>
        {desk && (
          <fieldset id="on-behalf">
            <legend>{s.onBehalfHeading}</legend>
            <p class="hint">{s.onBehalfHelp}</p>
            <div class="field">
              <label for={ON_BEHALF_ID}>
                {s.onBehalfId} <span class="muted">{s.required}</span>
              </label>
              <p class="hint" id={`${ON_BEHALF_ID}-hint`}>
                {s.onBehalfIdHint}
              </p>
              <input
                id={ON_BEHALF_ID}
                type="text"
                inputMode="numeric"
                autoComplete="off"
                maxLength={12}
                value={onBehalf}
                aria-invalid={hasError('onBehalfOf.citizenId') || hasError('onBehalfOf') || undefined}
                aria-describedby={[
                  `${ON_BEHALF_ID}-hint`,
                  hasError('onBehalfOf.citizenId') ? `${ON_BEHALF_ID}-error` : '',
                ]
                  .filter(Boolean)
                  .join(' ')}
                onInput={(e) => {
                  const next = e.currentTarget.value;
                  // The applicant is the citizen filed for: their ID goes into the form too.
                  if (fields.some((f) => f.name === 'citizenId'))
                    setValues((all) =>
                      !all.citizenId || all.citizenId === onBehalf ? { ...all, citizenId: next } : all,
                    );
                  setOnBehalf(next);
                  clearField('onBehalfOf.citizenId');
                }}
              />
              {hasError('onBehalfOf.citizenId') && (
                <FieldError id={ON_BEHALF_ID} error={error} path="onBehalfOf.citizenId" />
              )}
            </div>
          </fieldset>
        )}
        <fieldset>
          <legend>{s.formHeading}</legend>
          {fields.map((f) => {
            const id = fieldId(f.name);
            const invalid = hasError(`form.${f.name}`);
            const describedBy = [help(f) ? `${id}-hint` : '', invalid ? `${id}-error` : '']
              .filter(Boolean)
              .join(' ');
            const set = (v: string) => {
              setValues((all) => {
                const next = { ...all, [f.name]: v };
                // A commune chosen for another province is no longer a choice.
                for (const g of fields) if (g.remote?.dependsOn.includes(f.name)) next[g.name] = '';
                return next;
              });
              clearField(`form.${f.name}`);
              draftSync.changed();
            };
            return (
              <div class="field" key={f.name}>
                {f.kind === 'boolean' ? (
                  <div class="check">
                    <input
                      id={id}
                      type="checkbox"
                      checked={values[f.name] === 'true'}
                      aria-describedby={describedBy || undefined}
                      onChange={(e) => set(String(e.currentTarget.checked))}
                    />
                    <label for={id}>{label(f)}</label>
                  </div>
                ) : (
                  <label for={id}>
                    {label(f)} <span class="muted">{f.required ? s.required : s.optional}</span>
                  </label>
                )}
                {help(f) && (
                  <p class="hint" id={`${id}-hint`}>
                    {f.kind === 'remote' ? s.remoteHint : help(f)}
                  </p>
                )}
                {f.kind === 'remote' ? (
                  <RemoteSelect
                    f={f}
                    id={id}
                    href={remoteHref(f, values)}
                    value={values[f.name] ?? ''}
                    required={f.required}
                    invalid={invalid}
                    describedBy={describedBy}
                    onChange={set}
                    onLabel={(text) => setRemoteLabels((all) => ({ ...all, [f.name]: text }))}
                  />
                ) : f.kind === 'select' ? (
                  <select
                    id={id}
                    value={values[f.name] ?? ''}
                    required={f.required}
                    aria-invalid={invalid || undefined}
                    aria-describedby={describedBy || undefined}
                    onChange={(e) => set(e.currentTarget.value)}
                  >
                    <option value="">{s.choose}</option>
                    {f.options!.map((o) => (
                      <option key={o.value} value={o.value}>
                        {lang === 'vi' ? o.title : (o.titleEn ?? o.title)}
                      </option>
                    ))}
                  </select>
                ) : f.kind === 'boolean' ? null : (
                  <input
                    id={id}
                    type={(f.kind === 'date' ? 'date' : f.kind === 'number' ? 'number' : 'text') as 'text'}
                    inputMode={f.numeric ? 'numeric' : undefined}
                    autoComplete={f.autocomplete}
                    value={values[f.name] ?? ''}
                    required={f.required}
                    maxLength={f.maxLength}
                    aria-invalid={invalid || undefined}
                    aria-describedby={describedBy || undefined}
                    onInput={(e) => set(e.currentTarget.value)}
                  />
                )}
                {invalid && <FieldError id={id} error={error} path={`form.${f.name}`} />}
              </div>
            );
          })}
        </fieldset>
        {docs.length > 0 && (
          <fieldset>
            <legend>{s.docsHeading}</legend>
            {docs.map((d) => {
              const id = docId(d.type);
              const scan = scans[d.type];
              const missing = messageFor(`attachments.${d.type}`);
              const offer = held[d.type];
              const reused = reusing(d.type);
              return (
                <div class="field" key={d.type}>
                  <label for={id}>
                    {docName(d)} <span class="muted">{d.required ? s.required : s.optional}</span>
                  </label>
                  <p class="hint" id={`${id}-hint`}>
                    {s.accepted(
                      d.mimeTypes.map((m) => m.split('/')[1]!.toUpperCase()).join(', '),
                      mb(d.maxBytes),
                    )}
                  </p>
                  {offer && scan?.state !== 'done' && scan?.state !== 'uploading' && (
                    <div class="check held-offer">
                      <input
                        id={`${id}-held`}
                        type="checkbox"
                        checked={!!reused}
                        aria-describedby={`${id}-held-hint`}
                        onChange={(e) => {
                          const use = e.currentTarget.checked;
                          setDeclined((all) => {
                            const next = new Set(all);
                            if (use) next.delete(d.type);
                            else next.add(d.type);
                            return next;
                          });
                          if (use) clearField(`attachments.${d.type}`);
                        }}
                      />
                      <label for={`${id}-held`}>
                        {offer.kind === 'result'
                          ? s.heldResult(offer.from, formatDate(offer.at, lang))
                          : s.heldScan(offer.from, formatDate(offer.at, lang))}
                      </label>
                      <p class="hint" id={`${id}-held-hint`}>
                        {offer.fileName}. {s.heldOrUpload}
                      </p>
                    </div>
                  )}
                  <input
                    id={id}
                    type="file"
                    accept={d.mimeTypes.join(',')}
                    aria-describedby={`${id}-hint ${id}-status`}
                    aria-invalid={scan?.state === 'failed' || !!missing || undefined}
                    onChange={(e) => {
                      const file = e.currentTarget.files?.[0];
                      if (file) send(d, file);
                    }}
                  />
                  <div id={`${id}-status`} class="upload-status" aria-live="polite">
                    {scan?.state === 'uploading' && (
                      <>
                        <label for={`${id}-progress`}>{s.uploading}</label>
                        <progress id={`${id}-progress`} max={100} value={Math.round(scan.progress * 100)}>
                          {Math.round(scan.progress * 100)}%
                        </progress>
                      </>
                    )}
                    {scan?.state === 'done' && <p class="ok">{s.uploaded(scan.fileName)}</p>}
                    {scan?.state === 'failed' && (
                      <p class="field-error">
                        {scan.problem ?? s.uploadFailed}{' '}
                        {scan.file && (
                          <button type="button" class="link" onClick={() => send(d, scan.file!)}>
                            {t.retry}
                          </button>
                        )}
                      </p>
                    )}
                    {!scan && !reused && missing && <p class="field-error">{missing}</p>}
                  </div>
                </div>
              );
            })}
          </fieldset>
        )}
        <p>
          {s.fee}: <strong>{p.fee ? formatMoney(p.fee, lang) : s.free}</strong>
        </p>
        {draftSync.state.kind === 'conflict' && (
          <div class="notice" id="draft-conflict" role="alert">
            <p>{s.draftConflict}</p>
            <div class="actions">
              <button
                type="button"
                class="secondary"
                onClick={() =>
                  void draftSync.takeTheirs().then((d) => {
                    if (!d) return;
                    setValues(initialValues(fields, draftValues(d)));
                    setScans(scansOf(d, docs));
                    setRestoredAt(d.savedAt);
                  })
                }
              >
                {s.takeTheirs}
              </button>
              <button type="button" class="secondary" onClick={() => void draftSync.keepMine()}>
                {s.keepMine}
              </button>
            </div>
          </div>
        )}
        <div class="actions">
          <button type="submit">{s.toReview}</button>
          <button type="button" class="secondary" id="save-draft" onClick={() => void draftSync.save()}>
            {s.saveDraft}
          </button>
        </div>
        <p id="draft-status" class="hint" role="status">
          {draftSync.state.kind === 'saving'
            ? s.draftSaving
            : draftSync.state.kind === 'saved'
              ? s.draftSaved(formatDateTime(draftSync.state.at, lang))
              : draftSync.state.kind === 'failed'
                ? s.draftFailed
                : ''}
        </p>
      </form>
    </section>
  );
}

function displayValue(
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

type DraftState = { kind: 'idle' | 'saving' | 'failed' | 'conflict' } | { kind: 'saved'; at: string };

/** Wait after the last change before saving: typing saves once a pause comes, not at every key. */
const DRAFT_DELAY_MS = 1500;

/**
 * Keeps the server's draft in step with the form: saved a moment after each change and on "Lưu nháp",
 * one save at a time, each with the version the last one returned. A save refused because another
 * device saved meanwhile stops the saving until the citizen chooses which version to keep.
 */
function useDraftSync(
  code: string,
  docs: DocumentRule[],
  values: Record<string, string>,
  scans: Record<string, Scan>,
) {
  const latest = useRef({ values, scans });
  latest.current = { values, scans };
  const version = useRef<number | undefined>(undefined);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const closed = useRef(false);
  const conflict = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [state, setState] = useState<DraftState>({ kind: 'idle' });
  useEffect(() => () => clearTimeout(timer.current), []);

  const body = () => ({
    form: latest.current.values,
    attachments: docs
      .filter((d) => latest.current.scans[d.type]?.state === 'done' && latest.current.scans[d.type]?.uploadId)
      .map((d) => {
        const scan = latest.current.scans[d.type]!;
        return { documentType: d.type, uploadId: scan.uploadId!, fileName: scan.fileName };
      }),
  });

  const save = (): Promise<void> => {
    clearTimeout(timer.current);
    chain.current = chain.current.then(async () => {
      if (closed.current) return;
      setState({ kind: 'saving' });
      try {
        const saved = await saveDraft(code, body(), version.current);
        version.current = saved.version;
        conflict.current = false;
        setState({ kind: 'saved', at: saved.savedAt });
      } catch (err) {
        conflict.current = isConflict(err);
        setState({ kind: conflict.current ? 'conflict' : 'failed' });
      }
    });
    return chain.current;
  };

  return {
    state,
    start: (v: number | undefined) => {
      version.current = v;
    },
    changed: () => {
      if (closed.current || conflict.current) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void save(), DRAFT_DELAY_MS);
    },
    save,
    /** Before filing: no save starts, and the one under way ends first. */
    close: async () => {
      closed.current = true;
      clearTimeout(timer.current);
      await chain.current;
    },
    reopen: () => {
      closed.current = false;
    },
    discard: async () => {
      clearTimeout(timer.current);
      await chain.current;
      version.current = undefined;
      setState({ kind: 'idle' });
      await deleteDraft(code).catch(() => undefined);
    },
    /** The draft saved elsewhere replaces what is on the page. */
    takeTheirs: async () => {
      const d = await loadDraft(code).catch(() => undefined);
      version.current = d?.version;
      conflict.current = false;
      setState({ kind: 'idle' });
      return d;
    },
    /** What is on the page replaces the draft saved elsewhere. */
    keepMine: async () => {
      const d = await loadDraft(code).catch(() => undefined);
      version.current = d?.version;
      conflict.current = false;
      await save();
    },
  };
}
