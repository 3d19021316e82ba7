import { formatMoney, formatNumber, type Lang, strings, useLang } from '../i18n.js';
import type { ProcedureSummary } from '../types.js';

export const useProcedureStrings = strings({
  vi: {
    code: 'Mã',
    days: (n: number) => `${formatNumber(n, 'vi')} ngày làm việc`,
    free: 'Miễn phí',
    online: 'Nộp trực tuyến',
    notOnline: 'Chưa nộp trực tuyến trên Cổng',
    levels: {
      toan_trinh: 'Toàn trình',
      mot_phan: 'Một phần',
      ministry: 'Cấp bộ',
      province: 'Cấp tỉnh',
      commune: 'Cấp xã',
      other: 'Cơ quan khác',
    } as Record<string, string>,
  },
  en: {
    code: 'Code',
    days: (n: number) => `${formatNumber(n, 'en')} working day${n === 1 ? '' : 's'}`,
    free: 'Free',
    online: 'File online',
    notOnline: 'Not filed online on the portal yet',
    levels: {
      toan_trinh: 'Fully online',
      mot_phan: 'Partly online',
      ministry: 'Ministry',
      province: 'Province',
      commune: 'Commune',
      other: 'Other body',
    } as Record<string, string>,
  },
});

/** Information entries may give no time in working days or no fee: say nothing rather than guess. */
export function procedureFacts(p: ProcedureSummary, s: ReturnType<typeof useProcedureStrings>, lang: Lang) {
  return [
    `${s.code} ${p.code}`,
    p.field ?? undefined,
    p.processingDays !== null ? s.days(p.processingDays) : undefined,
    p.fee === null ? undefined : p.fee ? formatMoney(p.fee, lang) : s.free,
  ].filter((x): x is string => Boolean(x));
}

export function ProcedureMeta({ p }: { p: ProcedureSummary }) {
  const s = useProcedureStrings();
  const lang = useLang();
  return (
    <span class="meta">
      {procedureFacts(p, s, lang).join(' · ')}{' '}
      {p.onlineFiling ? (
        <span class="tag online">{p.level ? `${s.online} · ${s.levels[p.level]}` : s.online}</span>
      ) : (
        <span class="tag">{s.notOnline}</span>
      )}
    </span>
  );
}
