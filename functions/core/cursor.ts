/** Opaque list cursors: DynamoDB's last evaluated key, base64url JSON, checked on the way back in. */
import { AppError } from './errors.js';

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

/**
 * A cursor must name exactly the key attributes its list pages by, all strings, and carry the
 * list's fixed values (e.g. its index partition), so a cursor of another list is refused.
 */
export function decodeCursor(
  cursor: string | undefined,
  attributes: readonly string[],
  fixed: Readonly<Record<string, string>> = {},
): Record<string, string> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      key &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.keys(key).length === attributes.length &&
      attributes.every((a) => typeof (key as Record<string, unknown>)[a] === 'string') &&
      Object.entries(fixed).every(([a, v]) => (key as Record<string, unknown>)[a] === v)
    )
      return key as Record<string, string>;
  } catch {
    // falls through to the error below
  }
  throw new AppError('VALIDATION_FAILED', [
    {
      path: 'query.cursor',
      code: 'invalid_cursor',
      message: 'not a cursor of this list; start again without it',
    },
  ]);
}
