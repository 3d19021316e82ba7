/**
 * Hostile values: wrong types, boundaries, huge and deep structures, unicode tricks, NUL, prototype
 * keys, and the byte-level damage (invalid UTF-8, broken JSON) that only exists on the wire.
 */
import fc from 'fast-check';

/** Strings that have broken parsers, normalisers and key builders before. */
export const TRICKY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\t\n\r',
  '\u202egnp.exe',
  '\u200b\u200c\u200d\ufeff',
  'A\u0301',
  'Nguye\u0302\u0303n', // NFD Vietnamese
  '\ud800',
  '\udfff\ud800',
  '😀'.repeat(3),
  '𝕮𝖔𝖓𝖌',
  'İıſK',
  '#',
  'DOSSIER#X',
  'PK#',
  '..',
  '../../etc/passwd',
  '%00',
  '%ff',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, meant literally
  '${jndi:ldap://x}',
  '{{7*7}}',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '9007199254740993',
  '0x10',
  'true',
  '[]',
  '{}',
] as const;

export const BOUNDARY_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  1e-300,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
] as const;

/** A string: short or huge, ASCII, full unicode (lone surrogates included) or one of the tricky ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'Ữ', '😀', '\u0000', '#'), fc.integer({ min: 1_000, max: 300_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

/** Any JSON-able value of the wrong kind for where it lands. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...BOUNDARY_NUMBERS, null, true, false, [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  },
);

/** Keys no object of the portal should let through or be confused by. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toJSON',
  'valueOf',
  'pk',
  'sk',
  'gsi1pk',
  'ownerSub',
  'status',
  'role',
  'agencyId',
  'amount',
  '',
  '\u0000',
  'a.b',
  '$where',
] as const;

/** `depth` nested arrays or objects around a leaf, as JSON text built without recursion. */
export function deepJson(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array'
    ? '['.repeat(depth) + leaf + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

/** Damage done to the bytes of a JSON text: the body a broken or hostile client really sends. */
export type ByteDamage =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; hex: string }
  | { kind: 'wrap'; prefix: string; suffix: string };

/** Byte sequences that are not UTF-8, or are UTF-8 a lax decoder gets wrong. */
export const BAD_BYTES = [
  'ff',
  'fe',
  'c0af', // overlong '/'
  'e080af', // overlong
  'eda080', // an encoded surrogate
  'f4908080', // above U+10FFFF
  'c3', // a truncated two-byte sequence
  'e1bb', // truncated three-byte
  '80', // lone continuation byte
  '00',
  '0000',
  'efbbbf', // a byte-order mark
  'c328', // bad continuation
] as const;

export const byteDamage: fc.Arbitrary<ByteDamage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), hex: fc.constantFrom(...BAD_BYTES) }),
  fc.record({
    kind: fc.constant('wrap' as const),
    prefix: fc.constantFrom('', '\ufeff', ' ', ")]}'\n", '//', '/*x*/', 'null', '{', '['),
    suffix: fc.constantFrom('', ',', '}', ']', ' x', '\u0000', '//', 'garbage', '{}', '\n\n\n'),
  }),
);

export function damage(bytes: Buffer, d: ByteDamage): Buffer {
  switch (d.kind) {
    case 'truncate':
      return bytes.subarray(0, bytes.length ? d.at % bytes.length : 0);
    case 'insert': {
      const at = bytes.length ? d.at % (bytes.length + 1) : 0;
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(d.hex, 'hex'), bytes.subarray(at)]);
    }
    case 'wrap':
      return Buffer.concat([Buffer.from(d.prefix), bytes, Buffer.from(d.suffix)]);
  }
}

/** JSON-ish texts that are not JSON, or that JSON parsers disagree on. */
export const MALFORMED_JSON = [
  '',
  ' ',
  '{',
  '}',
  '{"a":}',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  '[1,2',
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":01}',
  '{"a":1e999}',
  '{"a":-}',
  '{"a":"\\ud800"}',
  '{"a":"\\u00"}',
  '{"a":"\u0001"}',
  '{"a":"x"}{"b":"y"}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  'true',
  '"string"',
  '123',
  'null',
  '[]',
  '{"a":1,"a":2}',
  '\ufeff{}',
  '{}\u0000',
] as const;

/** Content types a body might be declared as. */
export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;charset=UTF-16',
  'application/json; charset=latin1',
  'application/problem+json',
  'application/vnd.cong.v1+json',
  'application/jsonx',
  'application/json5',
  'text/json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  'application/xml',
  '*/*',
  'json',
  '',
  'application/json, text/plain',
  'application/json; boundary=\u00ff\u00fe',
] as const;
