/**
 * A dossier's processing steps, each on its own clock: what it is, when it is due (Vietnam time), when
 * it started and finished, on time or how many working days late, the agency's apology with its new date
 * (form 04) or that one is owed, and — for the owner only — the officer who acted. An ordered list of
 * small cards rather than a table, so that it reads on a 360 px phone without scrolling sideways.
 */
import { formatNumber, type Lang, strings, useLang } from '../i18n.js';
import type { DossierStep } from '../types.js';

const useStrings = strings({
  vi: {
    heading: 'Các bước xử lý',
    lead: 'Mỗi bước có thời hạn riêng, tính theo ngày làm việc (giờ Việt Nam).',
    budget: 'Thời hạn',
    days: (n: string) => `${n} ngày làm việc`,
    hours: (n: string) => `${n} giờ làm việc`,
    due: 'Hạn hoàn thành',
    started: 'Bắt đầu',
    finished: 'Hoàn thành',
    notYet: 'Chưa',
    state: 'Tình trạng',
    onTime: 'Đúng hạn',
    running: 'Đang xử lý, trong hạn',
    waiting: 'Chưa bắt đầu',
    waitingFee: 'Chờ thanh toán lệ phí',
    dueAfterFee: 'Tính từ khi lệ phí được thanh toán',
    feeLead: 'Các bước chỉ bắt đầu khi cơ quan nhận hồ sơ, tức là sau khi lệ phí được thanh toán.',
    late: (n: number) => (n > 0 ? `Trễ ${n} ngày làm việc` : 'Trễ hạn'),
    officer: 'Cán bộ xử lý',
    apology: 'Thư xin lỗi và hẹn lại (mẫu 04)',
    apologySent: (at: string, date: string) => `Gửi lúc ${at}, hẹn hoàn thành trước ${date}.`,
    reason: 'Lý do',
    apologyRequired: 'Cần thư xin lỗi',
    apologyRequiredText: 'Bước này đã trễ hạn; cơ quan phải gửi thư xin lỗi và hẹn lại ngày (mẫu 04).',
    stepLabel: (n: number, name: string) => `Bước ${n}: ${name}`,
  },
  en: {
    heading: 'Processing steps',
    lead: 'Each step has its own time limit, in working days (Vietnam time).',
    budget: 'Time allowed',
    days: (n: string) => `${n} working ${n === '1' ? 'day' : 'days'}`,
    hours: (n: string) => `${n} working ${n === '1' ? 'hour' : 'hours'}`,
    due: 'Due',
    started: 'Started',
    finished: 'Finished',
    notYet: 'Not yet',
    state: 'State',
    onTime: 'On time',
    running: 'Under way, on time',
    waiting: 'Not started',
    waitingFee: 'Waiting for the fee',
    dueAfterFee: 'Counted from when the fee is paid',
    feeLead: 'The steps start only once the agency receives the dossier, that is once the fee is paid.',
    late: (n: number) => (n > 0 ? `${n} working ${n === 1 ? 'day' : 'days'} late` : 'Late'),
    officer: 'Officer',
    apology: 'Apology with a new date (form 04)',
    apologySent: (at: string, date: string) => `Sent ${at}; to be finished by ${date}.`,
    reason: 'Reason',
    apologyRequired: 'Apology owed',
    apologyRequiredText: 'This step is late; the agency must send an apology with a new date (form 04).',
    stepLabel: (n: number, name: string) => `Step ${n}: ${name}`,
  },
});

/** To the minute, in Vietnam's time: a step's times fit two to a row on a phone. */
const minute = (iso: string, lang: Lang) =>
  new Date(iso).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

/** The steps of a dossier; `id` prefixes the element ids (the owner's page and tracking differ). */
export function Steps({
  steps,
  id,
  level = 2,
  awaitingFee = false,
}: {
  steps: DossierStep[];
  id: string;
  level?: 2 | 3;
  /** The dossier waits for its fee: it has not gone to the agency, so no step's clock runs yet. */
  awaitingFee?: boolean;
}) {
  const s = useStrings();
  const lang = useLang();
  if (!steps.length) return null;
  // The list sits under the page's heading, or under the dossier's own on the tracking page.
  const H = level === 2 ? 'h2' : 'h3';
  const Hstep = level === 2 ? 'h3' : 'h4';
  const when = (iso: string | null) =>
    iso ? <time dateTime={iso}>{minute(iso, lang)}</time> : <span class="muted">{s.notYet}</span>;
  return (
    <section aria-labelledby={`${id}-heading`}>
      <H id={`${id}-heading`}>{s.heading}</H>
      <p class="hint">{s.lead}</p>
      {awaitingFee && <p class="notice">{s.feeLead}</p>}
      <ol class="steps" id={id}>
        {steps.map((step, i) => {
          const name = lang === 'vi' ? step.name : step.nameEn || step.name;
          const late = step.state === 'late';
          const state = late
            ? s.late(step.lateByWorkingDays)
            : step.finishedAt
              ? s.onTime
              : step.startedAt
                ? s.running
                : awaitingFee
                  ? s.waitingFee
                  : s.waiting;
          const amount = formatNumber(step.budget.amount, lang);
          return (
            <li key={step.id} id={`${id}-${step.id}`}>
              <Hstep>{s.stepLabel(i + 1, name)}</Hstep>
              <p class="step-state">
                <span class={late ? 'status overdue' : step.finishedAt ? 'status done' : 'status'}>
                  {state}
                </span>
                {step.apologyRequired && <span class="status overdue">{s.apologyRequired}</span>}
              </p>
              <dl class="step-facts">
                <div>
                  <dt>{s.budget}</dt>
                  <dd>{step.budget.unit === 'working_days' ? s.days(amount) : s.hours(amount)}</dd>
                </div>
                <div>
                  <dt>{s.due}</dt>
                  <dd>
                    {!step.dueAt && awaitingFee ? (
                      <span class="muted">{s.dueAfterFee}</span>
                    ) : (
                      when(step.dueAt)
                    )}
                  </dd>
                </div>
                <div>
                  <dt>{s.started}</dt>
                  <dd>{when(step.startedAt)}</dd>
                </div>
                <div>
                  <dt>{s.finished}</dt>
                  <dd>{when(step.finishedAt)}</dd>
                </div>
                {step.officer && (
                  <div>
                    <dt>{s.officer}</dt>
                    <dd>{step.officer}</dd>
                  </div>
                )}
              </dl>
              {step.apology && (
                <div class="notice step-apology">
                  <p>
                    <strong>{s.apology}</strong>
                    <br />
                    {s.apologySent(minute(step.apology.at, lang), minute(step.apology.newDueAt, lang))}
                  </p>
                  {step.apology.reason && (
                    <p>
                      {s.reason}: {step.apology.reason}
                    </p>
                  )}
                </div>
              )}
              {step.apologyRequired && <p class="late-text">{s.apologyRequiredText}</p>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
