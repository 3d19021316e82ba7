/**
 * The published form is a contract: what a client builds from the JSON Schema the catalog publishes —
 * with an independent generator (json-schema-faker) and the machine-readable `x-rules` beside it — is
 * what intake accepts, and what breaks the schema or a rule is refused, naming the field. Every form
 * of the current catalog is covered; nothing here lists procedures or fields by hand.
 */
import { createGeneratorSync } from 'json-schema-faker';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalog, formJsonSchema } from '../../functions/catalog/catalog.js';
import { publishedRules, publishFormSchema, refinementRules } from '../../functions/catalog/form-schema.js';
import { piiFields } from '../../functions/catalog/form-values.js';
import { findForm, forms } from '../../functions/catalog/forms.js';
import type { Procedure } from '../../functions/catalog/procedures.js';
import { AppError } from '../../functions/core/errors.js';
import { checkForm } from '../../functions/intake/submit.js';
import { citizenContacts } from '../../functions/notifications/recipients.js';
import { communesOf, findCommune, findProvince, provinceCodes } from '../../functions/registry/admin-map.js';
import { todayInVietnam, vnMobile } from '../../schemas/common.js';

type Json = Record<string, unknown>;
type Form = Record<string, unknown>;
interface Rule {
  id: string;
  fields: string[];
  check: { kind: string } & Record<string, unknown>;
  description: string;
  'x-description-en': string;
}

const N = 200;

/** Mulberry32: small, seeded, the same numbers on every machine. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}
const seedOf = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** What GET /v1/provinces/{code}/communes answers: the province's communes on the administrative map. */
const communeList = (provinceCode: string) =>
  communesOf(provinceCode).map((c) => ({ code: c.code, name: c.fullName }));
const resolveHref = (href: string, form: Form) =>
  href.replace(/\{(\w+)\}/g, (_, k: string) => String(form[k]));
function fetchOptions(href: string): Json[] {
  const m = /^\/v1\/provinces\/([^/]+)\/communes$/.exec(href);
  if (!m) throw new Error(`a client cannot load ${href}`);
  return communeList(m[1]!);
}

/**
 * A client following the published rules: each rule's `check` says what to do, read from the
 * document alone. A kind it does not know fails the test (the rule would not be machine-readable).
 */
function followRules(schema: Json, form: Form, r: ReturnType<typeof rng>, today: string): Form {
  const rules = schema['x-rules'] as Rule[];
  const by = (kind: string) => rules.filter((x) => x.check.kind === kind);
  for (const rule of rules)
    if (!['jsonSchema', 'dateNotAfterToday', 'dateOrder', 'memberOf'].includes(rule.check.kind))
      throw new Error(`rule ${rule.id}: unknown check ${rule.check.kind}`);
  for (const { check } of by('dateNotAfterToday')) {
    const f = check.field as string;
    if (typeof form[f] === 'string' && (form[f] as string) > today) form[f] = addDays(today, -r.int(20_000));
  }
  for (const { check } of by('dateOrder')) {
    const [e, l] = [check.earlier as string, check.later as string];
    if (typeof form[e] !== 'string' || typeof form[l] !== 'string') continue;
    if ((form[l] as string) < (form[e] as string)) [form[e], form[l]] = [form[l], form[e]];
    if (check.strict && form[l] === form[e]) form[e] = addDays(form[e] as string, -1);
  }
  for (const { check } of by('memberOf')) {
    const f = check.field as string;
    const options = fetchOptions(resolveHref(check.href as string, form));
    const values = options.map((o) => o[check.valueKey as string]);
    if (!values.includes(form[f])) form[f] = r.pick(values);
  }
  return form;
}

/** Intake's answer: the refused paths, or [] when accepted. */
/** The refusals of a form, each with its message in both languages ("vi / en") as the page may show them. */
function refusals(p: Procedure, form: Form): { path: string; message: string }[] {
  try {
    checkForm(p, form);
    return [];
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'INVALID_FORM') throw e;
    return (e.details as { path: string; message: string; messageVi?: string }[]).map((d) => ({
      path: d.path,
      message: d.messageVi ? `${d.messageVi} / ${d.message}` : d.message,
    }));
  }
}

