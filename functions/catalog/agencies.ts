/**
 * Agency registry. The administrative map is data (data/provinces.json): since 1 July 2025 Vietnam
 * has 34 provinces and no district tier, and a change of map is a change of that file, never of code.
 * Every province gets the same set of departments; a department's dossiers travel through its
 * province's one-stop system (channel `p<code>`), while vertically run bodies (police, social
 * security, tax, power) use their own national systems. One channel = one queue and one signing
 * secret, so the channel count stays small however many agencies the registry holds.
 */
import type { z } from 'zod';
import type { agencyLevel } from '../../schemas/catalog.js';
import type { departmentKind } from '../../schemas/procedure.js';
import map from './data/provinces.json' with { type: 'json' };

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

export interface Province {
  code: string;
  name: string;
  nameEn: string;
  city: boolean;
  power: string;
}

export const provinces: readonly Province[] = map.provinces;

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

const communes: Agency[] = map.communes.map((c) => ({
  id: `xa-${c.code}`,
  code: `UBX${c.code}`,
  name: `Ủy ban nhân dân ${c.name.charAt(0).toLowerCase()}${c.name.slice(1)}`,
  nameEn: `${c.nameEn} People's Committee`,
  level: 'commune',
  kind: 'ubnd',
  parentId: `ubnd-${c.provinceCode}`,
  provinceCode: c.provinceCode,
  channel: `p${c.provinceCode}`,
}));

export const agencies: readonly Agency[] = [...national, ...provinces.flatMap(provincial), ...communes];

/** Integration channels, one SQS queue (+ DLQ) and one signing secret each; derived so none is forgotten. */
export const channels: readonly string[] = [...new Set(agencies.map((a) => a.channel))].sort();

const byId = new Map(agencies.map((a) => [a.id, a]));
const byCode = new Map(agencies.map((a) => [a.code, a]));
const byDepartment = new Map(
  agencies.filter((a) => a.kind && a.level !== 'commune').map((a) => [`${a.kind}:${a.provinceCode}`, a]),
);
const communeByCode = new Map(map.communes.map((c) => [c.code, byId.get(`xa-${c.code}`)!]));

export function findAgency(id: string): Agency | undefined {
  return byId.get(id);
}

/** By dossier-code prefix (case-insensitive) or by id. */
export function findAgencyByCode(code: string): Agency | undefined {
  return byCode.get(code.toUpperCase()) ?? byId.get(code);
}

export function provinceDepartment(kind: DepartmentKind, provinceCode: string): Agency | undefined {
  return byDepartment.get(`${kind}:${provinceCode}`);
}

export function communeAgency(communeCode: string): Agency | undefined {
  return communeByCode.get(communeCode);
}

export function findProvince(code: string): Province | undefined {
  return provinces.find((p) => p.code === code);
}
