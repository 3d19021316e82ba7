/**
 * Checks procedure records as the catalog team submits them: the zod schema of each record, then what
 * only the registries know (form, agency, fee rule, bundle members) and how a row relates to the
 * published catalog (versions only move forward). Every problem is reported with its row and field path.
 */
import { type ProcedureRecord, procedureRecord } from '../../schemas/procedure.js';
import { findAgency } from '../registry/agencies.js';
import { hasForm } from './forms.js';
import { findFeeRule } from './policy.js';

export interface RowProblem {
  /** 1-based item number in a JSON file, line number in a CSV file. */
  row: number;
  path: string;
  message: string;
}

export interface RowInput {
  row: number;
  value: unknown;
}

/** Latest published version of each code, plus every code that exists (for bundles). */
export interface PublishedState {
  latestVersion(code: string): number | undefined;
}

export interface ValidateOptions {
  /** A whole published catalog lists several versions of a code; an import lists each code once. */
  versions?: boolean;
  onRow?: (done: number) => void;
}

export function validateRecords(
  rows: readonly RowInput[],
  published: PublishedState,
  { versions = false, onRow = () => {} }: ValidateOptions = {},
): { records: { row: number; record: ProcedureRecord }[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const records: { row: number; record: ProcedureRecord }[] = [];
  const seen = new Map<string, number>();
  for (const [i, { row, value }] of rows.entries()) {
    const parsed = procedureRecord.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ row, path: issue.path.join('.'), message: issue.message });
    } else {
      const p = parsed.data;
      const problem = (path: string, message: string) => problems.push({ row, path, message });
      if (!hasForm(p.formId)) problem('formId', `no form named ${p.formId}`);
      if (p.agencyId && !findAgency(p.agencyId))
        problem('agencyId', `no agency ${p.agencyId} in the registry`);
      if (p.feeRule && !findFeeRule(p.feeRule)) problem('feeRule', `no fee rule named ${p.feeRule}`);
      const key = versions ? `${p.code} v${p.version}` : p.code;
      const earlier = seen.get(key);
      if (earlier !== undefined) problem('code', `${key} already appears in row ${earlier}`);
      seen.set(key, row);
      const latest = published.latestVersion(p.code);
      if (latest !== undefined && p.version <= latest)
        problem('version', `version ${p.version} is not after the published version ${latest}`);
      records.push({ row, record: p });
    }
    onRow(i + 1);
  }
  const codes = new Set(records.map((r) => r.record.code));
  for (const { row, record } of records)
    for (const [j, member] of (record.bundle ?? []).entries())
      if (!codes.has(member) && published.latestVersion(member) === undefined)
        problems.push({ row, path: `bundle.${j}`, message: `no procedure ${member} in the catalog` });
  problems.sort((a, b) => a.row - b.row);
  return { records, problems };
}
