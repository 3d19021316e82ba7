import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  allCommunes,
  communesOf,
  findCommune,
  findProvince,
  provinces,
} from '../../functions/registry/admin-map.js';
import { adminMapJson, communesJson } from '../../functions/registry/data/admin-map-json.js';
import { adminMapFromCsv, declaredCommuneCounts } from '../support/admin-map-csv.js';

const communes = allCommunes();

describe('the administrative map', () => {
  it('is exactly the official list (regenerate with scripts/admin-map.ts)', () => {
    expect({ ...JSON.parse(adminMapJson), communes: JSON.parse(communesJson) }).toEqual(adminMapFromCsv());
  });

  it('has the 34 provinces and 3,321 communes of Quyết định 19/2025/QĐ-TTg', () => {
    expect(provinces).toHaveLength(34);
    expect(provinces.filter((p) => p.city)).toHaveLength(6);
    expect(communes).toHaveLength(3321);
    const ofType = (t: string) => communes.filter((c) => c.type === t).length;
    expect([ofType('xa'), ofType('phuong'), ofType('dac_khu')]).toEqual([2621, 687, 13]);
    for (const [code, count] of declaredCommuneCounts()) expect(communesOf(code), code).toHaveLength(count);
    expect(new Set(communes.map((c) => c.code)).size).toBe(3321);
  });

  it('gives each commune its official full name and province', () => {
    const rows = parse(
      readFileSync(new URL('../../functions/registry/data/admin-units-2025/communes.csv', import.meta.url)),
      { columns: true },
    ) as Record<string, string>[];
    for (const row of rows) {
      const c = findCommune(row.commune_code!);
      expect(c?.fullName, row.commune_code).toBe(row.commune_full_name);
      expect(c?.provinceCode).toBe(row.province_code);
    }
    expect(findCommune('00070')).toMatchObject({ fullName: 'Phường Hoàn Kiếm', provinceCode: '01' });
    expect(findProvince('79')).toMatchObject({ fullName: 'Thành phố Hồ Chí Minh', city: true });
  });

  it('knows nothing that is not on the map', () => {
    expect(findProvince('02')).toBeUndefined();
    expect(findCommune('99999')).toBeUndefined();
    expect(findCommune('constructor')).toBeUndefined();
    expect(communesOf('02')).toEqual([]);
  });
});
