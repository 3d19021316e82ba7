/**
 * Sharing a held document for one, three or seven days, and the shares given: create, copy, revoke.
 * Apart from the document list so that list reads item by item.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, request } from '../api.js';
import { formatDateTime, useLang } from '../i18n.js';
import { type MyDocument, SHARE_DAYS, shareLink } from './model.js';
import { useStrings } from './strings.js';

export function Share({ d }: { d: MyDocument }) {
  const s = useStrings();
  const lang = useLang();
  const [open, setOpen] = useState(false);
  const [days, setDays] = useState<number>(3);
  const [share, setShare] = useState<{ url: string; expiresAt: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState('');
  const field = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const base = `share-${d.documentId}`;
  useEffect(() => {
    if (share) field.current?.focus();
  }, [share]);
  useEffect(() => {
    if (open && !share) first.current?.focus();
  }, [open]);
  const create = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const made = await request<{ url: string; expiresAt: string }>(
        `/v1/me/documents/${encodeURIComponent(d.documentId)}/shares`,
        { method: 'POST', auth: true, body: { expiresInHours: days * 24 } },
      );
      setShare({ url: shareLink(made.url), expiresAt: made.expiresAt });
      setCopied('');
      setError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const copy = async () => {
    if (!share) return;
    try {
      await navigator.clipboard.writeText(share.url);
      setCopied(s.copied);
    } catch {
      field.current?.select();
      setCopied(s.copyFailed);
    }
  };
  if (d.status && d.status !== 'valid') return null;
  if (!open)
    return (
      <button
        type="button"
        class="secondary"
        ref={opener}
        aria-label={s.shareOf(d.fileName)}
        onClick={() => setOpen(true)}
      >
        {s.share}
      </button>
    );
  return (
    <div class="share panel">
      {share ? (
        <>
          <label for={`${base}-url`}>{s.shareLabel}</label>
          <input
            id={`${base}-url`}
            class="share-url"
            readOnly
            value={share.url}
            ref={field}
            aria-describedby={`${base}-expires ${base}-warning`}
            onFocus={(e) => e.currentTarget.select()}
          />
          <p id={`${base}-expires`}>{s.shareExpires(formatDateTime(share.expiresAt, lang))}</p>
          <p id={`${base}-warning`} class="hint">
            {s.shareWarning}
          </p>
          <div class="actions">
            <button type="button" onClick={() => void copy()}>
              {s.copy}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setOpen(false);
                setShare(undefined);
                requestAnimationFrame(() => opener.current?.focus());
              }}
            >
              {s.close}
            </button>
          </div>
          <p role="status" class="ok-text">
            {copied}
          </p>
        </>
      ) : (
        <form onSubmit={create}>
          <fieldset>
            <legend>{s.shareLegend}</legend>
            {SHARE_DAYS.map((n, i) => (
              <span class="check" key={n}>
                <input
                  type="radio"
                  id={`${base}-${n}`}
                  name={`${base}-days`}
                  value={n}
                  checked={days === n}
                  ref={i === 0 ? first : undefined}
                  onChange={() => setDays(n)}
                />
                <label for={`${base}-${n}`}>{s.days(n)}</label>
              </span>
            ))}
          </fieldset>
          {error ? <p class="field-error">{errorText(error, lang)}</p> : null}
          <div class="actions">
            <button type="submit" disabled={busy} aria-busy={busy}>
              {s.makeLink}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setOpen(false);
                setError(undefined);
                requestAnimationFrame(() => opener.current?.focus());
              }}
            >
              {s.close}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
