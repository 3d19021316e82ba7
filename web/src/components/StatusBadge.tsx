import { STATUS, useCommon, useLang } from '../i18n.js';

/** A dossier's status in words (never colour alone), with "quá hạn" when it is past its due date. */
export function StatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  const lang = useLang();
  const t = useCommon();
  return (
    <span class={overdue ? 'status overdue' : 'status'}>
      {STATUS[lang][status] ?? status}
      {overdue ? ` · ${t.overdue}` : ''}
    </span>
  );
}
