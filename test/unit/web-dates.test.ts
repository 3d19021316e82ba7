import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDay } from '../../web/src/i18n.js';

describe('dates on the page', () => {
  it('shows times to the minute in Vietnam, without seconds', () => {
    // 10:00 UTC is 17:00 in Hà Nội.
    expect(formatDateTime('2026-12-08T10:00:00Z', 'vi')).toBe('17:00 8/12/2026');
    expect(formatDateTime('2026-12-08T10:00:59Z', 'en')).toBe('08/12/2026, 17:00');
  });

  it('writes a form day as dd/mm/yyyy', () => {
    expect(formatDay('1990-05-12')).toBe('12/05/1990');
    expect(formatDay('không rõ')).toBe('không rõ');
  });
});
