import { describe, expect, it } from 'vitest';
import { addWorkingHours } from '../../functions/core/working-days.js';

/** Local Vietnam time (UTC+7) to an instant. */
const vn = (local: string) => new Date(`${local}+07:00`);

describe('working hours (8-hour acknowledgement, Decree 45/2020)', () => {
  it('counts within one working day across the lunch break', () => {
    // Monday 23 Nov 2026, 09:00 + 4 h: 09–12 (3 h), lunch, 13–14 (1 h).
    expect(addWorkingHours(vn('2026-11-23T09:00:00'), 4).toISOString()).toBe(
      vn('2026-11-23T14:00:00').toISOString(),
    );
  });

  it('starts the clock when the office opens for a dossier sent at night', () => {
    expect(addWorkingHours(vn('2026-11-23T22:30:00'), 8).toISOString()).toBe(
      vn('2026-11-24T17:00:00').toISOString(),
    );
  });

  it('carries over the weekend', () => {
    // Friday 27 Nov 2026 15:00: 2 h on Friday, 6 h from Monday 08:00 → Monday 15:00.
    expect(addWorkingHours(vn('2026-11-27T15:00:00'), 8).toISOString()).toBe(
      vn('2026-11-30T15:00:00').toISOString(),
    );
  });

  it('skips Tết', () => {
    // Friday 13 Feb 2026 16:00: 1 h, then Tết (16–20 Feb) and the weekend; 7 h on Monday 23 Feb → 16:00.
    expect(addWorkingHours(vn('2026-02-13T16:00:00'), 8).toISOString()).toBe(
      vn('2026-02-23T16:00:00').toISOString(),
    );
  });

  it('treats a time inside the lunch break as the start of the afternoon', () => {
    expect(addWorkingHours(vn('2026-11-23T12:30:00'), 1).toISOString()).toBe(
      vn('2026-11-23T14:00:00').toISOString(),
    );
  });

  it('honours announced swaps', () => {
    // Saturday 28 Nov 2026 announced as a working day.
    const at = addWorkingHours(vn('2026-11-27T16:00:00'), 2, { extraWorkingDays: ['2026-11-28'] });
    expect(at.toISOString()).toBe(vn('2026-11-28T09:00:00').toISOString());
  });
});
