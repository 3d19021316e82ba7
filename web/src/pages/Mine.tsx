import { useEffect, useState } from 'preact/hooks';
import { errorText, get } from '../api.js';
import { signIn, useSession } from '../auth.js';
import { DossierDetails } from '../components/DossierDetails.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { useData, useTitle } from '../data.js';
import { formatDateTime, strings, useCommon, useLang } from '../i18n.js';
import type { DossierView } from '../types.js';

const useStrings = strings({
  vi: {
    title: 'Hồ sơ của tôi',
    none: 'Bạn chưa có hồ sơ nào.',
    submitted: 'Nộp',
    business: (tax: string) => `Hồ sơ của doanh nghiệp (mã số thuế ${tax})`,
    desk: 'Hồ sơ đã nộp thay công dân',
  },
  en: {
    title: 'My dossiers',
    none: 'You have no dossiers yet.',
    submitted: 'Submitted',
    business: (tax: string) => `The enterprise's dossiers (tax code ${tax})`,
    desk: 'Dossiers filed for citizens',
  },
});

export function Mine() {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  useTitle(s.title, t.brand);
  const list = useData(
    (signal) =>
      session
        ? get<{ items: DossierView[] }>('/v1/me/dossiers', { auth: true, signal })
        : Promise.resolve(undefined),
    [session?.sub],
  );
  const [open, setOpen] = useState<DossierView>();
  const [openError, setOpenError] = useState<unknown>();
  useEffect(() => {
    if (open) document.getElementById('dossier')?.focus();
  }, [open]);
  if (!session)
    return (
      <>
        <h1>{s.title}</h1>
        <p>{t.needSignIn}</p>
        <button type="button" onClick={() => void signIn({ returnTo: '/ho-so-cua-toi' })}>
          {t.signIn}
        </button>
      </>
    );
  const show = async (code: string) => {
    try {
      setOpen(await get<DossierView>(`/v1/dossiers/${encodeURIComponent(code)}`, { auth: true }));
      setOpenError(undefined);
    } catch (err) {
      setOpenError(err);
    }
  };
  return (
    <section id="mine" aria-labelledby="mine-heading">
      <h1 id="mine-heading">
        {session.role === 'business' && session.taxCode
          ? s.business(session.taxCode)
          : session.role === 'desk_officer'
            ? s.desk
            : s.title}
      </h1>
      <ErrorSummary error={list.error} onRetry={list.reload} />
      {list.loading ? (
        <Loading />
      ) : (
        <ul id="my-dossiers" class="list">
          {list.data?.items.length === 0 && <li>{s.none}</li>}
          {list.data?.items.map((d) => (
            <li key={d.code}>
              <button type="button" class="link" onClick={() => void show(d.code)}>
                {d.code} — {d.procedureName}
              </button>
              <span class="meta">
                <StatusBadge status={d.status} overdue={d.overdue} /> {s.submitted}{' '}
                {formatDateTime(d.submittedAt, lang)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {openError ? <p class="field-error">{errorText(openError, lang)}</p> : null}
      {open && <DossierDetails d={open} id="dossier" />}
    </section>
  );
}
