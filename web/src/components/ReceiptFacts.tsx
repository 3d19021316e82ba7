/**
 * An electronic receipt's facts (GET /v1/payments/{id}/receipt): on the page the gateway returns to, and
 * on the dossier's own page, where the citizen finds it again later.
 */
import { formatDateTime, formatMoney, strings, useLang } from '../i18n.js';

const useStrings = strings({
  vi: {
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
  },
  en: {
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
  },
});

export interface Receipt {
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

export function ReceiptFacts({ receipt, id }: { receipt: Receipt; id: string }) {
  const s = useStrings();
  const lang = useLang();
  return (
    <dl class="facts" id={id}>
      <dt>{s.number}</dt>
      <dd>{receipt.receiptNumber}</dd>
      <dt>{s.payer}</dt>
      <dd>{receipt.payer}</dd>
      <dt>{s.amount}</dt>
      <dd>{formatMoney(receipt.amount, lang)}</dd>
      {/* The gateway's text has no tone marks (its character set): the portal says it in its own words. */}
      {receipt.dossierCode && receipt.procedureName ? (
        <>
          <dt>{s.for}</dt>
          <dd id={`${id}-for`}>{s.feeFor(receipt.procedureName, receipt.dossierCode)}</dd>
        </>
      ) : (
        <>
          <dt>{s.gatewayText}</dt>
          <dd id={`${id}-for`} lang="vi">
            {receipt.description}
          </dd>
        </>
      )}
      {receipt.dossierCode && (
        <>
          <dt>{s.dossier}</dt>
          <dd>{receipt.dossierCode}</dd>
        </>
      )}
      <dt>{s.agency}</dt>
      <dd>{receipt.agencyName}</dd>
      <dt>{s.paidAt}</dt>
      <dd>{formatDateTime(receipt.paidAt, lang)}</dd>
      <dt>{s.transaction}</dt>
      <dd>{receipt.providerTransactionId}</dd>
    </dl>
  );
}
