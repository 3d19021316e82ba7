/**
 * My account (/tai-khoan): the profile (read masked; edited as a whole with the version last read, so
 * two devices cannot overwrite each other), unsent drafts, my documents (results issued to me, then scans
 * submitted), who has read my data, a download of everything the portal holds for the account, and my
 * requests over my personal data (components/DataRights.tsx).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorText, get, request } from '../api.js';
import { type Session, signIn, useSession } from '../auth.js';
import { DataRights } from '../components/DataRights.js';
import { ErrorSummary, FieldError } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { MyDocumentsAndAccess } from '../components/MyDocuments.js';
import { useData, useTitle } from '../data.js';
import { deleteDraft, listDrafts } from '../filing/drafts.js';
import { formatDate, formatDateTime, strings, useCommon, useLang } from '../i18n.js';
import { Link } from '../router.js';
import { filingPath } from '../routes.js';

const useStrings = strings({
  vi: {
    title: 'Tài khoản của tôi',
    asBusiness: (tax: string) =>
      `Bạn đăng nhập với tư cách đại diện doanh nghiệp có mã số thuế ${tax}. Hồ sơ của doanh nghiệp nằm ở trang "Hồ sơ của tôi".`,
    asDesk: (office: string) =>
      `Bạn đăng nhập với tư cách cán bộ một cửa (${office}). Hồ sơ bạn nộp thay công dân nằm ở trang "Hồ sơ của tôi".`,
    profile: 'Thông tin cá nhân',
    noProfile: 'Bạn chưa lưu thông tin cá nhân. Lưu một lần để Cổng điền sẵn vào các tờ khai.',
    fullName: 'Họ, chữ đệm và tên',
    dateOfBirth: 'Ngày sinh',
    citizenId: 'Số định danh cá nhân',
    citizenIdNote: 'Lấy từ VNeID khi bạn đăng nhập, không sửa được.',
    phone: 'Số điện thoại di động',
    phoneHint: '10 chữ số, ví dụ 0912345678. Tin nhắn của Cổng được gửi tới số này.',
    address: 'Địa chỉ',
    email: 'Thư điện tử',
    optional: '(không bắt buộc)',
    updated: 'Cập nhật lần cuối',
    edit: 'Sửa thông tin cá nhân',
    create: 'Lưu thông tin cá nhân',
    save: 'Lưu thay đổi',
    saving: 'Đang lưu…',
    cancel: 'Huỷ',
    saved: 'Đã lưu thông tin cá nhân.',
    conflict:
      'Thông tin cá nhân vừa được thay đổi ở thiết bị hoặc thẻ trình duyệt khác. Cổng đã tải lại bản mới nhất vào ô nhập; vui lòng kiểm tra rồi lưu lại.',
    drafts: 'Bản nháp chưa nộp',
    noDrafts: 'Bạn không có bản nháp nào.',
    savedAt: (at: string) => `Lưu lúc ${at}`,
    expires: (d: string) => `tự xoá sau ngày ${d} nếu không lưu tiếp`,
    resume: (name: string) => `Tiếp tục nộp: ${name}`,
    remove: (name: string) => `Xoá bản nháp: ${name}`,
    removed: (name: string) => `Đã xoá bản nháp "${name}".`,
    noDocuments: 'Bạn chưa nộp giấy tờ nào.',
    export: 'Tải dữ liệu của tôi',
    exportText:
      'Tải về một tệp JSON gồm thông tin cá nhân (đầy đủ, không che), mọi hồ sơ cùng tờ khai, giấy tờ, quá trình xử lý, trạng thái thanh toán, các phản ánh, kiến nghị và các yêu cầu về dữ liệu cá nhân của bạn. Hãy lưu tệp ở nơi an toàn.',
    exportButton: 'Tải xuống (JSON)',
    exporting: 'Đang chuẩn bị tệp…',
    exported: (name: string) => `Đã tải xuống tệp ${name}.`,
  },
  en: {
    title: 'My account',
    asBusiness: (tax: string) =>
      `You are signed in as the representative of the enterprise with tax code ${tax}. The enterprise's dossiers are under "My dossiers".`,
    asDesk: (office: string) =>
      `You are signed in as a one-stop desk officer (${office}). The dossiers you filed for citizens are under "My dossiers".`,
    profile: 'Profile',
    noProfile: 'You have not saved a profile yet. Save it once and the portal fills it into forms.',
    fullName: 'Full name',
    dateOfBirth: 'Date of birth',
    citizenId: 'Personal ID number',
    citizenIdNote: 'From VNeID when you sign in; it cannot be changed.',
    phone: 'Mobile phone',
    phoneHint: "10 digits, e.g. 0912345678. The portal's text messages go to this number.",
    address: 'Address',
    email: 'E-mail',
    optional: '(optional)',
    updated: 'Last updated',
    edit: 'Edit the profile',
    create: 'Save the profile',
    save: 'Save changes',
    saving: 'Saving…',
    cancel: 'Cancel',
    saved: 'The profile is saved.',
    conflict:
      'The profile was just changed on another device or browser tab. The portal loaded the latest version into the form; please check it and save again.',
    drafts: 'Unsent drafts',
    noDrafts: 'You have no drafts.',
    savedAt: (at: string) => `Saved at ${at}`,
    expires: (d: string) => `deleted after ${d} unless saved again`,
    resume: (name: string) => `Continue filing: ${name}`,
    remove: (name: string) => `Delete the draft: ${name}`,
    removed: (name: string) => `The draft "${name}" was deleted.`,
    noDocuments: 'You have not submitted any documents yet.',
    export: 'Download my data',
    exportText:
      'Downloads a JSON file with your profile (in full, unmasked), every dossier with its form, documents, progress and payment state, your petitions and your personal-data requests. Keep the file somewhere safe.',
    exportButton: 'Download (JSON)',
    exporting: 'Preparing the file…',
    exported: (name: string) => `Downloaded ${name}.`,
  },
});

interface Profile {
  fullName: string;
  dateOfBirth: string;
  citizenId: string;
  phone: string;
  address: string;
  email?: string;
  version: number;
  updatedAt: string;
}

export function Account() {
  const s = useStrings();
  const t = useCommon();
  const session = useSession();
  useTitle(s.title, t.brand);
  if (!session)
    return (
      <>
        <h1>{s.title}</h1>
        <p>{t.needSignIn}</p>
        <button type="button" onClick={() => void signIn({ returnTo: '/tai-khoan' })}>
          {t.signIn}
        </button>
      </>
    );
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">{s.title}</h1>
      <Role session={session} />
      <ProfileSection />
      <DraftsSection />
      <MyDocumentsAndAccess />
      <ExportSection />
      {/* The people whose personal data the portal holds: citizens and enterprises' representatives. */}
      {(session.role === 'citizen' || session.role === 'business') && <DataRights />}
    </section>
  );
}

