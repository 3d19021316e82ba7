/** The lane drain the scheduled runs share: rounds, pages, and the run's time. */
import { describe, expect, it } from 'vitest';
import { drainLanes, lambdaBudget, unbounded } from '../../functions/core/drain.js';

/** Lanes of numbered entries, read `pageSize` at a time, resuming after the last index read. */
function lanes(sizes: number[], pageSize: number) {
  const reads: string[] = [];
  return {
    reads,
    read: async (lane: number, after?: number) => {
      reads.push(`${lane}@${after ?? 0}`);
      const from = after ?? 0;
      const entries = Array.from(
        { length: Math.min(pageSize, sizes[lane]! - from) },
        (_, i) => `${lane}.${from + i}`,
      );
      return { entries, ...(from + pageSize < sizes[lane]! ? { next: from + pageSize } : {}) };
    },
  };
}

describe('draining sharded lanes', () => {
  it('reads every lane page after page, a page per turn, in rounds of the concurrency', async () => {
    const l = lanes([3, 0, 5, 1], 2);
    const handled: string[] = [];
    const unfinished = await drainLanes({
      lanes: [0, 1, 2, 3],
      read: l.read,
      handle: async (e) => void handled.push(e),
      budget: unbounded(2),
    });
    expect(unfinished).toBe(0);
    expect(handled.sort()).toEqual(['0.0', '0.1', '0.2', '2.0', '2.1', '2.2', '2.3', '2.4', '3.0']);
    // Round one reads lanes 0 and 1 together, round two lanes 2 and 3; only then do the lanes with more
    // come round again, in turn: one deep lane never keeps the others waiting.
    expect(l.reads.slice(0, 2).sort()).toEqual(['0@0', '1@0']);
    expect(l.reads.slice(2, 4).sort()).toEqual(['2@0', '3@0']);
    expect(l.reads.slice(4)).toEqual(['0@2', '2@2', '2@4']);
  });

  it('starts nothing with less than the reserve left and counts the lanes it left', async () => {
    const l = lanes([4, 4, 4], 10);
    let left = 50;
    const handled: string[] = [];
    const unfinished = await drainLanes({
      lanes: [0, 1, 2],
      read: l.read,
      handle: async (e) => {
        handled.push(e);
        left -= 10;
      },
      budget: { concurrency: 1, timeLeftMs: () => left, reserveMs: 15 },
    });
    // 50 → 40 → 30 → 20 → 10: lane 0 is done, then nothing starts with 10 left.
    expect(handled).toEqual(['0.0', '0.1', '0.2', '0.3']);
    expect(unfinished).toBe(2);
  });

  it("takes a Lambda run's remaining time, and has no end without one", () => {
    let remaining = 9_000;
    const budget = lambdaBudget(4, 1_000, { getRemainingTimeInMillis: () => remaining });
    expect(budget.timeLeftMs()).toBe(9_000);
    remaining = 500;
    expect(budget.timeLeftMs()).toBe(500);
    expect(lambdaBudget(4, 1_000).timeLeftMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
