/**
 * Import of the national procedure database (JSON Lines, optionally gzipped): each line is one record,
 * read into an information entry (./national-record.ts). Unlike a curated file, a national file is
 * imported line by line: a malformed line (bad JSON, no code or name, a code not of the form 1.001234,
 * a code already seen) is reported with its line number and skipped, never half-imported.
 *
 * An entry whose content changed gets a new version beside its earlier ones; an unchanged one keeps its
 * version. Any new version publishes a new catalog version. What the portal derives from an entry (its
 * summary, with the registry agencies that handle it) is not content: a change of derivation rewrites
 * the summaries without new versions. A file that changes nothing writes nothing, so importing the same
 * file twice leaves every artefact byte for byte as it was.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Catalog, type InformationInput } from './catalog.js';
import {
  handlersOfEntry,
  INFORMATION_FORMAT,
  type InformationDetails,
  type InformationIndexFile,
  type InformationSummary,
  searchDocOf,
  summaryOf,
} from './information.js';
import {
  checkSource,
  type NationalEntry,
  PARSED_FIELDS,
  type ParsedFieldName,
  parseNationalRecord,
} from './national-record.js';
import type { CatalogData } from './procedures.js';
import { writePublishedForms } from './published-forms.js';
import type { IndexedDoc } from './search-hits.js';

export const DETAILS_DIR = 'details';
export const NATIONAL_DIR = 'national';
const EXAMPLES = 3;
const SNIPPET = 120;

export interface FieldReport {
  parsed: number;
  raw: number;
  empty: number;
  examples: { parsed: { code: string; raw: string }[]; raw: { code: string; raw: string }[] };
}

export interface NationalImportReport {
  /** Non-blank lines read. */
  lines: number;
  /** Entries that got a new version (added: new codes; changed: a new version of a known code). */
  added: string[];
  changed: string[];
  unchanged: number;
  skipped: { line: number; message: string }[];
  /** Codes a curated procedure holds: the curated one is served, and links this record. */
  curated: string[];
  fields: Record<ParsedFieldName, FieldReport>;
  /** Who handles the file's entries in registry terms (./agency-handlers.ts). */
  handlers: HandlersReport;
  /**
   * Whether the derived summaries (data/national/index.json) were rewritten, or would be on a dry run,
   * although no entry changed: the derivation changed, not the records.
   */
  summariesRefreshed: boolean;
  /** Whether a new catalog version was published (false when nothing changed, or on a dry run). */
  published: boolean;
  catalogVersion: number;
}

export interface HandlersReport {
  /** Entries whose agency texts name at least one registry agency. */
  mapped: number;
  /** Entries naming only bodies the registry does not hold (commune police, the State Bank…). */
  unregisteredOnly: number;
  /** Entries whose texts name no body the table recognises (or none at all). */
  unmapped: number;
  /** Entries per handler key, and per unregistered body. */
  byHandler: Record<string, number>;
  unregistered: Record<string, number>;
}

export interface NationalImportOptions {
  dataDir: string;
  now?: Date;
  dryRun?: boolean;
  progress?: (phase: 'read' | 'index' | 'write', done: number, total: number) => void;
}

export const isNationalFile = (file: string) => /\.jsonl(\.gz)?$/i.test(file);

export function readNationalText(file: string): string {
  const bytes = readFileSync(file);
  return (file.toLowerCase().endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Writes through a temporary file, so a reader never sees half a file; skips identical content. */
function writeAtomic(path: string, body: string, dryRun = false): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === body) return false;
  if (dryRun) return true;
  writeFileSync(`${path}.tmp`, body);
  renameSync(`${path}.tmp`, path);
  return true;
}

/** The derived files of the stored entries; returns whether the summaries changed (or would). */
function writeSummaries(dataDir: string, information: ReturnType<typeof loadInformation>, dryRun = false) {
  if (!dryRun) mkdirSync(join(dataDir, NATIONAL_DIR), { recursive: true });
  const indexFile: InformationIndexFile = { format: INFORMATION_FORMAT, procedures: information.summaries };
  const changed = writeAtomic(join(dataDir, NATIONAL_DIR, 'index.json'), serialize(indexFile), dryRun);
  writeAtomic(join(dataDir, NATIONAL_DIR, 'codes.json'), serialize([...information.entries.keys()]), dryRun);
  return changed;
}

const count = (to: Record<string, number>, key: string) => {
  to[key] = (to[key] ?? 0) + 1;
};

const readJson = <T>(path: string): T | undefined =>
  existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;

const detailsPath = (dataDir: string, code: string) => join(dataDir, DETAILS_DIR, `${code}.json`);

/** Every stored entry, current version: summaries for the compact index, documents for the search. */
export function loadInformation(dataDir: string): {
  summaries: InformationSummary[];
  docs: Map<string, IndexedDoc>;
  entries: Map<string, NationalEntry>;
} {
  const dir = join(dataDir, DETAILS_DIR);
  const entries = new Map<string, NationalEntry>();
  const summaries: InformationSummary[] = [];
  const docs = new Map<string, IndexedDoc>();
  if (existsSync(dir))
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.json')) continue;
      const d = JSON.parse(readFileSync(join(dir, name), 'utf8')) as InformationDetails;
      const at = d.versions.at(-1)!;
      entries.set(d.code, at.entry);
      summaries.push(summaryOf(at.entry, at.version));
      docs.set(d.code, searchDocOf(at.entry));
    }
  return { summaries, docs, entries };
}

