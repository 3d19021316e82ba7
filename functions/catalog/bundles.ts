/**
 * Interlinked bundles (thủ tục liên thông): the catalog lists a bundle's member procedures in `bundle`
 * in hand-off order — each agency starts when the previous one has issued its result.
 */
import { findProcedure } from './procedure-forms.js';
import type { Procedure } from './procedures.js';

export interface BundleMember {
  procedure: Procedure;
  /** 1-based position in the hand-off order. */
  step: number;
  /** The member's own budget: the bundle's step budget when it names one per member, else the member's processing time. */
  days: number;
}

export function bundleMembers(bundle: Procedure): BundleMember[] {
  const codes = bundle.bundle ?? [];
  const perStep = bundle.steps.length === codes.length;
  return codes.map((code, i) => {
    const procedure = findProcedure(code);
    if (!procedure) throw new Error(`bundle ${bundle.code} names unknown procedure ${code}`);
    return { procedure, step: i + 1, days: perStep ? bundle.steps[i]!.days : procedure.processingDays };
  });
}
