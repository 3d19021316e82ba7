import { describe, expect, it } from 'vitest';
import type { DossierStep } from '../../functions/core/dossier-state.js';
import { AppError } from '../../functions/core/errors.js';
import { GENESIS_HASH, sealEvent, type TimelineEvent } from '../../functions/core/timeline.js';
import {
  agencyFigures,
  type FiguresDossier,
  type FiguresPorts,
  type FiguresRating,
  figuresCsv,
  periodBounds,
  workingHoursBetween,
} from '../../functions/feedback/figures.js';

const A = { id: 'cb-01', displayName: 'Chuyên viên Lê Văn A' };
const B = { id: 'cb-02', displayName: 'Chuyên viên Phạm Thị B' };

function timeline(
  submittedAt: string,
  events: [string, DossierStep, Record<string, unknown>?][],
): TimelineEvent[] {
  let prev = GENESIS_HASH;
  return [[submittedAt, 'dossier.submitted', undefined] as const, ...events].map(([at, type, details], i) => {
    const e = sealEvent({
      seq: i + 1,
      at,
      type,
      status: 'in_progress',
      actor: type === 'dossier.submitted' ? 'citizen' : 'agency',
      ...(details ? { details } : {}),
      prevHash: prev,
    });
    prev = e.hash;
    return e;
  });
}

const dossier = (code: string, submittedAt: string): FiguresDossier => ({
  code,
  procedureCode: '1.002804',
  procedureVersion: 1,
  submittedAt,
  updatedAt: '2026-11-20T00:00:00.000Z',
  dueAt: '2026-12-31T10:00:00.000Z',
  status: 'completed',
});

// Two dossiers of 1.002804 (reception 8 h · step-1 1 day · step-2 2 days · step-3 2 days).
const d1 = dossier('CAHN-261102-0001', '2026-11-02T02:00:00.000Z'); // Monday 2 November 09:00
const d2 = dossier('CAHN-261102-0002', '2026-11-02T02:00:00.000Z');
const timelines: Record<string, TimelineEvent[]> = {
  [d1.code]: timeline(d1.submittedAt, [
    ['2026-11-02T03:00:00.000Z', 'dossier.received', { officer: A }],
    ['2026-11-03T03:00:00.000Z', 'dossier.step_completed', { step: 'step-1', officer: A }],
    ['2026-11-04T03:00:00.000Z', 'dossier.step_completed', { step: 'step-2', officer: B }],
    ['2026-11-05T03:00:00.000Z', 'dossier.result_issued', { step: 'step-3', officer: B }],
  ]),
  [d2.code]: timeline(d2.submittedAt, [
    ['2026-11-02T03:00:00.000Z', 'dossier.received', { officer: A }],
    // step-1 finishes a week late (due Tuesday 3rd, 17:00)
    ['2026-11-10T03:00:00.000Z', 'dossier.step_completed', { step: 'step-1', officer: A }],
  ]),
};

function ports(ratings: FiguresRating[] = []): FiguresPorts & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    now: () => new Date('2026-12-15T00:00:00Z'),
    dossiers: async (agencyId, from, to) => {
      asked.push(`${agencyId} ${from} ${to}`);
      return [d1, d2];
    },
    timeline: async (code) => timelines[code] ?? [],
    ratings: async () => ratings,
  };
}

