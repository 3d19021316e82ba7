import type { AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { toLambdaValue } from '../../lib/local/stream-pump.js';

describe('stream record values as Lambda receives them', () => {
  it('keeps an empty map (which the SDK hands over without its M key)', () => {
    expect(toLambdaValue({} as AttributeValue)).toEqual({ M: {} });
    expect(toLambdaValue({ M: { criteria: {} as AttributeValue, n: { N: '1' } } })).toEqual({
      M: { criteria: { M: {} }, n: { N: '1' } },
    });
  });

  it('spells binary as base64 and keeps lists', () => {
    expect(toLambdaValue({ B: new Uint8Array([1, 2, 3]) })).toEqual({ B: 'AQID' });
    expect(toLambdaValue({ L: [{ S: 'a' }, { BOOL: true }] })).toEqual({ L: [{ S: 'a' }, { BOOL: true }] });
  });
});
