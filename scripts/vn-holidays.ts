/**
 * Regenerates functions/core/vn-public-holidays.json: every local date that is a Vietnamese public
 * holiday (fixed and lunar) in the years the portal plans deadlines for, computed by date-holidays.
 * Functions read the list instead of loading the library, whose lunar and time-zone data would triple
 * their size; a unit test recomputes the list with the library so the two cannot drift.
 * Run: npx tsx scripts/vn-holidays.ts
 */
import { writeFileSync } from 'node:fs';
import { vnPublicHolidays } from '../test/support/vn-holidays.js';

const FIRST_YEAR = 2020;
const LAST_YEAR = 2060;
const out = {
  source: 'date-holidays VN, type public',
  firstYear: FIRST_YEAR,
  lastYear: LAST_YEAR,
  dates: vnPublicHolidays(FIRST_YEAR, LAST_YEAR),
};
writeFileSync(
  new URL('../functions/core/vn-public-holidays.json', import.meta.url),
  `${JSON.stringify(out, null, 1)}\n`,
);
console.log(`${out.dates.length} holiday dates, ${FIRST_YEAR}–${LAST_YEAR}`);
