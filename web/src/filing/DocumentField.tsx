/**
 * One document of a filing: its upload (checked, with progress and retry), or the offer to reuse a
 * document the citizen already holds. Apart from the filing page so the form reads field by field.
 */
import type { Dispatch, StateUpdater } from 'preact/hooks';
import { FilePicker } from '../components/FilePicker.js';
import { formatDate, useCommon, useLang } from '../i18n.js';
import type { HeldDocument } from './held.js';
import { docId, mb, type Scan } from './model.js';
import { useStrings } from './strings.js';
import type { DocumentRule } from './upload.js';

export function DocumentField({
  d,
  scan,
  missing,
  offer,
  reused,
  docName,
  setDeclined,
  clearField,
  send,
}: {
  d: DocumentRule;
  scan: Scan | undefined;
  missing: string | undefined;
  offer: HeldDocument | undefined;
  reused: HeldDocument | undefined;
  docName: (d: DocumentRule) => string;
  setDeclined: Dispatch<StateUpdater<ReadonlySet<string>>>;
  clearField: (path: string) => void;
  send: (d: DocumentRule, file: File) => void;
}) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const id = docId(d.type);
  return (
    <div class="field">
      <label for={id}>
        {docName(d)} <span class="muted">{d.required ? s.required : s.optional}</span>
      </label>
      <p class="hint" id={`${id}-hint`}>
        {s.accepted(d.mimeTypes.map((m) => m.split('/')[1]!.toUpperCase()).join(', '), mb(d.maxBytes))}
      </p>
      {offer && scan?.state !== 'done' && scan?.state !== 'uploading' && (
        <div class="check held-offer">
          <input
            id={`${id}-held`}
            type="checkbox"
            checked={!!reused}
            aria-describedby={`${id}-held-hint`}
            onChange={(e) => {
              const use = e.currentTarget.checked;
              setDeclined((all) => {
                const next = new Set(all);
                if (use) next.delete(d.type);
                else next.add(d.type);
                return next;
              });
              if (use) clearField(`attachments.${d.type}`);
            }}
          />
          <label for={`${id}-held`}>
            {offer.kind === 'result'
              ? s.heldResult(offer.from, formatDate(offer.at, lang))
              : s.heldScan(offer.from, formatDate(offer.at, lang))}
          </label>
          <p class="hint" id={`${id}-held-hint`}>
            {offer.fileName}. {s.heldOrUpload}
          </p>
        </div>
      )}
      <FilePicker
        id={id}
        accept={d.mimeTypes.join(',')}
        describedBy={`${id}-hint ${id}-status`}
        invalid={scan?.state === 'failed' || !!missing}
        fileName={scan?.fileName}
        onFile={(file) => send(d, file)}
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
              <button type="button" class="link" onClick={() => send(d, scan.file!)}>
                {t.retry}
              </button>
            )}
          </p>
        )}
        {!scan && !reused && missing && <p class="field-error">{missing}</p>}
      </div>
    </div>
  );
}
