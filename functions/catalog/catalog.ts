/** Catalog look-ups over the seeded procedures (the catalog issue moves them to the table with search). */
import { z } from 'zod';
import type { procedureSummary, procedureView } from '../../schemas/procedure.js';
import { type Procedure, procedures } from './procedures.js';

type ProcedureView = z.infer<typeof procedureView>;
type ProcedureSummary = z.infer<typeof procedureSummary>;

const byCode = new Map(procedures.map((p) => [p.code, p]));

export function findProcedure(code: string): Procedure | undefined {
  return byCode.get(code);
}

/** The form as JSON Schema (draft 2020-12), generated from the same zod schema intake validates with. */
export function formJsonSchema(p: Procedure): Record<string, unknown> {
  return z.toJSONSchema(p.form, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}

export function procedureToView(p: Procedure): ProcedureView {
  const { form: _form, documents, ...rest } = p;
  return {
    ...rest,
    documents: documents.map((d) => ({ ...d, copies: d.copies ?? 1 })),
    form: formJsonSchema(p),
  };
}

const summary = (p: Procedure): ProcedureSummary => ({
  code: p.code,
  name: p.name,
  nameEn: p.nameEn,
  field: p.field,
  level: p.level,
  fee: p.fee,
  processingDays: p.processingDays,
});

/** Cursor = the last code of the previous page, opaque to clients. */
export function listProcedures(limit: number, cursor?: string) {
  const after = cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const sorted = [...procedures].sort((a, b) => a.code.localeCompare(b.code));
  const page = sorted.filter((p) => p.code > after).slice(0, limit);
  const last = page.at(-1);
  const more = last !== undefined && sorted.some((p) => p.code > last.code);
  return {
    items: page.map(summary),
    nextCursor: more && last ? Buffer.from(last.code, 'utf8').toString('base64url') : null,
  };
}
