import { describe, expect, it } from 'vitest';
import { STEPS } from '../../functions/core/dossier-state.js';
import { cutAtPeriod, EVENT, PETITION_EVENT, sinceDays } from '../../web/src/follow.js';
import { STATUS } from '../../web/src/i18n.js';

const d = (code: string, submittedAt: string) => ({ code, submittedAt });

describe('my dossiers by period', () => {
  // Dates carry Vietnam's offset, as the API writes them; the cut compares instants.
  const page = {
    items: [
      d('A', '2026-12-05T09:00:00+07:00'),
      d('B', '2026-11-20T09:00:00+07:00'),
      d('C', '2026-10-01T09:00:00+07:00'),
    ],
    nextCursor: 'more',
  };

  it('keeps every dossier and the next page without a period', () => {
    expect(cutAtPeriod(page, undefined)).toEqual({ items: page.items, next: 'more' });
  });

  it('stops at the first dossier older than the period: the list is newest first', () => {
    const since = sinceDays(30, Date.parse('2026-12-06T00:00:00Z'));
    const cut = cutAtPeriod(page, since);
    expect(cut.items.map((x) => x.code)).toEqual(['A', 'B']);
    expect(cut.next).toBeNull();
  });

  it('asks for the next page while the whole page is within the period', () => {
    const since = sinceDays(365, Date.parse('2026-12-06T00:00:00Z'));
    expect(cutAtPeriod(page, since)).toEqual({ items: page.items, next: 'more' });
  });

  it('compares instants, not strings written with different offsets', () => {
    // 23:30 in Hà Nội on 5 Nov is 16:30 UTC: inside a period starting at 16:00 UTC.
    const cut = cutAtPeriod(
      { items: [d('X', '2026-11-05T23:30:00+07:00')], nextCursor: null },
      '2026-11-05T16:00:00.000Z',
    );
    expect(cut.items).toHaveLength(1);
  });
});

describe('timeline words', () => {
  it('names every dossier step the API records, in both languages', () => {
    const steps = Object.keys(STEPS);
    expect(steps.length).toBeGreaterThan(10);
    for (const lang of ['vi', 'en'] as const) expect(steps.filter((s) => !EVENT[lang][s])).toEqual([]);
    expect(Object.keys(EVENT.en).sort()).toEqual(Object.keys(EVENT.vi).sort());
    expect(Object.keys(PETITION_EVENT.en).sort()).toEqual(Object.keys(PETITION_EVENT.vi).sort());
    expect(Object.keys(STATUS.en).sort()).toEqual(Object.keys(STATUS.vi).sort());
  });
});
