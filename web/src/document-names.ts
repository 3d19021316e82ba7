/**
 * What a document type is called, from the catalog: agencies and signed records name documents by a
 * type id (`damaged_card`, `result_1_002758`); the procedure that asks for or issues the document has
 * its words. Shared by the verification page and the account's documents.
 */
import type { Lang } from './i18n.js';
import type { ProcedureView } from './types.js';

/** The procedure whose own result a default result type is (`result_1_002758` → 1.002758). */
export function resultProcedure(type: string): string | undefined {
  const m = /^result_(\d)_(\d{6})$/.exec(type);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/**
 * What a document type is called: a document the procedure asks for by its name, the procedure's own
 * result by the result the national record names (else "the result of <procedure>"); the id itself only
 * when the catalog has no words for it.
 */
export function documentName(
  type: string,
  p: ProcedureView | undefined,
  lang: Lang,
  resultOf: (procedure: string) => string,
): string {
  if (!p) return type;
  if (p.onlineFiling) {
    const doc = p.documents.find((d) => d.type === type);
    if (doc) return lang === 'en' ? doc.nameEn : doc.name;
  }
  if (resultProcedure(type) !== p.code) return type;
  return resultName(p, lang, resultOf);
}

/** A procedure's own result: the national record's name for it, else "the result of <procedure>". */
export function resultName(p: ProcedureView, lang: Lang, resultOf: (procedure: string) => string): string {
  const results = (p.onlineFiling ? p.national?.results.items : p.results.items) ?? [];
  // The national record's result names are Vietnamese only: English says whose result it is.
  if (results.length && lang === 'vi') return results.map((r) => r.name).join('; ');
  return resultOf(lang === 'en' && p.onlineFiling ? p.nameEn : p.name);
}