/** One procedure per published form (procedures sharing a form share its schema). */
const published = (() => {
  const byForm = new Map<string, Procedure>();
  for (const p of catalog.currentProcedures()) if (p.form && !byForm.has(p.formId)) byForm.set(p.formId, p);
  return [...byForm.values()];
})();

/**
 * 200 forms a client builds from the schema with the generator, through intake: as generated (`raw`,
 * refused paths) and after following `x-rules` (`accepted`).
 */
function generated(p: Procedure, schema: Json, seed: number, today: string) {
  const gen = createGeneratorSync({ seed });
  const r = rng(seed);
  const valid: Form[] = [];
  const rawRefused: string[] = [];
  for (let i = 0; i < N; i++) {
    const raw = gen.generate(schema as never) as Form;
    rawRefused.push(...refusals(p, raw).map((x) => x.path));
    const form = followRules(schema, structuredClone(raw), r, today);
    if (!refusals(p, form).length) valid.push(form);
  }
  return { accepted: valid.length, valid, rawRefused };
}
const runs = new Map<string, ReturnType<typeof generated>>();
/** One generation per form, shared by the acceptance and the mutation tests. */
const generatedFor = (p: Procedure, today: string) => {
  if (!runs.has(p.formId)) runs.set(p.formId, generated(p, formJsonSchema(p), seedOf(p.formId), today));
  return runs.get(p.formId)!;
};

const allKinds = new Set<string>();
type Mutation = { kind: string; form: Form; path: string; message?: RegExp };

/** Breaks a valid form in one way the published document forbids, and says which field it names. */
function mutate(schema: Json, valid: Form, r: ReturnType<typeof rng>, today: string): Mutation {
  const props = schema.properties as Record<string, Json>;
  const required = schema.required as string[];
  const rules = schema['x-rules'] as Rule[];
  const form = structuredClone(valid);
  const options: (() => Mutation)[] = [];
  options.push(() => {
    const f = r.pick(required);
    delete form[f];
    return { kind: 'drop required', form, path: f };
  });
  options.push(() => {
    const f = r.pick(Object.keys(props).filter((k) => k in form));
    const t = props[f]!.type;
    form[f] = t === 'string' ? 12345 : t === 'array' ? 'x' : t === 'boolean' ? 'true' : '12';
    return { kind: 'wrong type', form, path: f };
  });
  const enums = Object.keys(props).filter(
    (k) => props[k]!.enum || (props[k]!.items as Json | undefined)?.enum,
  );
  if (enums.length)
    options.push(() => {
      const f = r.pick(enums);
      form[f] = props[f]!.type === 'array' ? ['ZZ'] : 'not_a_choice';
      return { kind: 'out of enum', form, path: f };
    });
  const patterned = Object.keys(props).filter((k) => typeof props[k]!.pattern === 'string');
  if (patterned.length)
    options.push(() => {
      const f = r.pick(patterned);
      const re = new RegExp(props[f]!.pattern as string, 'u');
      form[f] = ['x', '12', ' '.repeat(8), 'ABCDEFGHIJKLMNOPQRSTU-1', '2026-02-30'].find((c) => !re.test(c));
      return { kind: 'bad pattern', form, path: f };
    });
  const commune = Object.keys(props).find((k) => props[k]!['x-options']);
  if (commune) {
    options.push(() => {
      const other = r.pick(provinceCodes.filter((c) => c !== form.provinceCode));
      const c = r.pick(communesOf(other));
      form[commune] = c.code;
      return {
        kind: 'commune of another province',
        form,
        path: commune,
        message: new RegExp(findProvince(other)!.fullName),
      };
    });
    options.push(() => {
      let code = '00000';
      while (findCommune(code)) code = String(r.int(100_000)).padStart(5, '0');
      form[commune] = code;
      return { kind: 'unknown commune', form, path: commune };
    });
  }
  for (const rule of rules) {
    const { check } = rule;
    if (check.kind === 'dateNotAfterToday')
      options.push(() => {
        form[check.field as string] = addDays(today, 1 + r.int(400));
        return { kind: 'date in the future', form, path: rule.fields[0]! };
      });
    if (check.kind === 'dateOrder')
      options.push(() => {
        const e = form[check.earlier as string] as string;
        form[check.later as string] = check.strict ? e : addDays(e, -1 - r.int(30));
        return { kind: 'dates out of order', form, path: rule.fields[0]! };
      });
  }
  // Rules the schema states itself: make the `if` hold and drop what `then` requires; name one, drop the other.
  if (schema.if)
    options.push(() => {
      for (const [k, v] of Object.entries((schema.if as Json).properties as Record<string, Json>))
        form[k] = v.const;
      const needed = ((schema.then as Json).required as string[])[0]!;
      delete form[needed];
      return { kind: 'if/then', form, path: needed };
    });
  const dependent = Object.entries((schema.dependentRequired ?? {}) as Record<string, string[]>).filter(
    ([key]) => form[key] !== undefined,
  );
  if (dependent.length)
    options.push(() => {
      const [, needs] = r.pick(dependent);
      delete form[needs[0]!];
      return { kind: 'dependentRequired', form, path: needs[0]! };
    });
  return r.pick(options)();
}

