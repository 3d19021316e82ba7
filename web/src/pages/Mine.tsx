/**
 * My dossiers (/ho-so-cua-toi), newest first, filtered by status and procedure (as GET /v1/me/dossiers
 * filters) and by when they were filed: the list is newest first, so paging stops at the first dossier
 * older than the period. Filters live in the address (no personal data: a status, a procedure code, a
 * number of days), so a filtered list can be bookmarked and the back button works.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { signIn, useSession } from '../auth.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { useData, useTitle } from '../data.js';
import { cutAtPeriod, dossierPath, type MyDossierList, sinceDays } from '../follow.js';
import { formatDate, formatDateTime, STATUS, strings, useCommon, useLang } from '../i18n.js';
import { Link, navigate, type PageProps } from '../router.js';

const useStrings = strings({
  vi: {
    title: 'Hồ sơ của tôi',
    none: 'Bạn chưa có hồ sơ nào.',
    noneFiltered: 'Không có hồ sơ nào khớp với bộ lọc.',
    submitted: 'Nộp',
    due: 'hạn',
    filters: 'Lọc hồ sơ',
    status: 'Trạng thái',
    procedure: 'Thủ tục',
    period: 'Thời gian nộp',
    all: 'Tất cả',
    days: (n: number): string => (n === 30 ? '30 ngày qua' : n === 90 ? '3 tháng qua' : '12 tháng qua'),
    apply: 'Lọc',
    clear: 'Bỏ lọc',
    count: (n: number, more: boolean) => `Đang hiện ${n} hồ sơ${more ? ', còn nữa' : ''}.`,
    more: 'Xem thêm hồ sơ',
    business: (tax: string) => `Hồ sơ của doanh nghiệp (mã số thuế ${tax})`,
    desk: 'Hồ sơ đã nộp thay công dân',
  },
  en: {
    title: 'My dossiers',
    none: 'You have no dossiers yet.',
    noneFiltered: 'No dossiers match these filters.',
    submitted: 'Filed',
    due: 'due',
    filters: 'Filter dossiers',
    status: 'Status',
    procedure: 'Procedure',
    period: 'Filed',
    all: 'All',
    days: (n: number) => (n === 30 ? 'Last 30 days' : n === 90 ? 'Last 3 months' : 'Last 12 months'),
    apply: 'Filter',
    clear: 'Clear filters',
    count: (n: number, more: boolean) => `Showing ${n} dossiers${more ? ', more available' : ''}.`,
    more: 'Show more dossiers',
    business: (tax: string) => `The enterprise's dossiers (tax code ${tax})`,
    desk: 'Dossiers filed for citizens',
  },
});

const PERIODS = [30, 90, 365] as const;
type Item = MyDossierList['items'][number];

export function Mine({ query: q }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  useTitle(s.title, t.brand);
  const status = q.get('status') ?? '';
  const procedure = q.get('procedure') ?? '';
  const periodDays = PERIODS.find((p) => String(p) === q.get('period'));
  const since = periodDays ? sinceDays(periodDays) : undefined;

  // The procedures I have filed, for the procedure filter's choices.
  const mine = useData(
    (signal) =>
      session
        ? get<MyDossierList>(`/v1/me/dossiers${query({ limit: 100 })}`, { auth: true, signal })
        : Promise.resolve(undefined),
    [session?.sub],
  );
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);

  const loadPage = async (after: string | null, signal?: AbortSignal) => {
    const page = await get<MyDossierList>(
      `/v1/me/dossiers${query({ status, procedure, limit: 20, cursor: after })}`,
      { auth: true, signal },
    );
    return cutAtPeriod(page, since);
  };

  useEffect(() => {
    if (!session) return;
    const abort = new AbortController();
    // New filters: the old list goes at once, so nothing stale shows while the new one loads.
    setItems([]);
    setCursor(null);
    setBusy(true);
    setError(undefined);
    loadPage(null, abort.signal).then(
      (r) => {
        if (abort.signal.aborted) return;
        setItems(r.items);
        setCursor(r.next);
        setBusy(false);
      },
      (err) => {
        if (abort.signal.aborted) return;
        setError(err);
        setBusy(false);
      },
    );
    return () => abort.abort();
  }, [session?.sub, status, procedure, since?.slice(0, 10), tick]);

  if (!session)
    return (
      <>
        <h1>{s.title}</h1>
        <p>{t.needSignIn}</p>
        <button type="button" onClick={() => void signIn({ returnTo: location.pathname + location.search })}>
          {t.signIn}
        </button>
      </>
    );

  const procedures = new Map<string, string>();
  for (const d of mine.data?.items ?? []) procedures.set(d.procedureCode, d.procedureName);
  if (procedure && !procedures.has(procedure)) procedures.set(procedure, procedure);
  const filtered = !!(status || procedure || periodDays);

  const more = async () => {
    setBusy(true);
    try {
      const r = await loadPage(cursor);
      setItems((all) => [...all, ...r.items]);
      setCursor(r.next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
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
      <Filters
        key={`${status}|${procedure}|${periodDays ?? ''}|${procedures.size}`}
        status={status}
        procedure={procedure}
        period={periodDays ? String(periodDays) : ''}
        procedures={procedures}
        filtered={filtered}
      />
      <ErrorSummary error={error} onRetry={() => setTick((n) => n + 1)} />
      <p id="mine-count" role="status" class="meta">
        {busy && !items.length ? '' : s.count(items.length, !!cursor)}
      </p>
      {busy && !items.length ? (
        <Loading />
      ) : (
        <ul id="my-dossiers" class="list">
          {items.length === 0 && <li>{filtered ? s.noneFiltered : s.none}</li>}
          {items.map((d) => (
            <li key={d.code}>
              <Link href={dossierPath(d.code)}>
                {d.code} — {d.procedureName}
              </Link>
              <span class="meta">
                <StatusBadge status={d.status} overdue={d.overdue} /> {s.submitted}{' '}
                {formatDateTime(d.submittedAt, lang)} · {s.due} {formatDate(d.dueAt, lang)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <div class="actions">
          <button type="button" class="secondary" disabled={busy} onClick={() => void more()}>
            {s.more}
          </button>
        </div>
      )}
    </section>
  );
}

/** The filter form; its choices are its own until "Lọc" puts them in the address. */
function Filters(props: {
  status: string;
  procedure: string;
  period: string;
  procedures: Map<string, string>;
  filtered: boolean;
}) {
  const s = useStrings();
  const lang = useLang();
  const [v, setV] = useState({ status: props.status, procedure: props.procedure, period: props.period });
  const set = (k: keyof typeof v) => (e: Event) =>
    setV((all) => ({ ...all, [k]: (e.currentTarget as HTMLSelectElement).value }));
  return (
    <form
      class="filters stats-filters"
      aria-labelledby="mine-filters"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(`/ho-so-cua-toi${query(v)}`);
      }}
    >
      <h2 id="mine-filters" class="visually-hidden">
        {s.filters}
      </h2>
      <div class="filter-row">
        <div>
          <label for="filter-status">{s.status}</label>
          <select id="filter-status" value={v.status} onChange={set('status')}>
            <option value="">{s.all}</option>
            {Object.entries(STATUS[lang]).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-procedure">{s.procedure}</label>
          <select id="filter-procedure" value={v.procedure} onChange={set('procedure')}>
            <option value="">{s.all}</option>
            {[...props.procedures].map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-period">{s.period}</label>
          <select id="filter-period" value={v.period} onChange={set('period')}>
            <option value="">{s.all}</option>
            {PERIODS.map((p) => (
              <option key={p} value={String(p)}>
                {s.days(p)}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">{s.apply}</button>
          {props.filtered && <Link href="/ho-so-cua-toi">{s.clear}</Link>}
        </div>
      </div>
    </form>
  );
}
