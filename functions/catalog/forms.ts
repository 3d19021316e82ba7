/**
 * Form registry: procedure records (seed, CSV or JSON import) name their form by id, and intake
 * validates the citizen's form with the zod schema found here; the catalog publishes it as JSON Schema.
 */
import { z } from 'zod';
import { findProvince } from './agencies.js';

/**
 * Personal data in forms is marked by its type, not by field names: every field built from `citizenId`
 * or `vnPhone` is sealed at rest and masked in views (functions/intake/sealed-form.ts). The registry is
 * separate from zod's global one, so the published JSON Schema is unchanged.
 */
export type PiiKind = 'citizenId' | 'phone';
export const piiTypes = z.registry<{ pii: PiiKind }>();

/** Citizen identity (CCCD) numbers have 12 digits. */
const citizenId = z
  .string()
  .regex(/^\d{12}$/, 'số định danh cá nhân gồm 12 chữ số / 12-digit personal ID number')
  .register(piiTypes, { pii: 'citizenId' });
const vnPhone = z
  .string()
  .regex(/^0\d{9}$/, 'số điện thoại 10 chữ số / 10-digit phone number')
  .register(piiTypes, { pii: 'phone' });
const fullName = z.string().trim().min(2).max(100);
const today = () => new Date().toISOString().slice(0, 10);
const pastDate = z.iso.date().refine((d) => d <= today(), 'must not be in the future');
const address = z.string().trim().min(5).max(300);
const provinceCode = z
  .string()
  .regex(/^\d{2}$/)
  .refine((c) => findProvince(c) !== undefined, 'mã tỉnh không tồn tại / unknown province code');
/** A commune the registry knows; others are handled by the province's service centre. */
const communeCode = z.string().regex(/^\d{5}$/, 'mã xã gồm 5 chữ số / 5-digit commune code');
/** Enterprise tax code: 10 digits, or 10-3 for a branch. */
const taxCode = z.string().regex(/^\d{10}(-\d{3})?$/, 'mã số thuế 10 hoặc 13 chữ số / tax code');
const money = z.number().int().min(0);

/** Who applies: the same fields open every personal procedure's form. */
const applicant = { fullName, dateOfBirth: pastDate, citizenId, phone: vnPhone };
const enterprise = { enterpriseName: z.string().trim().min(2).max(200), taxCode, phone: vnPhone };
const licenceClass = z.enum([
  'A1',
  'A',
  'B1',
  'B',
  'C1',
  'C',
  'D1',
  'D2',
  'D',
  'BE',
  'C1E',
  'CE',
  'D1E',
  'D2E',
  'DE',
]);
const licenceNumber = z
  .string()
  .regex(/^\d{12}$/, 'số giấy phép lái xe gồm 12 chữ số / 12-digit licence number');

const child = {
  childFullName: fullName,
  childDateOfBirth: pastDate,
  childSex: z.enum(['male', 'female']),
  placeOfBirth: z.string().trim().min(2).max(200),
  motherCitizenId: citizenId,
  fatherCitizenId: citizenId.optional(),
};

