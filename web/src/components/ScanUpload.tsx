/**
 * One scan sent the portal's way (filing/upload.ts: checked here against the document's limits, then the
 * presigned POST /v1/uploads form with progress), as a labelled file input with its status announced
 * politely and a retry after a failure. The parent gets the upload id once storage has the file.
 */
import { useState } from 'preact/hooks';
import { ApiError, errorText } from '../api.js';
import { checkScan, type DocumentRule, uploadScan } from '../filing/upload.js';
import { strings, useCommon, useLang } from '../i18n.js';
import { FilePicker } from './FilePicker.js';

const useStrings = strings({
  vi: {
    accepted: (types: string, mb: string) => `Nhận tệp ${types}, tối đa ${mb} MB.`,
    badType: 'Loại tệp không được chấp nhận. Vui lòng chọn tệp PDF, JPG hoặc PNG.',
    badSize: (mb: string) => `Tệp quá lớn: tối đa ${mb} MB.`,
    empty: 'Tệp trống.',
    uploading: 'Đang tải lên',
    uploaded: (name: string) => `Đã tải lên: ${name}`,
    uploadFailed: 'Tải tệp lên không thành công.',
  },
  en: {
    accepted: (types: string, mb: string) => `${types} files, up to ${mb} MB.`,
    badType: 'This kind of file is not accepted. Choose a PDF, JPG or PNG file.',
    badSize: (mb: string) => `The file is too large: up to ${mb} MB.`,
    empty: 'The file is empty.',
    uploading: 'Uploading',
    uploaded: (name: string) => `Uploaded: ${name}`,
    uploadFailed: 'The upload failed.',
  },
});

export interface UploadedScan {
  uploadId: string;
  fileName: string;
}

interface State {
  state: 'uploading' | 'done' | 'failed';
  progress: number;
  fileName: string;
  file?: File;
  problem?: string;
}

const mb = (bytes: number) => String(Math.round((bytes / 1024 / 1024) * 10) / 10);

export function ScanUpload({
  id,
  label,
  rule,
  onUploaded,
  missing,
  initial,
}: {
  id: string;
  label: string;
  rule: DocumentRule;
  /** Undefined when a new file replaces the one sent. */
  onUploaded: (scan: UploadedScan | undefined) => void;
  /** A message when the form was sent without this scan. */
  missing?: string;
  /** A scan already in storage (a restored draft): shown as uploaded. */
  initial?: UploadedScan;
}) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const [scan, setScan] = useState<State | undefined>(() =>
    initial ? { state: 'done', progress: 1, fileName: initial.fileName } : undefined,
  );

  const send = (file: File) => {
    onUploaded(undefined);
    const problem = checkScan(file, rule);
    if (problem) {
      setScan({
        state: 'failed',
        progress: 0,
        fileName: file.name,
        problem: problem === 'type' ? s.badType : problem === 'size' ? s.badSize(mb(rule.maxBytes)) : s.empty,
      });
      return;
    }
    setScan({ state: 'uploading', progress: 0, fileName: file.name, file });
    uploadScan(file, (progress) => setScan((x) => x && { ...x, progress })).then(
      (uploadId) => {
        setScan((x) => x && { ...x, state: 'done', progress: 1 });
        onUploaded({ uploadId, fileName: file.name });
      },
      (err) =>
        setScan(
          (x) =>
            x && {
              ...x,
              state: 'failed',
              problem: err instanceof ApiError ? errorText(err, lang) : s.uploadFailed,
            },
        ),
    );
  };

  return (
    <div class="field">
      <label for={id}>{label}</label>
      <p class="hint" id={`${id}-hint`}>
        {s.accepted(rule.mimeTypes.map((m) => m.split('/')[1]!.toUpperCase()).join(', '), mb(rule.maxBytes))}
      </p>
      <FilePicker
        id={id}
        accept={rule.mimeTypes.join(',')}
        describedBy={`${id}-hint ${id}-status`}
        invalid={scan?.state === 'failed' || (!scan && !!missing)}
        fileName={scan?.fileName}
        onFile={send}
      />
      <div id={`${id}-status`} class="upload-status" aria-live="polite">
        {scan?.state === 'uploading' && (
          <>
            <label for={`${id}-progress`}>{s.uploading}</label>
            <progress id={`${id}-progress`} max={100} value={Math.round(scan.progress * 100)}>
              {Math.round(scan.progress * 100)}%
            </progress>
          </>
        )}
        {scan?.state === 'done' && <p class="ok">{s.uploaded(scan.fileName)}</p>}
        {scan?.state === 'failed' && (
          <p class="field-error">
            {scan.problem ?? s.uploadFailed}{' '}
            {scan.file && (
              <button type="button" class="link" onClick={() => send(scan.file!)}>
                {t.retry}
              </button>
            )}
          </p>
        )}
        {!scan && missing && <p class="field-error">{missing}</p>}
      </div>
    </div>
  );
}
