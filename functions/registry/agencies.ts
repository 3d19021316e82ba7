/**
 * Agency registry, derived from the administrative map (admin-map.ts: the 34 provinces and 3,321 communes
 * of 1 July 2025): a change of map is a change of data, never of code. Every province gets the same set
 * of departments and every commune its People's Committee; their dossiers travel through the province's
 * one-stop system (channel `p<code>`), while vertically run bodies (police, social security, tax, power)
 * use their own national systems. One channel = one queue and one signing secret, so the channel count
 * stays small however many agencies the registry holds.
 */
import type * as z from 'zod';
import type { agencyLevel } from '../../schemas/catalog.js';
import type { departmentKind } from '../../schemas/procedure.js';
import {
  allCommunes,
  type Commune,
  type CommuneType,
  communePosition,
  findCommune,
  type Province as MapProvince,
  provinces as mapProvinces,
} from './admin-map.js';
import power from './data/power-corporations.json' with { type: 'json' };

export type DepartmentKind = z.infer<typeof departmentKind>;

export interface Agency {
  id: string;
  /** Used as the prefix of dossier codes (Circular 01/2018). */
  code: string;
  name: string;
  nameEn: string;
  level: z.infer<typeof agencyLevel>;
  /** Which of a province's departments this is, for agency-resolution rules. */
  kind: DepartmentKind | null;
  /** Escalation goes to the parent. */
  parentId: string | null;
  provinceCode: string | null;
  /** Integration endpoint: its queue and the secret that signs both ways. */
  channel: string;
}

/** A province of the map with the power corporation that serves it (data/power-corporations.json). */
export interface Province extends MapProvince {
  power: string;
}

const powerOf = new Map(
  Object.entries(power.corporations).flatMap(([corporation, codes]) => codes.map((c) => [c, corporation])),
);

export const provinces: readonly Province[] = mapProvinces.map((p) => ({
  ...p,
  power: powerOf.get(p.code)!,
}));

const national: Agency[] = [
  ['bca', 'BCA', 'Bộ Công an', 'Ministry of Public Security', 'ministry', 'bca'],
  ['bct', 'BCT', 'Bộ Công Thương', 'Ministry of Industry and Trade', 'ministry', 'bct'],
  ['btc', 'BTC', 'Bộ Tài chính', 'Ministry of Finance', 'ministry', 'ndxp'],
  ['btp', 'BTP', 'Bộ Tư pháp', 'Ministry of Justice', 'ministry', 'ndxp'],
  ['bxd', 'BXD', 'Bộ Xây dựng', 'Ministry of Construction', 'ministry', 'ndxp'],
  ['byt', 'BYT', 'Bộ Y tế', 'Ministry of Health', 'ministry', 'ndxp'],
  ['thue', 'CTHUE', 'Cục Thuế', 'Tax Department', 'ministry', 'thue'],
  ['bhxh', 'BHXH', 'Bảo hiểm xã hội Việt Nam', 'Vietnam Social Security', 'public_body', 'bhxh'],
  ['evn', 'EVN', 'Tập đoàn Điện lực Việt Nam', 'Vietnam Electricity (EVN)', 'public_body', 'evn'],
  ['evnnpc', 'EVNNPC', 'Tổng công ty Điện lực miền Bắc', 'Northern Power Corporation', 'public_body', 'evn'],
  ['evncpc', 'EVNCPC', 'Tổng công ty Điện lực miền Trung', 'Central Power Corporation', 'public_body', 'evn'],
  ['evnspc', 'EVNSPC', 'Tổng công ty Điện lực miền Nam', 'Southern Power Corporation', 'public_body', 'evn'],
  // National triage and oversight of petitions (phản ánh, kiến nghị) that name no agency.
  ['vpcp', 'VPCP', 'Văn phòng Chính phủ', 'Office of the Government', 'ministry', 'ndxp'],
].map(([id, code, name, nameEn, level, channel]) => ({
  id: id!,
  code: code!,
  name: name!,
  nameEn: nameEn!,
  level: level as Agency['level'],
  kind: null,
  parentId: ['evnnpc', 'evncpc', 'evnspc'].includes(id!) ? 'evn' : ['thue'].includes(id!) ? 'btc' : null,
  provinceCode: null,
  channel: channel!,
}));

