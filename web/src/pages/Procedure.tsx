import { get, query } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { useProcedureStrings } from '../components/ProcedureMeta.js';
import { useData, useTitle } from '../data.js';
import { formatMoney, formatNumber, strings, useCommon, useLang } from '../i18n.js';
import { Link, type PageProps } from '../router.js';
import { filingPath } from '../routes.js';
import { askPath } from '../support/model.js';
import type { AgencyView, FaqList, ProcedureView } from '../types.js';

const useStrings = strings({
  vi: {
    back: 'Tìm thủ tục khác',
    field: 'Lĩnh vực',
    level: 'Mức độ',
    authority: 'Cấp thực hiện',
    fee: 'Phí, lệ phí',
    time: 'Thời hạn giải quyết',
    agency: 'Cơ quan thực hiện',
    implementing: 'Cơ quan trực tiếp thực hiện',
    documents: 'Giấy tờ cần nộp',
    required: 'bắt buộc',
    optional: 'nếu có',
    copies: (n: number) => `${n} bản`,
    steps: 'Các bước xử lý',
    channels: 'Cách thức nộp',
    channelKinds: { online: 'Trực tuyến', in_person: 'Trực tiếp', post: 'Qua bưu chính' } as Record<
      string,
      string
    >,
    onPortal: 'Trực tuyến trên Cổng',
    national: 'Theo Cơ sở dữ liệu quốc gia về thủ tục hành chính',
    legal: 'Căn cứ pháp lý',
    legalShow: 'Xem các văn bản',
    units: {
      working_day: 'ngày làm việc',
      day: 'ngày',
      hour: 'giờ',
      working_hour: 'giờ làm việc',
      month: 'tháng',
      year: 'năm',
    } as Record<string, string>,
    faq: 'Câu hỏi thường gặp',
    ask: 'Đặt câu hỏi',
    askLead: 'Chưa tìm thấy câu trả lời? Tổng đài hỗ trợ sẽ trả lời bạn.',
    noFaq: 'Chưa có câu hỏi nào cho thủ tục này.',
    file: 'Nộp trực tuyến',
    notOnlineHelp: 'Thủ tục này nộp tại cơ quan thực hiện theo các cách thức dưới đây.',
    source: 'Nguồn: Cơ sở dữ liệu quốc gia về thủ tục hành chính',
    notGiven: 'Không có thông tin',
    noUnit: 'nguồn không ghi đơn vị',
    feeNote: 'Ghi chú về phí',
    rule: (dept: string) => `${dept} nơi người nộp cư trú`,
    communeRule: 'Ủy ban nhân dân xã, phường nơi người nộp cư trú',
    depts: {
      ubnd: 'Ủy ban nhân dân tỉnh, thành phố',
      ttpvhcc: 'Trung tâm Phục vụ hành chính công tỉnh, thành phố',
      stp: 'Sở Tư pháp',
      sxd: 'Sở Xây dựng',
      sct: 'Sở Công Thương',
      stc: 'Sở Tài chính',
      syt: 'Sở Y tế',
      snnmt: 'Sở Nông nghiệp và Môi trường',
      ca: 'Công an tỉnh, thành phố',
      bhxh: 'Bảo hiểm xã hội tỉnh, thành phố',
      thue: 'Thuế tỉnh, thành phố',
      dien_luc: 'Công ty Điện lực tỉnh, thành phố',
    } as Record<string, string>,
  },
  en: {
    back: 'Find another procedure',
    field: 'Field',
    level: 'Online level',
    authority: 'Authority',
    fee: 'Fees',
    time: 'Processing time',
    agency: 'Handled by',
    implementing: 'Implementing agency',
    documents: 'Documents to bring',
    required: 'required',
    optional: 'if any',
    copies: (n: number) => `${n} ${n === 1 ? 'copy' : 'copies'}`,
    steps: 'Processing steps',
    channels: 'How to file',
    channelKinds: { online: 'Online', in_person: 'In person', post: 'By post' } as Record<string, string>,
    onPortal: 'Online on the portal',
    national: "According to Vietnam's national database of procedures",
    legal: 'Legal basis',
    legalShow: 'Show the documents',
    units: {
      working_day: 'working days',
      day: 'days',
      hour: 'hours',
      working_hour: 'working hours',
      month: 'months',
      year: 'years',
    } as Record<string, string>,
    faq: 'Frequently asked questions',
    ask: 'Ask a question',
    askLead: 'No answer here? The support desk will answer you.',
    noFaq: 'No questions for this procedure yet.',
    file: 'File online',
    notOnlineHelp: 'This procedure is filed at the agency, in the ways below.',
    source: "Source: Vietnam's national database of administrative procedures",
    notGiven: 'Not given',
    noUnit: 'the source gives no unit',
    feeNote: 'Note on fees',
    rule: (dept: string) => `${dept} of the province where the applicant lives`,
    communeRule: "People's Committee of the applicant's commune",
    depts: {
      ubnd: "Provincial People's Committee",
      ttpvhcc: 'Provincial Public Administration Service Centre',
      stp: 'Department of Justice',
      sxd: 'Department of Construction',
      sct: 'Department of Industry and Trade',
      stc: 'Department of Finance',
      syt: 'Department of Health',
      snnmt: 'Department of Agriculture and Environment',
      ca: 'Provincial Police',
      bhxh: 'Provincial Social Security',
      thue: 'Provincial Tax Office',
      dien_luc: 'Provincial Power Company',
    } as Record<string, string>,
  },
});

