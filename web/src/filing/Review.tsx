/**
 * The filing's review step: every answer and document as it will be filed (or reused), the fee, and the
 * buttons to edit or file. Apart from the filing page so each step reads on its own.
 */
import { Fragment, type RefObject } from 'preact';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { formatMoney, useLang } from '../i18n.js';
import type { FormField } from './form.js';
import type { HeldDocument } from './held.js';
import { displayValue, type OnlineProcedure, type Scan } from './model.js';
import { useStrings } from './strings.js';
import type { DocumentRule } from './upload.js';

export function Review({
  p,
  fields,
  docs,
  values,
  scans,
  remoteLabels,
  labels,
  desk,
  onBehalf,
  error,
  busy,
  reusing,
  label,
  docName,
  show,
  submit,
  heading,
}: {
  p: OnlineProcedure;
  fields: FormField[];
  docs: DocumentRule[];
  values: Record<string, string>;
  scans: Record<string, Scan>;
  remoteLabels: Record<string, string | undefined>;
  labels: Record<string, string>;
  desk: boolean;
  onBehalf: string;
  error: unknown;
  busy: boolean;
  reusing: (type: string) => HeldDocument | undefined;
  label: (f: FormField) => string;
  docName: (d: DocumentRule) => string;
  show: (step: 'form') => void;
  submit: () => Promise<void>;
  heading: RefObject<HTMLHeadingElement | null>;
}) {
  const s = useStrings();
  const lang = useLang();
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
}
