import { describe, expect, it } from 'vitest';
import { FilterBuilder } from '../../functions/core/table.js';

describe('a list filter', () => {
  it('holds only the conditions given, all of which must hold', () => {
    const filter = new FilterBuilder()
      .equals('status', 'open')
      .equals('requestKind', undefined)
      .where('dueBy < :now', { ':now': '2026-12-07T00:00:00.000Z' })
      .build();
    expect(filter).toEqual({
      expression: '#status = :status AND dueBy < :now',
      names: { '#status': 'status' },
      values: { ':status': 'open', ':now': '2026-12-07T00:00:00.000Z' },
    });
  });

  it('is nothing when no condition applies', () => {
    expect(new FilterBuilder().equals('status', undefined).build()).toBeUndefined();
  });
});
