/**
 * Sending a petition (/phan-anh-kien-nghi/gui): a signed-in citizen writes it, names the place and the
 * agency, and attaches up to five scans; one send however many clicks. Apart from the other petition
 * pages because it is the only one that writes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, newIdempotencyKey, request } from '../api.js';
import { useSession } from '../auth.js';
import { ErrorSummary, FieldError, fieldErrors } from '../components/ErrorSummary.js';
import { ScanList, useScanSlots } from '../components/ScanList.js';
import { useData, useTitle } from '../data.js';
import type { DocumentRule } from '../filing/upload.js';
import { type PetitionCreated, petitionPath } from '../follow.js';
import { formatDateTime, useCommon, useLang } from '../i18n.js';
import { NeedSignIn } from '../petitions/parts.js';
import { useStrings } from '../petitions/strings.js';
import { Link } from '../router.js';
import type { ProvinceList } from '../types.js';

/** What a petition may carry (functions/petitions PETITION_DOCUMENTS). */
const EVIDENCE: DocumentRule = {
  type: 'evidence',
  name: 'Tài liệu kèm theo phản ánh, kiến nghị',
  nameEn: 'Supporting document',
  required: false,
  maxBytes: 10 * 1024 * 1024,
  mimeTypes: ['application/pdf', 'image/jpeg', 'image/png'],
};
const MAX_FILES = 5;

export function PetitionSend() {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  useTitle(s.sendTitle, t.brand);
  const provinces = useData((signal) => get<ProvinceList>('/v1/provinces', { signal }), []);
  const [v, setV] = useState({ subject: '', content: '', procedureCode: '', provinceCode: '' });
  const [allowPublish, setAllowPublish] = useState(false);
  const scans = useScanSlots();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<PetitionCreated>();
  // One petition, one key: a double click sends it once.
  const key = useRef(newIdempotencyKey());
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (sent) heading.current?.focus();
  }, [sent]);
  if (!session) return <NeedSignIn title={s.sendTitle} />;

  const labels = {
    subject: s.subject,
    content: s.content,
    procedureCode: s.procedureCode,
    provinceCode: s.province,
    attachments: s.attachments,
  };
  const ids = {
    subject: 'petition-subject',
    content: 'petition-content',
    procedureCode: 'petition-procedure',
    provinceCode: 'petition-province',
    attachments: 'petition-file-0',
  };
  const { invalid, describe } = fieldErrors(error);
  const set = (k: keyof typeof v) => (e: Event) =>
    setV((all) => ({ ...all, [k]: (e.currentTarget as HTMLInputElement).value }));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const missing = (['subject', 'content'] as const).filter((k) => !v[k].trim());
    if (missing.length) {
      setError(
        new ApiError(
          422,
          'VALIDATION_FAILED',
          { vi: 'Phản ánh còn thiếu thông tin.', en: 'The petition is incomplete.' },
          Object.fromEntries(missing.map((k) => [k, { path: k, code: 'invalid_type', message: 'required' }])),
        ),
      );
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      setSent(
        await request<PetitionCreated>('/v1/petitions', {
          method: 'POST',
          auth: true,
          idempotencyKey: key.current,
          body: {
            subject: v.subject.trim(),
            content: v.content.trim(),
            ...(v.procedureCode.trim() ? { procedureCode: v.procedureCode.trim() } : {}),
            ...(v.provinceCode ? { provinceCode: v.provinceCode } : {}),
            attachments: scans.attachments(),
            allowPublish,
          },
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (sent)
    return (
      <section aria-labelledby="petition-sent">
        <h1 id="petition-sent" tabIndex={-1} ref={heading}>
          {s.sentTitle}
        </h1>
        <p class="notice ok" id="petition-sent-code">
          {s.sent(sent.code)}
        </p>
        <p>{s.dueBy(formatDateTime(sent.dueAt, lang))}</p>
        <div class="actions">
          <Link href={petitionPath(sent.code)} class="button">
            {s.see}
          </Link>
          <Link href="/phan-anh-kien-nghi/cua-toi">{s.mine}</Link>
        </div>
      </section>
    );

  return (
    <section aria-labelledby="petition-send-heading">
      <h1 id="petition-send-heading">{s.sendTitle}</h1>
      <p>{s.sendLead}</p>
      <ErrorSummary error={error} fieldIds={ids} labels={labels} />
      <form class="filing" noValidate onSubmit={submit}>
        <div class="field">
          <label for={ids.subject}>{s.subject}</label>
          <input
            id={ids.subject}
            maxLength={300}
            required
            value={v.subject}
            aria-invalid={invalid('subject') || undefined}
            aria-describedby={describe(ids.subject, 'subject')}
            onInput={set('subject')}
          />
          <FieldError id={ids.subject} error={error} path="subject" />
        </div>
        <div class="field">
          <label for={ids.content}>{s.content}</label>
          <p class="hint" id={`${ids.content}-hint`}>
            {s.contentHint}
          </p>
          <textarea
            id={ids.content}
            rows={6}
            maxLength={10_000}
            required
            value={v.content}
            aria-invalid={invalid('content') || undefined}
            aria-describedby={describe(ids.content, 'content', true)}
            onInput={set('content')}
          />
          <FieldError id={ids.content} error={error} path="content" />
        </div>
        <div class="field">
          <label for={ids.procedureCode}>{s.procedureCode}</label>
          <p class="hint" id={`${ids.procedureCode}-hint`}>
            {s.procedureHint}
          </p>
          <input
            id={ids.procedureCode}
            inputMode="decimal"
            maxLength={20}
            value={v.procedureCode}
            aria-invalid={invalid('procedureCode') || undefined}
            aria-describedby={describe(ids.procedureCode, 'procedureCode', true)}
            onInput={set('procedureCode')}
          />
          <FieldError id={ids.procedureCode} error={error} path="procedureCode" />
        </div>
        <div class="field">
          <label for={ids.provinceCode}>{s.province}</label>
          <select
            id={ids.provinceCode}
            value={v.provinceCode}
            aria-invalid={invalid('provinceCode') || undefined}
            aria-describedby={describe(ids.provinceCode, 'provinceCode')}
            onChange={set('provinceCode')}
          >
            <option value="">{s.chooseProvince}</option>
            {(provinces.data?.items ?? []).map((p) => (
              <option key={p.code} value={p.code}>
                {lang === 'vi' ? p.fullName : p.nameEn}
              </option>
            ))}
          </select>
          <FieldError id={ids.provinceCode} error={error} path="provinceCode" />
        </div>
        <ScanList
          {...scans}
          idPrefix="petition-file"
          legend={s.attachments}
          fileLabel={s.file}
          addLabel={s.addFile}
          rule={EVIDENCE}
          max={MAX_FILES}
        />
        <div class="check">
          <input
            id="petition-publish"
            type="checkbox"
            checked={allowPublish}
            onChange={(e) => setAllowPublish(e.currentTarget.checked)}
          />
          <label for="petition-publish">{s.allowPublish}</label>
        </div>
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? s.sending : s.submit}
        </button>
      </form>
    </section>
  );
}
