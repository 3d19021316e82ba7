/**
 * The citizen's support section (hỏi đáp – hỗ trợ, the "mục Hỗ trợ" the portal's notices point to): my
 * questions with their status and deadlines (/ho-tro), and one question (/ho-tro/<code>) with its
 * conversation; there the asker adds information the desk asked for, closes an answer that settled it or
 * reopens it once, and rates a closed question. Asking is its own page (SupportAsk).
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError, get, query, request } from '../api.js';
import { useSession } from '../auth.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { NeedSignIn } from '../components/NeedSignIn.js';
import { useData, useTitle } from '../data.js';
import { dossierPath } from '../follow.js';
import { formatDate, formatDateTime, useCommon, useLang } from '../i18n.js';
import { localError, Problem } from '../my-dossier/problems.js';
import { Link, type PageProps } from '../router.js';
import { procedurePath } from '../routes.js';
import {
  askPath,
  SUPPORT_PATH,
  type TicketList,
  type TicketStatus,
  type TicketView,
  ticketPath,
} from '../support/model.js';
import { TICKET_EVENT, TICKET_STATUS, useStrings } from '../support/strings.js';
import type { AgencyView, ProcedureView } from '../types.js';

function SupportNav() {
  const s = useStrings();
  return (
    <ul class="actions plain">
      <li>
        <Link href={askPath()} class="button">
          {s.ask}
        </Link>
      </li>
    </ul>
  );
}

function TicketStatusBadge({ status, overdue }: { status: TicketStatus; overdue: boolean }) {
  const s = useStrings();
  const lang = useLang();
  return (
    <span class={overdue ? 'status overdue' : status === 'closed' ? 'status done' : 'status'}>
      {TICKET_STATUS[lang][status] ?? status}
      {overdue ? ` · ${s.overdue}` : ''}
    </span>
  );
}

/** My questions, newest first, each with its status and the deadline in force. */
export function MyTickets() {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  useTitle(s.title, t.brand);
  const list = useData(
    (signal) =>
      session
        ? get<TicketList>(`/v1/me/support/tickets${query({ limit: 50 })}`, { auth: true, signal })
        : Promise.resolve(undefined),
    [session?.sub],
  );
  if (!session)
    return (
      <>
        <NeedSignIn title={s.title} />
        <p class="lead">{s.lead}</p>
      </>
    );
  return (
    <section aria-labelledby="support-heading">
      <h1 id="support-heading">{s.title}</h1>
      <p class="lead">{s.lead}</p>
      <SupportNav />
      <p class="hint">{s.faqHint}</p>
      <h2 id="my-tickets-heading">{s.mineTitle}</h2>
      <ErrorSummary error={list.error} onRetry={list.reload} />
      {list.loading ? (
        <Loading />
      ) : (
        <ul id="my-tickets" class="list" aria-labelledby="my-tickets-heading">
          {list.data?.items.length === 0 && <li>{s.mineNone}</li>}
          {list.data?.items.map((x) => {
            // Until the first answer, its deadline; after it, the resolution's.
            const answered = Boolean(x.firstAnsweredAt);
            return (
              <li key={x.code}>
                <Link href={ticketPath(x.code)}>
                  {x.code} — {x.subject}
                </Link>
                <span class="meta">
                  <TicketStatusBadge status={x.status} overdue={x.overdue} /> {s.asked}{' '}
                  {formatDate(x.createdAt, lang)}
                  {x.status !== 'closed' &&
                    ` · ${answered ? s.resolveDue : s.firstDue} ${formatDateTime(
                      answered ? x.resolutionDueAt : x.firstAnswerDueAt,
                      lang,
                    )}`}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function TicketPage({ params }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const session = useSession();
  const code = params.code ?? '';
  useTitle(s.detailTitle(code), t.brand);
  const ticket = useData(
    (signal) =>
      session
        ? get<TicketView>(`/v1/support/tickets/${encodeURIComponent(code)}`, { auth: true, signal })
        : Promise.resolve(undefined),
    [code, session?.sub],
  );
  if (!session) return <NeedSignIn title={s.detailTitle(code)} />;
  if (ticket.loading && !ticket.data) return <Loading />;
  if (!ticket.data)
    return (
      <>
        <h1>{s.detailTitle(code)}</h1>
        <ErrorSummary error={ticket.error} onRetry={ticket.reload} />
        <Link href={SUPPORT_PATH}>{s.back}</Link>
      </>
    );
  return <Ticket d={ticket.data} reload={ticket.reload} />;
}

type Done = 'replied' | 'closed' | 'reopened' | 'rated';

function Ticket({ d, reload }: { d: TicketView; reload: () => void }) {
  const s = useStrings();
  const lang = useLang();
  const [notice, setNotice] = useState<Done>();
  const heading = useRef<HTMLHeadingElement>(null);
  const agency = useData(
    (signal) =>
      d.agencyId
        ? get<AgencyView>(`/v1/agencies/${encodeURIComponent(d.agencyId)}`, { signal })
        : Promise.resolve(undefined),
    [d.agencyId],
  );
  const agencyName = agency.data?.name ?? s.agency;
  // The view names its procedure by code: the catalog gives the name people know.
  const procedure = useData(
    (signal) =>
      d.procedureCode && !d.dossierCode
        ? get<ProcedureView>(`/v1/procedures/${encodeURIComponent(d.procedureCode)}`, { signal })
        : Promise.resolve(undefined),
    [d.procedureCode],
  );
  const procedureName = procedure.data
    ? lang === 'en' && procedure.data.onlineFiling
      ? procedure.data.nameEn
      : procedure.data.name
    : undefined;
  // The form used belongs to the state just left: the focus goes to the heading and the notice is read.
  const done = (what: Done) => {
    setNotice(what);
    reload();
    heading.current?.focus();
  };
  const who = (m: TicketView['messages'][number]) =>
    m.by === 'citizen' ? s.you : m.by === 'agency' ? agencyName : m.by === 'support' ? s.desk : s.system;
  // The question itself is shown above; the conversation is what came after it.
  const messages = d.messages.filter((m) => m.type !== 'support.asked');
  const answered = Boolean(d.firstAnsweredAt);
  return (
    <article aria-labelledby="ticket-heading" class="follow">
      <p class="crumbs">
        <Link href={SUPPORT_PATH}>{s.back}</Link>
      </p>
      <h1 id="ticket-heading" tabIndex={-1} ref={heading}>
        {s.detailTitle('')}
        <span class="nowrap">{d.code}</span>
      </h1>
      <p id="ticket-notice" role="status" class={notice ? 'notice ok' : undefined}>
        {notice ? s[notice] : ''}
      </p>
      <dl class="facts">
        <div>
          <dt>{s.subject}</dt>
          <dd>{d.subject}</dd>
        </div>
        <div>
          <dt>{s.status}</dt>
          <dd id="ticket-status">
            <TicketStatusBadge status={d.status} overdue={d.overdue} />
          </dd>
        </div>
        {(d.dossierCode || d.procedureCode) && (
          <div>
            <dt>{s.concerns}</dt>
            <dd>
              {d.dossierCode ? (
                <Link href={dossierPath(d.dossierCode)}>{s.aboutDossierOf(d.dossierCode)}</Link>
              ) : (
                <Link href={procedurePath(d.procedureCode!)}>
                  {procedureName ?? s.aboutProcedureOf(d.procedureCode!)}
                </Link>
              )}
            </dd>
          </div>
        )}
        {d.status === 'with_agency' && (
          <div>
            <dt>{s.handledBy}</dt>
            <dd>{agencyName}</dd>
          </div>
        )}
        <div>
          <dt>{s.asked}</dt>
          <dd>{formatDateTime(d.createdAt, lang)}</dd>
        </div>
        <div>
          <dt>{answered ? s.firstAnswered : s.firstDue}</dt>
          <dd id="ticket-first-due">{formatDateTime(d.firstAnsweredAt ?? d.firstAnswerDueAt, lang)}</dd>
        </div>
        <div>
          <dt>{d.closedAt ? s.closedAt : s.resolveDue}</dt>
          <dd id="ticket-resolve-due">{formatDateTime(d.closedAt ?? d.resolutionDueAt, lang)}</dd>
        </div>
      </dl>

      <h2>{s.yourQuestion}</h2>
      <p class="prose" id="ticket-question">
        {d.question}
      </p>
      {d.attachments.length > 0 && (
        <>
          <h3 class="sub">{s.files}</h3>
          <ul id="ticket-files">
            {d.attachments.map((a) => (
              <li key={a.fileName}>{a.fileName}</li>
            ))}
          </ul>
        </>
      )}

      <section aria-labelledby="conversation-heading">
        <h2 id="conversation-heading">{s.conversation}</h2>
        {messages.length === 0 ? (
          <p>{s.noAnswerYet}</p>
        ) : (
          <ol class="conversation" id="ticket-messages">
            {messages.map((m) => (
              // What carries no words (closed, rated) reads as a line between the messages.
              <li
                key={m.seq}
                class={
                  [m.by === 'citizen' ? 'mine' : '', m.text ? '' : 'event'].join(' ').trim() || undefined
                }
              >
                <p class="meta">
                  <strong>{who(m)}</strong> · {TICKET_EVENT[lang][m.type] ?? m.type} ·{' '}
                  <time dateTime={m.at}>{formatDateTime(m.at, lang)}</time>
                </p>
                {m.text && <p class="prose">{m.text}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>

      {d.faqId && d.procedureCode && (
        <p class="notice">
          {s.faqKept} <Link href={procedurePath(d.procedureCode)}>{s.seeProcedure}</Link>
        </p>
      )}
      {d.status === 'open' && <p class="notice">{s.waiting}</p>}
      {d.status === 'with_agency' && <p class="notice">{s.withAgency}</p>}
      {d.status === 'awaiting_citizen' && (
        <TextAction
          code={d.code}
          action="reply"
          title={s.replyTitle}
          lead={s.replyLead}
          label={s.replyLabel}
          submit={s.replySend}
          onDone={() => done('replied')}
        />
      )}
      {(d.status === 'answered' || d.status === 'awaiting_citizen') && (
        <CloseTicket code={d.code} onDone={() => done('closed')} />
      )}
      {(d.status === 'answered' || d.status === 'closed') &&
        !d.rating &&
        (d.reopens === 0 ? (
          <TextAction
            code={d.code}
            action="reopen"
            title={s.reopenTitle}
            lead={s.reopenLead}
            label={s.reopenLabel}
            submit={s.reopen}
            onDone={() => done('reopened')}
          />
        ) : (
          <p class="meta">{s.reopenedOnce}</p>
        ))}
      {d.status === 'closed' && <RateTicket d={d} onDone={() => done('rated')} />}
    </article>
  );
}

/** Adding information the desk asked for, or reopening an answer: one text, sent once. */
function TextAction({
  code,
  action,
  title,
  lead,
  label,
  submit,
  onDone,
}: {
  code: string;
  action: 'reply' | 'reopen';
  title: string;
  lead: string;
  label: string;
  submit: string;
  onDone: () => void;
}) {
  const s = useStrings();
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const id = `ticket-${action}`;
  const send = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!text.trim()) {
      setError(localError('text', s.needText));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await request(`/v1/support/tickets/${encodeURIComponent(code)}/messages`, {
        method: 'POST',
        auth: true,
        body: { action, text: text.trim() },
      });
      setText('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const invalid = error instanceof ApiError && !!error.fields.text;
  return (
    <section aria-labelledby={`${id}-heading`} class="panel">
      <h2 id={`${id}-heading`}>{title}</h2>
      <p>{lead}</p>
      <ErrorSummary error={error} fieldIds={{ text: `${id}-text` }} labels={{ text: label }} />
      <form class="filing" noValidate onSubmit={send}>
        <div class="field">
          <label for={`${id}-text`}>{label}</label>
          <textarea
            id={`${id}-text`}
            rows={4}
            maxLength={5000}
            value={text}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? `${id}-text-error` : undefined}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <Problem id={`${id}-text`} error={error} path="text" text={s.needText} />
        </div>
        <button type="submit" class={action === 'reopen' ? 'secondary' : undefined} disabled={busy}>
          {busy ? s.sending : submit}
        </button>
      </form>
    </section>
  );
}

function CloseTicket({ code, onDone }: { code: string; onDone: () => void }) {
  const s = useStrings();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const close = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await request(`/v1/support/tickets/${encodeURIComponent(code)}/messages`, {
        method: 'POST',
        auth: true,
        body: { action: 'close' },
      });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="ticket-close-heading" class="panel">
      <h2 id="ticket-close-heading">{s.settledTitle}</h2>
      <ErrorSummary error={error} />
      <button type="button" disabled={busy} onClick={() => void close()}>
        {s.close}
      </button>
    </section>
  );
}

/** One rating of a closed question: 1–5 and a comment. */
function RateTicket({ d, onDone }: { d: TicketView; onDone: () => void }) {
  const s = useStrings();
  const [score, setScore] = useState<number>();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (d.rating)
    return (
      <section aria-labelledby="ticket-rate-heading" class="panel">
        <h2 id="ticket-rate-heading">{s.rateTitle}</h2>
        <p id="ticket-rated" class="notice ok">
          {s.yourRating(`${d.rating.score} — ${s.scores[d.rating.score - 1] ?? ''}`)}
        </p>
        {d.rating.comment && <p class="prose">{d.rating.comment}</p>}
      </section>
    );
  const send = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!score) {
      setError(localError('score', s.needScore));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await request(`/v1/support/tickets/${encodeURIComponent(d.code)}/rating`, {
        method: 'POST',
        auth: true,
        body: { score, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="ticket-rate-heading" class="panel">
      <h2 id="ticket-rate-heading">{s.rateTitle}</h2>
      <p>{s.rateLead}</p>
      <ErrorSummary error={error} fieldIds={{ score: 'ticket-score-1' }} labels={{ score: s.score }} />
      <form class="filing" noValidate onSubmit={send}>
        <fieldset
          class="scale"
          id="ticket-score"
          aria-describedby={
            error instanceof ApiError && error.fields.score ? 'ticket-score-error' : undefined
          }
        >
          <legend>{s.score}</legend>
          <Problem id="ticket-score" error={error} path="score" text={s.needScore} />
          <div class="scale-options">
            {s.scores.map((label, i) => (
              <span class="check" key={label}>
                <input
                  type="radio"
                  id={`ticket-score-${i + 1}`}
                  name="ticket-score"
                  value={i + 1}
                  checked={score === i + 1}
                  onChange={() => setScore(i + 1)}
                />
                <label for={`ticket-score-${i + 1}`}>
                  {i + 1} — {label}
                </label>
              </span>
            ))}
          </div>
        </fieldset>
        <div class="field">
          <label for="ticket-comment">{s.comment}</label>
          <textarea
            id="ticket-comment"
            rows={3}
            maxLength={1000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy} aria-busy={busy}>
          {s.rate}
        </button>
      </form>
    </section>
  );
}
