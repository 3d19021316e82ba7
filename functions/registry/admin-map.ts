/**
 * Vietnam's administrative map since 1 July 2025: 34 provinces and centrally-run cities and their 3,321
 * commune-level units (xã, phường, đặc khu), with the official codes of Quyết định 19/2025/QĐ-TTg. The
 * data is data/admin-map-json.ts, generated from the official list (scripts/admin-map.ts); a change of map
 * is a change of that list, never of code.
 */
import { adminMapJson, communesJson } from './data/admin-map-json.js';

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

// Parsed from text rather than compiled from an object literal: a few ms less in every cold start.
// Rows follow the column names the data gives (provinceColumns, communeColumns).
const map: { provinces: string[][] } = JSON.parse(adminMapJson);
let communeRows: string[][] | undefined;

/** The 3,321 commune rows, parsed on the first commune look-up. */
function rows(): string[][] {
  communeRows ??= JSON.parse(communesJson) as string[][];
  return communeRows;
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

/** Commune objects are made on first use: most functions look up a handful of the 3,321. */
const made: (Commune | undefined)[] = [];

function communeAt(i: number): Commune | undefined {
  const row = rows()[i];
  if (!row) return undefined;
  if (made[i]) return made[i];
  const [code, name, type, nameEn, provinceCode] = row;
  made[i] = {
    code: code!,
    name: name!,
    fullName: `${communePrefix[type as CommuneType]} ${name}`,
    type: type as CommuneType,
    nameEn: nameEn!,
    provinceCode: provinceCode!,
  };
  return made[i];
}

let index: Map<string, number> | undefined;

function communeIndex(): Map<string, number> {
  if (!index) {
    index = new Map();
    const list = rows();
    for (let i = 0; i < list.length; i++) index.set(list[i]![0]!, i);
  }
  return index;
}

let all: readonly Commune[] | undefined;

/** All 3,321 communes in code order. */
export function allCommunes(): readonly Commune[] {
  all ??= rows().map((_, i) => communeAt(i)!);
  return all;
}

const provinceByCode = new Map(provinces.map((p) => [p.code, p]));
let byProvince: Map<string, Commune[]> | undefined;

export const provinceCodes: readonly string[] = provinces.map((p) => p.code);

export function findProvince(code: string): Province | undefined {
  return provinceByCode.get(code);
}

export function findCommune(code: string): Commune | undefined {
  const i = communeIndex().get(code);
  return i === undefined ? undefined : communeAt(i);
}

/** Where a commune stands in `allCommunes()` (-1 when unknown), for registries kept in the same order. */
export function communePosition(code: string): number {
  return communeIndex().get(code) ?? -1;
}

/** The communes of a province in code order; empty for a code that is not a province. */
export function communesOf(provinceCode: string): readonly Commune[] {
  if (!byProvince) {
    byProvince = new Map(provinces.map((p) => [p.code, []]));
    for (const c of allCommunes()) byProvince.get(c.provinceCode)?.push(c);
  }
  return byProvince.get(provinceCode) ?? [];
}
