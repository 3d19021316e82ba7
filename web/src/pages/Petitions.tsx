/**
 * Petitions (phản ánh, kiến nghị): anyone searches the published answers (/phan-anh-kien-nghi, words with
 * or without tone marks); a signed-in citizen sends one with up to five scans (/phan-anh-kien-nghi/gui),
 * follows theirs (/phan-anh-kien-nghi/cua-toi) and reads one with its timeline and answer
 * (/phan-anh-kien-nghi/<code>). The petition's text never goes in an address.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, newIdempotencyKey, query, request } from '../api.js';
import { signIn, useSession } from '../auth.js';
import { ErrorSummary, FieldError } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { ScanUpload, type UploadedScan } from '../components/ScanUpload.js';
import { useData, useTitle } from '../data.js';
import type { DocumentRule } from '../filing/upload.js';
import {
  PETITION_EVENT,
  PETITION_STATUS,
  type PetitionCreated,
  type PetitionList,
  type PetitionView,
  type PublicPetitionList,
  petitionPath,
} from '../follow.js';
import { formatDate, formatDateTime, strings, useCommon, useLang } from '../i18n.js';
import { Link, navigate, type PageProps } from '../router.js';
import type { ProvinceList } from '../types.js';

const useStrings = strings({
  vi: {
    title: 'Phản ánh, kiến nghị',
    lead: 'Tra cứu câu trả lời đã công khai của cơ quan nhà nước về phản ánh, kiến nghị của người dân và doanh nghiệp.',
    send: 'Gửi phản ánh, kiến nghị',
    mine: 'Phản ánh của tôi',
    q: 'Từ khóa',
    qHint: 'Có dấu hoặc không dấu, ví dụ: giay phep lai xe',
    search: 'Tìm kiếm',
    found: (n: number, more: boolean) => `Tìm thấy ${n} câu trả lời${more ? ', còn nữa' : ''}.`,
    none: 'Không có câu trả lời nào khớp.',
    more: 'Xem thêm',
    answer: 'Trả lời',
    answeredBy: (agency: string, date: string) => `${agency}, ${date}`,
    petition: 'Nội dung phản ánh',
    sendTitle: 'Gửi phản ánh, kiến nghị',
    sendLead:
      'Phản ánh, kiến nghị được chuyển đến cơ quan có thẩm quyền. Không ghi số định danh, số điện thoại của người khác vào nội dung.',
    subject: 'Tiêu đề',
    content: 'Nội dung',
    contentHint: 'Nêu rõ sự việc, thời gian, địa điểm và điều bạn kiến nghị.',
    procedureCode: 'Mã thủ tục liên quan (không bắt buộc)',
    procedureHint: 'Mã in trên trang thủ tục, ví dụ 1.002804.',
    province: 'Tỉnh, thành phố liên quan (không bắt buộc)',
    chooseProvince: '— Không chọn —',
    attachments: 'Tài liệu kèm theo (không bắt buộc, tối đa 5 tệp)',
    file: (n: number) => `Tệp ${n}`,
    addFile: 'Thêm tệp',
    allowPublish: 'Tôi đồng ý để câu trả lời được công khai (không kèm thông tin cá nhân của tôi).',
    submit: 'Gửi phản ánh',
    sending: 'Đang gửi…',
    sentTitle: 'Đã gửi phản ánh, kiến nghị',
    sent: (code: string) => `Cổng đã nhận phản ánh ${code}.`,
    dueBy: (date: string) => `Cơ quan trả lời trước ${date}.`,
    see: 'Xem phản ánh',
    mineTitle: 'Phản ánh của tôi',
    mineNone: 'Bạn chưa gửi phản ánh, kiến nghị nào.',
    sentOn: 'Gửi',
    sentAt: 'Ngày gửi',
    due: 'Hạn trả lời',
    overdue: 'quá hạn',
    detailTitle: (code: string) => `Phản ánh ${code}`,
    status: 'Trạng thái',
    agency: 'Cơ quan xử lý',
    files: 'Tài liệu đã gửi',
    publish: 'Đồng ý công khai',
    yes: 'Có',
    no: 'Không',
    rejection: 'Lý do không thụ lý',
    publicVersion: 'Bản công khai',
    timeline: 'Quá trình xử lý',
    back: 'Phản ánh của tôi',
  },
  en: {
    title: 'Petitions',
    lead: "Search the agencies' published answers to citizens' and businesses' petitions.",
    send: 'Send a petition',
    mine: 'My petitions',
    q: 'Words',
    qHint: 'With or without tone marks, e.g. giay phep lai xe',
    search: 'Search',
    found: (n: number, more: boolean) =>
      `${n} answer${n === 1 ? '' : 's'} found${more ? ', more available' : ''}.`,
    none: 'No answers match.',
    more: 'Show more',
    answer: 'Answer',
    answeredBy: (agency: string, date: string) => `${agency}, ${date}`,
    petition: 'Petition',
    sendTitle: 'Send a petition',
    sendLead:
      "The petition goes to the competent agency. Do not write other people's ID or phone numbers in it.",
    subject: 'Subject',
    content: 'Content',
    contentHint: 'Say what happened, when and where, and what you ask for.',
    procedureCode: 'Related procedure code (optional)',
    procedureHint: "The code on the procedure's page, e.g. 1.002804.",
    province: 'Related province (optional)',
    chooseProvince: '— None —',
    attachments: 'Documents (optional, up to 5 files)',
    file: (n: number) => `File ${n}`,
    addFile: 'Add a file',
    allowPublish: 'I agree that the answer may be published (without my personal data).',
    submit: 'Send the petition',
    sending: 'Sending…',
    sentTitle: 'Petition sent',
    sent: (code: string) => `The portal has received petition ${code}.`,
    dueBy: (date: string) => `The agency answers by ${date}.`,
    see: 'See the petition',
    mineTitle: 'My petitions',
    mineNone: 'You have not sent any petitions.',
    sentOn: 'Sent',
    sentAt: 'Sent on',
    due: 'Answer due',
    overdue: 'overdue',
    detailTitle: (code: string) => `Petition ${code}`,
    status: 'Status',
    agency: 'Handled by',
    files: 'Documents sent',
    publish: 'Publication allowed',
    yes: 'Yes',
    no: 'No',
    rejection: 'Why it was not taken up',
    publicVersion: 'Published version',
    timeline: 'Progress',
    back: 'My petitions',
  },
});

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

function PetitionNav() {
  const s = useStrings();
  const session = useSession();
  return (
    <ul class="actions plain">
      <li>
        <Link href="/phan-anh-kien-nghi/gui" class="button">
          {s.send}
        </Link>
      </li>
      {session && (
        <li>
          <Link href="/phan-anh-kien-nghi/cua-toi">{s.mine}</Link>
        </li>
      )}
    </ul>
  );
}

/** Published answers, searchable by anyone. */
export function PetitionSearch({ query: q }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  useTitle(s.title, t.brand);
  const words = q.get('q') ?? '';
  const [items, setItems] = useState<PublicPetitionList['items']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [text, setText] = useState(words);
  const first = useData(
    (signal) => get<PublicPetitionList>(`/v1/petitions${query({ q: words, limit: 10 })}`, { signal }),
    [words],
  );
  useEffect(() => {
    if (first.data) {
      setItems(first.data.items);
      setCursor(first.data.nextCursor);
    }
  }, [first.data]);
  const more = async () => {
    try {
      const page = await get<PublicPetitionList>(`/v1/petitions${query({ q: words, limit: 10, cursor })}`);
      setItems((all) => [...all, ...page.items]);
      setCursor(page.nextCursor);
    } catch {
      first.reload();
    }
  };
  return (
    <section aria-labelledby="petitions-heading">
      <h1 id="petitions-heading">{s.title}</h1>
      <p class="lead">{s.lead}</p>
      <PetitionNav />
      <form
        class="stack"
        aria-label={s.search}
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/phan-anh-kien-nghi${query({ q: text.trim() })}`);
        }}
      >
        <label for="petition-q">{s.q}</label>
        <p class="hint" id="petition-q-hint">
          {s.qHint}
        </p>
        <div class="row">
          <input
            id="petition-q"
            type="search"
            maxLength={200}
            value={text}
            aria-describedby="petition-q-hint"
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button type="submit">{s.search}</button>
        </div>
      </form>
      <ErrorSummary error={first.error} onRetry={first.reload} />
      <p id="petitions-count" role="status" class="meta">
        {first.loading ? '' : s.found(items.length, !!cursor)}
      </p>
      {first.loading ? (
        <Loading />
      ) : (
        <ul id="published-petitions" class="list">
          {items.length === 0 && <li>{s.none}</li>}
          {items.map((p) => (
            <li key={p.code}>
              <article aria-labelledby={`pp-${p.code}`}>
                <h2 id={`pp-${p.code}`} class="h3">
                  {p.subject}
                </h2>
                <span class="meta">
                  {p.code} · {s.answeredBy(p.agencyName, formatDate(p.answer.at, lang))}
                </span>
                <details>
                  <summary>{s.petition}</summary>
                  <p class="prose">{p.content}</p>
                </details>
                <h3 class="sub">{s.answer}</h3>
                <p class="prose">{p.answer.text}</p>
              </article>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void more()}>
            {s.more}
          </button>
        </div>
      )}
    </section>
  );
}

function NeedSignIn({ title }: { title: string }) {
  const t = useCommon();
  return (
    <>
      <h1>{title}</h1>
      <p>{t.needSignIn}</p>
      <button type="button" onClick={() => void signIn({ returnTo: location.pathname })}>
        {t.signIn}
      </button>
    </>
  );
}

export function PetitionSend() {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  useTitle(s.sendTitle, t.brand);
  const provinces = useData((signal) => get<ProvinceList>('/v1/provinces', { signal }), []);
  const [v, setV] = useState({ subject: '', content: '', procedureCode: '', provinceCode: '' });
  const [allowPublish, setAllowPublish] = useState(false);
  const [files, setFiles] = useState<{ key: number; scan?: UploadedScan }[]>([{ key: 0 }]);
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
  const invalid = (path: string) => error instanceof ApiError && !!error.fields[path];
  const describe = (id: string, path: string, hint?: boolean) =>
    [hint ? `${id}-hint` : '', invalid(path) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
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
            attachments: files.filter((f) => f.scan).map((f) => ({ uploadId: f.scan!.uploadId })),
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
        <fieldset>
          <legend>{s.attachments}</legend>
          {files.map((f, i) => (
            <ScanUpload
              key={f.key}
              id={`petition-file-${f.key}`}
              label={s.file(i + 1)}
              rule={EVIDENCE}
              onUploaded={(scan) => setFiles((all) => all.map((x) => (x.key === f.key ? { ...x, scan } : x)))}
            />
          ))}
          {files.length < MAX_FILES && (
            <button
              type="button"
              class="secondary"
              onClick={() => setFiles((all) => [...all, { key: (all.at(-1)?.key ?? 0) + 1 }])}
            >
              {s.addFile}
            </button>
          )}
        </fieldset>
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

export function MyPetitions() {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  useTitle(s.mineTitle, t.brand);
  const list = useData(
    (signal) =>
      session
        ? get<PetitionList>(`/v1/me/petitions${query({ limit: 50 })}`, { auth: true, signal })
        : Promise.resolve(undefined),
    [session?.sub],
  );
  if (!session) return <NeedSignIn title={s.mineTitle} />;
  return (
    <section aria-labelledby="my-petitions-heading">
      <h1 id="my-petitions-heading">{s.mineTitle}</h1>
      <PetitionNav />
      <ErrorSummary error={list.error} onRetry={list.reload} />
      {list.loading ? (
        <Loading />
      ) : (
        <ul id="my-petitions" class="list">
          {list.data?.items.length === 0 && <li>{s.mineNone}</li>}
          {list.data?.items.map((p) => (
            <li key={p.code}>
              <Link href={petitionPath(p.code)}>
                {p.code} — {p.subject}
              </Link>
              <span class="meta">
                <span class={p.overdue ? 'status overdue' : 'status'}>
                  {PETITION_STATUS[lang][p.status] ?? p.status}
                  {p.overdue ? ` · ${s.overdue}` : ''}
                </span>{' '}
                {s.sentOn} {formatDate(p.submittedAt, lang)} · {s.due} {formatDate(p.answerDueAt, lang)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function PetitionPage({ params }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  const code = params.code ?? '';
  useTitle(s.detailTitle(code), t.brand);
  const p = useData(
    (signal) =>
      session
        ? get<PetitionView>(`/v1/petitions/${encodeURIComponent(code)}`, { auth: true, signal })
        : Promise.resolve(undefined),
    [code, session?.sub],
  );
  if (!session) return <NeedSignIn title={s.detailTitle(code)} />;
  if (p.loading) return <Loading />;
  if (!p.data)
    return (
      <>
        <h1>{s.detailTitle(code)}</h1>
        <ErrorSummary error={p.error} onRetry={p.reload} />
        <Link href="/phan-anh-kien-nghi/cua-toi">{s.back}</Link>
      </>
    );
  const d = p.data;
  return (
    <article aria-labelledby="petition-heading" class="follow">
      <p class="crumbs">
        <Link href="/phan-anh-kien-nghi/cua-toi">{s.back}</Link>
      </p>
      <h1 id="petition-heading">
        {s.detailTitle('')}
        <span class="nowrap">{d.code}</span>
      </h1>
      <dl class="facts">
        <div>
          <dt>{s.subject}</dt>
          <dd>{d.subject}</dd>
        </div>
        <div>
          <dt>{s.status}</dt>
          <dd id="petition-status">
            <span class={d.overdue ? 'status overdue' : 'status'}>
              {PETITION_STATUS[lang][d.status] ?? d.status}
              {d.overdue ? ` · ${s.overdue}` : ''}
            </span>
          </dd>
        </div>
        <div>
          <dt>{s.agency}</dt>
          <dd>{d.agencyName}</dd>
        </div>
        <div>
          <dt>{s.sentAt}</dt>
          <dd>{formatDateTime(d.submittedAt, lang)}</dd>
        </div>
        <div>
          <dt>{s.due}</dt>
          <dd>{formatDateTime(d.answerDueAt, lang)}</dd>
        </div>
        <div>
          <dt>{s.publish}</dt>
          <dd>{d.allowPublish ? s.yes : s.no}</dd>
        </div>
      </dl>
      <h2>{s.content}</h2>
      <p class="prose">{d.content}</p>
      {d.attachments.length > 0 && (
        <>
          <h2>{s.files}</h2>
          <ul>
            {d.attachments.map((a) => (
              <li key={a.fileName}>{a.fileName}</li>
            ))}
          </ul>
        </>
      )}
      {d.answer && (
        <section aria-labelledby="petition-answer" class="panel">
          <h2 id="petition-answer">{s.answer}</h2>
          <p class="meta">{s.answeredBy(d.answer.agencyName, formatDateTime(d.answer.at, lang))}</p>
          <p class="prose">{d.answer.text}</p>
        </section>
      )}
      {d.rejection && (
        <section aria-labelledby="petition-rejection" class="panel">
          <h2 id="petition-rejection">{s.rejection}</h2>
          <p class="prose">{d.rejection.reason}</p>
        </section>
      )}
      {d.publicVersion && (
        <details>
          <summary>{s.publicVersion}</summary>
          <p>
            <strong>{d.publicVersion.subject}</strong>
          </p>
          <p class="prose">{d.publicVersion.content}</p>
          <p class="prose">{d.publicVersion.answer}</p>
        </details>
      )}
      <h2>{s.timeline}</h2>
      <ol class="timeline">
        {d.timeline.map((e) => (
          <li key={e.seq}>
            <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time> —{' '}
            <strong>{PETITION_EVENT[lang][e.type] ?? PETITION_STATUS[lang][e.status] ?? e.type}</strong>
            {e.reason ? `: ${e.reason}` : e.note ? `: ${e.note}` : ''}
          </li>
        ))}
      </ol>
    </article>
  );
}
