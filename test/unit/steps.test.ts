import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import type { DossierStep } from '../../functions/core/dossier-state.js';
import { GENESIS_HASH, sealEvent, type TimelineEvent } from '../../functions/core/timeline.js';
import { stepClockOf } from '../../functions/steps/clock.js';
import { defaultSteps, planOf } from '../../functions/steps/plan.js';
import { computeSteps, stepViews } from '../../functions/steps/progress.js';
import type { DossierStatus } from '../../schemas/dossier.js';

// 1.002804 (đổi giấy phép lái xe): Tiếp nhận, kiểm tra 1 day · Xác minh 2 days · In và trả 2 days.
// Monday 2 November 2026, 09:00 in Hà Nội.
const SUBMITTED = '2026-11-02T02:00:00.000Z';

function dossier(status: DossierStatus = 'in_progress'): DossierRecord {
  return {
    code: 'CAHN-261102-0001',
    submissionId: '01KAAAAAAAAAAAAAAAAAAAAAA1',
    procedureCode: '1.002804',
    procedureVersion: 1,
    procedureName: 'Đổi giấy phép lái xe',
    agencyId: 'cahn',
    agencyName: 'Công an thành phố Hà Nội',
    ownerSub: 'citizen-a',
    status,
    version: 1,
    lastSeq: 1,
    lastHash: 'x',
    submittedAt: SUBMITTED,
    updatedAt: SUBMITTED,
    dueAt: '2026-11-09T10:00:00.000Z',
    form: {},
    attachments: [],
  };
}

type Ev = { at: string; type: DossierStep; details?: Record<string, unknown>; dueAt?: string };

function timeline(...events: Ev[]): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  let prev = GENESIS_HASH;
  for (const [i, e] of [{ at: SUBMITTED, type: 'dossier.submitted' as const }, ...events].entries()) {
    const sealed = sealEvent({
      seq: i + 1,
      at: e.at,
      type: e.type,
      status: 'in_progress',
      actor: e.type === 'dossier.submitted' || e.type === 'dossier.supplemented' ? 'citizen' : 'agency',
      ...('dueAt' in e && e.dueAt ? { dueAt: e.dueAt } : {}),
      ...('details' in e && e.details ? { details: e.details } : {}),
      prevHash: prev,
    });
    out.push(sealed);
    prev = sealed.hash;
  }
  return out;
}

const officerA = { id: 'cb-017', displayName: 'Chuyên viên Trần Thị B' };

describe('a dossier plan', () => {
  it('is reception, then the procedure steps the catalog publishes, with English names', () => {
    const { source, steps } = planOf(dossier());
    expect(source).toBe('catalog');
    expect(steps.map((s) => [s.id, s.budget.unit, s.budget.amount])).toEqual([
      ['reception', 'working_hours', 8],
      ['step-1', 'working_days', 1],
      ['step-2', 'working_days', 2],
      ['step-3', 'working_days', 2],
    ]);
    expect(steps[2]!.name).toBe('Xác minh dữ liệu giấy phép lái xe');
    expect(steps[2]!.nameEn).toBe('Verifying the driving licence data');
  });

  it('falls back to handling, signing and returning within the processing time', () => {
    const { source, steps } = planOf({ ...dossier(), procedureCode: '9.999999' });
    expect(source).toBe('default');
    expect(steps.map((s) => s.id)).toEqual(['reception', 'handling', 'signing', 'returning']);
    expect(defaultSteps(5).map((s) => s.budget)).toEqual([
      { unit: 'working_days', amount: 4 },
      { unit: 'working_hours', amount: 4 },
      { unit: 'working_hours', amount: 4 },
    ]);
    expect(defaultSteps(1).reduce((h, s) => h + s.budget.amount, 0)).toBe(8);
  });
});

