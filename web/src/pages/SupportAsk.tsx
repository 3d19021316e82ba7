/**
 * Asking the support desk (/ho-tro/hoi): a signed-in citizen asks about a procedure (found by name or
 * code, with or without tone marks), about one of their dossiers (it goes straight to the agency handling
 * it), or about something else; a subject, the question and up to three scans uploaded the way filing
 * uploads them. `?thu-tuc=<code>` or `?ho-so=<code>` opens it prefilled (from a procedure's page or a
 * dossier's). One question however many clicks.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorText, get, newIdempotencyKey, query, request } from '../api.js';
import { useSession } from '../auth.js';
import { ErrorSummary, FieldError, fieldErrors } from '../components/ErrorSummary.js';
import { NeedSignIn } from '../components/NeedSignIn.js';
import { ScanList, useScanSlots } from '../components/ScanList.js';
import { useData, useTitle } from '../data.js';
import type { MyDossierList } from '../follow.js';
import { formatDateTime, useCommon, useLang } from '../i18n.js';
import { Link, type PageProps } from '../router.js';
import {
  MAX_SUPPORT_FILES,
  SUPPORT_EVIDENCE,
  SUPPORT_PATH,
  type TicketCreated,
  ticketPath,
} from '../support/model.js';
import { useStrings } from '../support/strings.js';
import type { ProcedureList, ProcedureSummary, ProcedureView, ProvinceList } from '../types.js';

type About = 'procedure' | 'dossier' | 'other';
interface Chosen {
  code: string;
  name: string;
}

const IDS = {
  about: 'ask-about-procedure',
  procedureCode: 'ask-procedure-q',
  dossierCode: 'ask-dossier',
  provinceCode: 'ask-province',
  subject: 'ask-subject',
  question: 'ask-question',
  attachments: 'ask-file-0',
};

export function SupportAsk({ query: url }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  useTitle(s.askTitle, t.brand);
  const givenDossier = url.get('ho-so') ?? '';
  const givenProcedure = url.get('thu-tuc') ?? '';
  const [about, setAbout] = useState<About>(givenDossier ? 'dossier' : 'procedure');
  const [procedure, setProcedure] = useState<Chosen>();
  const [dossierCode, setDossierCode] = useState(givenDossier);
  const [v, setV] = useState({ subject: '', question: '', provinceCode: '' });
  const scans = useScanSlots();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<TicketCreated>();
  // One question, one key: a double click sends it once.
  const key = useRef(newIdempotencyKey());
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (sent) heading.current?.focus();
  }, [sent]);
  const provinces = useData((signal) => get<ProvinceList>('/v1/provinces', { signal }), []);
  const dossiers = useData(
    (signal) =>
      session
        ? get<MyDossierList>(`/v1/me/dossiers${query({ limit: 100 })}`, { auth: true, signal })
        : Promise.resolve(undefined),
    [session?.sub],
  );
  // A procedure's page sent the citizen here: its name, as the catalog gives it.
  useEffect(() => {
    if (!givenProcedure) return;
    const abort = new AbortController();
    get<ProcedureView>(`/v1/procedures/${encodeURIComponent(givenProcedure)}`, { signal: abort.signal }).then(
      (p) => setProcedure({ code: p.code, name: lang === 'en' && p.onlineFiling ? p.nameEn : p.name }),
      () => undefined,
    );
    return () => abort.abort();
  }, [givenProcedure]);
  if (!session) return <NeedSignIn title={s.askTitle} />;

  const labels = {
    procedureCode: s.procedure,
    dossierCode: s.dossier,
    provinceCode: s.province,
    subject: s.subject,
    question: s.question,
    attachments: s.attachments,
  };
  const { invalid, describe } = fieldErrors(error);
  // A field changed is no longer what the message was about: its message goes (the others stay).
  const clear = (path: string) =>
    setError((e: unknown) => (e instanceof ApiError && e.fields[path] ? withoutField(e, path) : e));
  const set = (k: keyof typeof v) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    setV((all) => ({ ...all, [k]: value }));
    clear(k);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const missing: [string, string][] = [];
    if (about === 'procedure' && !procedure) missing.push(['procedureCode', s.needProcedure]);
    if (about === 'dossier' && !dossierCode) missing.push(['dossierCode', s.needDossier]);
    for (const k of ['subject', 'question'] as const) if (!v[k].trim()) missing.push([k, 'required']);
    if (missing.length) {
      setError(
        new ApiError(
          422,
          'VALIDATION_FAILED',
          { vi: s.incomplete, en: s.incomplete },
          Object.fromEntries(
            missing.map(([k, m]) => [
              k,
              m === 'required'
                ? { path: k, code: 'invalid_type', message: 'required' }
                : { path: k, code: 'custom', message: m, messageVi: m },
            ]),
          ),
        ),
      );
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      setSent(
        await request<TicketCreated>('/v1/support/tickets', {
          method: 'POST',
          auth: true,
          idempotencyKey: key.current,
          body: {
            subject: v.subject.trim(),
            question: v.question.trim(),
            ...(about === 'procedure' && procedure ? { procedureCode: procedure.code } : {}),
            ...(about === 'dossier' ? { dossierCode } : {}),
            ...(about !== 'dossier' && v.provinceCode ? { provinceCode: v.provinceCode } : {}),
            attachments: scans.attachments(),
          },
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (sent)
    return (
      <section aria-labelledby="ask-sent">
        <h1 id="ask-sent" tabIndex={-1} ref={heading}>
          {s.sentTitle}
        </h1>
        <p class="notice ok" id="ask-sent-code">
          {s.sent(sent.code)}
        </p>
        {sent.agencyId && <p>{s.toAgency}</p>}
        <p>{s.firstBy(formatDateTime(sent.firstAnswerDueAt, lang))}</p>
        <p>{s.resolveBy(formatDateTime(sent.resolutionDueAt, lang))}</p>
        <div class="actions">
          <Link href={ticketPath(sent.code)} class="button">
            {s.see}
          </Link>
          <Link href={SUPPORT_PATH}>{s.mine}</Link>
        </div>
      </section>
    );

  const myDossiers = dossiers.data?.items ?? [];
  // A dossier named in the address stays a choice even beyond the list's first page.
  const dossierChoices =
    givenDossier && !myDossiers.some((d) => d.code === givenDossier)
      ? [{ code: givenDossier, procedureName: '' }, ...myDossiers]
      : myDossiers;

  return (
    <section aria-labelledby="ask-heading">
      <p class="crumbs">
        <Link href={SUPPORT_PATH}>{s.title}</Link>
      </p>
      <h1 id="ask-heading">{s.askTitle}</h1>
      <p>{s.askLead}</p>
      <ErrorSummary
        error={error}
        fieldIds={{ ...IDS, procedureCode: procedure ? 'ask-procedure-change' : IDS.procedureCode }}
        labels={labels}
      />
      <form class="filing" noValidate onSubmit={submit}>
        <fieldset>
          <legend>{s.about}</legend>
          {(
            [
              ['procedure', s.aboutProcedure],
              ['dossier', s.aboutDossier],
              ['other', s.aboutOther],
            ] as const
          ).map(([value, label]) => (
            <div class="check" key={value}>
              <input
                type="radio"
                id={`ask-about-${value}`}
                name="ask-about"
                value={value}
                checked={about === value}
                onChange={() => setAbout(value)}
              />
              <label for={`ask-about-${value}`}>{label}</label>
            </div>
          ))}
        </fieldset>

        {about === 'procedure' && (
          <ProcedurePicker
            chosen={procedure}
            onChoose={(p) => {
              setProcedure(p);
              clear('procedureCode');
            }}
            error={error}
            invalid={invalid('procedureCode')}
          />
        )}

        {about === 'dossier' && (
          <div class="field">
            <label for={IDS.dossierCode}>{s.dossier}</label>
            <select
              id={IDS.dossierCode}
              value={dossierCode}
              aria-invalid={invalid('dossierCode') || undefined}
              aria-describedby={describe(IDS.dossierCode, 'dossierCode')}
              onChange={(e) => {
                setDossierCode(e.currentTarget.value);
                clear('dossierCode');
              }}
            >
              <option value="">{dossiers.loading ? t.loading : s.chooseDossier}</option>
              {dossierChoices.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.procedureName ? `${d.code} — ${d.procedureName}` : d.code}
                </option>
              ))}
            </select>
            {!dossiers.loading && dossierChoices.length === 0 && <p class="hint">{s.noDossiers}</p>}
            <FieldError id={IDS.dossierCode} error={error} path="dossierCode" />
          </div>
        )}

        {about !== 'dossier' && (
          <div class="field">
            <label for={IDS.provinceCode}>{s.province}</label>
            <p class="hint" id={`${IDS.provinceCode}-hint`}>
              {s.provinceHint}
            </p>
            <select
              id={IDS.provinceCode}
              value={v.provinceCode}
              aria-invalid={invalid('provinceCode') || undefined}
              aria-describedby={describe(IDS.provinceCode, 'provinceCode', true)}
              onChange={set('provinceCode')}
            >
              <option value="">{s.chooseProvince}</option>
              {(provinces.data?.items ?? []).map((p) => (
                <option key={p.code} value={p.code}>
                  {lang === 'vi' ? p.fullName : p.nameEn}
                </option>
              ))}
            </select>
            <FieldError id={IDS.provinceCode} error={error} path="provinceCode" />
          </div>
        )}

        <div class="field">
          <label for={IDS.subject}>{s.subject}</label>
          <p class="hint" id={`${IDS.subject}-hint`}>
            {s.subjectHint}
          </p>
          <input
            id={IDS.subject}
            maxLength={300}
            required
            value={v.subject}
            aria-invalid={invalid('subject') || undefined}
            aria-describedby={describe(IDS.subject, 'subject', true)}
            onInput={set('subject')}
          />
          <FieldError id={IDS.subject} error={error} path="subject" />
        </div>
        <div class="field">
          <label for={IDS.question}>{s.question}</label>
          <p class="hint" id={`${IDS.question}-hint`}>
            {s.questionHint}
          </p>
          <textarea
            id={IDS.question}
            rows={6}
            maxLength={5000}
            required
            value={v.question}
            aria-invalid={invalid('question') || undefined}
            aria-describedby={describe(IDS.question, 'question', true)}
            onInput={set('question')}
          />
          <FieldError id={IDS.question} error={error} path="question" />
        </div>
        <ScanList
          {...scans}
          idPrefix="ask-file"
          legend={s.attachments}
          fileLabel={s.file}
          addLabel={s.addFile}
          rule={SUPPORT_EVIDENCE}
          max={MAX_SUPPORT_FILES}
        >
          <FieldError id="ask-file-0" error={error} path="attachments" />
        </ScanList>
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? s.sending : s.submit}
        </button>
      </form>
    </section>
  );
}

/**
 * The procedure asked about: found by words (with or without tone marks) or its code through the
 * catalog's search, chosen among the first matches with a radio button; the choice can be changed.
 */
