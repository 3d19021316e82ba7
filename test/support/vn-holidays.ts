/** Vietnamese public holidays (local dates) computed by date-holidays, fixed and lunar. */
import Holidays from 'date-holidays';

export function vnPublicHolidays(firstYear: number, lastYear: number): string[] {
  const hd = new Holidays('VN');
  const days = new Set<string>();
  for (let year = firstYear; year <= lastYear; year++) {
    for (const h of hd.getHolidays(year)) {
      if (h.type !== 'public') continue;
      // A holiday may span several days (Tết): every local date in [start, end) is off.
      for (let t = h.start.getTime(); t < h.end.getTime(); t += 86_400_000) {
        days.add(new Date(t + 7 * 3_600_000).toISOString().slice(0, 10));
      }
    }
  }
  return [...days]
    .filter((d) => Number(d.slice(0, 4)) >= firstYear && Number(d.slice(0, 4)) <= lastYear)
    .sort();
}
