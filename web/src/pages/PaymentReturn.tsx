/**
 * Back from the payment provider (/thanh-toan/<provider>?<its signed result>): the API checks the
 * signature and says where the payment stands (the provider's server-to-server notice is what changes
 * it, so a pending answer is asked again shortly). Paid: the electronic receipt. Not paid: "Thử lại"
 * starts a new attempt for the same dossier, nothing to refill.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText, get } from '../api.js';
import { signIn, useSession } from '../auth.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { type Receipt, ReceiptFacts } from '../components/ReceiptFacts.js';
import { useData, useTitle } from '../data.js';
import { PAYING_KEY, startPayment } from '../filing/pay.js';
import { strings, useCommon, useLang } from '../i18n.js';
import { Link, type PageProps } from '../router.js';

const useStrings = strings({
  vi: {
    title: 'Kết quả thanh toán',
    paid: 'Thanh toán thành công.',
    failed: 'Thanh toán không thành công. Bạn chưa bị trừ tiền cho lần này.',
    pending: 'Đang chờ xác nhận từ cổng thanh toán…',
    retry: 'Thử lại',
    receipt: 'Biên lai điện tử',
    print: 'Lưu PDF',
    mine: 'Xem hồ sơ của tôi',
    forDossier: 'Hồ sơ:',
    openDossier: (code: string) => `Xem hồ sơ ${code}`,
  },
  en: {
    title: 'Payment result',
    paid: 'The payment succeeded.',
    failed: 'The payment did not go through. You were not charged for this attempt.',
    pending: 'Waiting for the payment gateway to confirm…',
    retry: 'Try again',
    receipt: 'Electronic receipt',
    print: 'Save as PDF',
    mine: 'My dossiers',
    forDossier: 'Dossier:',
    openDossier: (code: string) => `Open dossier ${code}`,
  },
});

export function PaymentReturn({ params, query }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  useTitle(s.title, t.brand);
  const [tries, setTries] = useState(0);
  const result = useData(
    (signal) =>
      get<{ paymentId: string; status: string }>(
        `/v1/payments/return/${encodeURIComponent(params.provider ?? '')}?${query}`,
        { signal },
      ),
    [params.provider, query.toString(), tries],
  );
  const status = result.data?.status;
  // The provider's notice may arrive just after the browser: ask again a few times.
  useEffect(() => {
    if (status !== 'pending' || tries >= 10) return;
    const timer = setTimeout(() => setTries((n) => n + 1), 1000);
    return () => clearTimeout(timer);
  }, [status, tries]);
  const receipt = useData(
    (signal) =>
      session && status === 'succeeded'
        ? get<Receipt>(`/v1/payments/${result.data!.paymentId}/receipt`, { auth: true, signal })
        : Promise.resolve(undefined),
    [session?.sub, status],
  );
  const [retryError, setRetryError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const dossierCode = sessionStorage.getItem(PAYING_KEY);

  if (result.loading && !result.data) return <Loading />;
  return (
    <section aria-labelledby="pay-heading" class="receipt">
      <h1 id="pay-heading">{s.title}</h1>
      <ErrorSummary error={result.error} onRetry={result.reload} />
      <div role="status" id="pay-status">
        {status === 'succeeded' && <p class="notice ok">{s.paid}</p>}
        {status === 'pending' && <p class="notice">{s.pending}</p>}
        {status && status !== 'succeeded' && status !== 'pending' && <p class="notice bad">{s.failed}</p>}
      </div>
      {status && status !== 'succeeded' && status !== 'pending' && dossierCode && (
        <>
          {/* Which dossier waits for the fee, and its page (the fee can be paid from there later too). */}
          <p id="pay-dossier">
            {s.forDossier} <strong>{dossierCode}</strong>{' '}
            <Link href={`/ho-so-cua-toi/${encodeURIComponent(dossierCode)}`}>
              {s.openDossier(dossierCode)}
            </Link>
          </p>
          {retryError ? <p class="field-error">{errorText(retryError, lang)}</p> : null}
          {session ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                startPayment(dossierCode).catch((err) => {
                  setRetryError(err);
                  setBusy(false);
                });
              }}
            >
              {s.retry}
            </button>
          ) : (
            <button
              type="button"
              onClick={() => void signIn({ returnTo: `${location.pathname}${location.search}` })}
            >
              {t.signIn}
            </button>
          )}
        </>
      )}
      {status === 'succeeded' && !session && (
        <button
          type="button"
          onClick={() => void signIn({ returnTo: `${location.pathname}${location.search}` })}
        >
          {t.signIn}
        </button>
      )}
      {receipt.data && (
        <>
          <h2 id="receipt-heading">{s.receipt}</h2>
          <ReceiptFacts receipt={receipt.data} id="payment-receipt" />
          <div class="actions no-print">
            <button type="button" class="secondary" onClick={() => print()}>
              {s.print}
            </button>
            <Link href="/ho-so-cua-toi">{s.mine}</Link>
          </div>
        </>
      )}
    </section>
  );
}
