/**
 * The catalog in memory: every version of every procedure, the agency registry and the FAQ, with their
 * search indexes. Built once per cold start from the published data (the prebuilt index is loaded when
 * it matches the data), then every look-up and search is a pure in-memory call.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { agencyQuery, faqQuery } from '../../schemas/catalog.js';
import { type FaqRecord, faqRecord } from '../../schemas/catalog.js';
import {
  type AuthorityLevel,
  authorityLevel,
  type onlineProcedureView,
  type ProcedureQuery,
  type ProcedureRecord,
  type procedureSummary,
} from '../../schemas/procedure.js';
import { AppError } from '../core/errors.js';
import { type Agency, allAgencies, findAgencyByCode } from '../registry/agencies.js';
import { type HandlerKey, handlerKeyOfAgency } from './agency-handlers.js';
import { publishFormSchema } from './form-schema.js';
import { findForm, hasForm } from './forms.js';
import { type InformationSummary, searchDocOfSummary } from './information.js';
import { matchesName, queryWords } from './name-match.js';
import { findFeeRule, handledBy, servesProvince } from './policy.js';
import { type CatalogData, type Procedure, publishedCatalog } from './procedures.js';
import { SearchIndex } from './search.js';
import type { Hit, IndexedDoc, SearchSpec } from './search-hits.js';
import { fold, highlightRanges, indexFormat } from './search-text.js';
import { validateRecords } from './validate.js';

type ProcedureView = z.infer<typeof onlineProcedureView>;
type ProcedureSummary = z.infer<typeof procedureSummary>;
type FaqItem = FaqRecord & { score?: number; highlights?: { field: string; terms: string[] }[] };

export const PROCEDURE_SEARCH: SearchSpec = {
  fields: ['name', 'keywords', 'field', 'documents'],
  boost: { name: 8, keywords: 4, field: 2, documents: 1 },
};
export const FAQ_SEARCH: SearchSpec = {
  fields: ['question', 'keywords', 'answer'],
  boost: { question: 4, keywords: 3, answer: 1 },
};

export interface SerializedIndex {
  format: number;
  catalogVersion: number;
  procedures: unknown;
  faq: unknown;
}

/** Information entries (imported, no online form) the catalog lists and searches beside its procedures. */
export interface InformationInput {
  /** Or a loader, called on first use: a look-up of a curated code never needs them. */
  summaries: readonly InformationSummary[] | (() => readonly InformationSummary[]);
  /** Full search documents (documents, results, agencies); summaries stand in when absent. */
  docs?: ReadonlyMap<string, IndexedDoc>;
}

const procedureDoc = (p: ProcedureRecord) => ({
  id: p.code,
  name: p.name,
  keywords: [...p.keywords, p.nameEn, p.code].join(' · '),
  field: p.field,
  documents: p.documents.map((d) => d.name).join(' · '),
});
/**
 * A curated procedure is also found by the national record of its code: the official name, agencies and
 * documents the citizen may have read on the national portal ("đăng ký thành lập hộ kinh doanh").
 */
function withNationalWording(doc: IndexedDoc, national: IndexedDoc | undefined): IndexedDoc {
  if (!national) return doc;
  return {
    ...doc,
    keywords: [doc.keywords, national.name, national.keywords].filter(Boolean).join(' · '),
    documents: [doc.documents, national.documents].filter(Boolean).join(' · '),
  };
}
const faqDoc = (f: FaqRecord) => ({
  id: f.id,
  question: f.question,
  keywords: f.keywords.join(' · '),
  answer: f.answer,
});

/** An opaque page position, bound to the query it belongs to. */
function pageCursor(key: string) {
  return {
    encode: (offset: number) =>
      Buffer.from(JSON.stringify({ o: offset, k: key }), 'utf8').toString('base64url'),
    decode(cursor: string | undefined): number {
      if (!cursor) return 0;
      try {
        const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
          o?: unknown;
          k?: unknown;
        };
        if (parsed.k === key && Number.isSafeInteger(parsed.o) && (parsed.o as number) > 0)
          return parsed.o as number;
      } catch {
        // falls through to the 400 below
      }
      throw new AppError('VALIDATION_FAILED', [
        {
          path: 'query.cursor',
          code: 'invalid_cursor',
          message: 'not a cursor of this query; start again without it',
        },
      ]);
    },
  };
}

function page<T>(all: readonly T[], limit: number, cursor: string | undefined, key: string) {
  const c = pageCursor(createHash('sha256').update(key).digest('base64url').slice(0, 16));
  const offset = c.decode(cursor);
  const items = all.slice(offset, offset + limit);
  const next = offset + limit;
  return { items, nextCursor: next < all.length ? c.encode(next) : null };
}

