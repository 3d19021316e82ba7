/** Builds the compact administrative map from the official CSV files (scripts/admin-map.ts, its test). */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

const dir = new URL('../../functions/registry/data/admin-units-2025/', import.meta.url);
const rows = (file: string) =>
  parse(readFileSync(new URL(file, dir), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];

export function adminMapFromCsv() {
  const provinces = rows('provinces.csv')
    .map((p) => [p.province_code, p.province_name, p.province_full_name, p.province_type, p.name_en])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  const communes = rows('communes.csv')
    .map((c) => [c.commune_code, c.commune_name, c.commune_type, c.name_en, c.province_code])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  return {
    source:
      'Quyết định 19/2025/QĐ-TTg via github.com/thanglequoc/vietnamese-provinces-database v3.0.2 (MIT, see admin-units-2025/LICENSE)',
    provinceColumns: ['code', 'name', 'fullName', 'type', 'nameEn'],
    communeColumns: ['code', 'name', 'type', 'nameEn', 'provinceCode'],
    provinces,
    communes,
  };
}

/** Each province's declared number of commune-level units, for the map's completeness check. */
export function declaredCommuneCounts(): Map<string, number> {
  return new Map(rows('provinces.csv').map((p) => [p.province_code!, Number(p.commune_count)]));
}
