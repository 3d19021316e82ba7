import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type Decision,
  type DossierStep,
  decide,
  STEPS,
} from '../../functions/core/dossier-state.js';
import { type DossierStatus, dossierStatus } from '../../schemas/dossier.js';

/*
 * The expectation below is written out by hand from the business rules, not derived from STEPS, so
 * that a change to the machine has to be made (and reviewed) in two places.
 */

const STATUSES: readonly DossierStatus[] = [
  'submitted',
  'received',
  'in_progress',
  'supplement_requested',
  'supplemented',
  'approved',
  'rejected',
  'result_issued',
  'completed',
  'withdrawn',
];

const ACTORS: readonly Actor[] = ['citizen', 'agency', 'system'];

const FINAL: readonly DossierStatus[] = ['rejected', 'completed', 'withdrawn'];

interface Expected {
  to: DossierStatus | 'unchanged';
  from: readonly DossierStatus[];
  by: readonly Actor[];
}

const EXPECTED: Record<DossierStep, Expected> = {
  'dossier.submitted': { to: 'submitted', from: [], by: ['citizen'] },
  'dossier.handed_over': { to: 'unchanged', from: ['submitted'], by: ['system'] },
  'payment.succeeded': { to: 'unchanged', from: ['submitted'], by: ['system'] },
  'payment.refunded': { to: 'unchanged', from: STATUSES, by: ['system'] },
  'dossier.received': { to: 'received', from: ['submitted'], by: ['agency'] },
  'dossier.in_progress': {
    to: 'in_progress',
    from: ['submitted', 'received', 'supplemented'],
    by: ['agency'],
  },
  'dossier.step_started': {
    to: 'in_progress',
    from: ['submitted', 'received', 'in_progress', 'supplemented'],
    by: ['agency'],
  },
  'dossier.step_completed': { to: 'in_progress', from: ['in_progress'], by: ['agency'] },
  'dossier.extended': {
    to: 'unchanged',
    from: ['received', 'in_progress', 'supplement_requested', 'supplemented'],
    by: ['agency'],
  },
  'dossier.supplement_requested': {
    to: 'supplement_requested',
    from: ['received', 'in_progress'],
    by: ['agency'],
  },
  'dossier.supplemented': { to: 'supplemented', from: ['supplement_requested'], by: ['citizen'] },
  'dossier.approved': { to: 'approved', from: ['in_progress', 'supplemented'], by: ['agency'] },
  'dossier.rejected': {
    to: 'rejected',
    from: ['received', 'in_progress', 'supplement_requested', 'supplemented'],
    by: ['agency'],
  },
  'dossier.result_issued': { to: 'result_issued', from: ['approved'], by: ['agency'] },
  'dossier.completed': { to: 'completed', from: ['result_issued'], by: ['agency', 'citizen', 'system'] },
  'dossier.withdrawn': {
    to: 'withdrawn',
    from: ['submitted', 'received', 'in_progress', 'supplement_requested', 'supplemented'],
    by: ['citizen', 'system'],
  },
  'result.revoked': { to: 'unchanged', from: ['result_issued', 'completed'], by: ['agency'] },
  'result.replaced': { to: 'unchanged', from: ['result_issued', 'completed'], by: ['agency'] },
};

/**
 * States a dossier has already passed through (on the way) when it is in the key state: an event
 * targeting one of them is late and is acknowledged as stale. Terminal branches (rejected, withdrawn,
 * completed) are never "behind" anything — nothing follows them. Final states have nothing behind
 * them that could be acknowledged: anything out of them is illegal.
 */
const BEHIND: Record<DossierStatus, readonly DossierStatus[]> = {
  submitted: [],
  received: ['submitted'],
  in_progress: ['submitted', 'received'],
  supplement_requested: ['submitted', 'received', 'in_progress'],
  supplemented: ['submitted', 'received', 'in_progress', 'supplement_requested'],
  approved: ['submitted', 'received', 'in_progress', 'supplement_requested', 'supplemented'],
  result_issued: ['submitted', 'received', 'in_progress', 'supplement_requested', 'supplemented', 'approved'],
  rejected: [],
  completed: [],
  withdrawn: [],
};

