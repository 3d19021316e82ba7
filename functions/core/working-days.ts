/**
 * The Vietnamese working-day calendar deadlines are counted in (Asia/Ho_Chi_Minh, UTC+7 all year):
 * weekends and public holidays — fixed and lunar (Tết, Hùng Kings), computed by date-holidays into
 * vn-public-holidays.json (scripts/vn-holidays.ts) — are not working days. Officially announced
 * swaps are data: `extraDaysOff` and `extraWorkingDays`.
 */
import { setting } from './config.js';
import holidayList from './vn-public-holidays.json' with { type: 'json' };

const VN_OFFSET_MS = 7 * 3_600_000;
/** Results are due by the close of the last working day. */
const CLOSE_OF_BUSINESS_HOUR = 17;

export interface CalendarAdjustments {
  /** Local dates (YYYY-MM-DD) announced as days off, e.g. a bridge day before a holiday. */
  extraDaysOff?: readonly string[];
  /** Local dates announced as working days (a Saturday worked to make up a bridge day). */
  extraWorkingDays?: readonly string[];
}

const publicHolidays: ReadonlySet<string> = new Set(holidayList.dates);

let announced: CalendarAdjustments | undefined;

/**
 * The Government announces swapped and compensatory days year by year (e.g. a Saturday worked so a
 * bridge day before National Day is off); operators set them without a code change in
 * CONG_CALENDAR_ADJUSTMENTS, e.g. {"extraDaysOff":["2026-09-01"],"extraWorkingDays":["2026-08-29"]}.
 * Read once per process; an invalid value stops the function at its first deadline, loudly.
 */
export function announcedAdjustments(): CalendarAdjustments {
  if (!announced) {
    announced = setting('CONG_CALENDAR_ADJUSTMENTS') ?? { extraDaysOff: [], extraWorkingDays: [] };
  }
  return announced;
}

/** Tests and the local cloud change the environment between runs. */
export function resetAnnouncedAdjustments(): void {
  announced = undefined;
}

/** YYYY-MM-DD in Vietnam for an instant. */
export function localDate(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(day: string, adj: CalendarAdjustments = announcedAdjustments()): boolean {
  if (adj.extraWorkingDays?.includes(day)) return true;
  if (adj.extraDaysOff?.includes(day)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const year = Number(day.slice(0, 4));
  if (year < holidayList.firstYear || year > holidayList.lastYear) {
    throw new RangeError(`no holiday calendar for ${year}: regenerate vn-public-holidays.json`);
  }
  return !publicHolidays.has(day);
}

const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The instant a period of `days` working days started at `from` ends: the close of business on the
 * N-th working day after the day of submission (the day of submission itself does not count).
 */
export function addWorkingDays(
  from: Date,
  days: number,
  adj: CalendarAdjustments = announcedAdjustments(),
): Date {
  let day = localDate(from);
  let left = days;
  while (left > 0) {
    day = nextDay(day);
    if (isWorkingDay(day, adj)) left -= 1;
  }
  return new Date(
    Date.parse(`${day}T${String(CLOSE_OF_BUSINESS_HOUR).padStart(2, '0')}:00:00Z`) - VN_OFFSET_MS,
  );
}

/** Working days after the local day of `from` up to and including the local day of `to`. */
export function workingDaysBetween(
  from: Date,
  to: Date,
  adj: CalendarAdjustments = announcedAdjustments(),
): number {
  const last = localDate(to);
  let n = 0;
  for (let day = nextDay(localDate(from)); day <= last; day = nextDay(day)) {
    if (isWorkingDay(day, adj)) n += 1;
  }
  return n;
}

/** Office hours in Vietnam (local time): mornings and afternoons, with a lunch break between. */
export const OFFICE_HOURS: readonly (readonly [number, number])[] = [
  [8, 12],
  [13, 17],
];

const localInstant = (day: string, hour: number) =>
  Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`) - VN_OFFSET_MS;

/**
 * The instant `hours` working hours after `from`, counting only office hours of working days — how
 * the 8-working-hour acknowledgement of an online dossier is measured (Decree 45/2020). A dossier
 * sent at night or on a holiday starts its clock when the office next opens.
 */
export function addWorkingHours(
  from: Date,
  hours: number,
  adj: CalendarAdjustments = announcedAdjustments(),
): Date {
  let left = hours * 3_600_000;
  let day = localDate(from);
  let cursor = from.getTime();
  for (;;) {
    if (isWorkingDay(day, adj)) {
      for (const [open, close] of OFFICE_HOURS) {
        const start = Math.max(cursor, localInstant(day, open));
        const end = localInstant(day, close);
        if (start >= end) continue;
        if (end - start >= left) return new Date(start + left);
        left -= end - start;
      }
    }
    day = nextDay(day);
    cursor = localInstant(day, 0);
  }
}
