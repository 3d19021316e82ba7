/**
 * What each of my documents is, in words: a scan by the name its procedure gives the document type, a
 * result by the result its procedure issues. The documents name only their dossier and a type id, so the
 * person's dossiers (one read) say which procedure each belongs to, and the catalog (one read per
 * procedure, public) has the words.
 */
import { get, query } from '../api.js';
import { documentName, resultName, resultProcedure } from '../document-names.js';
import type { MyDossierList } from '../follow.js';
import type { Lang } from '../i18n.js';
import type { ProcedureView } from '../types.js';
import type { MyDocument } from './model.js';

export type Procedures = Map<string, ProcedureView>;
export interface DocumentCatalog {
  /** Dossier code → procedure code. */
  dossiers: Map<string, string>;
  procedures: Procedures;
}

/** Reads the dossiers and procedures the documents belong to; a read that fails leaves names unknown. */
export async function loadDocumentCatalog(
  docs: readonly MyDocument[],
  signal: AbortSignal,
): Promise<DocumentCatalog> {
  const dossiers = new Map<string, string>();
  if (!docs.length) return { dossiers, procedures: new Map() };
  const list = await get<MyDossierList>(`/v1/me/dossiers${query({ limit: 100 })}`, {
    auth: true,
    signal,
  }).catch(() => ({ items: [] }));
  for (const d of list.items) dossiers.set(d.code, d.procedureCode);
  const codes = new Set<string>();
  for (const d of docs) {
    const code = dossiers.get(d.dossierCode) ?? resultProcedure(d.documentType);
    if (code) codes.add(code);
  }
  const procedures: Procedures = new Map();
  await Promise.all(
    [...codes].map((code) =>
      get<ProcedureView>(`/v1/procedures/${encodeURIComponent(code)}`, { signal }).then(
        (p) => void procedures.set(code, p),
        () => undefined,
      ),
    ),
  );
  return { dossiers, procedures };
}

/** The document's name, or undefined when the catalog has none (the page then shows the file's name). */
export function nameOf(
  d: MyDocument,
  catalog: DocumentCatalog | undefined,
  lang: Lang,
  resultOf: (procedure: string) => string,
): string | undefined {
  if (!catalog) return undefined;
  const code = catalog.dossiers.get(d.dossierCode) ?? resultProcedure(d.documentType);
  const p = code ? catalog.procedures.get(code) : undefined;
  if (!p) return undefined;
  const named = documentName(d.documentType, p, lang, resultOf);
  if (named !== d.documentType) return named;
  // A result under a type of the agency's own: it is still the result of its dossier's procedure.
  return d.kind === 'result' ? resultName(p, lang, resultOf) : undefined;
}
