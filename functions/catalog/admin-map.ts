/**
 * Vietnam's administrative map since 1 July 2025: 34 provinces and centrally-run cities and their 3,321
 * commune-level units (xã, phường, đặc khu), with the official codes of Quyết định 19/2025/QĐ-TTg. The
 * data is data/admin-map.json, generated from the official list (scripts/admin-map.ts); a change of map
 * is a change of that list, never of code.
 */
import map from './data/admin-map.json' with { type: 'json' };

export type ProvinceType = 'thanh_pho_truc_thuoc_tw' | 'tinh';
export type CommuneType = 'xa' | 'phuong' | 'dac_khu';

export interface Province {
  /** Two digits, e.g. "01" for Hà Nội. */
  code: string;
  name: string;
  /** With its kind, e.g. "Thành phố Hà Nội", "Tỉnh Cao Bằng". */
  fullName: string;
  type: ProvinceType;
  /** Centrally-run city (thành phố trực thuộc trung ương). */
  city: boolean;
  nameEn: string;
}

export interface Commune {
  /** Five digits, e.g. "00070" for Phường Hoàn Kiếm. */
  code: string;
  name: string;
  /** With its kind, e.g. "Phường Hoàn Kiếm", "Xã Sóc Sơn", "Đặc khu Phú Quốc". */
  fullName: string;
  type: CommuneType;
  nameEn: string;
  provinceCode: string;
}

const communePrefix: Record<CommuneType, string> = { xa: 'Xã', phuong: 'Phường', dac_khu: 'Đặc khu' };

export const provinces: readonly Province[] = map.provinces.map(([code, name, fullName, type, nameEn]) => ({
  code: code!,
  name: name!,
  fullName: fullName!,
  type: type as ProvinceType,
  city: type === 'thanh_pho_truc_thuoc_tw',
  nameEn: nameEn!,
}));

export const communes: readonly Commune[] = map.communes.map(([code, name, type, nameEn, provinceCode]) => ({
  code: code!,
  name: name!,
  fullName: `${communePrefix[type as CommuneType]} ${name}`,
  type: type as CommuneType,
  nameEn: nameEn!,
  provinceCode: provinceCode!,
}));

const provinceByCode = new Map(provinces.map((p) => [p.code, p]));
const communeByCode = new Map(communes.map((c) => [c.code, c]));
const communesByProvince = new Map<string, Commune[]>(provinces.map((p) => [p.code, []]));
for (const c of communes) communesByProvince.get(c.provinceCode)?.push(c);

export const provinceCodes: readonly string[] = provinces.map((p) => p.code);

export function findProvince(code: string): Province | undefined {
  return provinceByCode.get(code);
}

export function findCommune(code: string): Commune | undefined {
  return communeByCode.get(code);
}

/** The communes of a province in code order; empty for a code that is not a province. */
export function communesOf(provinceCode: string): readonly Commune[] {
  return communesByProvince.get(provinceCode) ?? [];
}