export function ProcedurePage({ params }: PageProps) {
  const s = useStrings();
  const ps = useProcedureStrings();
  const t = useCommon();
  const lang = useLang();
  const code = params.code ?? '';
  const proc = useData(
    (signal) => get<ProcedureView>(`/v1/procedures/${encodeURIComponent(code)}`, { signal }),
    [code],
  );
  const faq = useData(
    (signal) => get<FaqList>(`/v1/faq${query({ procedure: code, limit: 20 })}`, { signal }),
    [code],
  );
  const p = proc.data;
  const agencyId = p?.onlineFiling ? p.agencyId : null;
  // The procedure names its agency by registry id: the registry gives the name people know.
  const agency = useData(
    (signal) =>
      agencyId
        ? get<AgencyView>(`/v1/agencies/${encodeURIComponent(agencyId)}`, { signal })
        : Promise.resolve(undefined),
    [agencyId],
  );
  const name = p ? (lang === 'en' && p.onlineFiling ? p.nameEn : p.name) : undefined;
  useTitle(name ?? (proc.error ? t.errorTitle : undefined), t.brand);
  if (proc.loading && !p) return <Loading />;
  if (!p)
    return (
      <>
        <h1>{t.errorTitle}</h1>
        <ErrorSummary error={proc.error} onRetry={proc.reload} />
        <p>
          <Link href="/thu-tuc">{s.back}</Link>
        </p>
      </>
    );

  const facts: Array<[string, string]> = [];
  const nat = p.onlineFiling ? p.national : p;
  if (p.onlineFiling) {
    facts.push([s.field, p.field]);
    facts.push([s.level, ps.levels[p.level] ?? p.level]);
    facts.push([s.authority, ps.levels[p.authorityLevel] ?? p.authorityLevel]);
    facts.push([s.fee, p.fee ? formatMoney(p.fee, lang) : ps.free]);
    if (p.feeRule) facts.push(['', lang === 'en' ? p.feeRule.nameEn : p.feeRule.name]);
    facts.push([s.time, ps.days(p.processingDays)]);
    facts.push([
      s.agency,
      p.agencyRule
        ? p.agencyRule.kind === 'commune'
          ? s.communeRule
          : s.rule(s.depts[p.agencyRule.department] ?? p.agencyRule.department)
        : agency.data
          ? lang === 'en'
            ? agency.data.nameEn
            : agency.data.name
          : agency.loading
            ? t.loading
            : (p.agencyId ?? s.notGiven),
    ]);
  } else {
    if (p.field) facts.push([s.field, p.field]);
    if (p.levels.items.length)
      facts.push([s.authority, p.levels.items.map((l) => ps.levels[l] ?? l).join(', ')]);
    facts.push([s.agency, p.competentAgency ?? s.notGiven]);
    if (p.implementingAgency && p.implementingAgency !== p.competentAgency)
      facts.push([s.implementing, p.implementingAgency]);
  }
  return (
    <article class="procedure" aria-labelledby="procedure-title">
      <p class="crumbs">
        <Link href="/thu-tuc">{s.back}</Link>
      </p>
      <h1 id="procedure-title">{name}</h1>
      <p class="meta">
        {ps.code} {p.code}
      </p>
      <div class="cta">
        {p.onlineFiling ? (
          <Link class="button" href={filingPath(p.code)}>
            {s.file}
          </Link>
        ) : (
          <p class="notice">
            <strong>{ps.notOnline}.</strong> {s.notOnlineHelp}
          </p>
        )}
      </div>
      <dl class="facts">
        {facts.map(([k, v]) => (
          <div key={`${k}${v}`}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>

      <section aria-labelledby="docs-title">
        <h2 id="docs-title">{s.documents}</h2>
        {p.onlineFiling && p.documents.length > 0 ? (
          <ul class="list">
            {p.documents.map((d) => (
              <li key={d.type}>
                {lang === 'en' ? d.nameEn : d.name}
                <DocumentMarks
                  name={lang === 'en' ? d.nameEn : d.name}
                  required={d.required}
                  copies={d.copies}
                  s={s}
                />
              </li>
            ))}
          </ul>
        ) : nat && nat.documents.items.length > 0 ? (
          <ul class="list">
            {nat.documents.items.map((d, i) => (
              <li key={i}>
                {d.name}
                {(d.copies.originals ?? 0) + (d.copies.copies ?? 0) + (d.copies.sets ?? 0) > 0 &&
                d.copies.raw ? (
                  <span class="meta"> ({d.copies.raw})</span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p>{nat?.documents.raw || s.notGiven}</p>
        )}
      </section>

      {p.onlineFiling && (
        <section aria-labelledby="steps-title">
          <h2 id="steps-title">{s.steps}</h2>
          <ol class="list">
            {p.steps.map((st) => (
              <li key={st.name}>
                {st.name} <span class="meta">({ps.days(st.days)})</span>
              </li>
            ))}
          </ol>
        </section>
      )}

      <section aria-labelledby="channels-title">
        <h2 id="channels-title">{s.channels}</h2>
        {p.onlineFiling && (
          <ul class="list">
            <li>
              <strong>{s.onPortal}</strong>
              <span class="meta">
                {ps.days(p.processingDays)} · {p.fee ? formatMoney(p.fee, lang) : ps.free}
              </span>
            </li>
          </ul>
        )}
        {/* The national record may differ from what the portal charges and promises: say whose it is. */}
        {p.onlineFiling && nat && nat.channels.items.length > 0 && <h3 class="sub">{s.national}</h3>}
        <ul class="list">
          {(nat?.channels.items ?? []).map((c, i) => (
            <li key={i}>
              <strong>{s.channelKinds[c.kind] ?? c.kind}</strong>
              <span class="meta">
                {[
                  c.time &&
                    (c.time.unit
                      ? `${s.time}: ${formatNumber(c.time.value, lang)} ${s.units[c.time.unit]}`
                      : `${s.time}: ${c.time.raw} (${s.noUnit})`),
                  c.fee.kind === 'free'
                    ? ps.free
                    : c.fee.vnd !== null
                      ? formatMoney(c.fee.vnd, lang)
                      : c.fee.raw,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
              {c.fee.note && (
                <span class="desc">
                  {s.feeNote}: {feeNote(c.fee.note)}
                </span>
              )}
              {c.description && <span class="desc">{c.description}</span>}
            </li>
          ))}
        </ul>
      </section>

      {(p.onlineFiling ? p.legalBasis.length > 0 : p.legalBasis.items.length > 0) && (
        <section aria-labelledby="legal-title">
          <h2 id="legal-title">{s.legal}</h2>
          {/* Long and rarely needed by a citizen: one click away. */}
          <details>
            <summary>{s.legalShow}</summary>
            <ul class="list">
              {(p.onlineFiling ? p.legalBasis : p.legalBasis.items.map((l) => l.title)).map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          </details>
        </section>
      )}

      <section aria-labelledby="faq-title">
        <h2 id="faq-title">{s.faq}</h2>
        {faq.loading ? (
          <Loading />
        ) : faq.data && faq.data.items.length > 0 ? (
          <div class="faq">
            {faq.data.items.map((f) => (
              <details key={f.id}>
                <summary>{f.question}</summary>
                <p>{f.answer}</p>
              </details>
            ))}
          </div>
        ) : (
          <p>{s.noFaq}</p>
        )}
        <p id="procedure-ask">
          {s.askLead} <Link href={askPath({ procedureCode: p.code })}>{s.ask}</Link>
        </p>
      </section>
      {nat && <p class="meta">{s.source}</p>}
    </article>
  );
}

/** The source wraps some notes in brackets, once or twice: the words alone read better after a label. */
const feeNote = (note: string) => note.replace(/^\(+/, '').replace(/\)+$/, '').trim();

/** "(nếu có)" once: a document whose name already says it is optional is not marked again. */
function DocumentMarks({
  name,
  required,
  copies,
  s,
}: {
  name: string;
  required: boolean;
  copies: number;
  s: { required: string; optional: string; copies: (n: number) => string };
}) {
  const marks = [
    required ? s.required : name.toLowerCase().includes(`(${s.optional})`) ? null : s.optional,
    copies > 1 ? s.copies(copies) : null,
  ].filter(Boolean);
  return marks.length ? <span class="meta"> ({marks.join(', ')})</span> : null;
}