/** What a published artefact brings beside its records. */
interface PublishedInput {
  /** Checked when it was published: not validated again at cold start. */
  trusted?: boolean;
  /** A form's JSON Schema as the release wrote it (published-forms.ts), when there is one. */
  publishedForm?: (formId: string) => Record<string, unknown> | undefined;
}

export class Catalog {
  readonly version: number;
  readonly publishedAt: string;
  /** code → every version, oldest first. */
  private readonly versions = new Map<string, Procedure[]>();
  private readonly current: Procedure[];
  /** Imported entries without an online form, whose code no curated procedure holds; by code. */
  private informationByCode?: Map<string, InformationSummary>;
  readonly faq: readonly FaqRecord[];
  private indexes?: { procedures: SearchIndex; faq: SearchIndex };
  private readonly formSchemas = new Map<string, Record<string, unknown>>();

  private constructor(
    data: CatalogData,
    records: ProcedureRecord[],
    private readonly index?: SerializedIndex | (() => SerializedIndex | undefined),
    private readonly informationInput: InformationInput = { summaries: [] },
    private readonly published: PublishedInput = {},
  ) {
    this.version = data.catalogVersion;
    this.publishedAt = data.publishedAt;
    for (const r of records) {
      const { formId } = r;
      if (!hasForm(formId)) throw new Error(`procedure ${r.code} v${r.version} names unknown form ${formId}`);
      const list = this.versions.get(r.code) ?? [];
      // The form's schema is built when the procedure's form is first read, not with the catalog.
      list.push(
        Object.defineProperty({ ...r }, 'form', {
          enumerable: true,
          get: () => findForm(formId)!,
        }) as Procedure,
      );
      this.versions.set(r.code, list);
    }
    for (const list of this.versions.values()) list.sort((a, b) => a.version - b.version);
    this.current = [...this.versions.values()]
      .map((l) => l.at(-1)!)
      .sort((a, b) => (a.code < b.code ? -1 : 1));
    // A published artefact's FAQ was checked by the import (and the suite checks the committed one).
    this.faq = published.trusted ? (data.faq as FaqRecord[]) : z.array(faqRecord).parse(data.faq);
  }

  /** A few hundred fields, folded once each: a filtered search checks thousands of candidates. */
  private readonly foldedFields = new Map<string, string>();
  private foldField(field: string): string {
    let f = this.foldedFields.get(field);
    if (f === undefined) {
      f = fold(field);
      this.foldedFields.set(field, f);
    }
    return f;
  }

  /** Information entries by code, on first use; a curated procedure wins over a record of its code. */
  private get information(): Map<string, InformationSummary> {
    if (this.informationByCode) return this.informationByCode;
    const { summaries } = this.informationInput;
    this.informationByCode = new Map();
    for (const s of typeof summaries === 'function' ? summaries() : summaries)
      if (!this.versions.has(s.code)) this.informationByCode.set(s.code, s);
    return this.informationByCode;
  }

  /**
   * The search indexes: the prebuilt ones when they match this catalog version, otherwise built on the
   * first search (functions that never search, such as intake, never pay for them).
   */
  private get searchIndexes() {
    if (this.indexes) return this.indexes;
    const index = typeof this.index === 'function' ? this.index() : this.index;
    const fresh = index && index.format === indexFormat() && index.catalogVersion === this.version;
    const docs = this.informationInput.docs;
    const information = [...this.information.values()].map((s) => docs?.get(s.code) ?? searchDocOfSummary(s));
    this.indexes = {
      procedures: fresh
        ? SearchIndex.load(PROCEDURE_SEARCH, index.procedures)
        : SearchIndex.build(PROCEDURE_SEARCH, [
            ...this.current.map((p) => withNationalWording(procedureDoc(p), docs?.get(p.code))),
            ...information,
          ]),
      faq: fresh
        ? SearchIndex.load(FAQ_SEARCH, index.faq)
        : SearchIndex.build(FAQ_SEARCH, this.faq.map(faqDoc)),
    };
    return this.indexes;
  }

  /**
   * Validates every record, unless the data is a published artefact (the import validated it and the
   * test suite re-validates the committed one), which a cold start then need not pay for again.
   */
  static fromData(
    data: CatalogData,
    index?: SerializedIndex | (() => SerializedIndex | undefined),
    {
      trusted = false,
      information,
      publishedForm,
    }: { trusted?: boolean; information?: InformationInput } & Pick<PublishedInput, 'publishedForm'> = {},
  ): Catalog {
    if (trusted)
      return new Catalog(data, data.procedures as ProcedureRecord[], index, information, {
        trusted,
        publishedForm,
      });
    const rows = data.procedures.map((value, i) => ({ row: i + 1, value }));
    const { records, problems } = validateRecords(
      rows,
      { latestVersion: () => undefined },
      { versions: true },
    );
    if (problems.length)
      throw new Error(`catalog ${data.catalogVersion} is invalid: ${JSON.stringify(problems.slice(0, 5))}`);
    return new Catalog(
      data,
      records.map((r) => r.record),
      index,
      information,
    );
  }

