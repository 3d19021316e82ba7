/**
 * Getting a dossier's result and confirming it was received. Apart from the dossier page so each action
 * the citizen can take reads on its own.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, request } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import type { DossierResult, OwnDossier } from '../follow.js';
import { formatDateTime, useLang } from '../i18n.js';
import { kB } from './problems.js';
import { useStrings } from './strings.js';

export function Result({ d, onCompleted }: { d: OwnDossier; onCompleted: () => void }) {
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
