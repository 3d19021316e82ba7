/**
 * Catalog import for the catalog team: a CSV or JSON file of procedure rows is checked row by row with
 * the same schemas the portal serves from; any problem refuses the whole file (nothing is written), and
 * a clean file is published as the next catalog version beside every earlier procedure version, with
 * its search index prebuilt.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import * as z from 'zod';
import { faqRecord } from '../../schemas/catalog.js';
import type { ProcedureRecord } from '../../schemas/procedure.js';
import { Catalog } from './catalog.js';
import { loadInformation, searchIndexText } from './national-import.js';
import type { CatalogData } from './procedures.js';
import { writePublishedForms } from './published-forms.js';
import { type RowInput, type RowProblem, validateRecords } from './validate.js';

export const CATALOG_FILE = 'catalog.json';
export const INDEX_FILE = 'search-index.json';

/** Columns whose cells hold JSON (documents, steps, agencyRule) or `|`-separated lists. */
const JSON_COLUMNS = new Set(['documents', 'steps', 'agencyRule']);
const LIST_COLUMNS = new Set(['legalBasis', 'keywords', 'bundle', 'illustrative']);
const NUMBER_COLUMNS = new Set(['fee', 'processingDays', 'version']);
const BOOLEAN_COLUMNS = new Set(['multiDestination']);
const NULLABLE_COLUMNS = new Set(['agencyId', 'agencyRule', 'feeRule', 'bundle']);

export interface ParsedFile {
  rows: RowInput[];
  faq?: unknown[];
  problems: RowProblem[];
}

function csvCell(column: string, raw: string, problem: (message: string) => void): unknown {
  const cell = raw.trim();
  if (cell === '' && NULLABLE_COLUMNS.has(column)) return null;
  if (cell === '' && column === 'version') return undefined;
  if (JSON_COLUMNS.has(column)) {
    try {
      return JSON.parse(cell);
    } catch {
      problem('is not valid JSON');
      return undefined;
    }
  }
  if (LIST_COLUMNS.has(column))
    return cell === ''
      ? []
      : cell
          .split('|')
          .map((x) => x.trim())
          .filter(Boolean);
  if (NUMBER_COLUMNS.has(column)) return /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
  if (BOOLEAN_COLUMNS.has(column)) {
    if (/^(true|1|có|yes)$/i.test(cell)) return true;
    if (/^(false|0|không|no)$/i.test(cell)) return false;
    return cell;
  }
  return cell;
}

/** CSV: a header row of record field names; rows are numbered by their line in the file. */
export function parseCsvRows(text: string): ParsedFile {
  const problems: RowProblem[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      info: true,
      relax_quotes: false,
    });
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    return {
      rows: [],
      problems: [{ row: line, path: '', message: `not valid CSV: ${(err as Error).message}` }],
    };
  }
  const rows = records.map(({ record, info }) => {
    const value: Record<string, unknown> = {};
    for (const [column, raw] of Object.entries(record)) {
      const v = csvCell(column, raw ?? '', (message) =>
        problems.push({ row: info.lines, path: column, message }),
      );
      if (v !== undefined) value[column] = v;
    }
    return { row: info.lines, value };
  });
  return { rows, problems };
}

/** JSON: an array of records, or `{ procedures: [...], faq?: [...] }`; rows are 1-based item numbers. */
export function parseJsonRows(text: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return {
      rows: [],
      problems: [{ row: 0, path: '', message: `not valid JSON: ${(err as Error).message}` }],
    };
  }
  const shape = z.union([
    z.array(z.unknown()),
    z.object({ procedures: z.array(z.unknown()).default([]), faq: z.array(z.unknown()).optional() }),
  ]);
  const parsed = shape.safeParse(data);
  if (!parsed.success)
    return {
      rows: [],
      problems: [{ row: 0, path: '', message: 'expected an array of procedures or { procedures, faq }' }],
    };
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.procedures;
  const faq = Array.isArray(parsed.data) ? undefined : parsed.data.faq;
  return { rows: list.map((value, i) => ({ row: i + 1, value })), faq, problems: [] };
}

/** Same published data, whatever the version number (a loaded procedure also carries its zod form). */
const sameContent = (a: ProcedureRecord, b: ProcedureRecord) =>
  JSON.stringify({ ...a, form: undefined, version: 0 }) ===
  JSON.stringify({ ...b, form: undefined, version: 0 });

export interface ImportOutcome {
  ok: boolean;
  problems: RowProblem[];
  /** Procedure versions the import adds (a row identical to the published version adds none). */
  added: { code: string; version: number }[];
  unchanged: string[];
  catalogVersion: number;
  indexBytes?: number;
}

export interface ImportOptions {
  dataDir: string;
  now?: Date;
  dryRun?: boolean;
  progress?: (phase: 'validate' | 'index', done: number, total: number) => void;
}

export async function readCatalog(dataDir: string): Promise<CatalogData> {
  return JSON.parse(await readFile(join(dataDir, CATALOG_FILE), 'utf8')) as CatalogData;
}

export type CatalogFormat = 'csv' | 'json';

