/**
 * zod's issues as the error details every 400 carries: one per field (the first problem zod found there,
 * so a citizen reads one message beside a field, not two that repeat it), in English and Vietnamese.
 * Schemas write their own messages as "tiếng Việt / English"; zod's built-in messages are English only,
 * so the common ones get a Vietnamese sentence here.
 */
import type * as z from 'zod';
import type { ZodError } from 'zod';

export interface ErrorDetail {
  path: string;
  code: string;
  message: string;
  /** The field's problem in Vietnamese, shown by the citizen page beside the field. */
  messageVi?: string;
}

type Issue = z.core.$ZodIssue;

const SIZE_NOUN: Record<string, string> = { string: 'ký tự', array: 'mục', set: 'mục', file: 'byte' };

/** A Vietnamese sentence for zod's own messages, when the schema gave none. */
function vietnameseOf(i: Issue): string | undefined {
  switch (i.code) {
    case 'invalid_type':
      return i.input === undefined ? 'Bắt buộc nhập.' : 'Kiểu dữ liệu không hợp lệ.';
    case 'too_small': {
      const noun = SIZE_NOUN[i.origin];
      const min = Number(i.minimum);
      if (noun) return `Cần ít nhất ${min} ${noun}.`;
      return i.inclusive === false ? `Phải lớn hơn ${min}.` : `Không được nhỏ hơn ${min}.`;
    }
    case 'too_big': {
      const noun = SIZE_NOUN[i.origin];
      const max = Number(i.maximum);
      if (noun) return `Không được quá ${max} ${noun}.`;
      return i.inclusive === false ? `Phải nhỏ hơn ${max}.` : `Không được lớn hơn ${max}.`;
    }
    case 'invalid_format':
      return 'Không đúng định dạng.';
    case 'invalid_value':
      return 'Giá trị không nằm trong danh sách cho phép.';
    case 'not_multiple_of':
      return 'Giá trị không hợp lệ.';
    case 'invalid_union':
      return 'Giá trị không hợp lệ.';
    default:
      return undefined;
  }
}

/** "tiếng Việt / English" as written by the portal's schemas, split; else zod's English and ours. */
function messagesOf(i: Issue): { message: string; messageVi?: string } {
  const bilingual = /^(.+?) \/ (.+)$/.exec(i.message);
  if (bilingual) return { messageVi: bilingual[1]!, message: bilingual[2]! };
  const vi = vietnameseOf(i);
  return vi ? { message: i.message, messageVi: vi } : { message: i.message };
}

/** zod issues as error details; a field the schema does not know is listed under its own path. */
export function zodDetails(error: ZodError): ErrorDetail[] {
  const seen = new Set<string>();
  const out: ErrorDetail[] = [];
  const add = (d: ErrorDetail) => {
    if (seen.has(d.path)) return;
    seen.add(d.path);
    out.push(d);
  };
  for (const i of error.issues) {
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys)
        add({
          path: [...i.path, key].join('.'),
          code: i.code,
          message: `unknown field: ${key}`,
          messageVi: `Trường không được phép: ${key}.`,
        });
    } else add({ path: i.path.join('.'), code: i.code, ...messagesOf(i) });
  }
  return out;
}
