/**
 * A published procedure with its form, without the catalog's search, FAQ or views: for the functions that
 * check or read a dossier's form (intake, supplements, agency events, petitions' routing, the sealed
 * form), whose bundles then leave the search index, its tables and the catalog's schemas out. The form's
 * zod schema is built when first read, as in the catalog (./catalog.ts re-exports these).
 */

import type { ProcedureRecord } from '../../schemas/procedure.js';
import { findForm } from './forms.js';
import { procedureRecord, procedureRecordVersion } from './lookup.js';
import type { Procedure } from './procedures.js';

/** One object per published record, so a procedure read twice is the same value. */
const withForms = new WeakMap<ProcedureRecord, Procedure>();

function withForm(record: ProcedureRecord | undefined): Procedure | undefined {
  if (!record) return undefined;
  let procedure = withForms.get(record);
  if (!procedure) {
    const { formId } = record;
    procedure = Object.defineProperty({ ...record }, 'form', {
      enumerable: true,
      get: () => findForm(formId)!,
    }) as Procedure;
    withForms.set(record, procedure);
  }
  return procedure;
}

/** The procedure's current (latest) version. */
export const findProcedure = (code: string): Procedure | undefined => withForm(procedureRecord(code));

/** One version of the procedure. */
export const findProcedureVersion = (code: string, version: number): Procedure | undefined =>
  withForm(procedureRecordVersion(code, version));
