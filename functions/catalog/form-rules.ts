/**
 * Rules between fields and the assembly of a form from its groups: each rule is one refinement of the
 * form and is published beside its JSON Schema (form-schema.ts). Apart from the kinds of value and the
 * forms themselves, which only use it.
 */
import * as z from 'zod';
import { findCommune, findProvince } from '../registry/admin-map.js';
import { type Bilingual, COMMUNES_HREF, RULE_PARAM } from './form-values.js';

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

export const endsAfterStart: FormRule = {
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

export const communeInProvince: FormRule = {
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

export const childAfterApplicant: FormRule = {
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
export function together(a: string, b: string, what: Bilingual): FormRule[] {
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

export const postNeedsAddress: FormRule = {
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
export interface Group {
  fields: Record<string, z.ZodType>;
  rules?: readonly FormRule[];
}

export const fields = (f: Record<string, z.ZodType>): Group => ({ fields: f });

/** A group built once, on first use: a function builds the forms it uses when it first needs them. */
export function group(build: () => Group): () => Group {
  let built: Group | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

const formRules = new WeakMap<z.ZodType, readonly FormRule[]>();

/** The rules between fields that a form checks (each is one refinement of the form). */
export const rulesOf = (form: z.ZodType): readonly FormRule[] => formRules.get(form) ?? [];

/**
 * A form: its groups' fields (unknown fields refused) and their rules, each a refinement that runs
 * once the fields it reads are valid and names its first field. The root description says where the
 * dossier's notices go, read from the form's `phone` field.
 */
export function defineForm(...parts: (Group | (() => Group))[]) {
  const groups = parts.map((g) => (typeof g === 'function' ? g() : g));
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
