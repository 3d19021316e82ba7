import { afterEach, describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  announcedAdjustments,
  isWorkingDay,
  resetAnnouncedAdjustments,
} from '../../functions/core/working-days.js';

afterEach(() => {
  delete process.env.CONG_CALENDAR_ADJUSTMENTS;
  resetAnnouncedAdjustments();
});

describe('calendar across the year boundary and Tết', () => {
  it('skips New Year and the whole Tết 2028 block in one deadline', () => {
    // Thursday 30 Dec 2027, 10:00 in Hà Nội, + 20 working days: 1 Jan and 25–28 Jan 2028 are off.
    const due = addWorkingDays(new Date('2027-12-30T03:00:00Z'), 20);
    expect(due.toISOString()).toBe('2028-02-02T10:00:00.000Z');
  });
});

describe('announced swaps from CONG_CALENDAR_ADJUSTMENTS', () => {
  it('applies the configured days off and working Saturdays by default', () => {
    process.env.CONG_CALENDAR_ADJUSTMENTS = JSON.stringify({
      extraDaysOff: ['2026-08-31'],
      extraWorkingDays: ['2026-08-22'],
    });
    resetAnnouncedAdjustments();
    expect(isWorkingDay('2026-08-31')).toBe(false);
    expect(isWorkingDay('2026-08-22')).toBe(true);
    // Friday 28 Aug + 1 working day: Monday 31 is now off, 1 Sep is the next working day.
    expect(addWorkingDays(new Date('2026-08-28T03:00:00Z'), 1).toISOString()).toBe(
      '2026-09-01T10:00:00.000Z',
    );
  });

  it('refuses a malformed setting loudly', () => {
    process.env.CONG_CALENDAR_ADJUSTMENTS = JSON.stringify({ extraDaysOff: ['31/08/2026'] });
    resetAnnouncedAdjustments();
    expect(() => announcedAdjustments()).toThrow(/CONG_CALENDAR_ADJUSTMENTS/);
  });

  it('is empty when nothing is announced', () => {
    expect(announcedAdjustments()).toEqual({ extraDaysOff: [], extraWorkingDays: [] });
  });
});
