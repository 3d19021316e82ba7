/**
 * Values shaped by a JSON Schema of the OpenAPI document: mostly what the schema accepts (patterns,
 * bounds, enums, the branches of a oneOf), so generated requests get past validation into the handlers.
 */
import fc from 'fast-check';
import type { JsonSchema } from './spec.js';

type Resolve = (s: JsonSchema | undefined) => JsonSchema;

const DATE_TIME = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? Math.min(s.maxLength, min + 64) : min + 24;
  if (s.format === 'date-time') return DATE_TIME;
  if (s.format === 'date') return DATE_TIME.map((d) => d.slice(0, 10));
  if (typeof s.pattern === 'string') {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .filter((v) => v.length >= min && v.length <= ((s.maxLength as number) ?? Infinity));
    } catch {
      // A pattern fast-check cannot generate from: plain strings of the right length instead.
    }
  }
  return fc.string({ minLength: min, maxLength: Math.max(min, max), unit: 'grapheme' });
}

/** An arbitrary for values of `schema`; `depth` stops runaway recursion. */
export function fromSchema(
  schema: JsonSchema | undefined,
  resolve: Resolve,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (depth > 6) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const branches = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches) && branches.length)
    return fc.oneof(...branches.map((b) => fromSchema(b, resolve, depth + 1)));
  if (Array.isArray(s.allOf) && s.allOf.length)
    return fromSchema(s.allOf[0] as JsonSchema, resolve, depth + 1);
  const type = Array.isArray(s.type) ? (s.type as string[])[0] : (s.type as string | undefined);
  switch (type) {
    case 'string':
      return stringArbitrary(s);
    case 'integer': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1_000_000;
      const max = typeof s.maximum === 'number' ? s.maximum : 1_000_000_000;
      return fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) });
    }
    case 'number':
      return fc.double({
        min: typeof s.minimum === 'number' ? s.minimum : -1e9,
        max: typeof s.maximum === 'number' ? s.maximum : 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxLength = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 4, minLength + 4);
      return fc.array(fromSchema(s.items as JsonSchema, resolve, depth + 1), { minLength, maxLength });
    }
    case 'object':
    case undefined: {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      if (!Object.keys(props).length) {
        return type === 'object'
          ? fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
          : fc.jsonValue({ maxDepth: 2 });
      }
      const required = new Set((s.required ?? []) as string[]);
      return fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v, resolve, depth + 1)])),
        { requiredKeys: [...required].filter((k) => k in props) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
