import { useState } from 'preact/hooks';
import { ApiError, get } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { useData, useTitle } from '../data.js';
import { documentName } from '../document-names.js';
import { formatDateTime, strings, useCommon, useLang } from '../i18n.js';
import type { PageProps } from '../router.js';
import type { ProcedureView } from '../types.js';

type Status = 'genuine' | 'revoked' | 'replaced' | 'unknown';

interface Verification {
  documentId: string;
  status: Status;
  document?: {
    documentType: string;
    issuingAgency: string;
    issuingAgencyName: string;
    issuedAt: string;
    statusAt?: string;
    replacedBy?: string;
  };
  record?: { dossierCode: string; procedureCode: string; sha256: string };
}

const useStrings = strings({
  vi: {
    title: 'Xác thực kết quả điện tử',
    lead: 'Kiểm tra một kết quả giải quyết thủ tục hành chính do cơ quan cấp qua Cổng, theo mã in trên giấy tờ hoặc mã QR.',
    status: {
      genuine: 'Kết quả hợp lệ: do cơ quan cấp và còn giá trị.',
      revoked: 'Kết quả đã bị cơ quan cấp thu hồi: không còn giá trị.',
      replaced: 'Kết quả đã được thay thế bằng bản mới: bản này không còn giá trị.',
      unknown: 'Không tìm thấy kết quả với mã này trên Cổng.',
    } as Record<Status, string>,
    documentType: 'Loại giấy tờ',
    resultOf: (procedure: string) => `Kết quả thủ tục “${procedure}”`,
    issuer: 'Cơ quan cấp',
    issuedAt: 'Ngày cấp',
    statusAt: 'Thay đổi lúc',
    replacedBy: 'Bản thay thế',
    mismatch: 'Mã hồ sơ hoặc mã thủ tục trong đường dẫn không khớp với kết quả đã ký: hãy thận trọng.',
    fileLabel: 'So khớp tệp bạn nhận được (tệp không rời khỏi máy của bạn)',
    fileSame: 'Tệp khớp đúng với kết quả đã được ký.',
    fileDiffers: 'Tệp KHÔNG khớp với kết quả đã được ký.',
    offline: 'Chữ ký số của bản ghi có thể kiểm tra độc lập bằng khóa công khai tại /v1/verify/keys.',
  },
  en: {
    title: 'Verify an electronic result',
    lead: 'Check a result of an administrative procedure issued through the portal, by the code printed on it or its QR code.',
    status: {
      genuine: 'Genuine: issued by the agency and still valid.',
      revoked: 'Revoked by the issuing agency: no longer valid.',
      replaced: 'Replaced by a newer document: this one is no longer valid.',
      unknown: 'No result with this code on the portal.',
    } as Record<Status, string>,
    documentType: 'Document type',
    resultOf: (procedure: string) => `Result of the procedure “${procedure}”`,
    issuer: 'Issued by',
    issuedAt: 'Issued on',
    statusAt: 'Changed on',
    replacedBy: 'Replaced by',
    mismatch: 'The dossier or procedure code in the link does not match the signed result: be careful.',
    fileLabel: 'Check the file you were given (it never leaves your device)',
    fileSame: 'The file matches the signed result exactly.',
    fileDiffers: 'The file does NOT match the signed result.',
    offline: "The record's signature can be checked independently with the public keys at /v1/verify/keys.",
  },
});

const hex = (buf: ArrayBuffer) =>
  [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Public verification of a result (the QR code's link): status, issuer and date, and a file check. */
export function Verify({ params, query }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  useTitle(s.title, t.brand);
  const id = params.documentId ?? '';
  const answer = useData<Verification>(
    (signal) =>
      get<Verification>(`/v1/verify/${encodeURIComponent(id)}`, { signal }).catch((err) => {
        if (err instanceof ApiError && err.status === 400)
          return { documentId: id, status: 'unknown' as const };
        throw err;
      }),
    [id],
  );
  const [fileCheck, setFileCheck] = useState<boolean>();
  const v = answer.data;
  // The record names the document by a catalog id: the procedure's catalog entry has its words.
  const procedureCode = v?.record?.procedureCode;
  const procedure = useData(
    (signal) =>
      procedureCode
        ? get<ProcedureView>(`/v1/procedures/${encodeURIComponent(procedureCode)}`, { signal }).catch(
            () => undefined,
          )
        : Promise.resolve(undefined),
    [procedureCode],
  );
  const mismatch =
    v?.record &&
    ((query.get('dossier') && query.get('dossier') !== v.record.dossierCode) ||
      (query.get('procedure') && query.get('procedure') !== v.record.procedureCode));
  return (
    <section aria-labelledby="verify-heading">
      <h1 id="verify-heading">{s.title}</h1>
      <p>{s.lead}</p>
      <ErrorSummary error={answer.error} onRetry={answer.reload} />
      {answer.loading && <Loading />}
      {v && (
        <>
          <p id="verify-status" role="status" class={`notice ${v.status === 'genuine' ? 'ok' : 'bad'}`}>
            {s.status[v.status]}
          </p>
          {mismatch && <p class="notice bad">{s.mismatch}</p>}
          {v.document && (
            <dl>
              <dt>{s.documentType}</dt>
              <dd id="verify-type">
                {procedure.loading
                  ? t.loading
                  : documentName(v.document.documentType, procedure.data, lang, s.resultOf)}
              </dd>
              <dt>{s.issuer}</dt>
              <dd>{v.document.issuingAgencyName}</dd>
              <dt>{s.issuedAt}</dt>
              <dd>{formatDateTime(v.document.issuedAt, lang)}</dd>
              {v.document.statusAt && (
                <>
                  <dt>{s.statusAt}</dt>
                  <dd>{formatDateTime(v.document.statusAt, lang)}</dd>
                </>
              )}
              {v.document.replacedBy && (
                <>
                  <dt>{s.replacedBy}</dt>
                  <dd>
                    <a href={`/verify/${encodeURIComponent(v.document.replacedBy)}`}>
                      {v.document.replacedBy}
                    </a>
                  </dd>
                </>
              )}
            </dl>
          )}
          {v.record && (
            <div class="stack">
              <label for="verify-file">{s.fileLabel}</label>
              <input
                id="verify-file"
                type="file"
                onChange={async (e) => {
                  const file = e.currentTarget.files?.[0];
                  if (!file || !v.record) return setFileCheck(undefined);
                  const digest = hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
                  setFileCheck(digest === v.record.sha256);
                }}
              />
              {fileCheck !== undefined && (
                <p role="status" class={`notice ${fileCheck ? 'ok' : 'bad'}`}>
                  {fileCheck ? s.fileSame : s.fileDiffers}
                </p>
              )}
              <p class="hint">{s.offline}</p>
            </div>
          )}
        </>
      )}
    </section>
  );
}
