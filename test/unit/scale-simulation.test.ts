/** A calm national-peak simulation (`npm run scale`) over the real handlers: every submission is filed. */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../scale/simulation.js';

describe('a calm simulation', () => {
  it('files every submission and answers every reader when no partition is near its limit', async () => {
    const calm = await runSimulation({ rate: 20, seconds: 1, scale: 1, readers: 40, inFlight: 8 });
    expect(calm.routes.get('POST /v1/dossiers')?.statuses.get(201)).toBe(20);
    expect([...calm.table.loads.values()].every((l) => l.writeThrottles === 0 && l.readThrottles === 0)).toBe(
      true,
    );
    const reads = [...calm.routes].filter(([route]) => route.startsWith('GET '));
    expect(reads.length).toBeGreaterThan(0);
    for (const [, stats] of reads) expect([...stats.statuses.keys()].every((s) => s < 500)).toBe(true);
  }, 120_000);
});
