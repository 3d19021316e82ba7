/** Opaque list cursors: DynamoDB's last evaluated key, base64url JSON, checked on the way back in. */
import { AppError } from './errors.js';

/** Far more than any key the portal writes; a longer cursor is not one it handed out. */
const MAX_CURSOR_CHARS = 1024;
/** DynamoDB refuses a sort key over 1,024 bytes; no key of a list comes near it. */
const MAX_VALUE_BYTES = 1024;

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

/** The one answer to a cursor that is not one of this list's: 400, start again without it. */
export const invalidCursor = () =>
  new AppError('VALIDATION_FAILED', [
    {
      path: 'query.cursor',
      code: 'invalid_cursor',
      message: 'not a cursor of this list; start again without it',
    },
  ]);

function parse(cursor: string): unknown {
  if (cursor.length > MAX_CURSOR_CHARS) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isKeyValue = (v: unknown): v is string =>
  typeof v === 'string' && v !== '' && Buffer.byteLength(v) <= MAX_VALUE_BYTES;

/**
 * A cursor must name exactly the key attributes its list pages by, each a non-empty string, carry the
 * list's own partition (`fixed`: every list names it, so a cursor of another person's or agency's list
 * is refused) and stay within the sort-key range the list reads (`prefixes`). Anything else is 400
 * before the table is asked — the table would answer a malformed start key with an error.
 */
export function decodeCursor(
  cursor: string | undefined,
  attributes: readonly string[],
  fixed: Readonly<Record<string, string>>,
  prefixes: Readonly<Record<string, string>> = {},
): Record<string, string> | undefined {
  // `?cursor=` with nothing after it asks for the first page, as on every list.
  if (!cursor) return undefined;
  const key = parse(cursor);
  if (
    !key ||
    typeof key !== 'object' ||
    Array.isArray(key) ||
    Object.keys(key).length !== attributes.length ||
    !attributes.every((a) => isKeyValue((key as Record<string, unknown>)[a]))
  )
    throw invalidCursor();
  const values = key as Record<string, string>;
  if (!Object.entries(fixed).every(([a, v]) => values[a] === v)) throw invalidCursor();
  if (!Object.entries(prefixes).every(([a, p]) => values[a]!.startsWith(p))) throw invalidCursor();
  return values;
}
