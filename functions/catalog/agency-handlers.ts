/**
 * Who handles an information entry, in the agency registry's terms (./agencies.ts), read from the agency
 * texts of its national record ("Sở Tư pháp", "Ủy ban Nhân dân xã, phường, thị trấn.", "Cục Thuế - Bộ tài
 * chính", "Công an cấp Tỉnh"). The record names bodies, not registry ids; this table turns the names it
 * can vouch for into handlers and leaves everything else unmapped:
 *
 * - `province:<kind>`: that department of whichever province the applicant is in (Sở Tư pháp → stp);
 * - `commune:ubnd`: the People's Committee of the applicant's commune;
 * - `<id>`: a national body of the registry (bca, btp, btc, thue, bhxh…).
 *
 * A name counts only where it begins a mention (the start of the text or after , ; / - or "("), possibly
 * after a title such as "Chủ tịch" or "Giám đốc": "Cơ quan chức năng do Ủy ban nhân dân cấp tỉnh chỉ
 * định" is a body the committee designates, not the committee. A record of one province's instance
 * ("Sở Tư pháp Thành phố Hà Nội") describes a procedure every province runs, so the handler is the
 * department kind, not that province's. Bodies the registry does not hold (commune police, the Ministry
 * of National Defence, the State Bank…) are recognised and counted as unregistered, never invented.
 */
import type { DepartmentKind } from '../registry/agencies.js';
import type { AuthorityTier } from './national-record.js';
import { fold } from './search-text.js';

/** `province:<kind>`, `commune:ubnd` or a national agency id. */
export type HandlerKey = `province:${DepartmentKind}` | 'commune:ubnd' | NationalId;
type NationalId = 'bca' | 'bct' | 'btc' | 'btp' | 'bxd' | 'byt' | 'thue' | 'bhxh' | 'vpcp';

/** The same, spelled out for the API. */
export type Handler = { tier: 'province' | 'commune'; kind: DepartmentKind } | { national: string };

interface Rule {
  /** Folded (no tone marks, lower case, đ → d), matched where a mention begins, up to a word's end. */
  name: string;
  handler?: HandlerKey;
  /** Recognised, but no registry agency stands for it: counted, never mapped. */
  unregistered?: string;
}

const UBND = '(?:uy ban nhan dan|ubnd)';

const RULES: Rule[] = [
  // People's Committees (their chairs decide for them).
  { name: `${UBND}(?: cap)? (?:xa|phuong)`, handler: 'commune:ubnd' },
  { name: `${UBND}(?: cap)? tinh`, handler: 'province:ubnd' },
  { name: `${UBND}(?: cap)? huyen`, unregistered: 'district committee (districts abolished 1 July 2025)' },
  // A province's departments.
  { name: 'so tu phap', handler: 'province:stp' },
  { name: 'so xay dung', handler: 'province:sxd' },
  { name: 'so tai chinh', handler: 'province:stc' },
  { name: 'so y te', handler: 'province:syt' },
  { name: 'so cong thuong', handler: 'province:sct' },
  { name: 'so nong nghiep va moi truong', handler: 'province:snnmt' },
  // The province's specialised body for agriculture and environment is, by definition, that Sở.
  {
    name: `co quan chuyen mon ve nong nghiep va moi truong thuoc ${UBND} cap tinh`,
    handler: 'province:snnmt',
  },
  // Police: the province's, its divisions (phòng), the ministry and its departments (cục).
  { name: 'cong an (?:cap )?tinh', handler: 'province:ca' },
  { name: 'phong (?:canh sat|(?:quan ly )?xuat nhap canh)', handler: 'province:ca' },
  { name: 'cong an (?:cap )?xa', unregistered: 'commune police' },
  { name: 'cong an (?:cap )?huyen', unregistered: 'district police' },
  { name: 'bo cong an', handler: 'bca' },
  { name: 'cuc (?:canh sat|quan ly xuat nhap canh|an ninh mang)', handler: 'bca' },
  // Justice.
  { name: 'bo tu phap', handler: 'btp' },
  { name: 'cuc (?:bo tro|hanh chinh) tu phap', handler: 'btp' },
  // Finance, tax and customs (customs is the ministry's own service; the registry has no customs office).
  { name: 'bo tai chinh', handler: 'btc' },
  { name: '(?:(?:chi )?cuc |doi thu tuc )?hai quan', handler: 'btc' },
  { name: '(?:chi )?cuc thue', handler: 'thue' },
  { name: 'thue (?:cap )?tinh', handler: 'province:thue' },
  { name: 'thue co so', unregistered: 'local tax office' },
  // Social security.
  { name: 'bao hiem xa hoi viet nam', handler: 'bhxh' },
  { name: 'bao hiem xa hoi (?:cap )?tinh', handler: 'province:bhxh' },
  { name: 'bao hiem xa hoi (?:cap )?huyen', unregistered: 'district social security' },
  // Other ministries the registry holds.
  { name: 'bo xay dung', handler: 'bxd' },
  { name: 'bo cong thuong', handler: 'bct' },
  { name: 'bo y te', handler: 'byt' },
  { name: 'van phong chinh phu', handler: 'vpcp' },
  // National bodies the registry does not hold.
  { name: 'bo quoc phong', unregistered: 'Ministry of National Defence' },
  {
    name: 'bo (?:nong nghiep va moi truong|nn va mt)',
    unregistered: 'Ministry of Agriculture and Environment',
  },
  { name: 'ngan hang nha nuoc', unregistered: 'State Bank of Vietnam' },
  { name: 'bo ngoai giao', unregistered: 'Ministry of Foreign Affairs' },
  { name: 'toa an nhan dan', unregistered: 'people’s courts' },
];

