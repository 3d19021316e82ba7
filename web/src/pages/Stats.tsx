import type { ComponentChildren } from 'preact';
import { get, query } from '../api.js';
import { AgencyFilterForm, useAreaName } from '../components/AgencyFilterFields.js';
import { type Bar, BarChart } from '../components/BarChart.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { useData, useTitle } from '../data.js';
import { currentMonth, formatMonth, formatNumber, type Lang, strings, useCommon, useLang } from '../i18n.js';
import { Link, navigate, type PageProps } from '../router.js';
import type { SupportStats } from '../support/model.js';
import type { AgencyStatsList, AgencyStatsSeries, ProvinceList } from '../types.js';

const useStrings = strings({
  vi: {
    title: 'Thống kê công khai',
    lead: 'Kết quả giải quyết hồ sơ và phản ánh, kiến nghị của từng cơ quan, theo tháng. Số liệu được Cổng tính từ hồ sơ thực tế.',
    indexLink: 'Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg): xếp hạng theo tháng, quý',
    filters: 'Chọn số liệu',
    month: 'Tháng',
    show: 'Xem',
    trend: (area: string) => `${area}: 6 tháng gần nhất`,
    trendChart: (area: string) => `Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng — ${area}`,

    agencies: (month: string) => `Các cơ quan — ${month}`,
    agenciesChart: (month: string) => `Tỷ lệ đúng hạn của các cơ quan — ${month}`,

    none: 'Chưa có số liệu cho lựa chọn này.',
    rank: 'Hạng',
    agency: 'Cơ quan',
    monthCol: 'Tháng',
    received: 'Tiếp nhận',
    completed: 'Đã giải quyết',
    onTime: 'Đúng hạn',
    overdueNow: 'Đang quá hạn',
    satisfaction: 'Hài lòng',
    petitionsOnTime: 'Phản ánh trả lời đúng hạn',
    total: 'Cộng',
    detail: (name: string) => `${name}: 12 tháng gần nhất`,
    detailChart: (name: string) => `Tỷ lệ đúng hạn theo tháng — ${name}`,
    overdueNowText: (n: number, p: number) => `Hiện đang có ${n} hồ sơ quá hạn và ${p} phản ánh quá hạn.`,
    close: 'Quay lại danh sách cơ quan',
    notes:
      'Tỷ lệ đúng hạn: số hồ sơ trả kết quả đúng hạn trên số hồ sơ đã giải quyết trong tháng. Hài lòng: tỷ lệ đánh giá 4–5 sao. “—”: chưa có gì để tính.',
    tableScroll: (name: string) => `Bảng ${name}, cuộn ngang được`,
    swipe: 'Vuốt ngang bảng để xem đủ các cột →',
    support: (area: string) => `Hỗ trợ trực tuyến và tổng đài — 6 tháng gần nhất (${area})`,
    supportChart: (area: string) => `Tỷ lệ câu hỏi được trả lời lần đầu đúng hạn — ${area}`,
    tickets: 'Câu hỏi',
    byPhone: 'Qua tổng đài',
    firstOnTime: 'Trả lời lần đầu đúng hạn',
    resolution: 'Thời gian giải quyết (trung bình / trung vị)',
    hours: (avg: string, median: string) => `${avg} / ${median} giờ`,
    supportSatisfaction: 'Hài lòng (số đánh giá)',
    supportNotes:
      'Câu hỏi được tính theo tháng đặt câu hỏi. Trả lời lần đầu đúng hạn: trên số câu hỏi đã được trả lời. Thời gian giải quyết: từ khi hỏi đến khi đóng câu hỏi. Hài lòng: tỷ lệ đánh giá 4–5 sao.',
  },
  en: {
    title: 'Published statistics',
    lead: 'How each agency handles dossiers and petitions, month by month, computed by the portal from the dossiers themselves.',
    indexLink:
      'Service index for citizens and businesses (Decision 766/QĐ-TTg): rankings by month and quarter',
    filters: 'Choose figures',
    month: 'Month',
    show: 'Show',
    trend: (area: string) => `${area}: last 6 months`,
    trendChart: (area: string) => `Dossiers completed on time, by month — ${area}`,

    agencies: (month: string) => `Agencies — ${month}`,
    agenciesChart: (month: string) => `On-time rate of the agencies — ${month}`,

    none: 'No figures for this choice yet.',
    rank: 'Rank',
    agency: 'Agency',
    monthCol: 'Month',
    received: 'Received',
    completed: 'Completed',
    onTime: 'On time',
    overdueNow: 'Overdue now',
    satisfaction: 'Satisfied',
    petitionsOnTime: 'Petitions answered on time',
    total: 'Total',
    detail: (name: string) => `${name}: last 12 months`,
    detailChart: (name: string) => `On-time rate by month — ${name}`,
    overdueNowText: (n: number, p: number) => `Now ${n} dossiers and ${p} petitions are overdue.`,
    close: 'Back to all agencies',
    notes:
      'On time: results issued by the due date over dossiers completed in the month. Satisfied: ratings of 4 or 5 stars. “—”: nothing to measure yet.',
    tableScroll: (name: string) => `Table ${name}, scrolls sideways`,
    swipe: 'Swipe the table sideways for every column →',
    support: (area: string) => `Online support and call centre — last 6 months (${area})`,
    supportChart: (area: string) => `Questions first answered on time — ${area}`,
    tickets: 'Questions',
    byPhone: 'By phone',
    firstOnTime: 'First answer on time',
    resolution: 'Time to settle (average / median)',
    hours: (avg: string, median: string) => `${avg} / ${median} hours`,
    supportSatisfaction: 'Satisfied (ratings)',
    supportNotes:
      'Questions count in the month they were asked. First answer on time: over the questions answered. Time to settle: from asking to closing. Satisfied: ratings of 4 or 5 stars.',
  },
});

