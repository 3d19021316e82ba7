/**
 * My rights over my personal data (Law 91/2025/QH15 on Personal Data Protection), on the account page:
 * ask to see it, correct the profile, stop the publishing of my petitions' answers, or delete what the law
 * allows (drafts, unused uploads, the saved profile); each request is answered within 2 working days and
 * acted on within the legal period, and listed here with its dates and status.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError, get, newIdempotencyKey, request } from '../api.js';
import { useData } from '../data.js';
import { formatDate, formatDateTime, strings, useLang } from '../i18n.js';
import { ErrorSummary, FieldError } from './ErrorSummary.js';
import { Loading } from './Loading.js';

type Kind = 'access' | 'correction' | 'objection' | 'deletion';
type Target = 'drafts' | 'unused_uploads' | 'profile';
type Field = 'fullName' | 'address' | 'phone' | 'email';

interface DataRequest {
  id: string;
  kind: Kind;
  status: 'received' | 'acknowledged' | 'completed' | 'refused' | 'withdrawn';
  receivedAt: string;
  acknowledgeBy: string;
  dueBy: string;
  closedAt?: string;
  overdue: boolean;
  reason?: string;
  details: {
    proposed?: Partial<Record<Field, string>>;
    stopPublishing?: { allPetitions?: true; petitionCode?: string };
    targets?: Target[];
    note?: string;
  };
  outcome?: {
    exportUrl?: string;
    correctedFields?: string[];
    unpublishedPetitions?: string[];
    deleted?: { drafts?: number; unusedUploads?: number; profile?: boolean };
    kept?: string;
  };
}

const KINDS: readonly Kind[] = ['access', 'correction', 'objection', 'deletion'];
const TARGETS: readonly Target[] = ['drafts', 'unused_uploads', 'profile'];
const FIELDS: readonly Field[] = ['fullName', 'address', 'phone', 'email'];

const useStrings = strings({
  vi: {
    heading: 'Quyền đối với dữ liệu cá nhân',
    intro:
      'Theo Luật Bảo vệ dữ liệu cá nhân 2025, bạn có quyền yêu cầu xem, chỉnh sửa, phản đối việc công khai và xoá dữ liệu cá nhân của mình. Cổng phản hồi trong 2 ngày làm việc và giải quyết trong thời hạn luật định.',
    kindLegend: 'Bạn muốn yêu cầu gì?',
    kinds: {
      access: 'Cung cấp toàn bộ dữ liệu của tôi',
      correction: 'Chỉnh sửa thông tin cá nhân',
      objection: 'Không công khai phản ánh, kiến nghị của tôi',
      deletion: 'Xoá dữ liệu',
    } as Record<Kind, string>,
    fields: {
      fullName: 'Họ, chữ đệm và tên đúng',
      address: 'Địa chỉ đúng',
      phone: 'Số điện thoại di động đúng',
      email: 'Thư điện tử đúng',
    } as Record<Field, string>,
    correctionHint: 'Chỉ điền những thông tin cần sửa.',
    objectionLegend: 'Ngừng công khai',
    allPetitions: 'Tất cả phản ánh, kiến nghị của tôi',
    onePetition: 'Một phản ánh, kiến nghị',
    petitionCode: 'Mã phản ánh, kiến nghị',
    petitionHint: 'Ví dụ PAKN-261206-0001',
    deletionLegend: 'Xoá những gì',
    targets: {
      drafts: 'Các bản nháp chưa nộp',
      unused_uploads: 'Các tệp đã tải lên nhưng chưa dùng',
      profile: 'Thông tin cá nhân đã lưu',
    } as Record<Target, string>,
    kept: 'Hồ sơ đã nộp và giấy tờ kèm theo là hồ sơ lưu trữ của Nhà nước nên không xoá được.',
    note: 'Ghi chú',
    optional: '(không bắt buộc)',
    send: 'Gửi yêu cầu',
    sending: 'Đang gửi…',
    sent: (d: string) => `Đã gửi yêu cầu. Hạn giải quyết: ${d}.`,
    accessDone: 'Yêu cầu đã được giải quyết ngay: bạn có thể tải dữ liệu ở mục "Tải dữ liệu của tôi".',
    mine: 'Yêu cầu của tôi',
    none: 'Bạn chưa gửi yêu cầu nào.',
    status: {
      received: 'Đã nhận',
      acknowledged: 'Đang giải quyết',
      completed: 'Đã giải quyết',
      refused: 'Bị từ chối',
      withdrawn: 'Đã rút',
    } as Record<DataRequest['status'], string>,
    receivedAt: 'Gửi lúc',
    ackBy: 'Hạn phản hồi',
    dueBy: 'Hạn giải quyết',
    overdue: 'Quá hạn',
    closedAt: 'Kết thúc lúc',
    asked: 'Nội dung yêu cầu',
    done: 'Kết quả',
    download: 'Tải dữ liệu',
    corrected: (f: string) => `Đã sửa: ${f}`,
    unpublished: (n: number) => `Đã ngừng công khai ${n} phản ánh, kiến nghị`,
    deleted: (d: number, u: number, p: boolean) =>
      `Đã xoá ${d} bản nháp, ${u} tệp chưa dùng${p ? ' và thông tin cá nhân đã lưu' : ''}`,
    reason: 'Lý do',
    withdraw: (k: string) => `Rút yêu cầu: ${k}`,
    withdrawn: 'Đã rút yêu cầu.',
    pickTarget: 'Chọn ít nhất một mục cần xoá.',
    pickField: 'Điền ít nhất một thông tin cần sửa.',
  },
  en: {
    heading: 'Rights over my personal data',
    intro:
      'Under the 2025 Personal Data Protection Law you may ask to see, correct, stop the publishing of and delete your personal data. The portal answers within 2 working days and acts within the legal period.',
    kindLegend: 'What do you ask for?',
    kinds: {
      access: 'All my data',
      correction: 'Correct my profile',
      objection: 'Do not publish my petitions',
      deletion: 'Delete data',
    } as Record<Kind, string>,
    fields: {
      fullName: 'Correct full name',
      address: 'Correct address',
      phone: 'Correct mobile phone',
      email: 'Correct e-mail',
    } as Record<Field, string>,
    correctionHint: 'Fill in only what needs correcting.',
    objectionLegend: 'Stop publishing',
    allPetitions: 'All my petitions',
    onePetition: 'One petition',
    petitionCode: 'Petition code',
    petitionHint: 'For example PAKN-261206-0001',
    deletionLegend: 'Delete what',
    targets: {
      drafts: 'Unsent drafts',
      unused_uploads: 'Files uploaded but never used',
      profile: 'My saved profile',
    } as Record<Target, string>,
    kept: 'Filed dossiers and their documents are records the state keeps; they cannot be deleted.',
    note: 'Note',
    optional: '(optional)',
    send: 'Send the request',
    sending: 'Sending…',
    sent: (d: string) => `Request sent. To be acted on by ${d}.`,
    accessDone: 'Done at once: download your data under "Download my data".',
    mine: 'My requests',
    none: 'You have sent no request.',
    status: {
      received: 'Received',
      acknowledged: 'In progress',
      completed: 'Done',
      refused: 'Refused',
      withdrawn: 'Withdrawn',
    } as Record<DataRequest['status'], string>,
    receivedAt: 'Sent',
    ackBy: 'Answer by',
    dueBy: 'Act by',
    overdue: 'Overdue',
    closedAt: 'Closed',
    asked: 'Asked',
    done: 'Done',
    download: 'Download the data',
    corrected: (f: string) => `Corrected: ${f}`,
    unpublished: (n: number) => `${n} petition(s) no longer published`,
    deleted: (d: number, u: number, p: boolean) =>
      `Deleted ${d} draft(s), ${u} unused file(s)${p ? ' and the saved profile' : ''}`,
    reason: 'Reason',
    withdraw: (k: string) => `Withdraw the request: ${k}`,
    withdrawn: 'Request withdrawn.',
    pickTarget: 'Choose at least one thing to delete.',
    pickField: 'Fill in at least one value to correct.',
  },
});

export function DataRights() {
  const s = useStrings();
  const lang = useLang();
  const list = useData(
    (signal) => get<{ items: DataRequest[] }>('/v1/me/data-requests?limit=50', { auth: true, signal }),
    [],
  );
  const [kind, setKind] = useState<Kind>('access');
  const [values, setValues] = useState<Record<Field, string>>({
    fullName: '',
    address: '',
    phone: '',
    email: '',
  });
  const [all, setAll] = useState(true);
  const [petition, setPetition] = useState('');
  const [targets, setTargets] = useState<Target[]>([]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  /** One key per logical request, kept across retries of it. */
  const key = useRef(newIdempotencyKey());

  const bodyOf = (): Record<string, unknown> => {
    const extra = note.trim() ? { note: note.trim() } : {};
    if (kind === 'correction')
      return {
        kind,
        proposed: Object.fromEntries(
          FIELDS.filter((f) => values[f].trim()).map((f) => [f, values[f].trim()]),
        ),
        ...extra,
      };
    if (kind === 'objection')
      return {
        kind,
        stopPublishing: all ? { allPetitions: true } : { petitionCode: petition.trim() },
        ...extra,
      };
    if (kind === 'deletion') return { kind, targets, ...extra };
    return { kind, ...extra };
  };

  const send = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setMessage('');
    const body = bodyOf();
    // The checks the server would make, said next to the choice before sending.
    if (kind === 'deletion' && targets.length === 0) {
      setError(new ApiError(400, 'VALIDATION_FAILED', { vi: s.pickTarget, en: s.pickTarget }));
      return;
    }
    if (kind === 'correction' && Object.keys(body.proposed as object).length === 0) {
      setError(new ApiError(400, 'VALIDATION_FAILED', { vi: s.pickField, en: s.pickField }));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await request<DataRequest>('/v1/me/data-requests', {
        method: 'POST',
        auth: true,
        body,
        idempotencyKey: key.current,
      });
      key.current = newIdempotencyKey();
      setMessage(r.status === 'completed' ? s.accessDone : s.sent(formatDate(r.dueBy, lang)));
      setNote('');
      setTargets([]);
      setValues({ fullName: '', address: '', phone: '', email: '' });
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const withdraw = async (r: DataRequest) => {
    try {
      await request(`/v1/me/data-requests/${r.id}/withdraw`, { method: 'POST', auth: true, body: {} });
      setMessage(s.withdrawn);
      list.reload();
      document.getElementById('rights-heading')?.focus();
    } catch (err) {
      setError(err);
    }
  };

  /** What the person asked, in their words and the form's labels. */
  const asked = (r: DataRequest): string => {
    const d = r.details;
    const parts: string[] = [];
    for (const f of FIELDS) if (d.proposed?.[f]) parts.push(`${s.fields[f]}: ${d.proposed[f]}`);
    if (d.stopPublishing)
      parts.push(
        d.stopPublishing.allPetitions ? s.allPetitions : `${s.petitionCode} ${d.stopPublishing.petitionCode}`,
      );
    if (d.targets?.length) parts.push(d.targets.map((t) => s.targets[t]).join(', '));
    if (d.note) parts.push(`${s.note}: ${d.note}`);
    return parts.join('; ');
  };
  /** What the portal did, once the request was completed. */
  const done = (o: NonNullable<DataRequest['outcome']>): string => {
    const parts: string[] = [];
    if (o.correctedFields?.length)
      parts.push(s.corrected(o.correctedFields.map((f) => s.fields[f as Field] ?? f).join(', ')));
    if (o.unpublishedPetitions) parts.push(s.unpublished(o.unpublishedPetitions.length));
    if (o.deleted)
      parts.push(s.deleted(o.deleted.drafts ?? 0, o.deleted.unusedUploads ?? 0, !!o.deleted.profile));
    if (o.kept) parts.push(o.kept);
    return parts.join('; ');
  };

  const fieldIds: Record<string, string> = {
    ...Object.fromEntries(FIELDS.map((f) => [`proposed.${f}`, `dr-${f}`])),
    'stopPublishing.petitionCode': 'dr-petition',
    note: 'dr-note',
  };
  const labels: Record<string, string> = {
    ...Object.fromEntries(FIELDS.map((f) => [`proposed.${f}`, s.fields[f]])),
    'stopPublishing.petitionCode': s.petitionCode,
    note: s.note,
  };

  return (
    <section aria-labelledby="rights-heading" id="data-rights">
      <h2 id="rights-heading" tabIndex={-1}>
        {s.heading}
      </h2>
      <p>{s.intro}</p>
      <p role="status" id="rights-message" class="ok-text">
        {message}
      </p>
      <form class="filing" noValidate onSubmit={send} id="rights-form">
        <ErrorSummary error={error} fieldIds={fieldIds} labels={labels} />
        <fieldset>
          <legend>{s.kindLegend}</legend>
          {KINDS.map((k) => (
            <span class="check" key={k}>
              <input
                type="radio"
                id={`dr-kind-${k}`}
                name="dr-kind"
                value={k}
                checked={kind === k}
                onChange={() => {
                  setKind(k);
                  setError(undefined);
                }}
              />
              <label for={`dr-kind-${k}`}>{s.kinds[k]}</label>
            </span>
          ))}
        </fieldset>

        {kind === 'correction' && (
          <fieldset>
            <legend>{s.kinds.correction}</legend>
            <p class="hint">{s.correctionHint}</p>
            {FIELDS.map((f) => {
              const id = `dr-${f}`;
              const invalid = error instanceof ApiError && !!error.fields[`proposed.${f}`];
              return (
                <div class="field" key={f}>
                  <label for={id}>{s.fields[f]}</label>
                  <input
                    id={id}
                    type={(f === 'phone' ? 'tel' : f === 'email' ? 'email' : 'text') as 'text'}
                    inputMode={f === 'phone' ? 'numeric' : undefined}
                    value={values[f]}
                    aria-invalid={invalid || undefined}
                    aria-describedby={invalid ? `${id}-error` : undefined}
                    onInput={(e) => {
                      const v = e.currentTarget.value;
                      setValues((cur) => ({ ...cur, [f]: v }));
                    }}
                  />
                  <FieldError id={id} error={error} path={`proposed.${f}`} />
                </div>
              );
            })}
          </fieldset>
        )}

        {kind === 'objection' && (
          <fieldset>
            <legend>{s.objectionLegend}</legend>
            <span class="check">
              <input type="radio" id="dr-all" name="dr-which" checked={all} onChange={() => setAll(true)} />
              <label for="dr-all">{s.allPetitions}</label>
            </span>
            <span class="check">
              <input type="radio" id="dr-one" name="dr-which" checked={!all} onChange={() => setAll(false)} />
              <label for="dr-one">{s.onePetition}</label>
            </span>
            {!all && (
              <div class="field">
                <label for="dr-petition">{s.petitionCode}</label>
                <p class="hint" id="dr-petition-hint">
                  {s.petitionHint}
                </p>
                <input
                  id="dr-petition"
                  value={petition}
                  aria-describedby="dr-petition-hint"
                  onInput={(e) => setPetition(e.currentTarget.value)}
                />
                <FieldError id="dr-petition" error={error} path="stopPublishing.petitionCode" />
              </div>
            )}
          </fieldset>
        )}

        {kind === 'deletion' && (
          <fieldset aria-describedby="dr-kept">
            <legend>{s.deletionLegend}</legend>
            <p class="hint" id="dr-kept">
              {s.kept}
            </p>
            {TARGETS.map((t) => (
              <span class="check" key={t}>
                <input
                  type="checkbox"
                  id={`dr-target-${t}`}
                  checked={targets.includes(t)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setTargets((cur) => (on ? [...cur, t] : cur.filter((x) => x !== t)));
                  }}
                />
                <label for={`dr-target-${t}`}>{s.targets[t]}</label>
              </span>
            ))}
          </fieldset>
        )}

        <div class="field">
          <label for="dr-note">
            {s.note} <span class="muted">{s.optional}</span>
          </label>
          <textarea id="dr-note" rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </div>
        <div class="actions">
          <button type="submit" id="rights-send" disabled={busy} aria-busy={busy}>
            {busy ? s.sending : s.send}
          </button>
        </div>
      </form>

      <h3 id="rights-mine">{s.mine}</h3>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <ErrorSummary error={list.error} onRetry={list.reload} />
      ) : (
        <ul class="list" id="my-data-requests" aria-labelledby="rights-mine">
          {list.data?.items.length === 0 && <li>{s.none}</li>}
          {list.data?.items.map((r) => (
            <li key={r.id}>
              <strong>{s.kinds[r.kind]}</strong> — {s.status[r.status]}
              {r.overdue && <span class="field-error"> ({s.overdue})</span>}
              <span class="meta">
                {s.receivedAt} {formatDateTime(r.receivedAt, lang)}
                {r.closedAt ? (
                  <>
                    ; {s.closedAt} {formatDateTime(r.closedAt, lang)}
                  </>
                ) : (
                  <>
                    ; {s.ackBy} {formatDate(r.acknowledgeBy, lang)}; {s.dueBy} {formatDate(r.dueBy, lang)}
                  </>
                )}
              </span>
              {asked(r) && (
                <span class="meta">
                  {s.asked}: {asked(r)}
                </span>
              )}
              {r.outcome && (
                <span class="meta">
                  {s.done}: {done(r.outcome)}
                  {r.outcome.exportUrl && (
                    <>
                      {' '}
                      <a href="#export-heading">{s.download}</a>
                    </>
                  )}
                </span>
              )}
              {r.reason && (
                <span class="meta">
                  {s.reason}: {r.reason}
                </span>
              )}
              {(r.status === 'received' || r.status === 'acknowledged') && (
                <button type="button" class="link" onClick={() => void withdraw(r)}>
                  {s.withdraw(s.kinds[r.kind])}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
