/**
 * Rating the service once a dossier has ended, and the marks already given. Apart from the dossier page
 * so each action the citizen can take reads on its own.
 */
import { type ComponentChildren, Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import type { OwnDossier, RatingCriterion } from '../follow.js';
import { LOCAL, localError, Problem } from './problems.js';
import { useStrings } from './strings.js';

/** The marks the owner gave, said as on the form. */
export function GivenRating({ given }: { given: NonNullable<OwnDossier['rating']> }) {
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

export function Rating({ code, given }: { code: string; given?: OwnDossier['rating'] }) {
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
