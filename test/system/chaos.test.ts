/**
 * A small chaos run: a few hundred dossiers (single, paid, to every province, interlinked bundles),
 * payments and petitions filed while AWS, the agencies and the payment gateway fail at the rates of
 * `npm run chaos`; after the incident and the operator's drain nothing is lost, nothing doubled, and
 * every dossier and petition is where its agency drove it.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, summary } from '../chaos/chaos.js';

describe('the portal under faults', () => {
  it('loses nothing, doubles nothing and converges once the faults stop', async () => {
    const report = await runChaos({
      dossiers: 150,
      payments: 10,
      petitions: 10,
      awsRate: 0.05,
      agencyRate: 0.2,
      seed: 7,
      concurrency: 6,
      drainTimeoutMs: 120_000,
    });
    const figures = summary(report);
    expect(report.accepted.dossiers, figures).toBeGreaterThanOrEqual(150);
    expect(report.refusals, figures).toEqual([]);
    // The faults really happened: AWS errors, agency failures and lost gateway notices among them.
    expect(Object.keys(report.injected).some((k) => k.startsWith('aws.dynamodb'))).toBe(true);
    expect(Object.keys(report.injected).some((k) => k.startsWith('agency.'))).toBe(true);
    expect(report.checks.lost, figures).toEqual({ dossiers: 0, petitions: 0, submissions: 0 });
    expect(
      Object.values(report.checks.doubled).every((n) => n === 0),
      figures,
    ).toBe(true);
    expect(report.checks.converged, figures).toEqual({
      dossiers: report.checks.dossiers,
      petitions: report.checks.petitions,
    });
    expect(report.checks.chainsVerified).toBe(report.checks.dossiers);
    expect(report.checks.counters.differences, figures).toBe(0);
    expect(report.checks.deadLetters.remaining - report.checks.deadLetters.accounted, figures).toBe(0);
    expect(report.checks.violations, figures).toEqual([]);
  }, 480_000);
});