  serializedIndex(): SerializedIndex {
    return {
      format: indexFormat(),
      catalogVersion: this.version,
      procedures: this.searchIndexes.procedures.toJSON(),
      faq: this.searchIndexes.faq.toJSON(),
    };
  }

  /** Current procedures, curated and information entries alike. */
  get size() {
    return this.current.length + this.information.size;
  }

  /** An imported entry without an online form (never a code a curated procedure holds). */
  findInformation(code: string): InformationSummary | undefined {
    return this.information.get(code);
  }

  informationEntries(): readonly InformationSummary[] {
    return [...this.information.values()];
  }

  currentProcedures(): readonly Procedure[] {
    return this.current;
  }

  allVersions(): Procedure[] {
    return [...this.versions.values()].flat();
  }

  findProcedure(code: string): Procedure | undefined {
    return this.versions.get(code)?.at(-1);
  }

  findProcedureVersion(code: string, version: number): Procedure | undefined {
    return this.versions.get(code)?.find((p) => p.version === version);
  }

  /** The form as JSON Schema (draft 2020-12), generated from the same zod schema intake validates with. */
  formJsonSchema(p: Procedure): Record<string, unknown> {
    let schema = this.formSchemas.get(p.formId);
    if (!schema) {
      schema = this.published.publishedForm?.(p.formId) ?? publishFormSchema(p.form);
      this.formSchemas.set(p.formId, schema);
    }
    return schema;
  }

  procedureToView(p: Procedure): ProcedureView {
    const { form: _form, feeRule, ...rest } = p;
    return {
      ...rest,
      onlineFiling: true,
      feeRule: feeRule ? (findFeeRule(feeRule) ?? null) : null,
      form: this.formJsonSchema(p),
      versions: this.versions.get(p.code)!.map((v) => v.version),
      national: null,
    };
  }

  searchProcedures(q: ProcedureQuery) {
    const agency = q.agency ? findAgencyByCode(q.agency) : undefined;
    const fieldFilter = q.field ? fold(q.field) : undefined;
    // `level` names either who decides (ministry/province/commune) or how online it is; decided once.
    const byAuthority = q.level !== undefined && authorityLevel.safeParse(q.level).success;
    const accept = (p: Procedure) =>
      (!q.level || (byAuthority ? p.authorityLevel === q.level : p.level === q.level)) &&
      (!q.fullyOnline || p.level === 'toan_trinh') &&
      (!fieldFilter || this.foldField(p.field).includes(fieldFilter)) &&
      (!q.province || servesProvince(p, q.province)) &&
      (!q.agency || (agency !== undefined && handledBy(p, agency)));
    // Information entries are national procedures, run in every province, so no province limits them;
    // an agency takes those whose agency texts name it (its kind at its tier, or its own id for a national
    // body; ./agency-handlers.ts). None is filed online, so the online-filing filters leave them out.
    const agencyKey = agency ? handlerKeyOfAgency(agency) : undefined;
    const acceptInformation = (s: InformationSummary) =>
      (!q.level || (byAuthority && s.levels.includes(q.level as AuthorityLevel))) &&
      !q.fullyOnline &&
      (!q.agency || (agencyKey !== undefined && (s.handlers?.includes(agencyKey as HandlerKey) ?? false))) &&
      (!fieldFilter || this.foldField(s.field ?? '').includes(fieldFilter));
    const acceptCode = (code: string) => {
      const p = this.findProcedure(code);
      if (p) return accept(p);
      const s = this.information.get(code);
      return s !== undefined && acceptInformation(s);
    };
    const summaryOf = (code: string, hit?: Hit) => {
      const p = this.findProcedure(code);
      return p ? summary(p, hit) : informationSummary(this.information.get(code)!, hit);
    };
    const key = JSON.stringify([
      this.version,
      q.q ?? '',
      q.level,
      q.agency,
      q.field,
      q.province,
      q.fullyOnline,
    ]);

    if (!q.q?.trim()) {
      const codes = [
        ...this.current.filter(accept).map((p) => p.code),
        ...[...this.information.values()].filter(acceptInformation).map((s) => s.code),
      ].sort();
      const { items, nextCursor } = page(codes, q.limit, q.cursor, key);
      return { items: items.map((code) => summaryOf(code)), nextCursor };
    }
    const hits = this.searchIndexes.procedures.search(q.q, acceptCode);
    const { items, nextCursor } = page(hits, q.limit, q.cursor, key);
    return { items: items.map((h) => summaryOf(h.id, h)), nextCursor };
  }

