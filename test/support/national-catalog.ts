/**
 * The national procedure index (functions/catalog/sources, see its SOURCE.md) as rough search documents,
 * for the search benchmark's index-build figures over the raw records. The relevance evaluation runs on
 * the published catalog's own index (test/support/search-eval.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { IndexedDoc } from '../../functions/catalog/search-hits.js';

export const NATIONAL_FILE =
  process.env.NATIONAL_PROCEDURES ??
  new URL('../../functions/catalog/sources/national-procedures.jsonl.gz', import.meta.url).pathname;

interface NationalRecord {
  code: string;
  name: string;
  field: string;
  level: string;
  competentAgency: string;
  implementingAgency: string;
  documents: string;
}

const EMPTY = 'Không có thông tin';
const clean = (s: string | undefined) => (s && s !== EMPTY ? s.replace(/\s+/g, ' ').trim() : '');

/**
 * The documents column runs the table together ("Tên giấy tờMẫu đơn, tờ khaiSố lượng" then
 * "<name><form><count>" rows); each row ends with its count ("1 bản chính,1 bản sao"), which is
 * where it is cut. Rough, but enough to index what a dossier holds.
 */
export function documentNames(documents: string): string[] {
  return clean(documents)
    .replace(/Tên giấy tờ\s*Mẫu đơn, tờ khai\s*Số lượng/g, '\n')
    .split(/\n|\d+\s*bản\s*(?:chính|sao)(?:\s*,\s*\d+\s*bản\s*(?:chính|sao))*/i)
    .map((s) => s.replace(/^[\s\-–*.,;:()\d]+/, '').trim())
    .filter((s) => s.length >= 3)
    .map((s) => (s.length > 240 ? s.slice(0, 240) : s));
}

let cached: NationalRecord[] | undefined;

export const nationalAvailable = () => existsSync(NATIONAL_FILE);

export function nationalRecords(): NationalRecord[] {
  const raw = readFileSync(NATIONAL_FILE);
  cached ??= (NATIONAL_FILE.endsWith('.gz') ? gunzipSync(raw) : raw)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as NationalRecord);
  return cached;
}

/** One search document per national record, with the fields the catalog indexes. */
export function searchDocs(): IndexedDoc[] {
  return nationalRecords().map((r) => ({
    id: r.code,
    name: clean(r.name),
    keywords: [clean(r.competentAgency), clean(r.implementingAgency), r.code].filter(Boolean).join(' · '),
    field: clean(r.field),
    documents: documentNames(r.documents).join(' · '),
  }));
}
