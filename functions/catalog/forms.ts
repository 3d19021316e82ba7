/**
 * Form registry: procedure records (seed, CSV or JSON import) name their form by id, and intake
 * validates the citizen's form with the zod schema found here; the catalog publishes it as JSON Schema
 * (form-schema.ts). Every kind of value is built once below, with its Vietnamese and English title and
 * description; rules that relate two fields belong to the group of fields that carries them, so every
 * form with those fields checks — and publishes — the same rule.
 */
import { z } from 'zod';
import { todayInVietnam, vnMobile } from '../../schemas/common.js';
import { findCommune, findProvince, provinces } from '../registry/admin-map.js';
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
const label = (titleVi: string, titleEn: string, descriptionVi: string, descriptionEn: string) => ({
  title: titleVi,
  description: descriptionVi,
  'x-title-en': titleEn,
  'x-description-en': descriptionEn,
});
type Label = ReturnType<typeof label>;

/** Labelled choices: `enum` for every validator, `oneOf` const+title so a form can show their names. */
function choice<const V extends string>(values: Record<V, Bilingual>, meta: Label) {
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
function text(min: number, max: number, meta: Label) {
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
const pastDate = (meta: Label) =>
  z.iso
    .date()
    .refine((d) => d <= todayInVietnam(), {
      message: 'không được là ngày trong tương lai / must not be in the future',
      params: { [RULE_PARAM]: NOT_IN_FUTURE },
    })
    .meta(meta);
const isoDate = (meta: Label) => z.iso.date().meta(meta);

/** Citizen identity (CCCD) numbers have 12 digits. */
const citizenId = (meta: Label) =>
  z
    .string()
    .regex(/^\d{12}$/, 'số định danh cá nhân gồm 12 chữ số / 12-digit personal ID number')
    .meta(meta)
    .register(piiTypes, { pii: 'citizenId' });
/** The number a dossier's SMS notices go to (functions/notifications/recipients.ts reads `phone`). */
const mobile = (meta: Label) => vnMobile.meta(meta).register(piiTypes, { pii: 'phone' });
const personName = (meta: Label) => text(2, 100, meta);
const address = (meta: Label) => text(5, 300, meta);
const money = (meta: Label) => z.number().int().min(0).meta(meta);

/** The 34 provinces and centrally-run cities (Quyết định 19/2025/QĐ-TTg), with their names. */
const provinceCode = choice(
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

/** A country other than Viet Nam, by ISO 3166-1 alpha-2 code, named in both languages. */
const countryChoices = Object.fromEntries(foreignCountries.map((c) => [c.code, { vi: c.vi, en: c.en }]));
const country = (meta: Label) => choice(countryChoices, meta);

/** Where a page loads a province's communes (GET /v1/provinces/{code}/communes). */
export const COMMUNES_HREF = '/v1/provinces/{provinceCode}/communes';
/**
 * Five digits; which codes exist depends on the province chosen, so the schema links to the list
 * rather than repeating 3,321 codes in every form. The group `place` checks it against the map.
 */
const communeCode = z
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

/**
 * A rule between fields (or between a field and today) that a form checks after each field is valid.
 * `check` says machine-readably how a client can check it too; `jsonSchema` rules are also stated by
 * standard keywords at the root of the published schema.
 */
export type RuleCheck =
  | {
      kind: 'jsonSchema';
      schema: { if?: object; then?: object; dependentRequired?: Record<string, string[]> };
    }
  | { kind: 'dateOrder'; earlier: string; later: string; strict: boolean }
  | { kind: 'memberOf'; field: string; href: string; valueKey: string };

export interface FormRule {
  id: string;
  /** The fields the rule reads; a refusal names the first. */
  fields: readonly [string, ...string[]];
  description: Bilingual;
  check: RuleCheck;
  /** Undefined when the form obeys the rule, else the refusal's message. */
  broken(form: Record<string, unknown>): Bilingual | undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

const endsAfterStart: FormRule = {
  id: 'endDate.notBeforeStartDate',
  fields: ['endDate', 'startDate'],
  description: {
    vi: 'Ngày kết thúc không được trước ngày bắt đầu.',
    en: 'The end date is not before the start date.',
  },
  check: { kind: 'dateOrder', earlier: 'startDate', later: 'endDate', strict: false },
  broken: (f) =>
    str(f.endDate)! < str(f.startDate)!
      ? { vi: 'kết thúc trước khi bắt đầu', en: 'ends before it starts' }
      : undefined,
};

const communeInProvince: FormRule = {
  id: 'communeCode.inProvince',
  fields: ['communeCode', 'provinceCode'],
  description: {
    vi: 'Xã, phường phải là một đơn vị của tỉnh, thành phố đã chọn (danh sách theo tỉnh tại x-options).',
    en: 'The commune must be one of the chosen province (its list per province is at x-options).',
  },
  check: { kind: 'memberOf', field: 'communeCode', href: COMMUNES_HREF, valueKey: 'code' },
  broken(f) {
    const commune = findCommune(str(f.communeCode) ?? '');
    if (!commune) return { vi: 'mã xã không tồn tại', en: 'no commune has this code' };
    if (commune.provinceCode === f.provinceCode) return undefined;
    const home = findProvince(commune.provinceCode)!;
    const chosen = findProvince(str(f.provinceCode) ?? '');
    return {
      vi: `${commune.fullName} thuộc ${home.fullName} (${home.code}), không thuộc ${chosen?.fullName ?? 'tỉnh đã chọn'}`,
      en: `${commune.fullName} belongs to ${home.nameEn} (${home.code}), not to ${chosen?.nameEn ?? 'the chosen province'}`,
    };
  },
};

const childAfterApplicant: FormRule = {
  id: 'childDateOfBirth.afterApplicant',
  fields: ['childDateOfBirth', 'dateOfBirth'],
  description: {
    vi: 'Trẻ sinh sau người đi đăng ký.',
    en: 'The child was born after the applicant.',
  },
  check: { kind: 'dateOrder', earlier: 'dateOfBirth', later: 'childDateOfBirth', strict: true },
  broken: (f) =>
    str(f.childDateOfBirth)! <= str(f.dateOfBirth)!
      ? { vi: 'trẻ phải sinh sau người đi đăng ký', en: 'the child must be born after the applicant' }
      : undefined,
};

/** One of two fields that go together: naming either requires the other (`dependentRequired`). */
function together(a: string, b: string, what: Bilingual): FormRule[] {
  const needs = (field: string, other: string): FormRule => ({
    id: `${field}.requiredWith.${other}`,
    fields: [field, other],
    description: {
      vi: `Có ${what.vi} thì phải có đủ hai trường.`,
      en: `Giving the ${what.en} takes both fields.`,
    },
    check: { kind: 'jsonSchema', schema: { dependentRequired: { [other]: [field] } } },
    broken: (f) =>
      f[other] !== undefined && f[field] === undefined
        ? { vi: `cần khi đã khai ${other}`, en: `required when ${other} is given` }
        : undefined,
  });
  return [needs(b, a), needs(a, b)];
}

const postNeedsAddress: FormRule = {
  id: 'deliveryAddress.requiredByPost',
  fields: ['deliveryAddress', 'deliveryMethod'],
  description: {
    vi: 'Nhận kết quả qua bưu chính thì phải có địa chỉ nhận.',
    en: 'Delivery by post needs a delivery address.',
  },
  check: {
    kind: 'jsonSchema',
    schema: {
      if: { properties: { deliveryMethod: { const: 'post' } }, required: ['deliveryMethod'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
      then: { required: ['deliveryAddress'] },
    },
  },
  broken: (f) =>
    f.deliveryMethod === 'post' && f.deliveryAddress === undefined
      ? { vi: 'cần địa chỉ để gửi qua bưu chính', en: 'an address is needed to deliver by post' }
      : undefined,
};

/** Fields that always travel together, with the rules between them. */
interface Group {
  fields: Record<string, z.ZodType>;
  rules?: readonly FormRule[];
}

/** Who applies: the same fields open every personal procedure's form. */
const applicant: Group = {
  fields: {
    fullName: personName(
      label(
        'Họ, chữ đệm và tên',
        'Full name',
        'Của người nộp hồ sơ, như trên thẻ căn cước.',
        "The applicant's, as on the identity card.",
      ),
    ),
    dateOfBirth: pastDate(
      label(
        'Ngày sinh',
        'Date of birth',
        'Của người nộp hồ sơ (YYYY-MM-DD).',
        "The applicant's (YYYY-MM-DD).",
      ),
    ),
    citizenId: citizenId(
      label(
        'Số định danh cá nhân',
        'Personal ID number',
        'Số căn cước (CCCD) 12 chữ số của người nộp hồ sơ.',
        "The applicant's 12-digit citizen identity (CCCD) number.",
      ),
    ),
    phone: mobile(
      label(
        'Số điện thoại di động',
        'Mobile phone number',
        'Thông báo về hồ sơ (tiếp nhận, yêu cầu bổ sung, kết quả) được gửi bằng SMS tới số này.',
        "The dossier's notices (receipt, requests to supplement, result) are sent to this number by SMS.",
      ),
    ),
  },
};

const enterprise: Group = {
  fields: {
    enterpriseName: text(
      2,
      200,
      label(
        'Tên doanh nghiệp',
        'Enterprise name',
        'Như trên giấy chứng nhận đăng ký doanh nghiệp.',
        'As on the enterprise registration certificate.',
      ),
    ),
    /** Enterprise tax code: 10 digits, or 10-3 for a branch. */
    taxCode: z
      .string()
      .regex(/^\d{10}(-\d{3})?$/, 'mã số thuế 10 hoặc 13 chữ số / tax code')
      .meta(
        label(
          'Mã số thuế',
          'Tax code',
          'Mã số doanh nghiệp 10 chữ số; chi nhánh thêm 3 chữ số (0101234567-001).',
          'The 10-digit enterprise code; a branch adds 3 digits (0101234567-001).',
        ),
      ),
    phone: mobile(
      label(
        'Số điện thoại di động người liên hệ',
        "Contact person's mobile number",
        'Thông báo về hồ sơ được gửi bằng SMS tới số di động này (không nhận số cố định).',
        "The dossier's notices are sent to this mobile number by SMS (landlines cannot receive them).",
      ),
    ),
  },
};

const licence: Group = {
  fields: {
    licenceNumber: z
      .string()
      .regex(/^\d{12}$/, 'số giấy phép lái xe gồm 12 chữ số / 12-digit licence number')
      .meta(
        label(
          'Số giấy phép lái xe',
          'Driving licence number',
          '12 chữ số, in trên giấy phép.',
          '12 digits, printed on the licence.',
        ),
      ),
    licenceClass: choice(
      {
        A1: { vi: 'A1 — mô tô đến 125 cm³', en: 'A1 — motorcycles up to 125 cc' },
        A: { vi: 'A — mô tô trên 125 cm³', en: 'A — motorcycles over 125 cc' },
        B1: { vi: 'B1 — mô tô ba bánh', en: 'B1 — three-wheeled motorcycles' },
        B: {
          vi: 'B — ô tô đến 8 chỗ, tải đến 3.500 kg',
          en: 'B — cars up to 8 seats, trucks up to 3,500 kg',
        },
        C1: { vi: 'C1 — ô tô tải 3.500–7.500 kg', en: 'C1 — trucks of 3,500–7,500 kg' },
        C: { vi: 'C — ô tô tải trên 7.500 kg', en: 'C — trucks over 7,500 kg' },
        D1: { vi: 'D1 — ô tô 9–16 chỗ', en: 'D1 — vehicles of 9–16 seats' },
        D2: { vi: 'D2 — ô tô 17–29 chỗ', en: 'D2 — vehicles of 17–29 seats' },
        D: { vi: 'D — ô tô trên 29 chỗ', en: 'D — vehicles over 29 seats' },
        BE: { vi: 'BE — hạng B kéo rơ moóc', en: 'BE — class B with a trailer' },
        C1E: { vi: 'C1E — hạng C1 kéo rơ moóc', en: 'C1E — class C1 with a trailer' },
        CE: { vi: 'CE — hạng C kéo rơ moóc', en: 'CE — class C with a trailer' },
        D1E: { vi: 'D1E — hạng D1 kéo rơ moóc', en: 'D1E — class D1 with a trailer' },
        D2E: { vi: 'D2E — hạng D2 kéo rơ moóc', en: 'D2E — class D2 with a trailer' },
        DE: { vi: 'DE — hạng D kéo rơ moóc', en: 'DE — class D with a trailer' },
      },
      label(
        'Hạng giấy phép',
        'Licence class',
        'Hạng ghi trên giấy phép lái xe.',
        'The class printed on the licence.',
      ),
    ),
  },
};

const delivery: Group = {
  fields: {
    deliveryMethod: choice(
      {
        post: { vi: 'Nhận qua bưu chính', en: 'By post' },
        at_desk: { vi: 'Nhận trực tiếp tại bộ phận một cửa', en: 'At the one-stop desk' },
      },
      label(
        'Cách nhận kết quả',
        'How to receive the result',
        'Qua bưu chính hoặc tại bộ phận một cửa.',
        'By post or at the one-stop desk.',
      ),
    ),
    deliveryAddress: address(
      label(
        'Địa chỉ nhận kết quả',
        'Delivery address',
        'Bắt buộc khi nhận qua bưu chính.',
        'Required for delivery by post.',
      ),
    ).optional(),
  },
  rules: [postNeedsAddress],
};

/** The province and commune that decide the handling agency (resolveAgency). */
const place: Group = {
  fields: { provinceCode, communeCode },
  rules: [communeInProvince],
};

const child: Group = {
  fields: {
    childFullName: personName(
      label(
        'Họ, chữ đệm và tên của trẻ',
        "Child's full name",
        'Tên khai sinh của trẻ.',
        "The child's name as registered.",
      ),
    ),
    childDateOfBirth: pastDate(
      label('Ngày sinh của trẻ', "Child's date of birth", 'YYYY-MM-DD.', 'YYYY-MM-DD.'),
    ),
    childSex: choice(
      { male: { vi: 'Nam', en: 'Male' }, female: { vi: 'Nữ', en: 'Female' } },
      label('Giới tính của trẻ', "Child's sex", 'Nam hoặc nữ.', 'Male or female.'),
    ),
    placeOfBirth: text(
      2,
      200,
      label(
        'Nơi sinh',
        'Place of birth',
        'Cơ sở y tế hoặc địa chỉ nơi trẻ sinh ra.',
        'The health facility or address where the child was born.',
      ),
    ),
    motherCitizenId: citizenId(
      label(
        'Số định danh cá nhân của mẹ',
        "Mother's personal ID number",
        'Số căn cước 12 chữ số của mẹ.',
        "The mother's 12-digit identity number.",
      ),
    ),
    fatherCitizenId: citizenId(
      label(
        'Số định danh cá nhân của cha',
        "Father's personal ID number",
        'Khai khi xác định được cha; đi cùng họ tên của cha.',
        "When the father is known; goes with the father's name.",
      ),
    ).optional(),
    fatherFullName: personName(
      label(
        'Họ, chữ đệm và tên của cha',
        "Father's full name",
        'Khai cùng số định danh của cha.',
        "Given with the father's ID number.",
      ),
    ).optional(),
  },
  rules: [
    childAfterApplicant,
    ...together('fatherCitizenId', 'fatherFullName', { vi: 'thông tin người cha', en: "father's details" }),
  ],
};

const period: Group = {
  fields: {
    startDate: isoDate(label('Ngày bắt đầu', 'Start date', 'YYYY-MM-DD.', 'YYYY-MM-DD.')),
    endDate: isoDate(
      label(
        'Ngày kết thúc',
        'End date',
        'YYYY-MM-DD, không trước ngày bắt đầu.',
        'YYYY-MM-DD, not before the start date.',
      ),
    ),
  },
  rules: [endsAfterStart],
};

const promotion: Group = {
  fields: {
    programmeName: text(
      3,
      300,
      label(
        'Tên chương trình khuyến mại',
        'Promotion name',
        'Như sẽ công bố cho khách hàng.',
        'As it will be announced to customers.',
      ),
    ),
    goods: text(
      2,
      1000,
      label(
        'Hàng hóa, dịch vụ khuyến mại',
        'Goods and services promoted',
        'Liệt kê hàng hóa, dịch vụ được khuyến mại.',
        'The goods and services the promotion covers.',
      ),
    ),
  },
};

const fields = (f: Record<string, z.ZodType>): Group => ({ fields: f });

const formRules = new WeakMap<z.ZodType, readonly FormRule[]>();

/** The rules between fields that a form checks (each is one refinement of the form). */
export const rulesOf = (form: z.ZodType): readonly FormRule[] => formRules.get(form) ?? [];

/**
 * A form: its groups' fields (unknown fields refused) and their rules, each a refinement that runs
 * once the fields it reads are valid and names its first field. The root description says where the
 * dossier's notices go, read from the form's `phone` field.
 */
function defineForm(...groups: Group[]) {
  const shape: Record<string, z.ZodType> = Object.assign({}, ...groups.map((g) => g.fields));
  const rules = groups.flatMap((g) => g.rules ?? []);
  const phone = shape.phone;
  const notices = !phone
    ? {
        vi: 'Tờ khai không có số điện thoại: theo dõi hồ sơ bằng mã hồ sơ.',
        en: 'The form has no phone number: follow the dossier by its code.',
      }
    : phone.safeParse(undefined).success
      ? {
          vi: 'Thông báo về hồ sơ được gửi bằng SMS tới số di động ở trường phone nếu có khai; không khai thì theo dõi hồ sơ bằng mã hồ sơ.',
          en: "The dossier's notices are sent by SMS to the mobile number in phone when given; without it, follow the dossier by its code.",
        }
      : {
          vi: 'Thông báo về hồ sơ được gửi bằng SMS tới số di động ở trường phone.',
          en: "The dossier's notices are sent by SMS to the mobile number in phone.",
        };
  let form = z.strictObject(shape);
  for (const rule of rules) {
    form = form.refine((f) => rule.broken(f) === undefined, {
      path: [rule.fields[0]],
      params: { [RULE_PARAM]: rule.id },
      error: (issue) => {
        const m = rule.broken(issue.input as Record<string, unknown>);
        return m ? `${m.vi} / ${m.en}` : rule.description.en;
      },
      // Runs once the fields it reads are valid (even if others are not); a missing optional one is fine.
      when: (payload) => !payload.issues.some((i) => rule.fields.includes(String(i.path?.[0]))),
    });
  }
  form = form.meta({ description: notices.vi, 'x-description-en': notices.en });
  formRules.set(form, rules);
  return form;
}

export const forms = {
  driving_licence_exchange: defineForm(
    applicant,
    licence,
    fields({
      reason: choice(
        {
          expired: { vi: 'Hết hạn', en: 'Expired' },
          damaged: { vi: 'Bị hỏng', en: 'Damaged' },
          information_changed: { vi: 'Thay đổi thông tin', en: 'Details changed' },
          old_format: { vi: 'Đổi giấy phép mẫu cũ', en: 'Old-format licence' },
        },
        label(
          'Lý do đổi',
          'Reason for the exchange',
          'Vì sao đổi giấy phép.',
          'Why the licence is exchanged.',
        ),
      ),
    }),
    delivery,
  ),
  international_driving_permit: defineForm(
    applicant,
    licence,
    fields({
      destinationCountry: country(
        label(
          'Nước sẽ đến',
          'Destination country',
          'Mã quốc gia ISO 3166-1 hai chữ cái, ví dụ JP (Nhật Bản).',
          'ISO 3166-1 two-letter country code, e.g. JP (Japan).',
        ),
      ),
    }),
    delivery,
  ),
  health_card_reissue: defineForm(
    applicant,
    fields({
      insuranceNumber: z
        .string()
        .regex(/^\d{10}$/, 'mã số BHXH gồm 10 chữ số / 10-digit social insurance number')
        .meta(
          label(
            'Mã số bảo hiểm xã hội',
            'Social insurance number',
            '10 chữ số, in trên thẻ BHYT.',
            '10 digits, printed on the health insurance card.',
          ),
        ),
      reason: choice(
        { lost: { vi: 'Bị mất', en: 'Lost' }, damaged: { vi: 'Bị hỏng', en: 'Damaged' } },
        label(
          'Lý do cấp lại',
          'Reason for reissue',
          'Thẻ bị mất hay bị hỏng.',
          'Whether the card was lost or damaged.',
        ),
      ),
      informationChanged: z
        .boolean()
        .meta(
          label(
            'Có thay đổi thông tin',
            'Details changed',
            'Thông tin trên thẻ có cần sửa không.',
            'Whether the details on the card must change.',
          ),
        ),
    }),
  ),
  promotion_notice: defineForm(
    enterprise,
    promotion,
    fields({
      form: choice(
        {
          samples: { vi: 'Đưa hàng mẫu, dịch vụ mẫu', en: 'Free samples' },
          gifts: { vi: 'Tặng hàng hóa, dịch vụ', en: 'Gifts' },
          discount: { vi: 'Giảm giá', en: 'Discounts' },
          vouchers: { vi: 'Phiếu mua hàng, phiếu sử dụng dịch vụ', en: 'Vouchers' },
          loyalty: { vi: 'Chương trình khách hàng thường xuyên', en: 'Loyalty programme' },
          other: { vi: 'Hình thức khác', en: 'Other' },
        },
        label(
          'Hình thức khuyến mại',
          'Kind of promotion',
          'Theo Luật Thương mại.',
          'As the Commercial Law names them.',
        ),
      ),
    }),
    period,
    fields({
      provinceCodes: z
        .array(provinceCode)
        .min(1)
        .max(34)
        .meta(
          label(
            'Các tỉnh, thành phố thực hiện',
            'Provinces where it runs',
            'Mỗi tỉnh nhận một hồ sơ thông báo.',
            'Each province receives its own notice.',
          ),
        ),
    }),
  ),
  promotion_registration: defineForm(
    enterprise,
    promotion,
    fields({
      prizeValue: money(
        label(
          'Tổng giá trị giải thưởng',
          'Total prize value',
          'Đồng Việt Nam, số nguyên.',
          'Vietnamese đồng, a whole number.',
        ),
      ),
    }),
    period,
    fields({ provinceCode }),
  ),
  power_connection: defineForm(
    applicant,
    fields({
      provinceCode,
      siteAddress: address(
        label('Địa chỉ nơi sử dụng điện', 'Site address', 'Nơi cần cấp điện.', 'Where power is needed.'),
      ),
      purpose: choice(
        {
          household: { vi: 'Sinh hoạt', en: 'Household use' },
          business: { vi: 'Kinh doanh, dịch vụ', en: 'Business' },
          production: { vi: 'Sản xuất', en: 'Production' },
          public_service: { vi: 'Hành chính sự nghiệp', en: 'Public service' },
        },
        label('Mục đích sử dụng điện', 'Purpose', 'Quyết định biểu giá điện.', 'Decides the tariff.'),
      ),
      capacityKw: z
        .number()
        .positive()
        .max(100_000)
        .meta(
          label(
            'Công suất đăng ký (kW)',
            'Requested capacity (kW)',
            'Lớn hơn 0, tối đa 100.000 kW.',
            'More than 0, at most 100,000 kW.',
          ),
        ),
    }),
  ),
  electricity_bill_payment: defineForm(
    fields({
      customerCode: z
        .string()
        .regex(/^P[A-Z0-9]{12}$/, 'mã khách hàng điện (13 ký tự) / EVN customer code')
        .meta(
          label(
            'Mã khách hàng',
            'Customer code',
            'Mã khách hàng điện 13 ký tự, in trên hóa đơn (PA…).',
            'The 13-character EVN customer code on the bill (PA…).',
          ),
        ),
      provinceCode,
      billingPeriod: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')
        .meta(
          label('Kỳ hóa đơn', 'Billing period', 'Tháng của hóa đơn, YYYY-MM.', 'The bill month, YYYY-MM.'),
        ),
      amount: money(
        label('Số tiền', 'Amount', 'Đồng Việt Nam, lớn hơn 0.', 'Vietnamese đồng, more than 0.'),
      ).positive(),
      phone: mobile(
        label(
          'Số điện thoại di động',
          'Mobile phone number',
          'Không bắt buộc; nếu khai, biên nhận thanh toán được gửi bằng SMS tới số này.',
          'Optional; when given, the payment receipt is sent to it by SMS.',
        ),
      ).optional(),
    }),
  ),
  certificate_of_origin: defineForm(
    enterprise,
    fields({
      coForm: choice(
        {
          B: { vi: 'Mẫu B (không ưu đãi)', en: 'Form B (non-preferential)' },
          D: { vi: 'Mẫu D (ATIGA)', en: 'Form D (ATIGA)' },
          E: { vi: 'Mẫu E (ASEAN – Trung Quốc)', en: 'Form E (ASEAN–China)' },
          AK: { vi: 'Mẫu AK (ASEAN – Hàn Quốc)', en: 'Form AK (ASEAN–Korea)' },
          AJ: { vi: 'Mẫu AJ (ASEAN – Nhật Bản)', en: 'Form AJ (ASEAN–Japan)' },
          AI: { vi: 'Mẫu AI (ASEAN – Ấn Độ)', en: 'Form AI (ASEAN–India)' },
          AANZ: { vi: 'Mẫu AANZ (ASEAN – Úc – New Zealand)', en: 'Form AANZ (ASEAN–Australia–New Zealand)' },
          VJ: { vi: 'Mẫu VJ (Việt Nam – Nhật Bản)', en: 'Form VJ (Viet Nam–Japan)' },
          VK: { vi: 'Mẫu VK (Việt Nam – Hàn Quốc)', en: 'Form VK (Viet Nam–Korea)' },
          VC: { vi: 'Mẫu VC (Việt Nam – Chile)', en: 'Form VC (Viet Nam–Chile)' },
          'EUR.1': { vi: 'Mẫu EUR.1', en: 'Form EUR.1' },
          CPTPP: { vi: 'Mẫu CPTPP', en: 'Form CPTPP' },
          EVFTA: { vi: 'Mẫu EVFTA', en: 'Form EVFTA' },
          UKVFTA: { vi: 'Mẫu UKVFTA', en: 'Form UKVFTA' },
        },
        label(
          'Mẫu C/O',
          'C/O form',
          'Mẫu giấy chứng nhận xuất xứ theo hiệp định áp dụng.',
          'The certificate-of-origin form of the agreement that applies.',
        ),
      ),
      destinationCountry: country(
        label(
          'Nước nhập khẩu',
          'Importing country',
          'Mã quốc gia ISO 3166-1 hai chữ cái.',
          'ISO 3166-1 two-letter country code.',
        ),
      ),
      commercialInvoice: text(
        1,
        60,
        label(
          'Số hóa đơn thương mại',
          'Commercial invoice number',
          'Như trên hóa đơn.',
          'As on the invoice.',
        ),
      ),
      hsCodes: z
        .array(z.string().regex(/^\d{6,10}$/, 'mã HS 6–10 chữ số / 6 to 10-digit HS code'))
        .min(1)
        .max(50)
        .meta(
          label(
            'Mã HS của hàng hóa',
            'HS codes of the goods',
            'Mỗi mã 6 đến 10 chữ số.',
            'Each of 6 to 10 digits.',
          ),
        ),
    }),
  ),
  e_tax_payment: defineForm(
    enterprise,
    fields({
      provinceCode,
      taxType: choice(
        {
          vat: { vi: 'Thuế giá trị gia tăng', en: 'Value added tax' },
          cit: { vi: 'Thuế thu nhập doanh nghiệp', en: 'Corporate income tax' },
          pit_withheld: { vi: 'Thuế thu nhập cá nhân khấu trừ', en: 'Personal income tax withheld' },
          licence_fee: { vi: 'Lệ phí môn bài', en: 'Business licence fee' },
          other: { vi: 'Khoản thu khác', en: 'Other' },
        },
        label('Loại thuế', 'Tax type', 'Khoản nộp.', 'What is paid.'),
      ),
      taxPeriod: z
        .string()
        .regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'YYYY, YYYY-MM or YYYY-Qn')
        .meta(
          label(
            'Kỳ tính thuế',
            'Tax period',
            'Năm, tháng hoặc quý: YYYY, YYYY-MM, YYYY-Qn.',
            'Year, month or quarter: YYYY, YYYY-MM, YYYY-Qn.',
          ),
        ),
      amount: money(
        label('Số tiền', 'Amount', 'Đồng Việt Nam, lớn hơn 0.', 'Vietnamese đồng, more than 0.'),
      ).positive(),
    }),
  ),
  birth_registration: defineForm(applicant, child, place),
  permanent_residence: defineForm(
    applicant,
    place,
    fields({
      residenceAddress: address(
        label(
          'Địa chỉ thường trú',
          'Permanent address',
          'Số nhà, đường, thôn, tổ dân phố.',
          'House number, street, village or quarter.',
        ),
      ),
      basis: choice(
        {
          owned_home: { vi: 'Nhà ở thuộc sở hữu của mình', en: 'A home the applicant owns' },
          rented_home: { vi: 'Nhà thuê, mượn, ở nhờ', en: 'A rented or borrowed home' },
          relative_home: { vi: 'Nhà của người thân', en: "A relative's home" },
          child_with_parent: { vi: 'Con về ở với cha, mẹ', en: 'A child joining a parent' },
        },
        label(
          'Căn cứ đăng ký thường trú',
          'Grounds for registration',
          'Theo Luật Cư trú.',
          'As the Law on Residence names them.',
        ),
      ),
    }),
  ),
  child_health_card: defineForm(applicant, child, place),
  birth_residence_health_bundle: defineForm(
    applicant,
    child,
    place,
    fields({
      residenceAddress: address(
        label(
          'Địa chỉ thường trú của trẻ',
          "Child's permanent address",
          'Nơi đăng ký thường trú cho trẻ.',
          'Where the child is registered to live.',
        ),
      ),
    }),
  ),
  construction_permit_house: defineForm(
    applicant,
    place,
    fields({
      siteAddress: address(
        label('Địa chỉ công trình', 'Site address', 'Nơi xây dựng nhà ở.', 'Where the house is built.'),
      ),
      landCertificateNumber: text(
        4,
        40,
        label(
          'Số giấy chứng nhận quyền sử dụng đất',
          'Land-use certificate number',
          'Như trên giấy chứng nhận.',
          'As on the certificate.',
        ),
      ),
      floors: z
        .number()
        .int()
        .min(1)
        .max(15)
        .meta(label('Số tầng', 'Floors', 'Từ 1 đến 15.', 'From 1 to 15.')),
      grossFloorAreaM2: z
        .number()
        .positive()
        .max(20_000)
        .meta(
          label(
            'Tổng diện tích sàn (m²)',
            'Gross floor area (m²)',
            'Lớn hơn 0, tối đa 20.000 m².',
            'More than 0, at most 20,000 m².',
          ),
        ),
    }),
  ),
  household_business_registration: defineForm(
    applicant,
    place,
    fields({
      businessName: text(
        2,
        200,
        label('Tên hộ kinh doanh', 'Business name', 'Tên dự kiến đăng ký.', 'The name to register.'),
      ),
      businessAddress: address(
        label(
          'Địa điểm kinh doanh',
          'Business address',
          'Nơi đặt trụ sở hộ kinh doanh.',
          'Where the household business is based.',
        ),
      ),
      businessLines: z
        .array(
          text(
            2,
            200,
            label('Ngành, nghề', 'Business line', 'Một ngành, nghề kinh doanh.', 'One line of business.'),
          ),
        )
        .min(1)
        .max(30)
        .meta(
          label(
            'Ngành, nghề kinh doanh',
            'Business lines',
            'Từ 1 đến 30 ngành, nghề.',
            'From 1 to 30 lines of business.',
          ),
        ),
      capital: money(
        label('Vốn kinh doanh', 'Capital', 'Đồng Việt Nam, số nguyên.', 'Vietnamese đồng, a whole number.'),
      ),
      employees: z
        .number()
        .int()
        .min(0)
        .max(10_000)
        .meta(label('Số lao động', 'Employees', 'Từ 0 đến 10.000.', 'From 0 to 10,000.')),
    }),
  ),
  death_registration: defineForm(
    applicant,
    place,
    fields({
      deceasedFullName: personName(
        label(
          'Họ, chữ đệm và tên người chết',
          'Full name of the deceased',
          'Như trên giấy tờ tùy thân.',
          'As on their identity papers.',
        ),
      ),
      deceasedCitizenId: citizenId(
        label(
          'Số định danh cá nhân của người chết',
          "Deceased's personal ID number",
          '12 chữ số.',
          '12 digits.',
        ),
      ),
      dateOfDeath: pastDate(
        label(
          'Ngày chết',
          'Date of death',
          'YYYY-MM-DD, không sau ngày hôm nay.',
          'YYYY-MM-DD, not after today.',
        ),
      ),
      placeOfDeath: text(
        2,
        200,
        label('Nơi chết', 'Place of death', 'Cơ sở y tế hoặc địa chỉ.', 'A health facility or an address.'),
      ),
      relationship: text(
        2,
        60,
        label(
          'Quan hệ với người chết',
          'Relationship to the deceased',
          'Ví dụ: con, vợ, chồng.',
          'For example: child, spouse.',
        ),
      ),
    }),
  ),
} satisfies Record<string, z.ZodType<Record<string, unknown>>>;

export type FormId = keyof typeof forms;

export function findForm(id: string): z.ZodType<Record<string, unknown>> | undefined {
  return Object.hasOwn(forms, id) ? forms[id as FormId] : undefined;
}

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
