import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { label, text } from '../../functions/catalog/form-values.js';
import { zodDetails } from '../../functions/core/validation-details.js';

const details = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a refusal');
  return zodDetails(parsed.error);
};

describe('validation details', () => {
  it('gives one message per field: the first problem found there', () => {
    const name = text(2, 100, label('Họ và tên', 'Full name', 'Như trên giấy tờ', 'As on the papers'));
    const out = details(z.object({ fullName: name }), { fullName: 'A' });
    expect(out).toEqual([
      {
        path: 'fullName',
        code: 'too_small',
        message: expect.stringMatching(/>=2 characters/),
        messageVi: 'Cần ít nhất 2 ký tự.',
      },
    ]);
  });

  it('splits the schemas\' own "vi / en" messages into the two languages', () => {
    const schema = z.object({ day: z.string().refine((v) => v < '2000', 'quá muộn / too late') });
    expect(details(schema, { day: '2026' })).toEqual([
      { path: 'day', code: 'custom', message: 'too late', messageVi: 'quá muộn' },
    ]);
  });

  it("says zod's own problems in Vietnamese too: missing, too long, not one of the choices, unknown fields", () => {
    const schema = z
      .object({ a: z.string(), b: z.string().max(3), c: z.enum(['x', 'y']), n: z.number().min(1) })
      .strict();
    const out = details(schema, { b: 'long', c: 'z', n: 0, extra: 1 });
    const vi = Object.fromEntries(out.map((d) => [d.path, d.messageVi]));
    expect(vi).toEqual({
      a: 'Bắt buộc nhập.',
      b: 'Không được quá 3 ký tự.',
      c: 'Giá trị không nằm trong danh sách cho phép.',
      n: 'Không được nhỏ hơn 1.',
      extra: 'Trường không được phép: extra.',
    });
    for (const d of out) expect(d.message).not.toBe(d.messageVi);
  });
});