export const forms = {
  driving_licence_exchange: z
    .object({
      ...applicant,
      licenceNumber,
      licenceClass,
      reason: z.enum(['expired', 'damaged', 'information_changed', 'old_format']),
      deliveryMethod: z.enum(['post', 'at_desk']),
    })
    .strict(),
  international_driving_permit: z
    .object({
      ...applicant,
      licenceNumber,
      licenceClass,
      destinationCountry: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 country code'),
      deliveryMethod: z.enum(['post', 'at_desk']),
    })
    .strict(),
  health_card_reissue: z
    .object({
      ...applicant,
      insuranceNumber: z
        .string()
        .regex(/^\d{10}$/, 'mã số BHXH gồm 10 chữ số / 10-digit social insurance number'),
      reason: z.enum(['lost', 'damaged']),
      informationChanged: z.boolean(),
    })
    .strict(),
  promotion_notice: z
    .object({
      ...enterprise,
      programmeName: z.string().trim().min(3).max(300),
      goods: z.string().trim().min(2).max(1000),
      form: z.enum(['samples', 'gifts', 'discount', 'vouchers', 'loyalty', 'other']),
      startDate: z.iso.date(),
      endDate: z.iso.date(),
      provinceCodes: z.array(provinceCode).min(1).max(34),
    })
    .strict()
    .refine((f) => f.endDate >= f.startDate, { path: ['endDate'], message: 'ends before it starts' }),
  promotion_registration: z
    .object({
      ...enterprise,
      programmeName: z.string().trim().min(3).max(300),
      goods: z.string().trim().min(2).max(1000),
      prizeValue: money,
      startDate: z.iso.date(),
      endDate: z.iso.date(),
      provinceCode,
    })
    .strict()
    .refine((f) => f.endDate >= f.startDate, { path: ['endDate'], message: 'ends before it starts' }),
  power_connection: z
    .object({
      ...applicant,
      provinceCode,
      siteAddress: address,
      purpose: z.enum(['household', 'business', 'production', 'public_service']),
      capacityKw: z.number().positive().max(100_000),
    })
    .strict(),
  electricity_bill_payment: z
    .object({
      customerCode: z.string().regex(/^P[A-Z0-9]{12}$/, 'mã khách hàng điện (13 ký tự) / EVN customer code'),
      provinceCode,
      billingPeriod: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
      amount: money.positive(),
    })
    .strict(),
  certificate_of_origin: z
    .object({
      ...enterprise,
      coForm: z.enum([
        'B',
        'D',
        'E',
        'AK',
        'AJ',
        'AI',
        'AANZ',
        'VJ',
        'VK',
        'VC',
        'EUR.1',
        'CPTPP',
        'EVFTA',
        'UKVFTA',
      ]),
      destinationCountry: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 country code'),
      commercialInvoice: z.string().trim().min(1).max(60),
      hsCodes: z
        .array(z.string().regex(/^\d{6,10}$/))
        .min(1)
        .max(50),
    })
    .strict(),
  e_tax_payment: z
    .object({
      ...enterprise,
      provinceCode,
      taxType: z.enum(['vat', 'cit', 'pit_withheld', 'licence_fee', 'other']),
      taxPeriod: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'YYYY, YYYY-MM or YYYY-Qn'),
      amount: money.positive(),
    })
    .strict(),
  birth_registration: z.object({ ...applicant, ...child, provinceCode, communeCode }).strict(),
  permanent_residence: z
    .object({
      ...applicant,
      provinceCode,
      communeCode,
      residenceAddress: address,
      basis: z.enum(['owned_home', 'rented_home', 'relative_home', 'child_with_parent']),
    })
    .strict(),
  child_health_card: z.object({ ...applicant, ...child, provinceCode, communeCode }).strict(),
  birth_residence_health_bundle: z
    .object({ ...applicant, ...child, provinceCode, communeCode, residenceAddress: address })
    .strict(),
  construction_permit_house: z
    .object({
      ...applicant,
      provinceCode,
      communeCode,
      siteAddress: address,
      landCertificateNumber: z.string().trim().min(4).max(40),
      floors: z.number().int().min(1).max(15),
      grossFloorAreaM2: z.number().positive().max(20_000),
    })
    .strict(),
  household_business_registration: z
    .object({
      ...applicant,
      provinceCode,
      communeCode,
      businessName: z.string().trim().min(2).max(200),
      businessAddress: address,
      businessLines: z.array(z.string().trim().min(2).max(200)).min(1).max(30),
      capital: money,
      employees: z.number().int().min(0).max(10_000),
    })
    .strict(),
  death_registration: z
    .object({
      ...applicant,
      provinceCode,
      communeCode,
      deceasedFullName: fullName,
      deceasedCitizenId: citizenId,
      dateOfDeath: pastDate,
      placeOfDeath: z.string().trim().min(2).max(200),
      relationship: z.string().trim().min(2).max(60),
    })
    .strict(),
} satisfies Record<string, z.ZodType<Record<string, unknown>>>;

export type FormId = keyof typeof forms;

export function findForm(id: string): z.ZodType<Record<string, unknown>> | undefined {
  return Object.hasOwn(forms, id) ? forms[id as FormId] : undefined;
}

/** Unwraps optional/nullable/default wrappers down to the schema a field was built from. */
function fieldType(schema: z.ZodType): z.ZodType {
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
