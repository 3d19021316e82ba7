import { describe, expect, it } from 'vitest';
import { fieldMessage } from '../../web/src/api.js';

describe('a field error on the page says what the server said', () => {
  const mismatch = {
    path: 'form.citizenId',
    code: 'applicant_mismatch',
    message: 'the applicant must be you: the citizen ID of your verified sign-in',
    messageVi:
      'Người nộp phải là chính bạn: số định danh cá nhân phải trùng với tài khoản định danh điện tử đã đăng nhập.',
  };

  it("shows the server's Vietnamese text for the portal's own checks", () => {
    expect(fieldMessage(mismatch, 'vi')).toBe(mismatch.messageVi);
    expect(fieldMessage(mismatch, 'en')).toBe(mismatch.message);
  });

  it('splits a form rule\'s "vi / en" message by language', () => {
    const d = {
      path: 'form.birthDate',
      code: 'custom',
      message: 'không được là ngày trong tương lai / must not be in the future',
    };
    expect(fieldMessage(d, 'vi')).toBe('không được là ngày trong tương lai');
    expect(fieldMessage(d, 'en')).toBe('must not be in the future');
  });

  it("says zod's issue codes in Vietnamese and keeps an unknown code's own text", () => {
    expect(fieldMessage({ path: 'q', code: 'too_big', message: 'Too big' }, 'vi')).toBe(
      'Giá trị quá dài hoặc quá lớn.',
    );
    expect(fieldMessage({ path: 'x', code: 'unknown_province', message: 'no such province' }, 'vi')).toBe(
      'no such province',
    );
  });
});
