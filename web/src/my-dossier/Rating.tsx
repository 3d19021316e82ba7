/**
 * Rating the service once a dossier has ended, and the marks already given. Apart from the dossier page
 * so each action the citizen can take reads on its own.
 */
import { type ComponentChildren, Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, fieldMessage, request } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import type { OwnDossier, RatingCriterion } from '../follow.js';
import { useLang } from '../i18n.js';
import type { DossierStep } from '../types.js';
import { LOCAL, localError, Problem } from './problems.js';
import { useStrings } from './strings.js';

/** The marks the owner gave, said as on the form. */
export function GivenRating({
  given,
  steps = [],
}: {
  given: NonNullable<OwnDossier['rating']>;
  steps?: DossierStep[];
}) {
  const s = useStrings();
  const lang = useLang();
  const stepName = (id: string) => {
    const step = steps.find((x) => x.id === id);
    return step ? (lang === 'vi' ? step.name : step.nameEn || step.name) : id;
  };
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
      {given.steps && given.steps.length > 0 && (
        <div>
          <dt>{s.stepsGiven}</dt>
          <dd>{given.steps.map(stepName).join('; ')}</dd>
        </div>
      )}
      {given.comment && (
        <div>
          <dt>{s.comment}</dt>
          <dd>{given.comment}</dd>
        </div>
      )}
    </dl>
  );
}

export function Rating({
  code,
  given,
  steps = [],
}: {
  code: string;
  given?: OwnDossier['rating'];
  /** The dossier's steps: the citizen may say which ones the rating is about. */
  steps?: DossierStep[];
}) {
  const s = useStrings();
  const lang = useLang();
  const [chosenSteps, setChosenSteps] = useState<string[]>([]);
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
        body: {
          overall,
          criteria,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
          // In the plan's order, whatever order they were ticked in.
          ...(chosenSteps.length
            ? { steps: steps.map((x) => x.id).filter((id) => chosenSteps.includes(id)) }
            : {}),
        },
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
        <GivenRating given={given} steps={steps} />
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
  // The API names an unknown step by its place in the list sent ("steps.0"): shown on the steps' fieldset.
  const stepErrors =
    error instanceof ApiError
      ? Object.entries(error.fields).filter(([path]) => path.startsWith('steps'))
      : [];
  const stepFields = {
    ids: Object.fromEntries(
      stepErrors.map(([path]) => [path, steps[0] ? `rate-step-${steps[0].id}` : 'rate-steps']),
    ),
    labels: Object.fromEntries(stepErrors.map(([path]) => [path, s.stepsLegend])),
  };
  const stepProblems = stepErrors.map(([, d]) => fieldMessage(d, lang));
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
      <ErrorSummary
        error={error}
        fieldIds={{ overall: 'rate-overall-1', ...stepFields.ids }}
        labels={{ overall: s.overall, ...stepFields.labels }}
      />
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
        {steps.length > 0 && (
          <fieldset
            id="rate-steps"
            aria-describedby={['rate-steps-hint', stepProblems.length ? 'rate-steps-error' : '']
              .filter(Boolean)
              .join(' ')}
          >
            <legend>{s.stepsLegend}</legend>
            <p class="hint" id="rate-steps-hint">
              {s.stepsHint}
            </p>
            {stepProblems.length > 0 && (
              <p class="field-error" id="rate-steps-error">
                {stepProblems.join(' ')}
              </p>
            )}
            {steps.map((step, i) => (
              <div class="check" key={step.id}>
                <input
                  type="checkbox"
                  id={`rate-step-${step.id}`}
                  value={step.id}
                  checked={chosenSteps.includes(step.id)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setChosenSteps((all) => (on ? [...all, step.id] : all.filter((x) => x !== step.id)));
                  }}
                />
                <label for={`rate-step-${step.id}`}>
                  {i + 1}. {lang === 'vi' ? step.name : step.nameEn || step.name}
                </label>
              </div>
            ))}
          </fieldset>
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
