/**
 * One of my dossiers (/ho-so-cua-toi/<code>): where it stands, its due date in Vietnam's time and whether
 * it is overdue, the fee, and its timeline in words; then what the citizen can do in its state — answer a
 * request to supplement (a note and new scans through the presigned upload form), withdraw (after a
 * confirmation), get the result, confirm having received it, and rate the service once it has ended.
 */
import { useRef, useState } from 'preact/hooks';
import { errorText, get } from '../api.js';
import { signIn, useSession } from '../auth.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { Loading } from '../components/Loading.js';
import { type Receipt, ReceiptFacts } from '../components/ReceiptFacts.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { Steps } from '../components/Steps.js';
import { useData, useTitle } from '../data.js';
import { startPayment } from '../filing/pay.js';
import { EVENT, HAS_RESULT, type OwnDossier, PAYMENT, RATABLE, WITHDRAWABLE } from '../follow.js';
import { formatDateTime, formatMoney, STATUS, useCommon, useLang } from '../i18n.js';
import { Rating } from '../my-dossier/Rating.js';
import { Result } from '../my-dossier/Result.js';
import { Supplement } from '../my-dossier/Supplement.js';
import { useStrings } from '../my-dossier/strings.js';
import { Withdraw } from '../my-dossier/Withdraw.js';
import { Link, type PageProps } from '../router.js';
import { askPath } from '../support/model.js';

export function MyDossier({ params }: PageProps) {
  const s = useStrings();
  const t = useCommon();
  const session = useSession();
  const code = params.code ?? '';
  const dossier = useData(
    (signal) =>
      session
        ? get<OwnDossier>(`/v1/dossiers/${encodeURIComponent(code)}`, { auth: true, signal })
        : Promise.resolve(undefined),
    [code, session?.sub],
  );
  useTitle(s.title(code), t.brand);
  if (!session)
    return (
      <>
        <h1>{s.title(code)}</h1>
        <p>{t.needSignIn}</p>
        <button type="button" onClick={() => void signIn({ returnTo: location.pathname })}>
          {t.signIn}
        </button>
      </>
    );
  if (dossier.loading && !dossier.data) return <Loading />;
  if (!dossier.data)
    return (
      <>
        <h1>{s.title(code)}</h1>
        <ErrorSummary error={dossier.error} onRetry={dossier.reload} />
        <Link href="/ho-so-cua-toi">{s.back}</Link>
      </>
    );
  return <DossierPage d={dossier.data} reload={dossier.reload} />;
}