describe('every published form', () => {
  const today = todayInVietnam();

  it('covers every form of the current catalog', () => {
    expect(published.length).toBeGreaterThan(0);
    // Procedures filed in person name no form; every form an online procedure names is covered.
    const online = catalog.currentProcedures().filter((p) => p.formId && findForm(p.formId));
    expect(published.map((p) => p.formId).sort()).toEqual([...new Set(online.map((p) => p.formId))].sort());
    for (const p of online)
      expect(formJsonSchema(p)).toBe(formJsonSchema(published.find((x) => x.formId === p.formId)!));
  });

  it.each(published.map((p) => ({ formId: p.formId, p })))(
    '$formId: 200 forms generated from the published schema and rules are accepted, at least 99 in 100',
    ({ p }) => {
      const schema = formJsonSchema(p);
      const { accepted, rawRefused } = generatedFor(p, today);
      expect(accepted / N).toBeGreaterThanOrEqual(0.99);
      // As generated, before following x-rules: refused only at the fields a published rule names.
      const ruleFields = new Set(
        (schema['x-rules'] as Rule[])
          .filter((r) => r.check.kind !== 'jsonSchema')
          .map((r) => `form.${r.fields[0]}`),
      );
      expect(rawRefused.filter((path) => !ruleFields.has(path))).toEqual([]);
    },
  );

  it.each(published.map((p) => ({ formId: p.formId, p })))(
    '$formId: 200 mutated forms are refused, each naming the broken field',
    ({ formId, p }) => {
      const schema = formJsonSchema(p);
      const r = rng(seedOf(formId) + 1);
      const kinds = new Map<string, number>();
      const misses: string[] = [];
      const { valid } = generatedFor(p, today);
      // As many mutations as generated forms: the accepted ones again, after each in turn.
      for (let i = 0; i < N; i++) {
        const m = mutate(schema, valid[i % valid.length]!, r, today);
        kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
        allKinds.add(m.kind);
        const problems = refusals(p, m.form);
        const named = problems.filter(
          (x) => x.path === `form.${m.path}` || x.path.startsWith(`form.${m.path}.`),
        );
        if (!named.length || (m.message && !named.some((x) => m.message!.test(x.message))))
          misses.push(`${m.kind} ${m.path}: ${JSON.stringify(problems)}`);
      }
      expect(misses).toEqual([]);
      expect(kinds.size).toBeGreaterThanOrEqual(4);
    },
  );

  it('mutated every way: dropped, mistyped, out of the enum, off the pattern, another province, rules broken', () => {
    expect([...allKinds].sort()).toEqual([
      'bad pattern',
      'commune of another province',
      'date in the future',
      'dates out of order',
      'dependentRequired',
      'drop required',
      'if/then',
      'out of enum',
      'unknown commune',
      'wrong type',
    ]);
  });

  it('would fail a schema that says "two digits" where the server wants one of 34 provinces', () => {
    const p = published.find((x) => (formJsonSchema(x).properties as Json).provinceCode)!;
    const schema = structuredClone(formJsonSchema(p));
    (schema.properties as Json).provinceCode = { type: 'string', pattern: '^\\d{2}$' };
    expect(generated(p, schema, 1, today).accepted / N).toBeLessThan(0.99);
  });
});