interface DepartmentTemplate {
  kind: DepartmentKind;
  code: string;
  name: (p: Province) => string;
  nameEn: (p: Province) => string;
  level: Agency['level'];
  /** National parent for vertically run bodies; otherwise the province's people's committee. */
  parent?: (p: Province) => string;
  /** National channel for vertically run bodies; otherwise the province's one-stop system. */
  channel?: string;
}

const unit = (p: Province) => (p.city ? `thành phố ${p.name}` : `tỉnh ${p.name}`);
const unitEn = (p: Province) => (p.city && !p.nameEn.endsWith('City') ? `${p.nameEn} City` : p.nameEn);

const departments: DepartmentTemplate[] = [
  {
    kind: 'ubnd',
    code: 'UBND',
    name: (p) => `Ủy ban nhân dân ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} People's Committee`,
    level: 'province',
  },
  {
    kind: 'ttpvhcc',
    code: 'TTHCC',
    name: (p) => `Trung tâm Phục vụ hành chính công ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Public Administration Service Centre`,
    level: 'province',
  },
  {
    kind: 'stp',
    code: 'STP',
    name: (p) => `Sở Tư pháp ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Department of Justice`,
    level: 'province',
  },
  {
    kind: 'sxd',
    code: 'SXD',
    name: (p) => `Sở Xây dựng ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Department of Construction`,
    level: 'province',
  },
  {
    kind: 'sct',
    code: 'SCT',
    name: (p) => `Sở Công Thương ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Department of Industry and Trade`,
    level: 'province',
  },
  {
    kind: 'stc',
    code: 'STC',
    name: (p) => `Sở Tài chính ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Department of Finance`,
    level: 'province',
  },
  {
    kind: 'syt',
    code: 'SYT',
    name: (p) => `Sở Y tế ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Department of Health`,
    level: 'province',
  },
  {
    kind: 'snnmt',
    code: 'SNNMT',
    name: (p) => `Sở Nông nghiệp và Môi trường ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Department of Agriculture and Environment`,
    level: 'province',
  },
  {
    kind: 'ca',
    code: 'CA',
    name: (p) => `Công an ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Police`,
    level: 'province',
    parent: () => 'bca',
    channel: 'bca',
  },
  {
    kind: 'bhxh',
    code: 'BHXH',
    name: (p) => `Bảo hiểm xã hội ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Social Security`,
    level: 'province',
    parent: () => 'bhxh',
    channel: 'bhxh',
  },
  {
    kind: 'thue',
    code: 'THUE',
    name: (p) => `Thuế ${unit(p)}`,
    nameEn: (p) => `${unitEn(p)} Tax Office`,
    level: 'province',
    parent: () => 'thue',
    channel: 'thue',
  },
  {
    kind: 'dien_luc',
    code: 'PC',
    name: (p) => `Công ty Điện lực ${p.name}`,
    nameEn: (p) => `${p.nameEn} Power Company`,
    level: 'public_body',
    parent: (p) => p.power,
    channel: 'evn',
  },
];

/** Agencies whose ids and dossier-code prefixes were issued before the registry was generated. */
const established: Record<string, Pick<Agency, 'id' | 'code'>> = {
  'ca:01': { id: 'cahn', code: 'CAHN' },
  'bhxh:01': { id: 'bhxh-hn', code: 'BHXHHN' },
};

/** The two city power corporations serve as their city's power company. */
const cityPower: Record<string, Omit<Agency, 'kind' | 'provinceCode'>> = {
  '01': {
    id: 'evnhanoi',
    code: 'EVNHANOI',
    name: 'Tổng công ty Điện lực thành phố Hà Nội',
    nameEn: 'Hanoi Power Corporation',
    level: 'public_body',
    parentId: 'evn',
    channel: 'evn',
  },
  '79': {
    id: 'evnhcmc',
    code: 'EVNHCMC',
    name: 'Tổng công ty Điện lực Thành phố Hồ Chí Minh',
    nameEn: 'Ho Chi Minh City Power Corporation',
    level: 'public_body',
    parentId: 'evn',
    channel: 'evn',
  },
};

