/**
 * Petitions (phản ánh, kiến nghị): anyone searches the published answers (/phan-anh-kien-nghi, words with
 * or without tone marks); a signed-in citizen sends one with up to five scans (/phan-anh-kien-nghi/gui),
 * follows theirs (/phan-anh-kien-nghi/cua-toi) and reads one with its timeline and answer
 * (/phan-anh-kien-nghi/<code>). The petition's text never goes in an address.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { useSession } from '../auth.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { useData, useTitle } from '../data.js';
import {
  PETITION_EVENT,
  PETITION_STATUS,
  type PetitionList,
  type PetitionView,
  type PublicPetitionList,
  petitionPath,
} from '../follow.js';
import { formatDate, formatDateTime, useCommon, useLang } from '../i18n.js';
import { NeedSignIn, PetitionNav } from '../petitions/parts.js';
import { useStrings } from '../petitions/strings.js';
import { Link, navigate, type PageProps } from '../router.js';

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

/** A published petition as anyone reads it: the agency's public version and its answer. */
function PublishedPetition({ d }: { d: PublicPetitionList['items'][number] }) {
  const s = useStrings();
  const lang = useLang();
  return (
    <article aria-labelledby="petition-heading" class="follow" id="published-petition">
      <p class="crumbs">
        <Link href="/phan-anh-kien-nghi">{s.title}</Link>
      </p>
      <h1 id="petition-heading">
        {s.detailTitle('')}
        <span class="nowrap">{d.code}</span>
      </h1>
      <p class="meta">{s.publishedNote}</p>
      <dl class="facts">
        <div>
          <dt>{s.subject}</dt>
          <dd>{d.subject}</dd>
        </div>
        <div>
          <dt>{s.agency}</dt>
          <dd>{d.agencyName}</dd>
        </div>
        <div>
          <dt>{s.sentAt}</dt>
          <dd>{formatDate(d.submittedAt, lang)}</dd>
        </div>
        <div>
          <dt>{s.publishedAt}</dt>
          <dd>{formatDate(d.publishedAt, lang)}</dd>
        </div>
      </dl>
      <h2>{s.petition}</h2>
      <p class="prose">{d.content}</p>
      <section aria-labelledby="petition-answer" class="panel">
        <h2 id="petition-answer">{s.answer}</h2>
        <p class="meta">{s.answeredBy(d.agencyName, formatDateTime(d.answer.at, lang))}</p>
        <p class="prose">{d.answer.text}</p>
      </section>
    </article>
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
  // A published answer is public: anyone reads it from the public search, which finds a code alone.
  const published = useData(
    (signal) =>
      get<PublicPetitionList>(`/v1/petitions${query({ q: code, limit: 1 })}`, { signal }).then((list) =>
        list.items.find((i) => i.code === code),
      ),
    [code],
  );
  if (published.loading || (session && p.loading)) return <Loading />;
  if (!p.data && published.data) return <PublishedPetition d={published.data} />;
  if (!session) return <NeedSignIn title={s.detailTitle(code)} />;
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
