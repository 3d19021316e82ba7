/**
 * A form as the catalog publishes it: JSON Schema (draft 2020-12) generated from the same zod schema
 * intake validates with, plus the form's rules. Rules standard keywords can state are stated at the
 * root (`if`/`then`, `dependentRequired`); every rule — those too — is listed in `x-rules` with a
 * machine-readable `check`, because JSON Schema cannot compare two fields' values, compare a date with
 * today, or look a code up in a list that depends on another field. Every refinement of a form must map
 * to a published rule: publishing a form with an unpublished refinement throws.
 */
import * as z from 'zod';
import { type FormRule, type RuleCheck, rulesOf } from './form-rules.js';
import { fieldType, NOT_IN_FUTURE, RULE_PARAM } from './form-values.js';

export type PublishedCheck =
  | { kind: 'jsonSchema'; keywords: string[] }
  | Exclude<RuleCheck, { kind: 'jsonSchema' }>
  | { kind: 'dateNotAfterToday'; field: string; timeZone: 'Asia/Ho_Chi_Minh' };

export interface PublishedRule {
  id: string;
  /** The fields it reads; a refusal names the first (`form.<field>`). */
  fields: string[];
  check: PublishedCheck;
  description: string;
  'x-description-en': string;
}

interface ZodInternals {
  _zod: {
    def: {
      checks?: { _zod: { def: { check: string; params?: Record<string, unknown> } } }[];
      shape?: Record<string, z.ZodType>;
      innerType?: z.ZodType;
      element?: z.ZodType;
    };
  };
}
const def = (s: z.ZodType) => (s as unknown as ZodInternals)._zod.def;

/** The rule ids of a schema's own refinements (`.refine`), not of its children. */
export function refinementRules(s: z.ZodType): (string | undefined)[] {
  return (def(s).checks ?? [])
    .filter((c) => c._zod.def.check === 'custom')
    .map((c) => c._zod.def.params?.[RULE_PARAM] as string | undefined);
}

function unwrap(s: z.ZodType): z.ZodType {
  let current = fieldType(s);
  for (let i = 0; i < 8 && def(current).innerType; i++) current = def(current).innerType!;
  return current;
}

/** Rules that one field's own refinements enforce (a date not in the future). */
function fieldRules(name: string, field: z.ZodType): PublishedRule[] {
  const inner = unwrap(field);
  const element = def(inner).element;
  if (element && refinementRules(unwrap(element)).length)
    throw new Error(`form field ${name}: refinements of list items cannot be published`);
  return refinementRules(inner).map((rule) => {
    if (rule !== NOT_IN_FUTURE)
      throw new Error(`form field ${name}: refinement ${rule ?? '(unnamed)'} is not published`);
    const meta = z.globalRegistry.get(inner) ?? {};
    return {
      id: `${name}.${NOT_IN_FUTURE}`,
      fields: [name],
      check: { kind: 'dateNotAfterToday', field: name, timeZone: 'Asia/Ho_Chi_Minh' },
      description: `${meta.title ?? name}: không được sau ngày hôm nay (giờ Việt Nam).`,
      'x-description-en': `${(meta['x-title-en'] as string | undefined) ?? name}: not after today (Vietnam time).`,
    };
  });
}

function formRule(rule: FormRule): PublishedRule {
  const check: PublishedCheck =
    rule.check.kind === 'jsonSchema'
      ? { kind: 'jsonSchema', keywords: Object.keys(rule.check.schema) }
      : rule.check;
  return {
    id: rule.id,
    fields: [...rule.fields],
    check,
    description: rule.description.vi,
    'x-description-en': rule.description.en,
  };
}

/** Every rule a form checks beyond each field's type, format and pattern. */
export function publishedRules(form: z.ZodType): PublishedRule[] {
  const rules = rulesOf(form);
  const ids = new Set(rules.map((r) => r.id));
  for (const rule of refinementRules(form))
    if (!rule || !ids.has(rule)) throw new Error(`form refinement ${rule ?? '(unnamed)'} is not published`);
  const perField = Object.entries(def(form).shape ?? {}).flatMap(([name, field]) => fieldRules(name, field));
  return [...perField, ...rules.map(formRule)];
}

/** The JSON Schema of a form, its rules stated where the standard can and listed in `x-rules`. */
export function publishFormSchema(form: z.ZodType): Record<string, unknown> {
  const schema = z.toJSONSchema(form, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const conditionals: object[] = [];
  const dependentRequired: Record<string, string[]> = {};
  for (const { check } of rulesOf(form)) {
    if (check.kind !== 'jsonSchema') continue;
    const { dependentRequired: dr, ...conditional } = check.schema;
    for (const [field, needs] of Object.entries(dr ?? {}))
      dependentRequired[field] = [...new Set([...(dependentRequired[field] ?? []), ...needs])];
    if (Object.keys(conditional).length) conditionals.push(conditional);
  }
  // One conditional sits at the root, where every generator reads it; several need `allOf`.
  if (conditionals.length === 1) Object.assign(schema, conditionals[0]);
  else if (conditionals.length > 1) schema.allOf = conditionals;
  if (Object.keys(dependentRequired).length) schema.dependentRequired = dependentRequired;
  schema['x-rules'] = publishedRules(form);
  return schema;
}
