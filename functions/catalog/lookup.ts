/**
 * A published procedure's record by code, without its form, search index or form rules: for the
 * functions that only name a procedure or read its steps, fees or handling (deadlines, dispatch,
 * statistics, routing), whose bundles then leave the forms, the search and their tables out. The same
 * records as `findProcedure` / `findProcedureVersion` of ./catalog.ts, less the `form`.
 */
import type { ProcedureRecord } from '../../schemas/procedure.js';
import { publishedCatalog } from './procedures.js';

/** code → every version, oldest first; built on the first look-up. */
let versions: Map<string, ProcedureRecord[]> | undefined;

function versionsOf(code: string): ProcedureRecord[] | undefined {
  if (!versions) {
    versions = new Map();
    for (const r of publishedCatalog.procedures as ProcedureRecord[]) {
      const list = versions.get(r.code) ?? [];
      list.push(r);
      versions.set(r.code, list);
    }
    for (const list of versions.values()) list.sort((a, b) => a.version - b.version);
  }
  return versions.get(code);
}

/** The procedure's current (latest) version. */
export const procedureRecord = (code: string): ProcedureRecord | undefined => versionsOf(code)?.at(-1);

/** One version of the procedure. */
export const procedureRecordVersion = (code: string, version: number): ProcedureRecord | undefined =>
  versionsOf(code)?.find((p) => p.version === version);