function Role({ session }: { session: Session }) {
  const s = useStrings();
  if (session.role === 'business' && session.taxCode)
    return <p class="notice">{s.asBusiness(session.taxCode)}</p>;
  if (session.role === 'desk_officer') return <p class="notice">{s.asDesk(session.agencyId ?? '')}</p>;
  return null;
}

type ProfileInput = { fullName: string; dateOfBirth: string; address: string; phone: string; email: string };
const PROFILE_FIELDS = ['fullName', 'dateOfBirth', 'phone', 'address', 'email'] as const;

function ProfileSection() {
  const s = useStrings();
  const lang = useLang();
  const profile = useData(
    (signal) =>
      get<Profile>('/v1/me/profile', { auth: true, signal }).catch((err) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
    [],
  );
  const [editing, setEditing] = useState<{ version?: number; values: ProfileInput }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  /** Another device saved the profile meanwhile: its version is now in the form. */
  const [conflict, setConflict] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  /** The form starts from the profile in full (the view masks the phone). */
  const startEditing = async () => {
    setMessage('');
    setError(undefined);
    try {
      const full = await get<Profile>('/v1/me/profile?reveal=true', { auth: true });
      setEditing({ version: full.version, values: valuesOf(full) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404)
        setEditing({ values: { fullName: '', dateOfBirth: '', address: '', phone: '', email: '' } });
      else setError(err);
    }
  };
  useEffect(() => {
    if (editing && !busy) first.current?.focus();
  }, [!!editing]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!editing || busy) return;
    setBusy(true);
    setError(undefined);
    setConflict(false);
    const { email, ...rest } = editing.values;
    try {
      await request<Profile>('/v1/me/profile', {
        method: 'PUT',
        auth: true,
        body: { ...rest, ...(email.trim() ? { email: email.trim() } : {}) },
        headers: editing.version ? { 'if-match': `"${editing.version}"` } : {},
      });
      setEditing(undefined);
      setConflict(false);
      setMessage(s.saved);
      profile.reload();
    } catch (err) {
      if (err instanceof ApiError && (err.status === 412 || err.status === 428)) {
        // Someone saved meanwhile: show theirs, so nothing is overwritten unseen.
        const latest = await get<Profile>('/v1/me/profile?reveal=true', { auth: true }).catch(
          () => undefined,
        );
        if (latest) setEditing({ version: latest.version, values: valuesOf(latest) });
        setConflict(true);
        requestAnimationFrame(() => document.getElementById('profile-conflict')?.focus());
        profile.reload();
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const labels: Record<string, string> = {
    fullName: s.fullName,
    dateOfBirth: s.dateOfBirth,
    phone: s.phone,
    address: s.address,
    email: s.email,
  };
  const p = profile.data;
  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">{s.profile}</h2>
      <p id="profile-message" role="status" class="ok-text">
        {message}
      </p>
      {profile.loading && !p ? (
        <Loading />
      ) : profile.error ? (
        <ErrorSummary error={profile.error} onRetry={profile.reload} />
      ) : editing ? (
        <form class="filing" noValidate onSubmit={save} id="profile-form">
          {conflict && (
            <p class="notice" role="alert" id="profile-conflict" tabIndex={-1}>
              {s.conflict}
            </p>
          )}
          <ErrorSummary
            error={error}
            labels={labels}
            fieldIds={Object.fromEntries(PROFILE_FIELDS.map((f) => [f, `p-${f}`]))}
          />
          {p && (
            <p>
              {s.citizenId}: <strong>{p.citizenId}</strong> <span class="muted">— {s.citizenIdNote}</span>
            </p>
          )}
          {PROFILE_FIELDS.map((f, i) => {
            const id = `p-${f}`;
            const invalid = error instanceof ApiError && !!error.fields[f];
            const hint = f === 'phone' ? `${id}-hint` : '';
            return (
              <div class="field" key={f}>
                <label for={id}>
                  {labels[f]} {f === 'email' && <span class="muted">{s.optional}</span>}
                </label>
                {hint && (
                  <p class="hint" id={hint}>
                    {s.phoneHint}
                  </p>
                )}
                <input
                  id={id}
                  ref={i === 0 ? first : undefined}
                  type={
                    (f === 'dateOfBirth'
                      ? 'date'
                      : f === 'email'
                        ? 'email'
                        : f === 'phone'
                          ? 'tel'
                          : 'text') as 'text'
                  }
                  inputMode={f === 'phone' ? 'numeric' : undefined}
                  autoComplete={
                    {
                      fullName: 'name',
                      dateOfBirth: 'bday',
                      phone: 'tel',
                      address: 'street-address',
                      email: 'email',
                    }[f]
                  }
                  value={editing.values[f]}
                  aria-invalid={invalid || undefined}
                  aria-describedby={
                    [hint, invalid ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
                  }
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setEditing((cur) => cur && { ...cur, values: { ...cur.values, [f]: v } });
                  }}
                />
                {invalid && <FieldError id={id} error={error} path={f} />}
              </div>
            );
          })}
          <div class="actions">
            <button type="submit" disabled={busy} aria-busy={busy}>
              {busy ? s.saving : s.save}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setEditing(undefined);
                setError(undefined);
                setConflict(false);
              }}
            >
              {s.cancel}
            </button>
          </div>
        </form>
      ) : (
        <>
          <ErrorSummary error={error} />
          {p ? (
            <dl id="profile-view">
              <dt>{s.fullName}</dt>
              <dd>{p.fullName}</dd>
              <dt>{s.dateOfBirth}</dt>
              <dd>{formatDate(`${p.dateOfBirth}T12:00:00Z`, lang)}</dd>
              <dt>{s.citizenId}</dt>
              <dd>{p.citizenId}</dd>
              <dt>{s.phone}</dt>
              <dd>{p.phone}</dd>
              <dt>{s.address}</dt>
              <dd>{p.address}</dd>
              {p.email && (
                <>
                  <dt>{s.email}</dt>
                  <dd>{p.email}</dd>
                </>
              )}
              <dt>{s.updated}</dt>
              <dd>{formatDateTime(p.updatedAt, lang)}</dd>
            </dl>
          ) : (
            <p>{s.noProfile}</p>
          )}
          <button type="button" id="edit-profile" onClick={() => void startEditing()}>
            {p ? s.edit : s.create}
          </button>
        </>
      )}
    </section>
  );
}