  /** A FAQ index over the published entries and those added at run time, kept while they stay the same. */
  private faqWithAdded?: { key: string; index: SearchIndex; all: readonly FaqRecord[] };

  /**
   * `added`: FAQ entries added at run time (support answers kept as FAQ, read from the table), listed after
   * the published ones and searched together with them; a published id wins over an added one.
   */
  searchFaq(q: z.output<typeof faqQuery>, added: readonly FaqRecord[] = []) {
    const published = new Set(this.faq.map((f) => f.id));
    const extra = added.filter((f) => !published.has(f.id));
    let all: readonly FaqRecord[] = this.faq;
    let index = this.searchIndexes.faq;
    if (extra.length) {
      const key = extra.map((f) => f.id).join(',');
      if (this.faqWithAdded?.key !== key) {
        const merged = [...this.faq, ...extra];
        this.faqWithAdded = { key, all: merged, index: SearchIndex.build(FAQ_SEARCH, merged.map(faqDoc)) };
      }
      all = this.faqWithAdded.all;
      index = this.faqWithAdded.index;
    }
    const accept = (f: FaqRecord) => !q.procedure || f.procedureCode === q.procedure;
    const byId = new Map(all.map((f) => [f.id, f]));
    const key = JSON.stringify([this.version, extra.length, q.q ?? '', q.procedure]);
    if (!q.q?.trim()) return page(all.filter(accept), q.limit, q.cursor, key);
    const hits = index.search(q.q, (id) => accept(byId.get(id)!));
    const { items, nextCursor } = page(hits, q.limit, q.cursor, key);
    return {
      items: items.map(
        (h): FaqItem => ({
          ...byId.get(h.id)!,
          score: round(h.score),
          highlights: Object.entries(h.matches()).map(([field, terms]) => ({ field, terms })),
        }),
      ),
      nextCursor,
    };
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function summary(p: Procedure, hit?: Hit): ProcedureSummary {
  const s: ProcedureSummary = {
    code: p.code,
    name: p.name,
    nameEn: p.nameEn,
    field: p.field,
    level: p.level,
    authorityLevel: p.authorityLevel,
    agencyId: p.agencyId,
    fee: p.fee,
    processingDays: p.processingDays,
    multiDestination: p.multiDestination,
    version: p.version,
    onlineFiling: true,
    authorityLevels: [p.authorityLevel],
  };
  return withHit(s, p, hit);
}

function informationSummary(e: InformationSummary, hit?: Hit): ProcedureSummary {
  const s: ProcedureSummary = {
    code: e.code,
    name: e.name,
    nameEn: null,
    field: e.field,
    level: null,
    authorityLevel: null,
    agencyId: null,
    fee: e.fee,
    processingDays: e.processingDays,
    multiDestination: false,
    version: e.version,
    onlineFiling: false,
    authorityLevels: e.levels,
    channels: e.channels,
  };
  return withHit(s, e, hit);
}

function withHit(
  s: ProcedureSummary,
  p: { name: string; field: string | null },
  hit?: Hit,
): ProcedureSummary {
  if (!hit) return s;
  return {
    ...s,
    score: round(hit.score),
    highlights: Object.entries(hit.matches()).map(([field, terms]) => {
      const f = field as 'name' | 'keywords' | 'field' | 'documents';
      const text = f === 'name' ? p.name : f === 'field' ? (p.field ?? undefined) : undefined;
      return text === undefined
        ? { field: f, terms }
        : { field: f, terms, ranges: highlightRanges(text, new Set(terms)) };
    }),
  };
}

/** The registry in code order, once per process: a listing filters it, never sorts it again. */
let agenciesByCode: readonly Agency[] | undefined;

export function listAgencies(q: z.output<typeof agencyQuery>) {
  agenciesByCode ??= [...allAgencies()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const words = queryWords(q.q);
  const all = agenciesByCode.filter(
    (a) =>
      (!q.level || a.level === q.level) &&
      (!q.province || a.provinceCode === q.province) &&
      (!q.kind || a.kind === q.kind) &&
      matchesName(a, () => [a.name, a.nameEn], words),
  );
  return page(all, q.limit, q.cursor, JSON.stringify(['agencies', q.level, q.province, q.kind, words]));
}

export function agencyToView(a: Agency) {
  return { ...a };
}

/**
 * The curated procedures with their forms (and the FAQ): what intake, agencies and petitions need.
 * The catalog function serves the whole catalog, information entries included (./published.ts).
 */
export const catalog: Catalog = Catalog.fromData(publishedCatalog, undefined, { trusted: true });

export { findProcedure, findProcedureVersion } from './procedure-forms.js';
export const procedureToView = (p: Procedure) => catalog.procedureToView(p);
export const formJsonSchema = (p: Procedure) => catalog.formJsonSchema(p);
export { findAgencyByCode };
