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
import { useData, useTitle } from '../data.js';
import { PAYING_KEY, startPayment } from '../filing/pay.js';
import { formatDateTime, formatMoney, strings, useCommon, useLang } from '../i18n.js';
import { Link, type PageProps } from '../router.js';

const useStrings = strings({
  vi: {
    title: 'Kết quả thanh toán',
    paid: 'Thanh toán thành công.',
    failed: 'Thanh toán không thành công. Bạn chưa bị trừ tiền cho lần này.',
    pending: 'Đang chờ xác nhận từ cổng thanh toán…',
    retry: 'Thử lại',
    receipt: 'Biên lai điện tử',
    number: 'Số biên lai',
    payer: 'Người nộp',
    amount: 'Số tiền',
    for: 'Nội dung',
    feeFor: (procedure: string, code: string) => `Lệ phí hồ sơ ${code} — ${procedure}`,
    gatewayText: 'Nội dung ghi tại cổng thanh toán',
    dossier: 'Mã hồ sơ',
    agency: 'Cơ quan thu',
    paidAt: 'Thời gian thanh toán',
    transaction: 'Mã giao dịch',
    print: 'Lưu PDF',
    mine: 'Xem hồ sơ của tôi',
  },
  en: {
    title: 'Payment result',
    paid: 'The payment succeeded.',
    failed: 'The payment did not go through. You were not charged for this attempt.',
    pending: 'Waiting for the payment gateway to confirm…',
    retry: 'Try again',
    receipt: 'Electronic receipt',
    number: 'Receipt number',
    payer: 'Payer',
    amount: 'Amount',
    for: 'For',
    feeFor: (procedure: string, code: string) => `Fee for dossier ${code} — ${procedure}`,
    gatewayText: 'Text at the payment gateway',
    dossier: 'Dossier code',
    agency: 'Collected by',
    paidAt: 'Paid at',
    transaction: 'Transaction',
    print: 'Save as PDF',
    mine: 'My dossiers',
  },
});

interface Receipt {
  receiptNumber: string;
  payer: string;
  amount: number;
  description: string;
  procedureName?: string;
  dossierCode?: string;
  agencyName: string;
  providerTransactionId: string;
  paidAt: string;
}

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
          <dl class="facts" id="payment-receipt">
            <dt>{s.number}</dt>
            <dd>{receipt.data.receiptNumber}</dd>
            <dt>{s.payer}</dt>
            <dd>{receipt.data.payer}</dd>
            <dt>{s.amount}</dt>
            <dd>{formatMoney(receipt.data.amount, lang)}</dd>
            {/* The gateway's text has no tone marks (its character set): the portal says it in its own words. */}
            {receipt.data.dossierCode && receipt.data.procedureName ? (
              <>
                <dt>{s.for}</dt>
                <dd id="receipt-for">{s.feeFor(receipt.data.procedureName, receipt.data.dossierCode)}</dd>
              </>
            ) : (
              <>
                <dt>{s.gatewayText}</dt>
                <dd id="receipt-for" lang="vi">
                  {receipt.data.description}
                </dd>
              </>
            )}
            {receipt.data.dossierCode && (
              <>
                <dt>{s.dossier}</dt>
                <dd>{receipt.data.dossierCode}</dd>
              </>
            )}
            <dt>{s.agency}</dt>
            <dd>{receipt.data.agencyName}</dd>
            <dt>{s.paidAt}</dt>
            <dd>{formatDateTime(receipt.data.paidAt, lang)}</dd>
            <dt>{s.transaction}</dt>
            <dd>{receipt.data.providerTransactionId}</dd>
          </dl>
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
