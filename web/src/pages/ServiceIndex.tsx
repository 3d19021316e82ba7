/**
 * The live service index (Decision 766/QĐ-TTg): agencies ranked per month or quarter, sortable by
 * group, and one agency's months with where it loses points. Everything shown comes from
 * `GET /v1/service-index` and `GET /v1/service-index/{code}`, whose `method` names the groups and
 * indicators in both languages and says which ones the portal can only approximate.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { AgencyFilterForm } from '../components/AgencyFilterFields.js';
import { ColumnChart } from '../components/ColumnChart.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { config } from '../config.js';
import { useData, useTitle } from '../data.js';
import { currentMonth, formatMonth, formatNumber, type Lang, strings, useCommon, useLang } from '../i18n.js';
import { Link, navigate, type PageProps } from '../router.js';
import type { ProvinceList, ServiceIndexList, ServiceIndexSeries } from '../types.js';

const useStrings = strings({
  vi: {
    title: 'Chỉ số phục vụ người dân, doanh nghiệp',
    lead: 'Bộ chỉ số theo Quyết định 766/QĐ-TTg, tính trực tiếp từ số liệu thống kê của Cổng: mỗi cơ quan được chấm trên 100 điểm theo sáu nhóm. Chỉ số không có gì để tính trong kỳ (ví dụ chưa có đánh giá) không tính vào điểm.',
    method: 'Cách tính và những chỉ số chỉ tính gần đúng',
    points: (n: number) => `${n} điểm`,
    filters: 'Chọn kỳ và cơ quan',
    period: 'Kỳ',
    quarter: (q: string, y: string) => `Quý ${q}/${y}`,
    show: 'Xem',
    ranking: (p: string) => `Xếp hạng — ${p}`,
    sortBy: (g: string) => `Sắp xếp theo ${g}`,
    none: 'Chưa có số liệu cho lựa chọn này.',
    rank: 'Hạng',
    agency: 'Cơ quan',
    score: 'Điểm (/100)',
    received: 'Hồ sơ tiếp nhận',
    series: (name: string) => `${name}: 12 tháng gần nhất`,
    seriesChart: (name: string) => `Điểm chỉ số theo tháng — ${name}`,
    monthCol: 'Tháng',
    total: 'Cả kỳ',
    losses: (name: string) => `${name} mất điểm ở đâu (12 tháng)`,
    indicator: 'Chỉ số',
    group: 'Nhóm',
    rate: 'Tỷ lệ',
    measured: 'Đạt / tổng',
    earned: 'Điểm đạt',
    max: 'Tối đa',
    lost: 'Mất',
    notMeasured: 'chưa có gì để tính',
    close: 'Quay lại bảng xếp hạng',
    csv: 'Tải CSV',
    statsLink: 'Số liệu thống kê chi tiết',
    tableScroll: (name: string) => `Bảng ${name}, cuộn ngang được`,
    swipe: 'Vuốt ngang bảng để xem đủ các cột →',
  },
  en: {
    title: 'Service index for citizens and businesses',
    lead: 'The index of Decision 766/QĐ-TTg, computed directly from the portal’s own statistics: each agency is scored out of 100 points in six groups. An indicator with nothing to measure in the period (no ratings yet, say) is left out of the score.',
    method: 'How it is computed, and which indicators are approximate',
    points: (n: number) => `${n} points`,
    filters: 'Choose the period and agencies',
    period: 'Period',
    quarter: (q: string, y: string) => `Q${q} ${y}`,
    show: 'Show',
    ranking: (p: string) => `Ranking — ${p}`,
    sortBy: (g: string) => `Sort by ${g}`,
    none: 'No figures for this choice yet.',
    rank: 'Rank',
    agency: 'Agency',
    score: 'Score (/100)',
    received: 'Dossiers received',
    series: (name: string) => `${name}: last 12 months`,
    seriesChart: (name: string) => `Index score by month — ${name}`,
    monthCol: 'Month',
    total: 'Whole period',
    losses: (name: string) => `Where ${name} loses points (12 months)`,
    indicator: 'Indicator',
    group: 'Group',
    rate: 'Rate',
    measured: 'Met / all',
    earned: 'Points',
    max: 'Maximum',
    lost: 'Lost',
    notMeasured: 'nothing to measure',
    close: 'Back to the ranking',
    csv: 'Download CSV',
    statsLink: 'Detailed statistics',
    tableScroll: (name: string) => `Table ${name}, scrolls sideways`,
    swipe: 'Swipe the table sideways for every column →',
  },
});

type Strings = ReturnType<typeof useStrings>;
type Method = ServiceIndexList['method'];
type Item = ServiceIndexList['items'][number];

const PERIOD = /^\d{4}-((0[1-9]|1[0-2])|Q[1-4])$/;

/** The last twelve months and the last four quarters, newest first. */
function periodChoices(now: string): string[] {
  const [y, m] = now.split('-').map(Number) as [number, number];
  const months = Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
  const quarters = Array.from({ length: 4 }, (_, i) => {
    const q = Math.floor((m - 1) / 3) - i;
    const year = y + Math.floor(q / 4);
    return `${year}-Q${(((q % 4) + 4) % 4) + 1}`;
  });
  return [...months, ...quarters];
}