/** The prebuilt search index over curated procedures and information entries (and the FAQ). */
export function searchIndexText(data: CatalogData, information: InformationInput): string {
  return JSON.stringify(Catalog.fromData(data, undefined, { trusted: true, information }).serializedIndex());
}

const serialize = (value: unknown) => `${JSON.stringify(value)}\n`;

export function importNational(file: string, options: NationalImportOptions): NationalImportReport {
  return importNationalText(readNationalText(file), options);
}

export function importNationalText(text: string, options: NationalImportOptions): NationalImportReport {
  const { dataDir } = options;
  const catalogData = JSON.parse(readFileSync(join(dataDir, 'catalog.json'), 'utf8')) as CatalogData;
  const curatedCodes = new Set(catalogData.procedures.map((p) => (p as { code: string }).code));
  const fields = Object.fromEntries(
    PARSED_FIELDS.map((f) => [f, { parsed: 0, raw: 0, empty: 0, examples: { parsed: [], raw: [] } }]),
  ) as unknown as Record<ParsedFieldName, FieldReport>;
  const report: NationalImportReport = {
    lines: 0,
    added: [],
    changed: [],
    unchanged: 0,
    skipped: [],
    curated: [],
    fields,
    handlers: { mapped: 0, unregisteredOnly: 0, unmapped: 0, byHandler: {}, unregistered: {} },
    summariesRefreshed: false,
    published: false,
    catalogVersion: catalogData.catalogVersion,
  };

  const lines = text.split('\n');
  const seen = new Map<string, number>();
  const changes: { entry: NationalEntry; before?: InformationDetails }[] = [];
  for (const [i, line] of lines.entries()) {
    options.progress?.('read', i + 1, lines.length);
    if (!line.trim()) continue;
    report.lines++;
    const lineNo = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      report.skipped.push({ line: lineNo, message: `not valid JSON: ${(err as Error).message}` });
      continue;
    }
    const source = checkSource(value);
    if ('message' in source) {
      report.skipped.push({ line: lineNo, message: source.message });
      continue;
    }
    const code = source.code.trim();
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      report.skipped.push({ line: lineNo, message: `code ${code} already on line ${earlier}` });
      continue;
    }
    seen.set(code, lineNo);
    const entry = parseNationalRecord(source);
    for (const f of PARSED_FIELDS) {
      const r = fields[f];
      const status = entry[f].status;
      r[status]++;
      if (status !== 'empty' && r.examples[status].length < EXAMPLES)
        r.examples[status].push({ code, raw: entry[f].raw.slice(0, SNIPPET) });
    }
    const { handlers, unregistered } = handlersOfEntry(entry);
    const h = report.handlers;
    if (handlers.length) h.mapped++;
    else if (unregistered.length) h.unregisteredOnly++;
    else h.unmapped++;
    for (const k of handlers) count(h.byHandler, k);
    for (const u of unregistered) count(h.unregistered, u);
    if (curatedCodes.has(code)) report.curated.push(code);
    const before = readJson<InformationDetails>(detailsPath(dataDir, code));
    const latest = before?.versions.at(-1)?.entry;
    if (latest && JSON.stringify(latest) === JSON.stringify(entry)) report.unchanged++;
    else {
      changes.push({ entry, before });
      (before ? report.changed : report.added).push(code);
    }
  }

  if (!changes.length || options.dryRun) {
    if (changes.length) report.catalogVersion = catalogData.catalogVersion + 1;
    // Same records: the summaries derived from them follow the current derivation, in place.
    else if (existsSync(join(dataDir, DETAILS_DIR)))
      report.summariesRefreshed = writeSummaries(dataDir, loadInformation(dataDir), options.dryRun);
    return report;
  }

  const catalogVersion = catalogData.catalogVersion + 1;
  const publishedAt = (options.now ?? new Date()).toISOString();
  mkdirSync(join(dataDir, DETAILS_DIR), { recursive: true });
  // New versions first: they only add, and nothing points at them until the index and catalog do.
  for (const [i, { entry, before }] of changes.entries()) {
    const versions = before?.versions ?? [];
    const next: InformationDetails = {
      code: entry.code,
      versions: [
        ...versions,
        { version: (versions.at(-1)?.version ?? 0) + 1, catalogVersion, publishedAt, entry },
      ],
    };
    writeAtomic(detailsPath(dataDir, entry.code), serialize(next));
    options.progress?.('write', i + 1, changes.length);
  }
  options.progress?.('index', 0, 1);
  const information = loadInformation(dataDir);
  const next: CatalogData = { ...catalogData, catalogVersion, publishedAt };
  writeSummaries(dataDir, information);
  writeAtomic(join(dataDir, 'search-index.json'), `${searchIndexText(next, information)}\n`);
  writePublishedForms(dataDir);
  writeAtomic(join(dataDir, 'catalog.json'), `${JSON.stringify(next, null, 2)}\n`);
  options.progress?.('index', 1, 1);
  report.published = true;
  report.catalogVersion = catalogVersion;
  return report;
}
