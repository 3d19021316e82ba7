/**
 * The table's own write quota reached (an on-demand table left at its default at a national peak): the
 * real handlers over the in-process table answer the submissions it refuses with 503, never a 500, and
 * none of those is half-written.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../scale/simulation.js';

describe('a peak over the table write quota', () => {
  it('files what the quota allows, answers the rest 503, and writes nothing of them', async () => {
    const run = await runSimulation({
      rate: 20,
      seconds: 1,
      scale: 1,
      readers: 0,
      inFlight: 8,
      tableWriteQuota: 50,
    });
    const statuses = run.routes.get('POST /v1/dossiers')!.statuses;
    expect([...statuses.keys()].sort()).toEqual([201, 503]);
    const filed = statuses.get(201)!;
    expect(filed).toBeGreaterThan(0);
    expect(statuses.get(503)).toBe(20 - filed);
    expect(run.table.tableQuotaThrottles).toBeGreaterThan(0);
    // Only the submissions answered 201 left a dossier behind.
    const dossiers = [...run.table.items.values()].filter((i) => i.kind?.S === 'dossier');
    expect(dossiers).toHaveLength(filed);
  }, 120_000);
});
