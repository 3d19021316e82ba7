import { describe, expect, it } from 'vitest';
import { catalog, findProcedure, findProcedureVersion } from '../../functions/catalog/catalog.js';
import { procedureRecord, procedureRecordVersion } from '../../functions/catalog/lookup.js';
import { publishedCatalog } from '../../functions/catalog/procedures.js';

const withoutForm = (p: object | undefined) => {
  if (!p) return p;
  const { form: _form, ...rest } = p as { form?: unknown };
  return rest;
};

describe('the procedure look-up without forms', () => {
  const records = publishedCatalog.procedures as { code: string; version: number }[];

  it('finds every published version as the catalog does, less its form', () => {
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(procedureRecordVersion(r.code, r.version)).toEqual(
        withoutForm(findProcedureVersion(r.code, r.version)),
      );
      expect(procedureRecord(r.code)).toEqual(withoutForm(findProcedure(r.code)));
    }
    expect(catalog.version).toBe(publishedCatalog.catalogVersion);
  });

  it('gives the latest version as current, and nothing for unknown codes or versions', () => {
    const code = records[0]!.code;
    const latest = Math.max(...records.filter((r) => r.code === code).map((r) => r.version));
    expect(procedureRecord(code)?.version).toBe(latest);
    expect(procedureRecord('NO-SUCH-PROCEDURE')).toBeUndefined();
    expect(procedureRecordVersion(code, 9999)).toBeUndefined();
  });
});