export const formatOf = (file: string): CatalogFormat =>
  extname(file).toLowerCase() === '.csv' ? 'csv' : 'json';

export interface ImportPlan {
  outcome: ImportOutcome;
  /** The catalog and its prebuilt index to publish; absent when the file is refused. */
  next?: { data: CatalogData; index: string };
}

/**
 * Checks a catalog file's text against the published catalog and plans the next version. Pure: the CLI
 * publishes the plan, and catalog admins' check endpoint only reports it.
 */
export function planImport(
  text: string,
  format: CatalogFormat,
  published: CatalogData,
  options: Omit<ImportOptions, 'dataDir' | 'dryRun'> = {},
): ImportPlan {
  const parsed = format === 'csv' ? parseCsvRows(text) : parseJsonRows(text);
  const current = Catalog.fromData(published);
  const latest = (code: string) => current.findProcedure(code);

  // A row without a version becomes the next version of its code (or version 1 of a new code).
  for (const r of parsed.rows) {
    const v = r.value as Record<string, unknown>;
    if (v && typeof v === 'object' && v.version === undefined && typeof v.code === 'string')
      v.version = (latest(v.code)?.version ?? 0) + 1;
  }
  const total = parsed.rows.length;
  const { records, problems } = validateRecords(
    parsed.rows,
    { latestVersion: (code) => latest(code)?.version },
    { onRow: (done) => options.progress?.('validate', done, total) },
  );
  problems.push(...parsed.problems);
  const faq = parsed.faq?.map((value, i) => {
    const r = faqRecord.safeParse(value);
    if (!r.success)
      for (const issue of r.error.issues)
        problems.push({ row: i + 1, path: ['faq', i, ...issue.path].join('.'), message: issue.message });
    return r.data;
  });
  for (const [i, f] of (faq ?? []).entries())
    if (
      f?.procedureCode &&
      !latest(f.procedureCode) &&
      !records.some((r) => r.record.code === f.procedureCode)
    )
      problems.push({
        row: i + 1,
        path: `faq.${i}.procedureCode`,
        message: `no procedure ${f.procedureCode}`,
      });
  problems.sort((a, b) => a.row - b.row);
  if (problems.length || total + (faq?.length ?? 0) === 0)
    return {
      outcome: {
        ok: false,
        problems: problems.length ? problems : [{ row: 0, path: '', message: 'the file holds no rows' }],
        added: [],
        unchanged: [],
        catalogVersion: published.catalogVersion,
      },
    };

  const fresh = records.filter(({ record }) => {
    const before = latest(record.code);
    return !before || !sameContent(before, record);
  });
  const data: CatalogData = {
    ...published,
    catalogVersion: published.catalogVersion + 1,
    publishedAt: (options.now ?? new Date()).toISOString(),
    procedures: [...published.procedures, ...fresh.map((r) => r.record)],
    faq: faq ? (faq as unknown[]) : published.faq,
  };
  options.progress?.('index', 0, 1);
  const index = JSON.stringify(Catalog.fromData(data).serializedIndex());
  options.progress?.('index', 1, 1);
  return {
    outcome: {
      ok: true,
      problems: [],
      added: fresh.map((r) => ({ code: r.record.code, version: r.record.version })),
      unchanged: records.filter((r) => !fresh.includes(r)).map((r) => r.record.code),
      catalogVersion: data.catalogVersion,
      indexBytes: Buffer.byteLength(index),
    },
    next: { data, index },
  };
}

/** Checks `file` against the catalog in `dataDir` and, when every row is valid, publishes the next version. */
export async function importCatalog(file: string, options: ImportOptions): Promise<ImportOutcome> {
  const text = await readFile(file, 'utf8');
  const { outcome, next } = planImport(text, formatOf(file), await readCatalog(options.dataDir), options);
  if (next && !options.dryRun) {
    // The published index also covers the imported information entries stored beside the catalog.
    const index = searchIndexText(next.data, loadInformation(options.dataDir));
    await writeCatalog(options.dataDir, next.data, index);
    outcome.indexBytes = Buffer.byteLength(index);
  }
  return outcome;
}

/** The index first: a reader that sees the new catalog with the old index rebuilds it, never the reverse. */
export async function writeCatalog(dataDir: string, data: CatalogData, index: string): Promise<void> {
  const write = async (name: string, body: string) => {
    const path = join(dataDir, name);
    await writeFile(`${path}.tmp`, body);
    await rename(`${path}.tmp`, path);
  };
  await write(INDEX_FILE, `${index}\n`);
  writePublishedForms(dataDir);
  await write(CATALOG_FILE, `${JSON.stringify(data, null, 2)}\n`);
}

/** Rebuilds the prebuilt index of the catalog in `dataDir` (after a change of the search code). */
export async function reindex(dataDir: string): Promise<number> {
  const data = await readCatalog(dataDir);
  Catalog.fromData(data); // validates
  const index = searchIndexText(data, loadInformation(dataDir));
  await writeCatalog(dataDir, data, index);
  return Buffer.byteLength(index);
}
