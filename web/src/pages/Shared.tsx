/**
 * A document someone shared with me (/chia-se#<token>): what it is, a download link, and for a result
 * the way to verify it. The token travels in the address's fragment, which browsers never send to a
 * server, so the page's own requests and logs never carry it; only the API call that opens the share
 * does (and that opening is recorded in the holder's access log).
 */
import { ApiError, get } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { useData, useTitle } from '../data.js';
import { formatDateTime, formatNumber, strings, useCommon, useLang } from '../i18n.js';
import { Link } from '../router.js';

interface SharedDocument {
  documentType: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256?: string;
  url: string;
  expiresAt: string;
  documentId?: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The page's address for a share the API made: its token in the fragment. */
export function sharePageUrl(apiUrl: string): string | undefined {
  const token = /\/v1\/shared\/([A-Za-z0-9_-]{43})$/.exec(apiUrl)?.[1];
  return token ? `${location.origin}/chia-se#${token}` : undefined;
}

const useStrings = strings({
  vi: {
    title: 'Giấy tờ được chia sẻ',
    lead: 'Người giữ giấy tờ đã chia sẻ tệp này với bạn qua Cổng Dịch vụ công. Mỗi lần mở được ghi lại cho người giữ giấy tờ biết.',
    gone: 'Đường dẫn chia sẻ không đúng hoặc đã hết hạn. Hãy đề nghị người chia sẻ gửi đường dẫn mới.',
    file: 'Tệp',
    size: 'Dung lượng',
    sha256: 'Mã băm SHA-256',
    download: (name: string) => `Tải xuống ${name}`,
    linkExpires: (time: string) =>
      `Đường dẫn tải có hiệu lực đến ${time}; mở lại trang để lấy đường dẫn mới.`,
    verify: 'Xác thực kết quả này',
    verifyLead: 'Đây là kết quả do cơ quan nhà nước cấp điện tử: hãy kiểm tra kết quả còn hiệu lực.',
  },
  en: {
    title: 'A shared document',
    lead: "The document's holder shared this file with you through the National Public Service Portal. Each opening is recorded for the holder to see.",
    gone: 'This share link is wrong or has expired. Ask the person who shared it for a new one.',
    file: 'File',
    size: 'Size',
    sha256: 'SHA-256 digest',
    download: (name: string) => `Download ${name}`,
    linkExpires: (time: string) =>
      `The download link works until ${time}; open this page again for a new one.`,
    verify: 'Verify this result',
    verifyLead: 'This is a result issued electronically by a public agency: check that it still stands.',
  },
});

export function Shared() {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  useTitle(s.title, t.brand);
  const token = location.hash.slice(1);
  const shared = useData<SharedDocument | null>(
    (signal) =>
      TOKEN.test(token)
        ? get<SharedDocument>(`/v1/shared/${token}`, { signal }).catch((err) => {
            if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return null;
            throw err;
          })
        : Promise.resolve(null),
    [token],
  );
  const d = shared.data;
  return (
    <section aria-labelledby="shared-heading">
      <h1 id="shared-heading">{s.title}</h1>
      {shared.loading ? (
        <Loading />
      ) : shared.error ? (
        <ErrorSummary error={shared.error} onRetry={shared.reload} />
      ) : !d ? (
        <p class="notice bad" id="shared-gone">
          {s.gone}
        </p>
      ) : (
        <>
          <p>{s.lead}</p>
          <dl id="shared-document">
            <dt>{s.file}</dt>
            <dd class="break">{d.fileName}</dd>
            <dt>{s.size}</dt>
            <dd>{formatNumber(Math.max(1, Math.round(d.size / 1024)), lang)} kB</dd>
            {d.sha256 && (
              <>
                <dt>{s.sha256}</dt>
                <dd class="break hash">{d.sha256}</dd>
              </>
            )}
          </dl>
          <p>
            <a class="button" href={d.url} download={d.fileName} rel="noopener noreferrer">
              {s.download(d.fileName)}
            </a>
          </p>
          <p class="hint">{s.linkExpires(formatDateTime(d.expiresAt, lang))}</p>
          {d.documentId && (
            <div class="panel">
              <p>{s.verifyLead}</p>
              <Link href={`/verify/${encodeURIComponent(d.documentId)}`}>{s.verify}</Link>
            </div>
          )}
        </>
      )}
    </section>
  );
}