describe('figures per officer and per step', () => {
  it('counts the steps each officer finished in the period, on time or late, with working days', async () => {
    const f = await agencyFigures(ports(), 'cahn', '2026-11');
    const a = f.officers.find((o) => o.officerId === 'cb-01')!;
    // A: reception ×2 (on time), step-1 of d1 (on time), step-1 of d2 (late)
    expect(a).toMatchObject({ displayName: A.displayName, dossiersHandled: 2, steps: 4, onTime: 3, late: 1 });
    expect(a.onTimeRate).toBe(75);
    const b = f.officers.find((o) => o.officerId === 'cb-02')!;
    expect(b).toMatchObject({ dossiersHandled: 1, steps: 2, onTime: 2, late: 0 });
    // step-2 of d1 ran Tuesday 10:00 → Wednesday 10:00: 8 office hours, one working day
    const step2 = f.steps.find((s) => s.stepId === 'step-2')!;
    expect(step2).toMatchObject({
      name: 'Xác minh dữ liệu giấy phép lái xe',
      steps: 1,
      averageWorkingDays: 1,
    });
    expect(f.steps.find((s) => s.stepId === 'step-1')).toMatchObject({ steps: 2, onTime: 1, late: 1 });
  });

  it('leaves out steps finished outside the period, and reads dossiers back far enough', async () => {
    const p = ports();
    const f = await agencyFigures(p, 'cahn', '2026-10');
    expect(f.officers).toEqual([]);
    expect(f.steps).toEqual([]);
    expect(p.asked[0]).toMatch(/^cahn 2025-/);
    const q4 = await agencyFigures(ports(), 'cahn', '2026-Q4');
    expect(q4).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    expect(q4.officers.map((o) => o.steps)).toEqual([4, 2]);
  });

  it('credits a rating to the officers of the steps it names, or to everyone who acted', async () => {
    const f = await agencyFigures(
      ports([
        { dossierCode: d1.code, overall: 5, ratedAt: '2026-11-06T00:00:00Z', steps: ['step-2'] },
        { dossierCode: d1.code, overall: 2, ratedAt: '2026-11-07T00:00:00Z' },
        { dossierCode: d1.code, overall: 1, ratedAt: '2026-12-07T00:00:00Z' },
      ]),
      'cahn',
      '2026-11',
    );
    const [a, b] = f.officers;
    expect(a).toMatchObject({ officerId: 'cb-01', ratings: 1, averageRating: 2, satisfactionRate: 0 });
    expect(b).toMatchObject({ officerId: 'cb-02', ratings: 2, averageRating: 3.5, satisfactionRate: 50 });
    // The rating naming no step counts for every step an officer acted at, as it does for the officers.
    expect(f.steps.find((s) => s.stepId === 'step-2')).toMatchObject({ ratings: 2, averageRating: 3.5 });
    expect(f.steps.find((s) => s.stepId === 'step-1')).toMatchObject({ ratings: 1, averageRating: 2 });
    expect(f.steps.find((s) => s.stepId === 'step-3')).toMatchObject({ ratings: 1, averageRating: 2 });
    expect(f.steps.every((s) => s.ratings === (s.stepId === 'step-2' ? 2 : 1))).toBe(true);
  });

  it('breaks each officer down by step: handled, on time, late and working days at each', async () => {
    const f = await agencyFigures(ports(), 'cahn', '2026-11');
    const at = (officerId: string, stepId: string) =>
      f.officerSteps.find((p) => p.officerId === officerId && p.stepId === stepId);
    const reception = f.steps.find((s) => !['step-1', 'step-2', 'step-3'].includes(s.stepId))!.stepId;
    expect(f.officerSteps.map((p) => `${p.officerId}@${p.stepId}`)).toEqual(
      [`cb-01@${reception}`, 'cb-01@step-1', 'cb-02@step-2', 'cb-02@step-3'].sort((x, y) =>
        x.localeCompare(y),
      ),
    );
    // A's late step is step-1 of d2, not the receptions: the officer's total of 3 on time and 1 late
    // splits as 2 + 0 at reception and 1 + 1 at step-1.
    expect(at('cb-01', reception)).toMatchObject({ dossiersHandled: 2, steps: 2, onTime: 2, late: 0 });
    expect(at('cb-01', 'step-1')).toMatchObject({
      displayName: A.displayName,
      procedureCode: '1.002804',
      dossiersHandled: 2,
      steps: 2,
      onTime: 1,
      late: 1,
      onTimeRate: 50,
    });
    expect(at('cb-02', 'step-2')).toMatchObject({
      name: 'Xác minh dữ liệu giấy phép lái xe',
      steps: 1,
      onTime: 1,
      averageWorkingDays: 1,
    });
    // Each officer's rows add up to the officer's total.
    for (const o of f.officers) {
      const mine = f.officerSteps.filter((p) => p.officerId === o.officerId);
      expect(mine.reduce((n, p) => n + p.steps, 0)).toBe(o.steps);
      expect(mine.reduce((n, p) => n + p.late, 0)).toBe(o.late);
    }
  });

  it('credits a rating to an officer at a step only where the rating concerns that step', async () => {
    const f = await agencyFigures(
      ports([
        { dossierCode: d1.code, overall: 5, ratedAt: '2026-11-06T00:00:00Z', steps: ['step-2'] },
        { dossierCode: d1.code, overall: 2, ratedAt: '2026-11-07T00:00:00Z' },
        { dossierCode: d1.code, overall: 4, ratedAt: '2026-11-08T00:00:00Z', officerIds: ['cb-02'] },
      ]),
      'cahn',
      '2026-11',
    );
    const at = (officerId: string, stepId: string) =>
      f.officerSteps.find((p) => p.officerId === officerId && p.stepId === stepId)!;
    // step-2: all three (named; every step; B named); step-3: the last two; A's step-1: the second only.
    expect(at('cb-02', 'step-2')).toMatchObject({ ratings: 3, averageRating: 3.67 });
    expect(at('cb-02', 'step-3')).toMatchObject({ ratings: 2, averageRating: 3 });
    expect(at('cb-01', 'step-1')).toMatchObject({ ratings: 1, averageRating: 2, satisfactionRate: 0 });
  });

  it('reads the timeline only of dossiers touched in the period, or rated in it', async () => {
    const read: string[] = [];
    const p = ports([{ dossierCode: d1.code, overall: 4, ratedAt: '2026-12-02T00:00:00Z' }]);
    const f = await agencyFigures(
      {
        ...p,
        timeline: async (code) => {
          read.push(code);
          return timelines[code] ?? [];
        },
      },
      'cahn',
      '2026-12',
    );
    expect(read).toEqual([d1.code]);
    expect(f.dossiersRead).toBe(1);
    // Nothing finished in December; the rating still reaches the officers who acted on d1.
    expect(f.officers).toEqual([]);
  });

  it('answers CSV with a row per officer, per step and per officer at each step', async () => {
    const csv = figuresCsv(await agencyFigures(ports(), 'cahn', '2026-11'));
    const lines = csv.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toMatch(
      /^kind,officerId,displayName,procedureCode,stepId,stepName,dossiersHandled,steps,onTime,late/,
    );
    expect(lines.filter((l) => l.startsWith('officer,'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('step,'))).toHaveLength(4);
    // And a row per officer at each step they finished.
    const pairs = lines.filter((l) => l.startsWith('officer_step,'));
    expect(pairs).toHaveLength(4);
    expect(pairs).toContainEqual(
      expect.stringContaining('officer_step,cb-01,Chuyên viên Lê Văn A,1.002804,step-1,'),
    );
    expect(pairs.find((l) => l.includes(',step-1,'))).toMatch(/,2,2,1,1,50,/);
    expect(lines[1]).toContain('cb-01,Chuyên viên Lê Văn A,,,,2,4,3,1,75');
  });

  it('refuses an officer whose token names no agency', async () => {
    await expect(agencyFigures(ports(), undefined, '2026-11')).rejects.toBeInstanceOf(AppError);
  });

  it('measures periods and working time in Vietnam', () => {
    expect(periodBounds('2026-11').start.toISOString()).toBe('2026-10-31T17:00:00.000Z');
    expect(periodBounds('2026-Q1')).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });
    // Friday 16:00 → Monday 09:00: one hour on Friday, one on Monday
    expect(workingHoursBetween(new Date('2026-11-06T09:00:00Z'), new Date('2026-11-09T02:00:00Z'))).toBe(2);
  });
});