function provincial(p: Province): Agency[] {
  return departments.map((d) => {
    if (d.kind === 'dien_luc' && cityPower[p.code])
      return { ...cityPower[p.code]!, kind: d.kind, provinceCode: p.code };
    const known = established[`${d.kind}:${p.code}`];
    return {
      id: known?.id ?? `${d.kind.replace('_', '')}-${p.code}`,
      code: known?.code ?? `${d.code}${p.code}`,
      name: d.name(p),
      nameEn: d.nameEn(p),
      level: d.level,
      kind: d.kind,
      parentId: d.parent ? d.parent(p) : d.kind === 'ubnd' ? null : `ubnd-${p.code}`,
      provinceCode: p.code,
      channel: d.channel ?? `p${p.code}`,
    };
  });
}

const communeUnit: Record<CommuneType, { vi: string; en: string }> = {
  xa: { vi: 'xã', en: 'Commune' },
  phuong: { vi: 'phường', en: 'Ward' },
  dac_khu: { vi: 'đặc khu', en: 'Special Zone' },
};

/** A commune's People's Committee: it receives the commune's dossiers through its province's channel. */
function communeCommittee(c: Commune): Agency {
  const unit = communeUnit[c.type];
  return {
    id: `xa-${c.code}`,
    code: `UBX${c.code}`,
    name: `Ủy ban nhân dân ${unit.vi} ${c.name}`,
    nameEn: `${c.nameEn} ${unit.en} People's Committee`,
    level: 'commune',
    kind: 'ubnd',
    parentId: `ubnd-${c.provinceCode}`,
    provinceCode: c.provinceCode,
    channel: `p${c.provinceCode}`,
  };
}

const upper: readonly Agency[] = [...national, ...provinces.flatMap(provincial)];

/** In the order of the map's communes and made on first use, like the communes themselves. */
const committees: (Agency | undefined)[] = [];

/** The People's Committee that receives in a commune (by its five-digit code). */
export function communeAgency(communeCode: string): Agency | undefined {
  const i = communePosition(communeCode);
  if (i < 0) return undefined;
  committees[i] ??= communeCommittee(findCommune(communeCode)!);
  return committees[i];
}

let all: readonly Agency[] | undefined;

/** The whole registry: ministries and public bodies, the provinces' departments, every commune. */
export function allAgencies(): readonly Agency[] {
  all ??= [...upper, ...allCommunes().map((c, i) => (committees[i] ??= communeCommittee(c)))];
  return all;
}

/**
 * Integration channels, one SQS queue (+ DLQ) and one signing secret each; derived so none is forgotten.
 * Communes use their province's channel, so the ministries, provinces and public bodies name them all.
 */
export const channels: readonly string[] = [...new Set(upper.map((a) => a.channel))].sort();

interface Lookups {
  byId: Map<string, Agency>;
  byCode: Map<string, Agency>;
  byDepartment: Map<string, Agency>;
  province: Map<string, Province>;
}
let built: Lookups | undefined;

/**
 * The ~420 agencies above the communes, indexed on the first look-up (an import for `channels` alone
 * pays nothing); communes are found through the map's own index, so no second index of 3,321 is built.
 */
function lookups(): Lookups {
  if (built) return built;
  built = { byId: new Map(), byCode: new Map(), byDepartment: new Map(), province: new Map() };
  for (const a of upper) {
    built.byId.set(a.id, a);
    built.byCode.set(a.code, a);
    if (a.kind) built.byDepartment.set(`${a.kind}:${a.provinceCode}`, a);
  }
  for (const p of provinces) built.province.set(p.code, p);
  return built;
}

const COMMUNE_ID = /^xa-(\d{5})$/;
const COMMUNE_CODE = /^UBX(\d{5})$/;

export function findAgency(id: string): Agency | undefined {
  const commune = COMMUNE_ID.exec(id);
  return commune ? communeAgency(commune[1]!) : lookups().byId.get(id);
}

/** By dossier-code prefix (case-insensitive) or by id. */
export function findAgencyByCode(code: string): Agency | undefined {
  const upperCased = code.toUpperCase();
  const commune = COMMUNE_CODE.exec(upperCased);
  if (commune) return communeAgency(commune[1]!);
  return lookups().byCode.get(upperCased) ?? findAgency(code);
}

export function provinceDepartment(kind: DepartmentKind, provinceCode: string): Agency | undefined {
  return lookups().byDepartment.get(`${kind}:${provinceCode}`);
}

export function findProvince(code: string): Province | undefined {
  return lookups().province.get(code);
}