function periodLabel(period: string, s: Strings, lang: Lang) {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  return q ? s.quarter(q[2]!, q[1]!) : formatMonth(period, lang);
}

const num = (v: number | null, lang: Lang) => (v === null ? '—' : formatNumber(v, lang));
const pct = (v: number | null, lang: Lang) => (v === null ? '—' : `${formatNumber(v, lang)}%`);
const named = (x: { name: string; nameEn: string }, lang: Lang) => (lang === 'en' ? x.nameEn : x.name);

function ScrollTable({ name, children }: { name: string; children: ComponentChildren }) {
  const s = useStrings();
  return (
    <>
      <p class="scroll-hint" aria-hidden="true">
        {s.swipe}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard */}
      <section class="table-wrap" aria-label={s.tableScroll(name)} tabIndex={0}>
        {children}
      </section>
    </>
  );
}

function MethodNotes({ method }: { method: Method }) {
  const s = useStrings();
  const lang = useLang();
  return (
    <details>
      <summary>{s.method}</summary>
      <ul>
        {method.groups.map((g) => (
          <li key={g.id}>
            <strong>
              {named(g, lang)} — {s.points(g.maxPoints)}
            </strong>
            <ul>
              {method.indicators
                .filter((i) => i.group === g.id)
                .map((i) => (
                  <li key={i.id}>
                    {named(i, lang)} ({s.points(i.maxPoints)})
                    {i.approximate && <p class="meta">{i.approximate}</p>}
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function ServiceIndex({ query: url }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  useTitle(s.title, t.brand);
  const now = currentMonth();
  const period = PERIOD.test(url.get('period') ?? '') ? url.get('period')! : now;
  const province = url.get('province') ?? '';
  const level = url.get('level') ?? '';
  const agency = url.get('agency') ?? '';
  const provinces = useData((signal) => get<ProvinceList>('/v1/provinces', { signal }), []);
  const list = useData(
    (signal) => get<ServiceIndexList>(`/v1/service-index${query({ period, province, level })}`, { signal }),
    [period, province, level],
  );
  const series = useData(
    (signal) =>
      agency
        ? get<ServiceIndexSeries>(`/v1/service-index/${encodeURIComponent(agency)}`, { signal })
        : Promise.resolve(undefined),
    [agency],
  );
  const go = (params: Record<string, string>) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ period, province, level, ...params })) if (v) next.set(k, v);
    navigate(`/chi-so-phuc-vu?${next}`);
  };
  const agencyHref = (code: string) => {
    const next = new URLSearchParams(url);
    next.set('agency', code);
    return `/chi-so-phuc-vu?${next}`;
  };
  const title = s.ranking(periodLabel(period, s, lang));

  return (
    <>
      <h1>{s.title}</h1>
      <p>{s.lead}</p>
      {list.data && <MethodNotes method={list.data.method} />}
      <p>
        <Link href="/thong-ke">{s.statsLink}</Link>
      </p>
      <AgencyFilterForm
        idPrefix="index"
        title={s.filters}
        period={{ name: 'period', value: period }}
        periodField={(value, change) => (
          <>
            <label for="i-period">{s.period}</label>
            <select id="i-period" name="period" value={value} onChange={(e) => change(e.currentTarget.value)}>
              {[...new Set([period, ...periodChoices(now)])].map((p) => (
                <option key={p} value={p}>
                  {periodLabel(p, s, lang)}
                </option>
              ))}
            </select>
          </>
        )}
        submitLabel={s.show}
        provinces={provinces.data}
        province={province}
        level={level}
        onApply={go}
      />

      {agency && (
        <section aria-labelledby="index-agency-title" id="index-agency">
          {series.loading && !series.data ? (
            <Loading />
          ) : series.error ? (
            <ErrorSummary error={series.error} onRetry={series.reload} />
          ) : (
            series.data && <AgencyIndex data={series.data} onClose={() => go({ agency: '' })} />
          )}
        </section>
      )}

      <section aria-labelledby="index-ranking-title">
        <h2 id="index-ranking-title">{title}</h2>
        <ErrorSummary error={list.error} onRetry={list.reload} />
        {list.loading && !list.data ? (
          <Loading />
        ) : !list.data?.items.length ? (
          <p>{s.none}</p>
        ) : (
          <Ranking list={list.data} title={title} agencyHref={agencyHref} />
        )}
        {list.data && (
          <p>
            <a
              href={`${config().apiUrl}/v1/service-index${query({ period, province, level, format: 'csv' })}`}
              download
            >
              {s.csv}
            </a>
          </p>
        )}
      </section>
    </>
  );
}

/** Sort key: the total score, or one group's score. */
type SortKey = 'score' | string;

function Ranking({
  list,
  title,
  agencyHref,
}: {
  list: ServiceIndexList;
  title: string;
  agencyHref: (code: string) => string;
}) {
  const s = useStrings();
  const lang = useLang();
  const [sort, setSort] = useState<SortKey>('score');
  const keyOf = (x: Item) =>
    sort === 'score' ? x.score : (x.groups.find((g) => g.id === sort)?.score ?? null);
  // Measured first, best first; the unmeasured keep the API's order at the end.
  const rows = [...list.items].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    if (ka === null || kb === null) return ka === kb ? 0 : ka === null ? 1 : -1;
    return kb - ka || (a.rank ?? Infinity) - (b.rank ?? Infinity);
  });
  const header = (key: SortKey, label: string) => (
    <th scope="col" class="num" aria-sort={sort === key ? 'descending' : 'none'}>
      <button type="button" class="sort" onClick={() => setSort(key)} aria-label={s.sortBy(label)}>
        {label}
      </button>
    </th>
  );
  return (
    <ScrollTable name={title}>
      <table id="index-ranking">
        <caption class="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              {s.rank}
            </th>
            <th scope="col">{s.agency}</th>
            {header('score', s.score)}
            {list.method.groups.map((g) => header(g.id, `${named(g, lang)} (/${g.maxPoints})`))}
            <th scope="col" class="num">
              {s.received}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((x) => (
            <tr key={x.agencyId}>
              <td class="num">{x.rank ?? '—'}</td>
              <th scope="row">
                <Link href={agencyHref(x.agencyCode)}>{x.agencyName}</Link>
              </th>
              <td class="num">{num(x.score, lang)}</td>
              {x.groups.map((g) => (
                <td class="num" key={g.id}>
                  {g.maxPoints ? `${num(g.points, lang)} / ${num(g.maxPoints, lang)}` : '—'}
                </td>
              ))}
              <td class="num">{formatNumber(x.received, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

function AgencyIndex({ data, onClose }: { data: ServiceIndexSeries; onClose: () => void }) {
  const s = useStrings();
  const lang = useLang();
  const groups = new Map(data.method.groups.map((g) => [g.id, g]));
  const indicators = new Map(data.method.indicators.map((i) => [i.id, i]));
  // Where it loses points over the whole span, the biggest loss first; unmeasured ones last.
  const losses = [...data.total.indicators].sort(
    (a, b) => (a.points === null ? 1 : 0) - (b.points === null ? 1 : 0) || b.lost - a.lost,
  );
  return (
    <>
      <h2 id="index-agency-title">{s.series(data.agencyName)}</h2>
      <ColumnChart
        id="index-agency-chart"
        title={s.seriesChart(data.agencyName)}
        columns={data.months.map((m) => ({
          label: formatMonth(m.month, lang),
          short: `${Number(m.month.slice(5, 7))}/${m.month.slice(2, 4)}`,
          value: m.score,
        }))}
        format={(v) => num(v, lang)}
      />
      <ScrollTable name={s.series(data.agencyName)}>
        <table id="index-agency-table">
          <caption class="visually-hidden">{s.series(data.agencyName)}</caption>
          <thead>
            <tr>
              <th scope="col">{s.monthCol}</th>
              <th scope="col" class="num">
                {s.score}
              </th>
              {data.method.groups.map((g) => (
                <th scope="col" class="num" key={g.id}>
                  {named(g, lang)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.months.map((m) => (
              <tr key={m.month}>
                <th scope="row">{formatMonth(m.month, lang)}</th>
                <td class="num">{num(m.score, lang)}</td>
                {m.groups.map((g) => (
                  <td class="num" key={g.id}>
                    {g.maxPoints ? `${num(g.points, lang)} / ${num(g.maxPoints, lang)}` : '—'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{s.total}</th>
              <td class="num">{num(data.total.score, lang)}</td>
              {data.total.groups.map((g) => (
                <td class="num" key={g.id}>
                  {g.maxPoints ? `${num(g.points, lang)} / ${num(g.maxPoints, lang)}` : '—'}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </ScrollTable>

      <h3 id="index-losses-title">{s.losses(data.agencyName)}</h3>
      <ScrollTable name={s.losses(data.agencyName)}>
        <table id="index-losses">
          <caption class="visually-hidden">{s.losses(data.agencyName)}</caption>
          <thead>
            <tr>
              <th scope="col">{s.indicator}</th>
              <th scope="col">{s.group}</th>
              <th scope="col" class="num">
                {s.measured}
              </th>
              <th scope="col" class="num">
                {s.rate}
              </th>
              <th scope="col" class="num">
                {s.earned}
              </th>
              <th scope="col" class="num">
                {s.max}
              </th>
              <th scope="col" class="num">
                {s.lost}
              </th>
            </tr>
          </thead>
          <tbody>
            {losses.map((i) => {
              const ind = indicators.get(i.id);
              const group = groups.get(i.group);
              return (
                <tr key={i.id}>
                  <th scope="row">{ind ? named(ind, lang) : i.id}</th>
                  <td>{group ? named(group, lang) : i.group}</td>
                  <td class="num">
                    {i.whole
                      ? `${formatNumber(i.part, lang)} / ${formatNumber(i.whole, lang)}`
                      : s.notMeasured}
                  </td>
                  <td class="num">{pct(i.rate, lang)}</td>
                  <td class="num">{num(i.points, lang)}</td>
                  <td class="num">{formatNumber(i.maxPoints, lang)}</td>
                  <td class="num">{i.points === null ? '—' : num(i.lost, lang)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollTable>
      <p>
        <button type="button" class="secondary" onClick={onClose}>
          {s.close}
        </button>
      </p>
    </>
  );
}
