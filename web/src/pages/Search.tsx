import { useEffect, useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { ProcedureMeta } from '../components/ProcedureMeta.js';
import { ProcedureSearchForm } from '../components/ProcedureSearchForm.js';
import { useData, useDraft, useTitle } from '../data.js';
import { strings, useCommon, useLang } from '../i18n.js';
import { Link, navigate, type PageProps } from '../router.js';
import { procedurePath } from '../routes.js';
import type { ProcedureList, ProcedureSummary, ProvinceList } from '../types.js';

const useStrings = strings({
  vi: {
    title: 'Tìm thủ tục hành chính',
    filters: 'Lọc kết quả',
    level: 'Mức độ, cấp thực hiện',
    anyLevel: 'Tất cả',
    province: 'Tỉnh, thành phố',
    anyProvince: 'Cả nước',
    onlineOnly: 'Chỉ thủ tục nộp trực tuyến toàn trình',
    apply: 'Áp dụng bộ lọc',
    results: 'Kết quả',
    count: (n: number, more: boolean) => `${more ? 'Hơn ' : ''}${n} thủ tục`,
    none: 'Không tìm thấy thủ tục phù hợp.',
    more: 'Xem thêm',
    levels: [
      ['toan_trinh', 'Trực tuyến toàn trình'],
      ['mot_phan', 'Trực tuyến một phần'],
      ['ministry', 'Cấp bộ'],
      ['province', 'Cấp tỉnh'],
      ['commune', 'Cấp xã'],
    ] as Array<[string, string]>,
  },
  en: {
    title: 'Find an administrative procedure',
    filters: 'Filter results',
    level: 'Online level or authority',
    anyLevel: 'All',
    province: 'Province or city',
    anyProvince: 'Whole country',
    onlineOnly: 'Only procedures filed fully online',
    apply: 'Apply filters',
    results: 'Results',
    count: (n: number, more: boolean) => `${more ? 'More than ' : ''}${n} procedure${n === 1 ? '' : 's'}`,
    none: 'No procedure matches.',
    more: 'Show more',
    levels: [
      ['toan_trinh', 'Fully online'],
      ['mot_phan', 'Partly online'],
      ['ministry', 'Ministry'],
      ['province', 'Province'],
      ['commune', 'Commune'],
    ] as Array<[string, string]>,
  },
});

const PAGE = 20;
const wide = () => matchMedia('(min-width: 56rem)').matches;

export function Search({ query: url }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  useTitle(s.title, t.brand);
  const q = url.get('q') ?? '';
  const level = url.get('level') ?? '';
  const province = url.get('province') ?? '';
  const fullyOnline = url.get('fullyOnline') === 'true';
  const [levelDraft, setLevelDraft] = useDraft(level);
  const [provinceDraft, setProvinceDraft] = useDraft(province);
  const [onlineDraft, setOnlineDraft] = useDraft(fullyOnline);
  const provinces = useData((signal) => get<ProvinceList>('/v1/provinces', { signal }), []);
  const results = useData(
    (signal) =>
      get<ProcedureList>(
        `/v1/procedures${query({ q, level, province, fullyOnline: fullyOnline || undefined, limit: PAGE })}`,
        { signal },
      ),
    [q, level, province, fullyOnline],
  );
  // Further pages are added under the first; a new search starts again.
  const [more, setMore] = useState<{ items: ProcedureSummary[]; cursor: string | null }>({
    items: [],
    cursor: null,
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  useEffect(() => setMore({ items: [], cursor: results.data?.nextCursor ?? null }), [results.data]);
  const items = [...(results.data?.items ?? []), ...more.items];
  const loadMore = async () => {
    if (!more.cursor) return;
    setLoadingMore(true);
    try {
      const next = await get<ProcedureList>(
        `/v1/procedures${query({ q, level, province, fullyOnline: fullyOnline || undefined, limit: PAGE, cursor: more.cursor })}`,
      );
      setMore({ items: [...more.items, ...next.items], cursor: next.nextCursor });
      setMoreError(undefined);
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };
  const applyFilters = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const next = new URLSearchParams();
    if (q) next.set('q', q);
    for (const k of ['level', 'province']) {
      const v = String(data.get(k) ?? '');
      if (v) next.set(k, v);
    }
    if (data.get('fullyOnline')) next.set('fullyOnline', 'true');
    navigate(`/thu-tuc?${next}`);
  };
  return (
    <>
      <h1>{s.title}</h1>
      <ProcedureSearchForm key={q} initial={q} extra={url} />
      <div class="with-filters">
        {/* On a phone the filters fold away above the results unless one is in use. */}
        <details class="filters" open={Boolean(level || province || fullyOnline) || wide()}>
          <summary>
            <h2 id="filters-title">{s.filters}</h2>
          </summary>
          <form
            aria-labelledby="filters-title"
            onSubmit={(e) => {
              e.preventDefault();
              applyFilters(e.currentTarget);
            }}
          >
            <label for="f-level">{s.level}</label>
            <select
              id="f-level"
              name="level"
              value={levelDraft}
              onChange={(e) => setLevelDraft(e.currentTarget.value)}
            >
              <option value="">{s.anyLevel}</option>
              {s.levels.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
            <label for="f-province">{s.province}</label>
            <select
              id="f-province"
              name="province"
              value={provinceDraft}
              onChange={(e) => setProvinceDraft(e.currentTarget.value)}
            >
              <option value="">{s.anyProvince}</option>
              {(provinces.data?.items ?? []).map((p) => (
                <option key={p.code} value={p.code}>
                  {lang === 'en' ? p.nameEn : p.fullName}
                </option>
              ))}
            </select>
            <div class="check">
              <input
                id="f-online"
                type="checkbox"
                name="fullyOnline"
                value="true"
                checked={onlineDraft}
                onChange={(e) => setOnlineDraft(e.currentTarget.checked)}
              />
              <label for="f-online">{s.onlineOnly}</label>
            </div>
            <button type="submit" class="secondary">
              {s.apply}
            </button>
          </form>
        </details>
        <section aria-labelledby="results-title" class="results">
          <h2 id="results-title">{s.results}</h2>
          <ErrorSummary error={results.error} onRetry={results.reload} />
          {results.loading ? (
            <Loading />
          ) : (
            results.data && (
              <>
                <p role="status">{items.length ? s.count(items.length, Boolean(more.cursor)) : s.none}</p>
                <ul id="procedures" class="list">
                  {items.map((p) => (
                    <li key={p.code}>
                      <Link href={procedurePath(p.code)}>
                        {lang === 'en' && p.nameEn ? p.nameEn : p.name}
                      </Link>
                      <ProcedureMeta p={p} />
                    </li>
                  ))}
                </ul>
                <ErrorSummary error={moreError} />
                {more.cursor && (
                  <button
                    type="button"
                    class="secondary"
                    disabled={loadingMore}
                    onClick={() => void loadMore()}
                  >
                    {loadingMore ? t.loading : s.more}
                  </button>
                )}
              </>
            )
          )}
        </section>
      </div>
    </>
  );
}