type Row = AgencyStatsList['items'][number];
type Month = AgencyStatsSeries['months'][number];

/** The months ending at `to`, oldest first. */
function monthsBack(to: string, n: number): string[] {
  const [y, m] = to.split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - (n - 1 - i), 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

const pct = (v: number | null, lang: Lang) => (v === null ? '—' : `${formatNumber(v, lang)}%`);
const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

/** An area's month from its agencies' months: rates weighted by what each agency measured. */
function aggregate(items: Row[]) {
  const sum = (f: (r: Row) => number) => items.reduce((n, r) => n + f(r), 0);
  const completed = sum((r) => r.completed);
  const ratings = sum((r) => r.ratings);
  const answered = sum((r) => r.petitionsAnswered);
  return {
    received: sum((r) => r.received),
    completed,
    onTimeRate: rate(
      sum((r) => r.completedOnTime),
      completed,
    ),
    overdueNow: sum((r) => r.overdueNow),
    satisfactionRate: rate(
      sum((r) => ((r.satisfactionRate ?? 0) * r.ratings) / 100),
      ratings,
    ),
    petitionsOnTimeRate: rate(
      sum((r) => r.petitionsAnsweredOnTime),
      answered,
    ),
  };
}

/** The month-by-month tables' columns, the same for an area and for one agency. */
function MonthColumns({ s }: { s: ReturnType<typeof useStrings> }) {
  return (
    <thead>
      <tr>
        <th scope="col">{s.monthCol}</th>
        <th scope="col" class="num">
          {s.received}
        </th>
        <th scope="col" class="num">
          {s.completed}
        </th>
        <th scope="col" class="num">
          {s.onTime}
        </th>
        <th scope="col" class="num">
          {s.satisfaction}
        </th>
        <th scope="col" class="num">
          {s.petitionsOnTime}
        </th>
      </tr>
    </thead>
  );
}

function ScrollTable({ name, children }: { name: string; children: ComponentChildren }) {
  const s = useStrings();
  // Scrollable on a phone, so it must take focus for keyboard users.
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

export function Stats({ query: url }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  useTitle(s.title, t.brand);
  const month = /^\d{4}-\d{2}$/.test(url.get('month') ?? '') ? url.get('month')! : currentMonth();
  const province = url.get('province') ?? '';
  const level = url.get('level') ?? '';
  const agency = url.get('agency') ?? '';
  const provinces = useData((signal) => get<ProvinceList>('/v1/provinces', { signal }), []);
  const trendMonths = monthsBack(month, 6);
  // The area's months: its agencies' figures of each month, added up here.
  const trend = useData(
    (signal) =>
      Promise.all(
        trendMonths.map((m) =>
          get<AgencyStatsList>(`/v1/stats/agencies${query({ month: m, province, level })}`, { signal }),
        ),
      ),
    [month, province, level],
  );
  const series = useData(
    (signal) =>
      agency
        ? get<AgencyStatsSeries>(
            `/v1/stats/agencies/${encodeURIComponent(agency)}${query({ from: monthsBack(month, 12)[0], to: month })}`,
            { signal },
          )
        : Promise.resolve(undefined),
    [agency, month],
  );
  const area = useAreaName(provinces.data, province);
  const thisMonth = trend.data?.[trend.data.length - 1];
  const rows = thisMonth?.items ?? [];
  const go = (params: Record<string, string>) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ month, province, level, ...params })) if (v) next.set(k, v);
    navigate(`/thong-ke?${next}`);
  };
  const agencyHref = (id: string) => {
    const next = new URLSearchParams(url);
    next.set('agency', id);
    next.set('month', month);
    return `/thong-ke?${next}`;
  };

  return (
    <>
      <h1>{s.title}</h1>
      <p>{s.lead}</p>
      <p>
        <Link href="/chi-so-phuc-vu">{s.indexLink}</Link>
      </p>
      <AgencyFilterForm
        idPrefix="stats"
        title={s.filters}
        period={{ name: 'month', value: month }}
        periodField={(value, change) => (
          <>
            <label for="s-month">{s.month}</label>
            <input
              id="s-month"
              name="month"
              type="month"
              value={value}
              max={currentMonth()}
              onInput={(e) => change(e.currentTarget.value)}
            />
          </>
        )}
        submitLabel={s.show}
        provinces={provinces.data}
        province={province}
        level={level}
        onApply={go}
      />

      {agency && (
        <section aria-labelledby="agency-title" id="agency-stats">
          {series.loading && !series.data ? (
            <Loading />
          ) : series.error ? (
            <ErrorSummary error={series.error} onRetry={series.reload} />
          ) : (
            series.data && <AgencySeries data={series.data} month={month} go={go} />
          )}
        </section>
      )}

      <section aria-labelledby="trend-title">
        <h2 id="trend-title">{s.trend(area)}</h2>
        <ErrorSummary error={trend.error} onRetry={trend.reload} />
        {trend.loading && !trend.data ? (
          <Loading />
        ) : (
          trend.data && (
            <>
              <BarChart
                title={s.trendChart(area)}
                bars={trend.data.map((l) => ({
                  label: formatMonth(l.month, lang),
                  value: aggregate(l.items).onTimeRate,
                }))}
                format={(v) => pct(v, lang)}
              />
              <ScrollTable name={s.trend(area)}>
                <table>
                  <caption class="visually-hidden">{s.trend(area)}</caption>
                  <MonthColumns s={s} />
                  <tbody>
                    {trend.data.map((l) => {
                      const a = aggregate(l.items);
                      return (
                        <tr key={l.month}>
                          <th scope="row">{formatMonth(l.month, lang)}</th>
                          <td class="num">{formatNumber(a.received, lang)}</td>
                          <td class="num">{formatNumber(a.completed, lang)}</td>
                          <td class="num">{pct(a.onTimeRate, lang)}</td>
                          <td class="num">{pct(a.satisfactionRate, lang)}</td>
                          <td class="num">{pct(a.petitionsOnTimeRate, lang)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </ScrollTable>
            </>
          )
        )}
      </section>

      <section aria-labelledby="agencies-title">
        <h2 id="agencies-title">{s.agencies(formatMonth(month, lang))}</h2>
        {trend.loading && !trend.data ? (
          <Loading />
        ) : rows.length === 0 ? (
          <p>{s.none}</p>
        ) : (
          <>
            <BarChart
              title={s.agenciesChart(formatMonth(month, lang))}
              bars={rows.slice(0, 10).map((r): Bar => ({ label: r.agencyName, value: r.onTimeRate }))}
              format={(v) => pct(v, lang)}
            />
            <ScrollTable name={s.agencies(formatMonth(month, lang))}>
              <table id="agencies-table">
                <caption class="visually-hidden">{s.agencies(formatMonth(month, lang))}</caption>
                <thead>
                  <tr>
                    <th scope="col" class="num">
                      {s.rank}
                    </th>
                    <th scope="col">{s.agency}</th>
                    <th scope="col" class="num">
                      {s.received}
                    </th>
                    <th scope="col" class="num">
                      {s.completed}
                    </th>
                    <th scope="col" class="num">
                      {s.onTime}
                    </th>
                    <th scope="col" class="num">
                      {s.overdueNow}
                    </th>
                    <th scope="col" class="num">
                      {s.satisfaction}
                    </th>
                    <th scope="col" class="num">
                      {s.petitionsOnTime}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.agencyId}>
                      <td class="num">{r.rank ?? '—'}</td>
                      <th scope="row">
                        <Link href={agencyHref(r.agencyId)}>{r.agencyName}</Link>
                      </th>
                      <td class="num">{formatNumber(r.received, lang)}</td>
                      <td class="num">{formatNumber(r.completed, lang)}</td>
                      <td class="num">{pct(r.onTimeRate, lang)}</td>
                      <td class="num">{formatNumber(r.overdueNow, lang)}</td>
                      <td class="num">{pct(r.satisfactionRate, lang)}</td>
                      <td class="num">{pct(r.petitionsOnTimeRate, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          </>
        )}
        <p class="meta">{s.notes}</p>
      </section>

      <SupportFigures months={trendMonths} province={province} area={area} />
    </>
  );
}

/** A share 0..1 from the support desk's figures as a percentage with one decimal. */
const share = (v: number | null, lang: Lang) => pct(v === null ? null : Math.round(v * 1000) / 10, lang);

/** The support desk's published figures (GET /v1/stats/support), month by month, for the area chosen. */
function SupportFigures({ months, province, area }: { months: string[]; province: string; area: string }) {
  const s = useStrings();
  const lang = useLang();
  const figures = useData(
    (signal) =>
      Promise.all(
        months.map((m) => get<SupportStats>(`/v1/stats/support${query({ month: m, province })}`, { signal })),
      ),
    [months.join(), province],
  );
  // Settled within minutes reads as under a tenth of an hour, not as nothing.
  const hours = (v: number | null) =>
    v === null ? '—' : v === 0 ? `< ${formatNumber(0.1, lang)}` : formatNumber(v, lang);
  return (
    <section aria-labelledby="support-stats-title" id="support-stats">
      <h2 id="support-stats-title">{s.support(area)}</h2>
      <ErrorSummary error={figures.error} onRetry={figures.reload} />
      {figures.loading && !figures.data ? (
        <Loading />
      ) : (
        figures.data && (
          <>
            <BarChart
              title={s.supportChart(area)}
              bars={figures.data.map((f) => ({
                label: formatMonth(f.month, lang),
                value:
                  f.firstAnswerOnTimeRate === null ? null : Math.round(f.firstAnswerOnTimeRate * 1000) / 10,
              }))}
              format={(v) => pct(v, lang)}
            />
            <ScrollTable name={s.support(area)}>
              <table id="support-table">
                <caption class="visually-hidden">{s.support(area)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{s.monthCol}</th>
                    <th scope="col" class="num">
                      {s.tickets}
                    </th>
                    <th scope="col" class="num">
                      {s.byPhone}
                    </th>
                    <th scope="col" class="num">
                      {s.firstOnTime}
                    </th>
                    <th scope="col" class="num">
                      {s.resolution}
                    </th>
                    <th scope="col" class="num">
                      {s.supportSatisfaction}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {figures.data.map((f) => (
                    <tr key={f.month}>
                      <th scope="row">{formatMonth(f.month, lang)}</th>
                      <td class="num">{formatNumber(f.tickets, lang)}</td>
                      <td class="num">{formatNumber(f.byChannel.phone, lang)}</td>
                      <td class="num">
                        {share(f.firstAnswerOnTimeRate, lang)}
                        {f.answered > 0 &&
                          ` (${formatNumber(f.firstAnswerOnTime, lang)}/${formatNumber(f.answered, lang)})`}
                      </td>
                      <td class="num">
                        {f.closed > 0
                          ? s.hours(hours(f.averageResolutionHours), hours(f.medianResolutionHours))
                          : '—'}
                      </td>
                      <td class="num">
                        {share(f.satisfaction, lang)}
                        {f.ratings > 0 && ` (${formatNumber(f.ratings, lang)})`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollTable>
          </>
        )
      )}
      <p class="meta">{s.supportNotes}</p>
    </section>
  );
}

function AgencySeries({
  data,
  month,
  go,
}: {
  data: AgencyStatsSeries;
  month: string;
  go: (p: Record<string, string>) => void;
}) {
  const s = useStrings();
  const lang = useLang();
  const cells = (m: Omit<Month, 'month'>) => (
    <>
      <td class="num">{formatNumber(m.received, lang)}</td>
      <td class="num">{formatNumber(m.completed, lang)}</td>
      <td class="num">{pct(m.onTimeRate, lang)}</td>
      <td class="num">{pct(m.satisfactionRate, lang)}</td>
      <td class="num">{pct(m.petitionsOnTimeRate, lang)}</td>
    </>
  );
  return (
    <>
      <h2 id="agency-title">{s.detail(data.agencyName)}</h2>
      <p>
        <strong>{s.overdueNowText(data.overdueNow, data.petitionsOverdueNow)}</strong>
      </p>
      <BarChart
        title={s.detailChart(data.agencyName)}
        bars={data.months.map((m) => ({ label: formatMonth(m.month, lang), value: m.onTimeRate }))}
        format={(v) => pct(v, lang)}
      />
      <ScrollTable name={s.detail(data.agencyName)}>
        <table id="agency-table">
          <caption class="visually-hidden">{s.detail(data.agencyName)}</caption>
          <MonthColumns s={s} />
          <tbody>
            {data.months.map((m) => (
              <tr key={m.month}>
                <th scope="row">{formatMonth(m.month, lang)}</th>
                {cells(m)}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{s.total}</th>
              {cells(data.total)}
            </tr>
          </tfoot>
        </table>
      </ScrollTable>
      <p>
        <button type="button" class="secondary" onClick={() => go({ month, agency: '' })}>
          {s.close}
        </button>
      </p>
    </>
  );
}
