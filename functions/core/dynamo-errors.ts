/**
 * DynamoDB refusals the portal answers as the caller's doing. Every body is bounded so that no record
 * outgrows DynamoDB's 400 KB item limit; should a bound still be missing, the caller learns that the
 * request is too large instead of meeting a server error. Matched by name and message because the SDK
 * has no class for a ValidationException (and this keeps the SDK out of functions that do not use it).
 */
const ITEM_TOO_LARGE = /item size (to update )?has exceeded/i;

interface CancellationReason {
  Code?: string;
  Message?: string;
}

/** A write refused because an item would pass 400 KB: alone, or inside a cancelled transaction. */
export function isItemTooLarge(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ValidationException') return ITEM_TOO_LARGE.test(err.message);
  if (err.name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ValidationError' && ITEM_TOO_LARGE.test(r.Message ?? ''));
}
