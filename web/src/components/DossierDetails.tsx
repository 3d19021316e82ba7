import { EVENT } from '../follow.js';
import { formatDateTime, STATUS, strings, useLang } from '../i18n.js';
import type { DossierView } from '../types.js';
import { StatusBadge } from './StatusBadge.js';
import { Steps } from './Steps.js';

const useStrings = strings({
  vi: {
    title: (code: string) => `Hồ sơ ${code}`,
    procedure: 'Thủ tục',
    agency: 'Cơ quan',
    status: 'Trạng thái',
    submitted: 'Ngày nộp',
    due: 'Hạn trả kết quả',
    key: 'Mã tra cứu',
    timeline: 'Quá trình xử lý',
  },
  en: {
    title: (code: string) => `Dossier ${code}`,
    procedure: 'Procedure',
    agency: 'Agency',
    status: 'Status',
    submitted: 'Submitted',
    due: 'Result due',
    key: 'Tracking key',
    timeline: 'Progress',
  },
});

/** A dossier with its timeline, as its owner or public tracking sees it. */
export function DossierDetails({ d, id }: { d: DossierView; id: string }) {
  const s = useStrings();
  const lang = useLang();
  return (
    <article id={id} tabIndex={-1} aria-labelledby={`${id}-title`} class="dossier">
      <h2 id={`${id}-title`}>{s.title(d.code)}</h2>
      <dl>
        <dt>{s.procedure}</dt>
        <dd>{d.procedureName}</dd>
        <dt>{s.agency}</dt>
        <dd>{d.agencyName}</dd>
        <dt>{s.status}</dt>
        <dd>
          <StatusBadge status={d.status} overdue={d.overdue} />
        </dd>
        <dt>{s.submitted}</dt>
        <dd>{formatDateTime(d.submittedAt, lang)}</dd>
        <dt>{s.due}</dt>
        <dd>{formatDateTime(d.dueAt, lang)}</dd>
        {d.trackingKey && (
          <>
            <dt>{s.key}</dt>
            <dd>{d.trackingKey}</dd>
          </>
        )}
      </dl>
      <Steps steps={d.steps ?? []} id={`${id}-steps`} level={3} />
      <h3>{s.timeline}</h3>
      <ol class="timeline">
        {(d.timeline ?? []).map((e) => (
          <li key={`${e.at}${e.type}`}>
            <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time> —{' '}
            {/* Events that leave the status as it was (a payment, an extension) say what happened. */}
            {EVENT[lang][e.type] ?? STATUS[lang][e.status] ?? e.status}
            {e.note ? ` (${e.note})` : ''}
          </li>
        ))}
      </ol>
    </article>
  );
}