describe('steps on the clock', () => {
  it('chains each step from the one before and names who acted', () => {
    const events = timeline(
      // received at 14:00 Monday: within 8 working hours
      { at: '2026-11-02T07:00:00.000Z', type: 'dossier.received', details: { officer: officerA } },
      { at: '2026-11-03T03:00:00.000Z', type: 'dossier.step_completed', details: { step: 'step-1' } },
    );
    const steps = computeSteps(dossier(), events, new Date('2026-11-04T03:00:00.000Z'));
    const [reception, s1, s2, s3] = steps;
    expect(reception).toMatchObject({ state: 'on_time', finishedAt: '2026-11-02T07:00:00.000Z' });
    expect(reception!.dueAt).toBe('2026-11-03T02:00:00.000Z'); // 8 office hours: Tuesday 09:00
    expect(reception!.officer).toEqual(officerA);
    // step 1 ran from the receipt; 1 working day → Tuesday 17:00
    expect(s1).toMatchObject({ startedAt: '2026-11-02T07:00:00.000Z', dueAt: '2026-11-03T10:00:00.000Z' });
    expect(s1!.state).toBe('on_time');
    // step 2 runs (implicitly) from step 1's end, 2 working days → Thursday 17:00
    expect(s2).toMatchObject({ startedAt: '2026-11-03T03:00:00.000Z', finishedAt: null });
    expect(s2!.dueAt).toBe('2026-11-05T10:00:00.000Z');
    expect(s3).toMatchObject({ startedAt: null, state: 'on_time' });
    const views = stepViews(steps, false);
    expect(views.every((v) => !('officer' in v))).toBe(true);
    expect(stepViews(steps, true)[0]!.officer).toBe('Chuyên viên Trần Thị B');
  });

  it('shows a late step by working days and that an apology is owed, until one is sent', () => {
    const events = timeline(
      { at: '2026-11-02T07:00:00.000Z', type: 'dossier.received' },
      { at: '2026-11-03T03:00:00.000Z', type: 'dossier.step_completed', details: { step: 'step-1' } },
    );
    // Monday 9 November: step 2 was due Thursday 5th 17:00 → Fri, Mon = 2 working days late
    const now = new Date('2026-11-09T04:00:00.000Z');
    const s2 = computeSteps(dossier(), events, now)[2]!;
    expect(s2).toMatchObject({ state: 'late', lateByWorkingDays: 2, apologyRequired: true });

    const apologised = timeline(
      { at: '2026-11-02T07:00:00.000Z', type: 'dossier.received' },
      { at: '2026-11-03T03:00:00.000Z', type: 'dossier.step_completed', details: { step: 'step-1' } },
      {
        at: '2026-11-05T04:00:00.000Z',
        type: 'dossier.extended',
        details: { step: 'step-2', reason: 'Chờ xác minh', newDueAt: '2026-11-10T10:00:00.000Z' },
      },
    );
    const after = computeSteps(dossier(), apologised, now)[2]!;
    expect(after).toMatchObject({
      state: 'on_time',
      dueAt: '2026-11-10T10:00:00.000Z',
      apologyRequired: false,
    });
    expect(after.apology?.reason).toBe('Chờ xác minh');
    const [, , publicView] = stepViews(computeSteps(dossier(), apologised, now), false);
    expect(publicView!.apology).toEqual({
      at: '2026-11-05T04:00:00.000Z',
      newDueAt: '2026-11-10T10:00:00.000Z',
    });
  });

  it('stops the running step while the citizen supplements', () => {
    const events = timeline(
      { at: '2026-11-02T07:00:00.000Z', type: 'dossier.received' },
      { at: '2026-11-03T03:00:00.000Z', type: 'dossier.step_completed', details: { step: 'step-1' } },
      { at: '2026-11-03T04:00:00.000Z', type: 'dossier.supplement_requested' },
      { at: '2026-11-06T04:00:00.000Z', type: 'dossier.supplemented', details: { waitedWorkingDays: 3 } },
    );
    const s2 = computeSteps(dossier(), events, new Date('2026-11-06T05:00:00.000Z'))[2]!;
    // Thursday 5th 17:00 + 3 working days → Tuesday 10th 17:00
    expect(s2.dueAt).toBe('2026-11-10T10:00:00.000Z');
    expect(s2.state).toBe('on_time');
  });

  it('closes the open steps with the result, judging the first unreported one', () => {
    const events = timeline(
      { at: '2026-11-02T07:00:00.000Z', type: 'dossier.received' },
      { at: '2026-11-04T03:00:00.000Z', type: 'dossier.result_issued', details: { officer: officerA } },
    );
    const steps = computeSteps(dossier('result_issued'), events, new Date('2026-11-20T00:00:00Z'));
    expect(steps.every((s) => s.finishedAt === '2026-11-04T03:00:00.000Z' || s.step.id === 'reception')).toBe(
      true,
    );
    // step 1 absorbed the whole time: due Tuesday 17:00, finished Wednesday 10:00
    expect(steps[1]).toMatchObject({ state: 'late', lateByWorkingDays: 1 });
    expect(steps[3]).toMatchObject({ state: 'on_time' });
    expect(steps[3]!.officer).toEqual(officerA);
  });

  it('keeps the running step on the dossier for the SLA watcher, with a reminder before its due time', () => {
    const events = timeline(
      { at: '2026-11-02T07:00:00.000Z', type: 'dossier.received' },
      { at: '2026-11-03T03:00:00.000Z', type: 'dossier.step_started', details: { step: 'step-2' } },
    );
    const clock = stepClockOf(dossier(), 'in_progress', undefined, events, new Date('2026-11-03T03:00:00Z'));
    expect(clock).toMatchObject({ stepId: 'step-2', dueAt: '2026-11-05T10:00:00.000Z' });
    // 3/4 of 16 working hours = 12 from Tuesday 10:00 (6 on Tuesday, 4 + 2 on Wednesday) → Wednesday 15:00
    expect(clock!.remindAt).toBe('2026-11-04T08:00:00.000Z');
    expect(stepClockOf(dossier(), 'supplement_requested', undefined, events, new Date())).toBeNull();
  });
});