function DossierPage({ d, reload }: { d: OwnDossier; reload: () => void }) {
  const s = useStrings();
  const lang = useLang();
  // What was just done, by name: the notice follows a change of language.
  const [notice, setNotice] = useState<'supplemented' | 'completed' | 'withdrawn'>();
  const [error, setError] = useState<unknown>();
  const heading = useRef<HTMLHeadingElement>(null);
  const lastSupplementAsk = [...d.timeline].reverse().find((e) => e.type === 'dossier.supplement_requested');
  // The button pressed goes with the state it belonged to: the focus goes to the page's heading, and
  // the notice under it is announced.
  const done = (what: 'supplemented' | 'completed' | 'withdrawn') => {
    setNotice(what);
    reload();
    heading.current?.focus();
  };
  const canPay =
    d.payment && d.status === 'submitted' && ['unpaid', 'failed', 'expired'].includes(d.payment.status);
  // Until the fee is paid the dossier stays with the portal: say so beside the due date and the steps.
  const awaitingFee = Boolean(d.payment && d.status === 'submitted' && d.payment.status !== 'succeeded');
  return (
    <article aria-labelledby="dossier-heading" class="follow">
      <p class="crumbs">
        <Link href="/ho-so-cua-toi">{s.back}</Link>
      </p>
      <h1 id="dossier-heading" tabIndex={-1} ref={heading}>
        {s.title('')}
        <span class="nowrap">{d.code}</span>
      </h1>
      <p id="dossier-notice" role="status" class={notice ? 'notice ok' : undefined}>
        {notice ? s[notice] : ''}
      </p>
      <ErrorSummary error={error} />
      <dl class="facts">
        <div>
          <dt>{s.procedure}</dt>
          <dd>{d.procedureName}</dd>
        </div>
        <div>
          <dt>{s.agency}</dt>
          <dd>{d.agencyName}</dd>
        </div>
        <div>
          <dt>{s.status}</dt>
          <dd id="dossier-status">
            <StatusBadge status={d.status} overdue={d.overdue} />
          </dd>
        </div>
        <div>
          <dt>{s.submitted}</dt>
          <dd>{formatDateTime(d.submittedAt, lang)}</dd>
        </div>
        <div>
          <dt>{s.due}</dt>
          <dd id="dossier-due">
            <time dateTime={d.dueAt}>{formatDateTime(d.dueAt, lang)}</time>
            {WITHDRAWABLE.has(d.status) && (d.overdue || !awaitingFee) && (
              <span class={d.overdue ? 'meta late' : 'meta'}>{d.overdue ? s.overdueBy : s.onTime}</span>
            )}
          </dd>
        </div>
        {d.payment && (
          <div>
            <dt>{s.fee}</dt>
            <dd id="dossier-payment">
              {formatMoney(d.payment.amount, lang)} — {PAYMENT[lang][d.payment.status] ?? d.payment.status}
            </dd>
          </div>
        )}
        {d.trackingKey && (
          <div>
            <dt>{s.key}</dt>
            <dd>{d.trackingKey}</dd>
          </div>
        )}
      </dl>
      {awaitingFee && (
        <p class="notice" id="dossier-awaiting-fee">
          {s.awaitingFee}
        </p>
      )}
      {d.payment?.status === 'succeeded' && d.payment.paymentId && (
        <FeeReceipt paymentId={d.payment.paymentId} />
      )}
      <p class="actions" id="dossier-ask">
        <Link href={askPath({ dossierCode: d.code })}>{s.ask}</Link>
      </p>
      {canPay && (
        <div class="actions">
          <button type="button" onClick={() => startPayment(d.code).catch(setError)}>
            {s.pay}
          </button>
        </div>
      )}

      {d.status === 'supplement_requested' && (
        <Supplement
          d={d}
          ask={d.supplementRequest ?? lastSupplementAsk}
          onDone={() => done('supplemented')}
        />
      )}
      {HAS_RESULT.has(d.status) && <Result d={d} onCompleted={() => done('completed')} />}
      {RATABLE.has(d.status) && <Rating code={d.code} given={d.rating} steps={d.steps ?? []} />}

      <Steps steps={d.steps ?? []} id="dossier-steps" awaitingFee={awaitingFee} />

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{s.timeline}</h2>
        <ol class="timeline" id="dossier-timeline">
          {d.timeline.map((e) => (
            <li key={`${e.at}${e.type}`}>
              <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time> —{' '}
              <strong>{EVENT[lang][e.type] ?? STATUS[lang][e.status] ?? e.type}</strong>
              {e.note ? `: ${e.note}` : ''}
            </li>
          ))}
        </ol>
      </section>

      {WITHDRAWABLE.has(d.status) && <Withdraw code={d.code} onDone={() => done('withdrawn')} />}
      {error ? <p class="field-error">{errorText(error, lang)}</p> : null}
    </article>
  );
}

/** The fee's electronic receipt, found again on the dossier's page (the payment notice points here). */
function FeeReceipt({ paymentId }: { paymentId: string }) {
  const s = useStrings();
  const receipt = useData(
    (signal) => get<Receipt>(`/v1/payments/${encodeURIComponent(paymentId)}/receipt`, { auth: true, signal }),
    [paymentId],
  );
  if (receipt.error) return <ErrorSummary error={receipt.error} onRetry={receipt.reload} />;
  if (!receipt.data) return null;
  return (
    <section aria-labelledby="dossier-receipt-heading" class="panel">
      <h2 id="dossier-receipt-heading">{s.receipt}</h2>
      <ReceiptFacts receipt={receipt.data} id="dossier-receipt" />
    </section>
  );
}
