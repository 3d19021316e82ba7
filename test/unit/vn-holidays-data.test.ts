import { describe, expect, it } from 'vitest';
import holidayList from '../../functions/core/vn-public-holidays.json' with { type: 'json' };
import { vnPublicHolidays } from '../support/vn-holidays.js';

describe('Vietnamese public holiday list', () => {
  it('equals what date-holidays computes for every year it covers', () => {
    expect(holidayList.dates).toEqual(vnPublicHolidays(holidayList.firstYear, holidayList.lastYear));
  });

  it('contains the lunar holidays (Tết 2026, Hùng Kings 2027)', () => {
    expect(holidayList.dates).toEqual(expect.arrayContaining(['2026-02-17', '2026-02-20', '2027-04-16']));
  });
});
