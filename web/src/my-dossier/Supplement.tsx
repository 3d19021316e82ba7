/**
 * Answering an agency's request to supplement a dossier: a note and new scans. Apart from the dossier
 * page so each action the citizen can take reads on its own.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError, get, newIdempotencyKey, request } from '../api.js';
import { ErrorSummary, FieldError } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { ScanUpload, type UploadedScan } from '../components/ScanUpload.js';
import { useData } from '../data.js';
import type { DocumentRule } from '../filing/upload.js';
import type { OwnDossier } from '../follow.js';
import { formatDateTime, useCommon, useLang } from '../i18n.js';
import { localError, type ProcedureDocs } from './problems.js';
import { useStrings } from './strings.js';

/**
 * How a scan is labelled when the agency described a missing paper in its own words rather than naming a
 * document of the procedure (functions/intake/supplement.ts, REQUESTED_DOCUMENT).
 */
const REQUESTED_DOCUMENT = 'requested_document';

interface ScanRow {
  key: number;
  documentType: string;
  scan?: UploadedScan;
}

export function Supplement({
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
  const own = proc.data?.documents ?? [];
  // Papers the agency described in words are answered as "the document the agency asked for".
  const described = (ask?.missingDocuments ?? []).filter((m) => !own.some((r) => r.type === m));
  const requested: DocumentRule = {
    type: REQUESTED_DOCUMENT,
    name: `Giấy tờ cơ quan yêu cầu: ${described.join('; ')}`,
    nameEn: `The document the agency asked for: ${described.join('; ')}`,
    required: false,
    maxBytes: 10 * 1024 * 1024,
    mimeTypes: ['application/pdf', 'image/jpeg', 'image/png'],
  };
  // First when the agency only described papers, so the first scan is labelled as what was asked for.
  const docs: DocumentRule[] = !described.length
    ? own
    : described.length === ask?.missingDocuments?.length
      ? [requested, ...own]
      : [...own, requested];
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
