/**
 * The one decoder every table-backed list uses: only a key of the list's own partition and range,
 * with exactly its attributes as non-empty strings, comes back; everything else is the same 400.
 */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../functions/core/cursor.js';
import type { AppError } from '../../functions/core/errors.js';

const ATTRS = ['pk', 'sk', 'gsi2pk', 'gsi2sk'];
const PARTITION = { gsi2pk: 'AGENCY#sxd-01' };
const RANGE = { gsi2sk: 'RATING#' };
const KEY = { pk: 'DOSSIER#SXD-261120-0001', sk: 'RATING', gsi2pk: 'AGENCY#sxd-01', gsi2sk: 'RATING#2026#X' };
const b64 = (text: string) => Buffer.from(text).toString('base64url');

function refusal(cursor: string): AppError | undefined {
  try {
    decodeCursor(cursor, ATTRS, PARTITION, RANGE);
  } catch (err) {
    return err as AppError;
  }
  return undefined;
}

describe('list cursors', () => {
  it('round-trips a key of the list, and no cursor means the first page', () => {
    expect(decodeCursor(encodeCursor(KEY)!, ATTRS, PARTITION, RANGE)).toEqual(KEY);
    expect(decodeCursor(undefined, ATTRS, PARTITION, RANGE)).toBeUndefined();
    expect(decodeCursor('', ATTRS, PARTITION, RANGE)).toBeUndefined();
    expect(encodeCursor(undefined)).toBeNull();
  });

  it.each<[string, string]>([
    ['garbage', 'not-a-cursor'],
    ['garbage base64', '%%%***'],
    ['base64 of text', b64('hello world')],
    ['JSON null', b64('null')],
    ['a JSON array', b64(JSON.stringify(Object.values(KEY)))],
    ['a JSON string', b64('"DOSSIER#X"')],
    ['a JSON number', b64('12')],
    ['an empty object', encodeCursor({})!],
    ['a missing attribute', encodeCursor({ pk: KEY.pk, sk: KEY.sk, gsi2pk: KEY.gsi2pk })!],
    ['an extra attribute', encodeCursor({ ...KEY, kind: 'rating' })!],
    [
      'another attribute in place of one',
      encodeCursor({ pk: KEY.pk, sk: KEY.sk, gsi2pk: KEY.gsi2pk, x: 'y' })!,
    ],
    ['an empty table key', encodeCursor({ ...KEY, pk: '' })!],
    ['an empty sort key', encodeCursor({ ...KEY, sk: '' })!],
    ['an empty index sort key', encodeCursor({ ...KEY, gsi2sk: '' })!],
    ['every key empty', encodeCursor({ pk: '', sk: '', gsi2pk: '', gsi2sk: '' })!],
    ['a number', encodeCursor({ ...KEY, sk: 1 })!],
    ['a boolean', encodeCursor({ ...KEY, sk: true })!],
    ['null', encodeCursor({ ...KEY, sk: null })!],
    ['a DynamoDB attribute value', encodeCursor({ ...KEY, sk: { S: 'RATING' } })!],
    ['another agency’s partition', encodeCursor({ ...KEY, gsi2pk: 'AGENCY#stp-01' })!],
    ['an owner partition', encodeCursor({ ...KEY, gsi2pk: 'OWNER#someone' })!],
    ['a sort key outside the list', encodeCursor({ ...KEY, gsi2sk: 'DOSSIER#2026' })!],
    ['a value too long for a key', encodeCursor({ ...KEY, gsi2sk: `RATING#${'x'.repeat(1100)}` })!],
    ['a huge cursor', 'A'.repeat(100_000)],
  ])('refuses %s with 400 invalid_cursor', (_what, cursor) => {
    const err = refusal(cursor);
    expect(err?.status).toBe(400);
    expect(err?.code).toBe('VALIDATION_FAILED');
    expect(err?.toBody().error.details).toEqual([
      expect.objectContaining({ path: 'query.cursor', code: 'invalid_cursor' }),
    ]);
  });

  it('a list with no partition (an in-memory page) still refuses empty and mistyped keys', () => {
    expect(decodeCursor(encodeCursor({ after: '2026#PAKN' })!, ['after'], {})).toEqual({
      after: '2026#PAKN',
    });
    for (const after of ['', 7, null, ['x']])
      expect(() => decodeCursor(encodeCursor({ after })!, ['after'], {})).toThrow();
  });
});
