/**
 * Filing a procedure online (/nop/<code>): the form the catalog publishes as JSON Schema, drawn with its
 * Vietnamese titles and help, filled first from the citizen's profile; scans checked here against the
 * procedure's limits and sent through the presigned form with progress; a review step; one submission
 * however many clicks (one Idempotency-Key per filing); then a printable receipt and, when the procedure
 * has a fee, payment.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, errorText, get, newIdempotencyKey, request } from '../api.js';
import { signIn, useSession } from '../auth.js';
import { ErrorSummary, FieldError } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { useData, useTitle } from '../data.js';
import { DateField, NOT_A_DAY } from '../filing/DateField.js';
import { DocumentField } from '../filing/DocumentField.js';
import { type Draft, draftValues, loadDraft } from '../filing/drafts.js';
import {
  type FormField,
  fieldsOf,
  initialValues,
  readDay,
  remoteHref,
  toSubmission,
  withoutStoredFormat,
} from '../filing/form.js';
import { type HeldDocument, loadHeld } from '../filing/held.js';
import {
  docId,
  fieldId,
  mb,
  ON_BEHALF_ID,
  type OnlineProcedure,
  type Scan,
  type Submitted,
  scansOf,
} from '../filing/model.js';
import { Receipt } from '../filing/Receipt.js';
import { RemoteSelect } from '../filing/RemoteSelect.js';
import { Review } from '../filing/Review.js';
import { useStrings } from '../filing/strings.js';
import { checkScan, type DocumentRule, uploadScan } from '../filing/upload.js';
import { useDraftSync } from '../filing/useDraftSync.js';
import { formatDateTime, formatMoney, useCommon, useLang } from '../i18n.js';
import type { PageProps } from '../router.js';
import { Link } from '../router.js';
import { procedurePath } from '../routes.js';

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
  const help = (f: FormField) => {
    const text = lang === 'vi' ? f.description : (f.descriptionEn ?? f.description);
    if (f.kind !== 'date') return text;
    const rest = withoutStoredFormat(text);
    const hint = s.dateHint;
    return rest ? `${/[.!?]$/.test(rest) ? rest : `${rest}.`} ${hint}` : hint;
  };
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
      ...fields
        .filter((f) => f.kind === 'date' && values[f.name]?.trim() && !readDay(values[f.name]!))
        .map((f) => ({
          path: `form.${f.name}`,
          code: 'invalid_date',
          message: NOT_A_DAY.en,
          messageVi: NOT_A_DAY.vi,
        })),
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
      <Receipt
        p={p}
        receipt={receipt}
        desk={desk}
        error={error}
        busy={busy}
        setBusy={setBusy}
        setError={setError}
        heading={heading}
      />
    );

  if (step === 'review')
    return (
      <Review
        p={p}
        fields={fields}
        docs={docs}
        values={values}
        scans={scans}
        remoteLabels={remoteLabels}
        labels={labels}
        desk={desk}
        onBehalf={onBehalf}
        error={error}
        busy={busy}
        reusing={reusing}
        label={label}
        docName={docName}
        show={show}
        submit={submit}
        heading={heading}
      />
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
                ) : f.kind === 'date' ? (
                  <DateField
                    id={id}
                    value={values[f.name] ?? ''}
                    required={f.required}
                    invalid={invalid}
                    describedBy={describedBy}
                    autoComplete={f.autocomplete}
                    onChange={set}
                  />
                ) : f.kind === 'boolean' ? null : (
                  <input
                    id={id}
                    type={(f.kind === 'number' ? 'number' : 'text') as 'text'}
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
            {docs.map((d) => (
              <DocumentField
                key={d.type}
                d={d}
                scan={scans[d.type]}
                missing={messageFor(`attachments.${d.type}`)}
                offer={held[d.type]}
                reused={reusing(d.type)}
                docName={docName}
                setDeclined={setDeclined}
                clearField={clearField}
                send={send}
              />
            ))}
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