const valuesOf = (p: Profile): ProfileInput => ({
  fullName: p.fullName,
  dateOfBirth: p.dateOfBirth,
  address: p.address,
  phone: p.phone,
  email: p.email ?? '',
});

function DraftsSection() {
  const s = useStrings();
  const lang = useLang();
  const drafts = useData((signal) => listDrafts(signal), []);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>();
  return (
    <section aria-labelledby="drafts-heading">
      <h2 id="drafts-heading">{s.drafts}</h2>
      <p role="status" id="drafts-message">
        {message}
      </p>
      {error ? <p class="field-error">{errorText(error, lang)}</p> : null}
      {drafts.loading && !drafts.data ? (
        <Loading />
      ) : drafts.error ? (
        <ErrorSummary error={drafts.error} onRetry={drafts.reload} />
      ) : (
        <ul class="list" id="my-drafts">
          {drafts.data?.items.length === 0 && <li>{s.noDrafts}</li>}
          {drafts.data?.items.map((d) => {
            const name = d.procedureName ?? d.procedureCode;
            return (
              <li key={d.procedureCode}>
                <Link href={filingPath(d.procedureCode)}>{s.resume(name)}</Link>
                <span class="meta">
                  {s.savedAt(formatDateTime(d.savedAt, lang))}; {s.expires(formatDate(d.expiresAt, lang))}
                </span>
                <button
                  type="button"
                  class="link"
                  onClick={async () => {
                    try {
                      await deleteDraft(d.procedureCode);
                      setError(undefined);
                      setMessage(s.removed(name));
                      drafts.reload();
                      document.getElementById('drafts-heading')?.focus();
                    } catch (err) {
                      setError(err);
                    }
                  }}
                >
                  {s.remove(name)}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function ExportSection() {
  const s = useStrings();
  const lang = useLang();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    setMessage(s.exporting);
    try {
      const data = await get<{ exportedAt: string }>('/v1/me/export', { auth: true });
      const name = `cong-du-lieu-${data.exportedAt.slice(0, 10)}.json`;
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setMessage(s.exported(name));
    } catch (err) {
      setMessage('');
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="export-heading">
      <h2 id="export-heading">{s.export}</h2>
      <p>{s.exportText}</p>
      <button type="button" id="export" disabled={busy} aria-busy={busy} onClick={() => void download()}>
        {s.exportButton}
      </button>
      <p role="status" id="export-message">
        {message}
      </p>
      {error ? <p class="field-error">{errorText(error, lang)}</p> : null}
    </section>
  );
}
