/**
 * The filing's last step: the receipt (dossier code, tracking key, due date, fee), printable, with the
 * payment button when the procedure has a fee. Apart from the filing page so each step reads on its own.
 */
import type { RefObject } from 'preact';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { formatDateTime, formatMoney, useLang } from '../i18n.js';
import { Link } from '../router.js';
import type { OnlineProcedure, Submitted } from './model.js';
import { startPayment } from './pay.js';
import { useStrings } from './strings.js';

export function Receipt({
  p,
  receipt,
  desk,
  error,
  busy,
  setBusy,
  setError,
  heading,
}: {
  p: OnlineProcedure;
  receipt: Submitted;
  desk: boolean;
  error: unknown;
  busy: boolean;
  setBusy: (busy: boolean) => void;
  setError: (error: unknown) => void;
  heading: RefObject<HTMLHeadingElement | null>;
}) {
  const s = useStrings();
  const lang = useLang();
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
}
