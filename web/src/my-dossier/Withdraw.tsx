/**
 * Withdrawing a dossier after a confirmation. Apart from the dossier page so each action the citizen can
 * take reads on its own.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { localError, Problem } from './problems.js';
import { useStrings } from './strings.js';

export function Withdraw({ code, onDone }: { code: string; onDone: () => void }) {
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