describe('the published document', () => {
  const keywords2020 = new Set(
    '$schema $id $ref $defs $comment $anchor $dynamicRef $dynamicAnchor type enum const title description default examples deprecated readOnly writeOnly format pattern minLength maxLength minimum maximum exclusiveMinimum exclusiveMaximum multipleOf items prefixItems contains minItems maxItems uniqueItems minContains maxContains properties required additionalProperties patternProperties propertyNames minProperties maxProperties dependentRequired dependentSchemas allOf anyOf oneOf not if then else unevaluatedProperties unevaluatedItems'.split(
      ' ',
    ),
  );
  /** Keywords of draft 2020-12, or `x-` annotations; keys of `properties` and the like are names, not keywords. */
  function unknownKeywords(node: unknown, at = '#'): string[] {
    if (Array.isArray(node)) return node.flatMap((n, i) => unknownKeywords(n, `${at}/${i}`));
    if (!node || typeof node !== 'object') return [];
    const out: string[] = [];
    for (const [k, v] of Object.entries(node as Json)) {
      if (k.startsWith('x-')) continue;
      if (!keywords2020.has(k)) out.push(`${at}/${k}`);
      else if (['properties', '$defs', 'dependentSchemas', 'patternProperties'].includes(k))
        for (const [name, sub] of Object.entries(v as Json))
          out.push(...unknownKeywords(sub, `${at}/${k}/${name}`));
      else if (
        k !== 'enum' &&
        k !== 'const' &&
        k !== 'required' &&
        k !== 'dependentRequired' &&
        k !== 'examples'
      )
        out.push(...unknownKeywords(v, `${at}/${k}`));
    }
    return out;
  }

  it.each(published.map((p) => ({ formId: p.formId, p })))(
    '$formId: is draft 2020-12, labels every field in both languages and names every choice',
    ({ p }) => {
      const schema = formJsonSchema(p);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(unknownKeywords(schema)).toEqual([]);
      for (const [name, prop] of Object.entries(schema.properties as Record<string, Json>)) {
        for (const k of ['title', 'description', 'x-title-en', 'x-description-en'])
          expect(typeof prop[k] === 'string' && (prop[k] as string).length > 1, `${name}.${k}`).toBe(true);
        const choices = (prop.enum ? prop : (prop.items as Json | undefined)) ?? {};
        if (choices.enum) {
          const named = (choices.oneOf as Json[]).map((o) => o.const);
          expect(named, `${name} names its choices`).toEqual(choices.enum);
          for (const o of choices.oneOf as Json[])
            expect(o.title && o['x-title-en'], `${name}=${o.const}`).toBeTruthy();
        }
      }
      expect(schema.description && schema['x-description-en']).toBeTruthy();
    },
  );

  it('offers the 34 provinces by name and links communes to their province', () => {
    for (const p of published) {
      const props = formJsonSchema(p).properties as Record<string, Json>;
      const province = props.provinceCode ?? (props.provinceCodes?.items as Json | undefined);
      if (province) {
        expect([...(province.enum as string[])].sort()).toEqual([...provinceCodes].sort());
        expect((province.oneOf as Json[]).find((o) => o.const === '01')?.title).toBe('Thành phố Hà Nội');
      }
      if (props.communeCode) {
        expect(props.provinceCode).toBeDefined();
        expect(props.communeCode['x-options']).toEqual({
          href: '/v1/provinces/{provinceCode}/communes',
          valueKey: 'code',
          labelKey: 'name',
        });
        expect(props.communeCode.enum).toBeUndefined();
        expect((formJsonSchema(p)['x-rules'] as Rule[]).map((r) => r.id)).toContain('communeCode.inProvince');
      }
    }
  });

  it('publishes every refinement of every form as a rule, and refuses to publish one that is not', () => {
    for (const [id, form] of Object.entries(forms)) {
      const ids = publishedRules(form).map((r) => r.id);
      expect(new Set(ids).size, id).toBe(ids.length);
      // Each refinement of the form itself carries the id of a published rule.
      for (const rule of refinementRules(form)) expect(ids, id).toContain(rule);
      // Each field's own refinements are published per field.
      const shape = (form as unknown as { shape: Record<string, z.ZodType> }).shape;
      for (const [name, field] of Object.entries(shape)) {
        const inner =
          (field as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType ?? field;
        for (const rule of refinementRules(inner)) expect(ids, `${id}.${name}`).toContain(`${name}.${rule}`);
      }
    }
    expect(() => publishFormSchema(z.strictObject({ a: z.string().refine((s) => s !== 'b') }))).toThrow(
      /not published/,
    );
    expect(() =>
      publishFormSchema(
        z.strictObject({ a: z.string(), b: z.string() }).refine((f) => f.a !== f.b, { path: ['b'] }),
      ),
    ).toThrow(/not published/);
  });
});

describe('codes and rules intake checks', () => {
  const birth = published.find((p) => p.formId === 'birth_registration');
  const base = {
    fullName: 'Lê Thị Hoa',
    dateOfBirth: '1994-02-10',
    citizenId: '001194000456',
    phone: '0912000111',
    childFullName: 'Lê Minh Khang',
    childDateOfBirth: '2026-10-01',
    childSex: 'male',
    placeOfBirth: 'Bệnh viện Phụ sản Hà Nội',
    motherCitizenId: '001194000456',
    provinceCode: '01',
    communeCode: '00070',
  };

  it('accept a commune of the chosen province and refuse one of another, saying where it is', () => {
    expect(birth).toBeDefined();
    expect(refusals(birth!, base)).toEqual([]);
    expect(refusals(birth!, { ...base, provinceCode: '79', communeCode: '26743' })).toEqual([]);
    const elsewhere = refusals(birth!, { ...base, provinceCode: '79' });
    expect(elsewhere).toEqual([
      expect.objectContaining({
        path: 'form.communeCode',
        message: expect.stringMatching(
          /Phường Hoàn Kiếm thuộc Thành phố Hà Nội \(01\).*Thành phố Hồ Chí Minh/,
        ),
      }),
    ]);
    expect(refusals(birth!, { ...base, communeCode: '99999' })).toEqual([
      expect.objectContaining({ path: 'form.communeCode', message: expect.stringMatching(/không tồn tại/) }),
    ]);
    expect(refusals(birth!, { ...base, provinceCode: '02' }).map((x) => x.path)).toEqual([
      'form.provinceCode',
    ]);
  });

  it('check a rule once its fields are valid, even when another field is not', () => {
    const both = refusals(birth!, { ...base, phone: '0243123456', childDateOfBirth: '1990-01-01' });
    expect(both.map((x) => x.path).sort()).toEqual(['form.childDateOfBirth', 'form.phone']);
  });

  it('take a mobile number for notices, the same one the profile takes, and keep it marked as personal data', () => {
    expect(refusals(birth!, { ...base, phone: '0243123456' }).map((x) => x.path)).toEqual(['form.phone']);
    for (const p of published) {
      const schema = formJsonSchema(p);
      const phone = (schema.properties as Record<string, Json>).phone;
      if (phone) {
        expect(phone.pattern).toBe(z.toJSONSchema(vnMobile).pattern);
        expect(phone.description).toMatch(/SMS/);
        expect(piiFields(p.form).get('phone')).toBe('phone');
      }
      expect(schema.description).toMatch(/SMS|mã hồ sơ/);
    }
    expect(citizenContacts(base).phone).toBe('+84912000111');
    expect([...piiFields(forms.birth_registration)].sort()).toEqual([
      ['citizenId', 'citizenId'],
      ['fatherCitizenId', 'citizenId'],
      ['motherCitizenId', 'citizenId'],
      ['phone', 'phone'],
    ]);
  });
});