function expected(current: DossierStatus, step: DossierStep, actor: Actor): Decision {
  const rule = EXPECTED[step];
  if (!rule.by.includes(actor)) return { kind: 'illegal', reason: 'actor' };
  if (rule.from.includes(current)) return { kind: 'apply', to: rule.to === 'unchanged' ? current : rule.to };
  if (rule.to === 'unchanged') return { kind: 'illegal', reason: 'state' };
  if (current === rule.to) return { kind: 'stale' };
  if (BEHIND[current].includes(rule.to)) return { kind: 'stale' };
  return { kind: 'illegal', reason: 'state' };
}

const STEP_NAMES = Object.keys(EXPECTED) as DossierStep[];

describe('dossier state machine: the tables cover the whole domain', () => {
  it('the schema lists exactly the statuses this test knows', () => {
    expect([...dossierStatus.options].sort()).toEqual([...STATUSES].sort());
  });

  it('STEPS has exactly the steps this test knows, each targeting its own status', () => {
    expect(Object.keys(STEPS).sort()).toEqual([...STEP_NAMES].sort());
    for (const step of STEP_NAMES) expect(STEPS[step].to, step).toBe(EXPECTED[step].to);
  });
});

describe('decide: exhaustive status × step × actor against the hand-written table', () => {
  for (const current of STATUSES) {
    it(`from ${current}`, () => {
      const mismatches: string[] = [];
      for (const step of STEP_NAMES) {
        for (const actor of ACTORS) {
          const want = expected(current, step, actor);
          const got = decide(current, step, actor);
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            mismatches.push(
              `${current} --${step} by ${actor}--> got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`,
            );
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('decide: the individual rules', () => {
  it('received only from submitted, only by the agency', () => {
    expect(decide('submitted', 'dossier.received', 'agency')).toEqual({ kind: 'apply', to: 'received' });
    expect(decide('submitted', 'dossier.received', 'citizen')).toEqual({ kind: 'illegal', reason: 'actor' });
    expect(decide('submitted', 'dossier.received', 'system')).toEqual({ kind: 'illegal', reason: 'actor' });
  });

  it('in_progress may imply the receipt, and resumes after a supplement', () => {
    for (const from of ['submitted', 'received', 'supplemented'] as const) {
      expect(decide(from, 'dossier.in_progress', 'agency'), from).toEqual({
        kind: 'apply',
        to: 'in_progress',
      });
    }
  });

  it('a supplement round trip: requested by the agency, supplied by the citizen', () => {
    expect(decide('in_progress', 'dossier.supplement_requested', 'agency')).toEqual({
      kind: 'apply',
      to: 'supplement_requested',
    });
    expect(decide('supplement_requested', 'dossier.supplemented', 'citizen')).toEqual({
      kind: 'apply',
      to: 'supplemented',
    });
    expect(decide('supplement_requested', 'dossier.supplemented', 'agency')).toEqual({
      kind: 'illegal',
      reason: 'actor',
    });
  });

  it('approval cannot skip the work, and a result needs an approval', () => {
    expect(decide('received', 'dossier.approved', 'agency')).toEqual({ kind: 'illegal', reason: 'state' });
    expect(decide('submitted', 'dossier.approved', 'agency')).toEqual({ kind: 'illegal', reason: 'state' });
    expect(decide('in_progress', 'dossier.result_issued', 'agency')).toEqual({
      kind: 'illegal',
      reason: 'state',
    });
    expect(decide('approved', 'dossier.result_issued', 'agency')).toEqual({
      kind: 'apply',
      to: 'result_issued',
    });
  });

  it('a dossier cannot be rejected before it is received', () => {
    expect(decide('submitted', 'dossier.rejected', 'agency')).toEqual({ kind: 'illegal', reason: 'state' });
  });

  it('completion from result_issued by any actor', () => {
    for (const actor of ACTORS) {
      expect(decide('result_issued', 'dossier.completed', actor), actor).toEqual({
        kind: 'apply',
        to: 'completed',
      });
    }
  });

  it('withdrawal from every open state by the citizen only; not once decided', () => {
    for (const from of [
      'submitted',
      'received',
      'in_progress',
      'supplement_requested',
      'supplemented',
    ] as const) {
      expect(decide(from, 'dossier.withdrawn', 'citizen'), from).toEqual({ kind: 'apply', to: 'withdrawn' });
      expect(decide(from, 'dossier.withdrawn', 'agency'), from).toEqual({ kind: 'illegal', reason: 'actor' });
    }
    expect(decide('approved', 'dossier.withdrawn', 'citizen')).toEqual({ kind: 'illegal', reason: 'state' });
    expect(decide('result_issued', 'dossier.withdrawn', 'citizen')).toEqual({
      kind: 'illegal',
      reason: 'state',
    });
  });

  it('the wrong actor is reported as such, whatever the state', () => {
    for (const current of STATUSES) {
      expect(decide(current, 'dossier.approved', 'citizen'), current).toEqual({
        kind: 'illegal',
        reason: 'actor',
      });
      expect(decide(current, 'dossier.withdrawn', 'agency'), current).toEqual({
        kind: 'illegal',
        reason: 'actor',
      });
    }
  });

  it('the same state again is stale (a duplicate), including in final states', () => {
    expect(decide('received', 'dossier.received', 'agency')).toEqual({ kind: 'stale' });
    expect(decide('approved', 'dossier.approved', 'agency')).toEqual({ kind: 'stale' });
    expect(decide('rejected', 'dossier.rejected', 'agency')).toEqual({ kind: 'stale' });
    expect(decide('completed', 'dossier.completed', 'system')).toEqual({ kind: 'stale' });
    expect(decide('withdrawn', 'dossier.withdrawn', 'citizen')).toEqual({ kind: 'stale' });
  });

  it('a late event for a step already passed is stale', () => {
    expect(decide('in_progress', 'dossier.received', 'agency')).toEqual({ kind: 'stale' });
    expect(decide('approved', 'dossier.in_progress', 'agency')).toEqual({ kind: 'stale' });
    expect(decide('result_issued', 'dossier.approved', 'agency')).toEqual({ kind: 'stale' });
    expect(decide('supplemented', 'dossier.received', 'agency')).toEqual({ kind: 'stale' });
  });

  it('a conflicting terminal decision is never acknowledged as a late event', () => {
    // Approved and result_issued are on the approval branch: a rejection is a contradiction, not a
    // late arrival, and must surface as a 409 in both states alike.
    expect(decide('approved', 'dossier.rejected', 'agency')).toEqual({ kind: 'illegal', reason: 'state' });
    expect(decide('result_issued', 'dossier.rejected', 'agency')).toEqual({
      kind: 'illegal',
      reason: 'state',
    });
  });

  it('nothing leaves a final state', () => {
    for (const current of FINAL) {
      for (const step of STEP_NAMES) {
        for (const actor of ACTORS) {
          const d = decide(current, step, actor);
          if (EXPECTED[step].to === current && EXPECTED[step].by.includes(actor)) {
            expect(d, `${current} ${step} ${actor}`).toEqual({ kind: 'stale' });
          } else if (
            EXPECTED[step].to === 'unchanged' &&
            EXPECTED[step].from.includes(current) &&
            EXPECTED[step].by.includes(actor)
          ) {
            // Recorded without moving (a refund of the fee): the dossier stays in its final state.
            expect(d, `${current} ${step} ${actor}`).toEqual({ kind: 'apply', to: current });
          } else {
            expect(d.kind, `${current} ${step} ${actor}`).toBe('illegal');
          }
        }
      }
    }
  });
});
