import { get } from '../api.js';
import { Loading } from '../components/Loading.js';
import { ProcedureSearchForm } from '../components/ProcedureSearchForm.js';
import { useData, useTitle } from '../data.js';
import { strings, useCommon, useLang } from '../i18n.js';
import { Link } from '../router.js';
import { procedurePath } from '../routes.js';
import type { ProcedureList } from '../types.js';
import { LIFE_EVENTS, POPULAR_CODES } from './lifeEvents.js';

const useStrings = strings({
  vi: {
    title: 'Dịch vụ công trực tuyến',
    lead: 'Tìm thủ tục, nộp hồ sơ và theo dõi kết quả — mọi lúc, mọi nơi.',
    events: 'Theo sự kiện trong đời',
    popular: 'Nộp trực tuyến ngay',
    allProcedures: 'Xem tất cả thủ tục',
    online: 'Nộp trực tuyến toàn trình',
  },
  en: {
    title: 'Online public services',
    lead: 'Find a procedure, file it and follow the result — any time, anywhere.',
    events: 'By life event',
    popular: 'File online now',
    allProcedures: 'See all procedures',
    online: 'Fully online',
  },
});

export function Home() {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  useTitle(undefined, t.brand);
  // One request: the online procedures, of which the home shows the most filed.
  const popular = useData(
    (signal) => get<ProcedureList>('/v1/procedures?fullyOnline=true&limit=100', { signal }),
    [],
  );
  const items = POPULAR_CODES.map((c) => popular.data?.items.find((p) => p.code === c)).filter(
    (p) => p !== undefined,
  );
  return (
    <>
      <section class="hero" aria-labelledby="home-title">
        <h1 id="home-title">{s.title}</h1>
        <p class="lead">{s.lead}</p>
        <ProcedureSearchForm />
      </section>
      <section aria-labelledby="events-title">
        <h2 id="events-title">{s.events}</h2>
        <ul class="events">
          {LIFE_EVENTS.map((e) => (
            <li key={e.id}>
              <Link href={`/thu-tuc?${new URLSearchParams({ q: e.q })}`}>
                <span>
                  <span class="event-title">{e[lang]}</span>
                  <span class="event-hint">{lang === 'en' ? e.hintEn : e.hintVi}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="popular-title">
        <h2 id="popular-title">{s.popular}</h2>
        {popular.loading && !popular.data ? (
          <Loading />
        ) : (
          <ul class="cards">
            {items.map((p) => (
              <li key={p.code}>
                <Link href={procedurePath(p.code)}>{lang === 'en' && p.nameEn ? p.nameEn : p.name}</Link>
                <span class="meta">{p.field}</span>
                <span class="tag online">{s.online}</span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link href="/thu-tuc">{s.allProcedures}</Link>
        </p>
      </section>
    </>
  );
}
