import { describe, expect, it } from 'vitest';
import { fullJitterDelaySeconds, parseRetryAfter } from '../../functions/core/backoff.js';

const LOW = () => 0;
const HIGH = () => 0.999999;

/** The ceiling the full-jitter delay is drawn under, written out independently. */
const ceiling = (attempt: number, base: number, cap: number) => Math.min(cap, base * 2 ** (attempt - 1));

describe('fullJitterDelaySeconds', () => {
  it('never goes below one second, even when random() is 0', () => {
    for (const attempt of [1, 2, 5, 10, 30]) expect(fullJitterDelaySeconds(attempt, 2, 300, LOW)).toBe(1);
  });

  it('the upper end of the jitter reaches (just under) the doubling ceiling', () => {
    // base 2, cap 300: ceilings 2, 4, 8, 16, 32, 64, 128, 256, 300, 300...
    const high = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((a) => fullJitterDelaySeconds(a, 2, 300, HIGH));
    expect(high).toEqual([1, 3, 7, 15, 31, 63, 127, 255, 299, 299]);
  });

  it('stays within [1, min(cap, base·2^(attempt-1))] at both ends of random()', () => {
    for (const [base, cap] of [
      [1, 60],
      [2, 300],
      [5, 900],
      [30, 43_200],
    ] as const) {
      for (let attempt = 1; attempt <= 40; attempt++) {
        const max = ceiling(attempt, base, cap);
        for (const random of [LOW, HIGH, () => 0.5, () => 0.25]) {
          const d = fullJitterDelaySeconds(attempt, base, cap, random);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(1);
          expect(d).toBeLessThanOrEqual(max);
        }
        expect(fullJitterDelaySeconds(attempt, base, cap, HIGH)).toBeGreaterThanOrEqual(Math.max(1, max - 1));
      }
    }
  });

  it('scales linearly with random() under the ceiling', () => {
    // attempt 4, base 2: ceiling 16.
    expect(fullJitterDelaySeconds(4, 2, 300, () => 0.5)).toBe(8);
    expect(fullJitterDelaySeconds(4, 2, 300, () => 0.25)).toBe(4);
  });

  it('respects the cap at very large attempt numbers (no overflow to Infinity or NaN)', () => {
    for (const attempt of [50, 1_000, 5_000]) {
      expect(fullJitterDelaySeconds(attempt, 2, 300, HIGH)).toBe(299);
      expect(fullJitterDelaySeconds(attempt, 2, 300, LOW)).toBe(1);
    }
  });

  it('with the real Math.random stays in range', () => {
    for (let i = 0; i < 2_000; i++) {
      const d = fullJitterDelaySeconds(6, 2, 40);
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(40);
    }
  });
});

describe('parseRetryAfter', () => {
  const NOW = Date.parse('2026-11-22T10:00:00.000Z');

  it('reads delta seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 30 ', NOW)).toBe(30);
  });

  it('reads an HTTP date as the seconds until then', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:02:00 GMT', NOW)).toBe(120);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:00 GMT', NOW)).toBe(86_400);
  });

  it('rounds a partial second up', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:02 GMT', NOW + 500)).toBe(2);
  });

  it('a date already past means now (0), never a negative delay', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', NOW)).toBe(0);
  });

  it('is undefined when absent', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('   ', NOW)).toBeUndefined();
  });

  it('is undefined for obvious junk', () => {
    for (const junk of ['soon', '5m', '1e3', '0x10', 'NaN', 'Infinity', '12 seconds']) {
      expect(parseRetryAfter(junk, NOW), junk).toBeUndefined();
    }
  });

  it('is undefined for junk that a lenient date parser would accept', () => {
    // Neither delay-seconds (1*DIGIT) nor an HTTP-date (RFC 9110 §10.2.3). Read as "retry now",
    // these would turn the backoff off for a misbehaving agency; they must fall back to it instead.
    for (const junk of ['-1', '1.5', 'garbage 2026', 'abc 12']) {
      expect(parseRetryAfter(junk, NOW), junk).toBeUndefined();
    }
  });
});
