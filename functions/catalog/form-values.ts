/**
 * Every kind of value a form field holds, built once with its Vietnamese and English title and
 * description (names, dates, ID and phone numbers, provinces, communes, countries), and where personal
 * data sits in a form by its type. Apart from the rules and the forms that are built from these.
 */
import * as z from 'zod';
import { todayInVietnam, vnMobile } from '../../schemas/common.js';
import { provinces } from '../registry/admin-map.js';
import { foreignCountries } from './countries.js';

/**
 * Personal data in forms is marked by its type, not by field names: every field built from `citizenId`
 * or `mobile` is sealed at rest and masked in views (functions/pii/sealed-form.ts). The registry is
 * separate from zod's global one, so the published JSON Schema is unchanged.
 */
export type PiiKind = 'citizenId' | 'phone';
export const piiTypes = z.registry<{ pii: PiiKind }>();

/** Vietnamese first, English beside it. */
export interface Bilingual {
  vi: string;
  en: string;
}

/**
 * A field's labels as JSON Schema 2020-12 annotations: `title`/`description` in Vietnamese (the portal's
 * first language) and `x-title-en`/`x-description-en` in English; validators ignore unknown `x-` keywords.
 */
export const label = (titleVi: string, titleEn: string, descriptionVi: string, descriptionEn: string) => ({
  title: titleVi,
  description: descriptionVi,
  'x-title-en': titleEn,
  'x-description-en': descriptionEn,
});
export type Label = ReturnType<typeof label>;

/** Labelled choices: `enum` for every validator, `oneOf` const+title so a form can show their names. */
export function choice<const V extends string>(values: Record<V, Bilingual>, meta: Label) {
  const codes = Object.keys(values) as [V, ...V[]];
  return z.enum(codes).meta({
    ...meta,
    oneOf: codes.map((c) => ({ const: c, title: values[c].vi, 'x-title-en': values[c].en })),
  });
}

/**
 * Text that, once trimmed, has at least `min` characters. The pattern says so to a client (the server
 * trims): `\S` at both ends of a run of at least `min` characters.
 */
export function text(min: number, max: number, meta: Label) {
  const pattern = min <= 1 ? /\S/ : new RegExp(`\\S[\\s\\S]{${min - 2},}\\S`);
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .regex(pattern, 'không được để trống / must not be blank')
    .meta(meta);
}

/** Marks a custom check with the id of the rule it enforces (published beside the schema). */
export const RULE_PARAM = 'rule';
export const NOT_IN_FUTURE = 'notInFuture';

/** A date (YYYY-MM-DD) no later than today in Vietnam. JSON Schema cannot compare with "today". */
export const pastDate = (meta: Label) =>
  z.iso
    .date()
    .refine((d) => d <= todayInVietnam(), {
      message: 'không được là ngày trong tương lai / must not be in the future',
      params: { [RULE_PARAM]: NOT_IN_FUTURE },
    })
    .meta(meta);
export const isoDate = (meta: Label) => z.iso.date().meta(meta);

/** Citizen identity (CCCD) numbers have 12 digits. */
export const citizenId = (meta: Label) =>
  z
    .string()
    .regex(/^\d{12}$/, 'số định danh cá nhân gồm 12 chữ số / 12-digit personal ID number')
    .meta(meta)
    .register(piiTypes, { pii: 'citizenId' });
/** The number a dossier's SMS notices go to (functions/notifications/recipients.ts reads `phone`). */
export const mobile = (meta: Label) => vnMobile.meta(meta).register(piiTypes, { pii: 'phone' });
export const personName = (meta: Label) => text(2, 100, meta);
export const address = (meta: Label) => text(5, 300, meta);
export const money = (meta: Label) => z.number().int().min(0).meta(meta);

let province: ReturnType<typeof choice> | undefined;

/**
 * The 34 provinces and centrally-run cities (Quyết định 19/2025/QĐ-TTg), with their names: one schema,
 * built with the first form that has the field.
 */
export function provinceCode() {
  province ??= choice(
    Object.fromEntries(provinces.map((p) => [p.code, { vi: p.fullName, en: p.nameEn }])) as Record<
      string,
      Bilingual
    >,
    label(
      'Tỉnh, thành phố',
      'Province or city',
      'Mã tỉnh, thành phố trực thuộc trung ương theo danh mục từ 1/7/2025 (34 đơn vị).',
      'Code of the province or centrally-run city on the map in force since 1 July 2025 (34 units).',
    ),
  );
  return province;
}

let countryChoices: Record<string, Bilingual> | undefined;

/** A country other than Viet Nam, by ISO 3166-1 alpha-2 code, named in both languages. */
export const country = (meta: Label) => {
  countryChoices ??= Object.fromEntries(foreignCountries().map((c) => [c.code, { vi: c.vi, en: c.en }]));
  return choice(countryChoices, meta);
};

/** Where a page loads a province's communes (GET /v1/provinces/{code}/communes). */
export const COMMUNES_HREF = '/v1/provinces/{provinceCode}/communes';
/**
 * Five digits; which codes exist depends on the province chosen, so the schema links to the list
 * rather than repeating 3,321 codes in every form. The group `place` checks it against the map.
 */
export const communeCode = z
  .string()
  .regex(/^\d{5}$/, 'mã xã gồm 5 chữ số / 5-digit commune code')
  .meta({
    ...label(
      'Xã, phường, đặc khu',
      'Commune or ward',
      'Mã đơn vị hành chính cấp xã thuộc tỉnh đã chọn; danh sách tại đường dẫn x-options.',
      'Code of a commune-level unit of the chosen province; the list is at the x-options link.',
    ),
    'x-options': { href: COMMUNES_HREF, valueKey: 'code', labelKey: 'name' },
  });

/** Unwraps optional/nullable/default wrappers down to the schema a field was built from. */
export function fieldType(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 8 && !piiTypes.has(current); i++) {
    const inner = (current as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
    if (!inner) break;
    current = inner;
  }
  return current;
}

const piiCache = new WeakMap<z.ZodType, ReadonlyMap<string, PiiKind>>();

/** The top-level fields of a form that hold a citizen ID or a phone number, by their type. */
export function piiFields(form: z.ZodType): ReadonlyMap<string, PiiKind> {
  const cached = piiCache.get(form);
  if (cached) return cached;
  const found = new Map<string, PiiKind>();
  const shape = (form as { _zod: { def: { shape?: Record<string, z.ZodType> } } })._zod.def.shape;
  for (const [name, field] of Object.entries(shape ?? {})) {
    const kind = piiTypes.get(fieldType(field))?.pii;
    if (kind) found.set(name, kind);
  }
  piiCache.set(form, found);
  return found;
}
