/**
 * The folder layering of .dependency-cruiser.cjs holds: no import cycle, no import from a lower layer to
 * a higher one, no import between folders of one layer, and every known exception still occurs (so the
 * list shrinks as the changes that remove them land).
 */
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult, type IForbiddenRuleType, type IViolation } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as {
  forbidden: IForbiddenRuleType[];
  options: { knownViolations: IViolation[]; [key: string]: unknown };
};

/** As dependency-cruiser matches a known exception: a cycle by its members, an import by its ends. */
const sameViolation = (a: IViolation, b: IViolation) =>
  a.rule.name === b.rule.name &&
  (a.cycle?.length && b.cycle?.length
    ? a.cycle.length === b.cycle.length && a.cycle.every((m) => b.cycle?.some((n) => n.name === m.name))
    : a.from === b.from && a.to === b.to);

const describeViolation = (v: IViolation) =>
  v.cycle?.length
    ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}`
    : `${v.rule.name}: ${v.from} → ${v.to}`;

async function cruiseTree(): Promise<ICruiseResult> {
  const { output } = await cruise(['functions', 'schemas', 'lib'], {
    ...config.options,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  });
  if (typeof output === 'string') throw new Error('dependency-cruiser answered text instead of its result');
  return output;
}

describe('the layering of functions/, schemas/ and lib/', () => {
  let tree: ICruiseResult;
  beforeAll(async () => {
    tree = await cruiseTree();
  }, 120_000);
  // A known exception stays in the report, softened to 'ignore'.
  const errors = () => tree.summary.violations.filter((v) => v.rule.severity === 'error');
  const known = () => tree.summary.violations.filter((v) => v.rule.severity === 'ignore');

  it('reads the whole tree', () => {
    const sources = tree.modules.map((m) => m.source);
    expect(sources).toContain('functions/core/http.ts');
    expect(sources).toContain('schemas/dossier.ts');
    expect(sources).toContain('lib/api-stack.ts');
    expect(tree.summary.totalCruised).toBeGreaterThan(250);
  });

  it('has no cycle, no upward import and no import inside a layer beyond the known exceptions', () => {
    expect(errors().map(describeViolation)).toEqual([]);
  });

  it('still meets every known exception, so none outlives its reason', () => {
    const stale = config.options.knownViolations
      .filter((exception) => !known().some((v) => sameViolation(exception, v)))
      .map(describeViolation);
    expect(stale).toEqual([]);
  });

  it('catches an import from a lower layer to a higher one, and a cycle', () => {
    // The known exceptions are real upward imports and a real cycle: the rules report each of them.
    const rules = new Set(known().map((v) => v.rule.name));
    expect(rules).toContain('no-upward-from-core');
    expect(rules).toContain('no-circular');
    expect(known()).toHaveLength(config.options.knownViolations.length);
  });
});