/** Titles that may precede a body's name: the person or office speaks for the body. */
const TITLE =
  '(?:(?:chu tich|pho chu tich|giam doc|lanh dao|bo truong|thu truong|van phong|bo phan mot cua|thanh tra) )?';
/** Where a mention begins: the text's start or a separator (commas also sit inside names, harmlessly). */
const START = '(?:^|[,;/(\\-–])\\s*';

let patterns: { rules: (Rule & { re: RegExp })[]; bareUbnd: RegExp } | undefined;

/** The rules' expressions, built on first use: most requests of a function never read a record's texts. */
function compiled() {
  patterns ??= {
    rules: RULES.map((r) => ({ ...r, re: new RegExp(`${START}${TITLE}(?:${r.name})(?![a-z0-9])`) })),
    /** "Ủy ban nhân dân" or its chair with no tier: the record's single local level says which. */
    bareUbnd: new RegExp(`${START}${TITLE}${UBND}(?! (?:cap |tinh|xa|phuong|huyen|thanh pho))`),
  };
  return patterns;
}

export interface HandlersOf {
  /** Registry terms, in table order, without repeats. */
  handlers: HandlerKey[];
  /** Recognised bodies no registry agency stands for. */
  unregistered: string[];
}

const normalize = (s: string) => fold(s.normalize('NFC').replace(/\s+/g, ' ').trim());

/** The handlers named by a record's competent and implementing agency texts (and its levels). */
export function handlersOf(
  texts: readonly (string | null | undefined)[],
  levels: readonly AuthorityTier[] = [],
): HandlersOf {
  const handlers = new Set<HandlerKey>();
  const unregistered = new Set<string>();
  const { rules, bareUbnd } = compiled();
  for (const raw of texts) {
    if (!raw) continue;
    const text = normalize(raw);
    for (const r of rules)
      if (r.re.test(text)) {
        if (r.handler) handlers.add(r.handler);
        if (r.unregistered) unregistered.add(r.unregistered);
      }
    if (bareUbnd.test(text)) {
      const local = levels.filter((l) => l === 'province' || l === 'commune');
      if (local.length === 1) handlers.add(local[0] === 'commune' ? 'commune:ubnd' : 'province:ubnd');
    }
  }
  return { handlers: [...handlers], unregistered: [...unregistered] };
}

export function handlerOfKey(key: HandlerKey): Handler {
  const [tier, kind] = key.split(':') as [string, DepartmentKind | undefined];
  return kind ? { tier: tier as 'province' | 'commune', kind } : { national: key };
}

/**
 * The handler key a registry agency answers to: a commune's committee → `commune:ubnd`; a department of
 * a province (its committee included) → `province:<kind>`; a national body → its id.
 */
export function handlerKeyOfAgency(a: {
  id: string;
  level: string;
  kind: DepartmentKind | null;
  provinceCode: string | null;
}): string {
  if (a.level === 'commune') return `commune:${a.kind}`;
  if (a.provinceCode && a.kind) return `province:${a.kind}`;
  return a.id;
}
