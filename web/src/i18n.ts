/**
 * Vietnamese first, English on request. Each page keeps its own strings next to it (`strings({ vi, en })`),
 * so a new page never edits a shared dictionary. The choice lives in memory and in sessionStorage (a
 * preference, nothing personal) so that it survives the sign-in redirect.
 */
import { useEffect, useState } from 'preact/hooks';

export type Lang = 'vi' | 'en';
const KEY = 'cong.lang';

let current: Lang = readStored();
const listeners = new Set<(lang: Lang) => void>();

function readStored(): Lang {
  try {
    return sessionStorage.getItem(KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export const getLang = (): Lang => current;

export function setLang(lang: Lang) {
  current = lang;
  document.documentElement.lang = lang;
  try {
    sessionStorage.setItem(KEY, lang);
  } catch {
    // Storage switched off: the choice lasts as long as the page.
  }
  for (const l of listeners) l(lang);
}

/** The current language; the component renders again when it changes. */
export function useLang(): Lang {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    set(current);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return lang;
}

/** A page's strings in both languages; English must have every key Vietnamese has. */
export function strings<T extends object>(table: { vi: T; en: NoInfer<T> }): () => T {
  return () => table[useLang()];
}

/** Deadlines close at 17:00 in Hà Nội: times are shown in Vietnam's time wherever the browser is. */
const ZONE = 'Asia/Ho_Chi_Minh';
const locale = (lang: Lang) => (lang === 'vi' ? 'vi-VN' : 'en-GB');

/** To the minute: seconds say nothing to a citizen about a deadline ("17:00 8/12/2026"). */
export const formatDateTime = (iso: string, lang: Lang = current) =>
  new Date(iso).toLocaleString(locale(lang), {
    timeZone: ZONE,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

/** A calendar day as forms hold it (YYYY-MM-DD) as people write it here: 12/05/1990. */
export const formatDay = (day: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : day;
};

export const formatDate = (iso: string, lang: Lang = current) =>
  new Date(iso).toLocaleDateString(locale(lang), { timeZone: ZONE });

export const formatNumber = (n: number, lang: Lang = current) => n.toLocaleString(locale(lang));

export const formatMoney = (vnd: number, lang: Lang = current) =>
  lang === 'vi' ? `${formatNumber(vnd, lang)} đ` : `${formatNumber(vnd, lang)} VND`;

/** A month YYYY-MM as "Tháng 11/2026" or "Nov 2026". */
export function formatMonth(month: string, lang: Lang = current): string {
  const [y, m] = month.split('-');
  if (lang === 'vi') return `Tháng ${Number(m)}/${y}`;
  return new Date(Date.UTC(Number(y), Number(m) - 1, 15)).toLocaleDateString('en-GB', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** The current month in Vietnam, YYYY-MM. */
export function currentMonth(now = new Date()): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit' })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}`;
}

/** Strings every screen shares (layout, errors, statuses). */
export const useCommon = strings({
  vi: {
    brand: 'Cổng Dịch vụ công',
    skip: 'Bỏ qua, đến nội dung chính',
    nav: 'Điều hướng chính',
    menu: 'Danh mục',
    home: 'Trang chủ',
    procedures: 'Thủ tục hành chính',
    track: 'Tra cứu hồ sơ',
    mine: 'Hồ sơ của tôi',
    account: 'Tài khoản',
    stats: 'Thống kê',
    petitions: 'Phản ánh, kiến nghị',
    support: 'Hỏi đáp – Hỗ trợ',
    signIn: 'Đăng nhập',
    signOut: 'Đăng xuất',
    hello: (name: string) => `Xin chào, ${name}`,
    switchTo: 'English',
    switchLabel: 'Switch to English',
    loading: 'Đang tải…',
    errorTitle: 'Có lỗi xảy ra',
    fixTitle: 'Vui lòng sửa các mục sau',
    retry: 'Thử lại',
    notFound: 'Không tìm thấy trang',
    notFoundText: 'Địa chỉ này không có trên Cổng. Hãy quay về trang chủ hoặc tìm thủ tục.',
    footer: 'Cổng Dịch vụ công quốc gia — giờ hiển thị theo giờ Việt Nam (GMT+7).',
    overdue: 'quá hạn',
    signInFailed: (message: string) => `Đăng nhập không thành công: ${message}`,
    signInExpired: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.',
    needSignIn: 'Vui lòng đăng nhập để xem trang này.',
  },
  en: {
    brand: 'National Public Service Portal',
    skip: 'Skip to main content',
    nav: 'Main navigation',
    menu: 'Menu',
    home: 'Home',
    procedures: 'Procedures',
    track: 'Track a dossier',
    mine: 'My dossiers',
    account: 'My account',
    stats: 'Statistics',
    petitions: 'Petitions',
    support: 'Questions and support',
    signIn: 'Sign in',
    signOut: 'Sign out',
    hello: (name: string) => `Hello, ${name}`,
    switchTo: 'Tiếng Việt',
    switchLabel: 'Chuyển sang tiếng Việt',
    loading: 'Loading…',
    errorTitle: 'Something went wrong',
    fixTitle: 'Please correct the following',
    retry: 'Try again',
    notFound: 'Page not found',
    notFoundText: 'This address is not on the portal. Go back home or search for a procedure.',
    footer: 'National Public Service Portal — times are shown in Vietnam time (GMT+7).',
    overdue: 'overdue',
    signInFailed: (message: string) => `Sign-in failed: ${message}`,
    signInExpired: 'The sign-in expired, please sign in again.',
    needSignIn: 'Please sign in to see this page.',
  },
});

export const STATUS: Record<Lang, Record<string, string>> = {
  vi: {
    submitted: 'Đã nộp',
    received: 'Đã tiếp nhận',
    in_progress: 'Đang xử lý',
    supplement_requested: 'Yêu cầu bổ sung',
    supplemented: 'Đã bổ sung',
    approved: 'Đã phê duyệt',
    rejected: 'Bị từ chối',
    result_issued: 'Đã trả kết quả',
    completed: 'Hoàn thành',
    withdrawn: 'Đã rút',
  },
  en: {
    submitted: 'Submitted',
    received: 'Received',
    in_progress: 'In progress',
    supplement_requested: 'Supplement requested',
    supplemented: 'Supplemented',
    approved: 'Approved',
    rejected: 'Rejected',
    result_issued: 'Result issued',
    completed: 'Completed',
    withdrawn: 'Withdrawn',
  },
};