function ProcedurePicker({
  chosen,
  onChoose,
  error,
  invalid,
}: {
  chosen: Chosen | undefined;
  onChoose: (p: Chosen | undefined) => void;
  error: unknown;
  invalid: boolean;
}) {
  const s = useStrings();
  const lang = useLang();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ProcedureSummary[]>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const id = IDS.procedureCode;
  const nameOf = (p: ProcedureSummary) => (lang === 'en' && p.nameEn ? p.nameEn : p.name);
  const find = async () => {
    if (!q.trim()) return;
    setBusy(true);
    setProblem(undefined);
    try {
      setHits((await get<ProcedureList>(`/v1/procedures${query({ q: q.trim(), limit: 8 })}`)).items);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  if (chosen)
    return (
      <div class="field" id="ask-procedure">
        <p id="ask-procedure-chosen">
          <strong>{s.chosenProcedure}:</strong> {chosen.name} <span class="meta">({chosen.code})</span>
        </p>
        <button
          type="button"
          class="secondary"
          id="ask-procedure-change"
          onClick={() => {
            onChoose(undefined);
            setHits(undefined);
          }}
        >
          {s.changeProcedure}
        </button>
        <FieldError id="ask-procedure" error={error} path="procedureCode" />
      </div>
    );
  return (
    <div class="field" id="ask-procedure">
      <label for={id}>{s.procedureSearch}</label>
      <p class="hint" id={`${id}-hint`}>
        {s.procedureSearchHint}
      </p>
      <div class="row">
        <input
          id={id}
          type="search"
          maxLength={200}
          value={q}
          aria-invalid={invalid || undefined}
          aria-describedby={[`${id}-hint`, invalid ? `${id}-error` : ''].filter(Boolean).join(' ')}
          onInput={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Enter finds the procedure rather than sending the question.
            if (e.key === 'Enter') {
              e.preventDefault();
              void find();
            }
          }}
        />
        <button type="button" class="secondary" disabled={busy} onClick={() => void find()}>
          {busy ? s.finding : s.find}
        </button>
      </div>
      <FieldError id={id} error={error} path="procedureCode" />
      <p class="hint" id={`${id}-count`} aria-live="polite">
        {problem ? errorText(problem, lang) : hits ? s.found(hits.length) : ''}
      </p>
      {hits && hits.length > 0 && (
        <fieldset class="choices">
          <legend class="visually-hidden">{s.procedure}</legend>
          {hits.map((p) => (
            <div class="check" key={p.code}>
              <input
                type="radio"
                id={`ask-procedure-${p.code}`}
                name="ask-procedure"
                value={p.code}
                onChange={() => onChoose({ code: p.code, name: nameOf(p) })}
              />
              <label for={`ask-procedure-${p.code}`}>
                {nameOf(p)} <span class="meta">({p.code})</span>
              </label>
            </div>
          ))}
        </fieldset>
      )}
    </div>
  );
}

/** The error without one field's message; none left, no error. */
function withoutField(e: ApiError, path: string): ApiError | undefined {
  const { [path]: _gone, ...rest } = e.fields;
  return Object.keys(rest).length ? new ApiError(e.status, e.code, e.messages, rest) : undefined;
}
