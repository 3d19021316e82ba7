import { describe, expect, it } from 'vitest';
import { addWorkingDays, isWorkingDay, localDate } from '../../functions/core/working-days.js';

const iso = (d: Date) => d.toISOString();

describe('localDate (Asia/Ho_Chi_Minh, UTC+7)', () => {
  it('changes day at 17:00 UTC', () => {
    expect(localDate(new Date('2026-11-22T16:59:59Z'))).toBe('2026-11-22');
    expect(localDate(new Date('2026-11-22T16:59:59.999Z'))).toBe('2026-11-22');
    expect(localDate(new Date('2026-11-22T17:00:00Z'))).toBe('2026-11-23');
  });

  it('UTC midnight is already 07:00 the same local day', () => {
    expect(localDate(new Date('2026-11-22T00:00:00Z'))).toBe('2026-11-22');
    expect(localDate(new Date('2026-11-21T23:59:59Z'))).toBe('2026-11-22');
  });

  it('crosses the year boundary', () => {
    expect(localDate(new Date('2026-12-31T16:59:59Z'))).toBe('2026-12-31');
    expect(localDate(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01');
  });
});

describe('isWorkingDay', () => {
  it('ordinary weekdays work, weekends do not', () => {
    // 2026-03-09 is a Monday.
    expect(['09', '10', '11', '12', '13', '14', '15'].map((d) => isWorkingDay(`2026-03-${d}`))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('Tết 2026: Monday 16 to Friday 20 February off, work resumes Monday 23', () => {
    expect(isWorkingDay('2026-02-13')).toBe(true);
    for (const d of ['16', '17', '18', '19', '20']) expect(isWorkingDay(`2026-02-${d}`), d).toBe(false);
    expect(isWorkingDay('2026-02-23')).toBe(true);
  });

  it('30 April and 1 May 2026 are off', () => {
    expect(isWorkingDay('2026-04-29')).toBe(true);
    expect(isWorkingDay('2026-04-30')).toBe(false);
    expect(isWorkingDay('2026-05-01')).toBe(false);
    expect(isWorkingDay('2026-05-04')).toBe(true);
  });

  it('New Year and National Day are off', () => {
    expect(isWorkingDay('2026-01-01')).toBe(false);
    expect(isWorkingDay('2026-09-02')).toBe(false);
    expect(isWorkingDay('2027-01-01')).toBe(false);
  });

  it('Hùng Kings day: a Sunday in 2026 (no automatic substitute), a Friday in 2027', () => {
    expect(new Date('2026-04-26T00:00:00Z').getUTCDay()).toBe(0);
    expect(isWorkingDay('2026-04-26')).toBe(false);
    // A compensatory day off is announced, not inferred: without an adjustment Monday is worked.
    expect(isWorkingDay('2026-04-27')).toBe(true);
    expect(isWorkingDay('2026-04-27', { extraDaysOff: ['2026-04-27'] })).toBe(false);
    // 10th of the third lunar month 2027 is Friday 16 April.
    expect(isWorkingDay('2027-04-16')).toBe(false);
    expect(isWorkingDay('2027-04-15')).toBe(true);
  });

  it('observances that are not public holidays are worked', () => {
    // Vietnamese Teachers' Day, 20 November 2026 (a Friday).
    expect(isWorkingDay('2026-11-20')).toBe(true);
  });

  it('announced adjustments: extra days off and worked Saturdays', () => {
    expect(isWorkingDay('2026-03-12', { extraDaysOff: ['2026-03-12'] })).toBe(false);
    expect(isWorkingDay('2026-03-14', { extraWorkingDays: ['2026-03-14'] })).toBe(true);
    // An adjustment for another date changes nothing.
    expect(isWorkingDay('2026-03-12', { extraDaysOff: ['2026-03-13'] })).toBe(true);
    expect(isWorkingDay('2026-03-14', { extraWorkingDays: ['2026-03-21'] })).toBe(false);
  });
});

describe('addWorkingDays', () => {
  it('Friday + 1 working day is Monday at 17:00 Vietnam time (10:00Z)', () => {
    // Friday 13 March 2026, 10:00 in Hà Nội.
    expect(iso(addWorkingDays(new Date('2026-03-13T03:00:00Z'), 1))).toBe('2026-03-16T10:00:00.000Z');
  });

  it('the submission day itself does not count, whatever the hour', () => {
    // Monday 07:00 local and Monday 23:59 local both give Tuesday's close of business.
    expect(iso(addWorkingDays(new Date('2026-03-09T00:00:00Z'), 1))).toBe('2026-03-10T10:00:00.000Z');
    expect(iso(addWorkingDays(new Date('2026-03-09T16:59:00Z'), 1))).toBe('2026-03-10T10:00:00.000Z');
  });

  it('late Friday night UTC is already Saturday in Vietnam', () => {
    const at = new Date('2026-03-13T18:30:00Z'); // Saturday 01:30 local
    expect(localDate(at)).toBe('2026-03-14');
    expect(isWorkingDay(localDate(at))).toBe(false);
    expect(iso(addWorkingDays(at, 1))).toBe('2026-03-16T10:00:00.000Z');
    expect(iso(addWorkingDays(at, 2))).toBe('2026-03-17T10:00:00.000Z');
  });

  it('days are counted on the Vietnamese calendar, not the UTC one', () => {
    // Thursday 18:00Z is Friday 01:00 local: + 1 is Monday (a UTC calendar would say Friday).
    expect(iso(addWorkingDays(new Date('2026-03-12T18:00:00Z'), 1))).toBe('2026-03-16T10:00:00.000Z');
    // Sunday 18:00Z is Monday 01:00 local: + 1 is Tuesday (a UTC calendar would say Monday).
    expect(iso(addWorkingDays(new Date('2026-03-15T18:00:00Z'), 1))).toBe('2026-03-17T10:00:00.000Z');
  });

  it('skips weekends over longer periods', () => {
    // Monday 9 March + 5 = Monday 16; + 10 = Monday 23; + 7 = Wednesday 18.
    const monday = new Date('2026-03-09T03:00:00Z');
    expect(iso(addWorkingDays(monday, 5))).toBe('2026-03-16T10:00:00.000Z');
    expect(iso(addWorkingDays(monday, 7))).toBe('2026-03-18T10:00:00.000Z');
    expect(iso(addWorkingDays(monday, 10))).toBe('2026-03-23T10:00:00.000Z');
  });

  it('Tết 2026 pushes a deadline by the whole holiday week', () => {
    const friday = new Date('2026-02-13T03:00:00Z');
    expect(iso(addWorkingDays(friday, 1))).toBe('2026-02-23T10:00:00.000Z');
    expect(iso(addWorkingDays(friday, 5))).toBe('2026-02-27T10:00:00.000Z');
    // Submitted during Tết: the first working day after it is the first day counted.
    expect(iso(addWorkingDays(new Date('2026-02-18T03:00:00Z'), 1))).toBe('2026-02-23T10:00:00.000Z');
  });

  it('30 April and 1 May 2026 push Wednesday + 1 to the following Monday', () => {
    expect(iso(addWorkingDays(new Date('2026-04-29T03:00:00Z'), 1))).toBe('2026-05-04T10:00:00.000Z');
    expect(iso(addWorkingDays(new Date('2026-04-29T03:00:00Z'), 2))).toBe('2026-05-05T10:00:00.000Z');
  });

  it('crosses into the next year over New Year', () => {
    expect(iso(addWorkingDays(new Date('2026-12-31T03:00:00Z'), 1))).toBe('2027-01-04T10:00:00.000Z');
  });

  it('Hùng Kings 2026 falls on a Sunday; an announced Monday off moves the deadline', () => {
    const friday = new Date('2026-04-24T03:00:00Z');
    expect(iso(addWorkingDays(friday, 1))).toBe('2026-04-27T10:00:00.000Z');
    expect(iso(addWorkingDays(friday, 1, { extraDaysOff: ['2026-04-27'] }))).toBe('2026-04-28T10:00:00.000Z');
  });

  it('a worked Saturday counts', () => {
    const friday = new Date('2026-03-13T03:00:00Z');
    expect(iso(addWorkingDays(friday, 1, { extraWorkingDays: ['2026-03-14'] }))).toBe(
      '2026-03-14T10:00:00.000Z',
    );
    expect(iso(addWorkingDays(friday, 2, { extraWorkingDays: ['2026-03-14'] }))).toBe(
      '2026-03-16T10:00:00.000Z',
    );
  });

  it('an extra day off in the middle of the week moves the deadline by one day', () => {
    const monday = new Date('2026-03-09T03:00:00Z');
    expect(iso(addWorkingDays(monday, 3))).toBe('2026-03-12T10:00:00.000Z');
    expect(iso(addWorkingDays(monday, 3, { extraDaysOff: ['2026-03-11'] }))).toBe('2026-03-13T10:00:00.000Z');
  });
});
