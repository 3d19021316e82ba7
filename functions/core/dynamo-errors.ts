/**
 * DynamoDB refusals the portal answers as such rather than as a server error: load (throttling), and
 * items too large, which are the caller's doing. Every body is bounded so that no record
 * outgrows DynamoDB's 400 KB item limit; should a bound still be missing, the caller learns that the
 * request is too large instead of meeting a server error. Matched by name and message because the SDK
 * has no class for a ValidationException (and this keeps the SDK out of functions that do not use it).
 */
const ITEM_TOO_LARGE = /item size (to update )?has exceeded/i;

interface CancellationReason {
  Code?: string;
  Message?: string;
}

const reasonsOf = (err: unknown): CancellationReason[] =>
  (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];

/** A write refused because an item would pass 400 KB: alone, or inside a cancelled transaction. */
export function isItemTooLarge(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ValidationException') return ITEM_TOO_LARGE.test(err.message);
  if (err.name !== 'TransactionCanceledException') return false;
  const reasons = reasonsOf(err);
  return reasons.some((r) => r.Code === 'ValidationError' && ITEM_TOO_LARGE.test(r.Message ?? ''));
}

/** Error names DynamoDB (and the SDK, once its own retries are spent) gives a request refused for load. */
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/** Reasons a transaction is cancelled for load rather than for what it asked. */
const THROTTLED_REASONS = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * A request DynamoDB refused because a partition or the account was over its limit, after the SDK's
 * bounded retries: nothing of it was written (a throttled transaction writes none of its items), and
 * the same request a moment later may succeed.
 */
export function isThrottled(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (THROTTLED.has(err.name)) return true;
  if (err.name !== 'TransactionCanceledException') return false;
  const reasons = reasonsOf(err);
  return reasons.some((r) => THROTTLED_REASONS.has(r.Code ?? ''));
}

/**
 * Why a transaction was cancelled, item by item in the order its items were sent: each reason's code
 * (`ConditionalCheckFailed`, `None` for an item that passed, …). Any other error is not a cancellation
 * and is thrown on, so a caller decodes only what it can answer.
 */
export interface Cancellation {
  codes: string[];
  /** Whether the item at `index` failed its condition (false for an index the transaction lacks). */
  failed(index: number | undefined): boolean;
  /** Whether any item from `index` on failed its condition. */
  failedFrom(index: number): boolean;
  /** Whether any item failed its condition. */
  anyFailed(): boolean;
}

const CONDITION_FAILED = 'ConditionalCheckFailed';

export function isCancellation(err: unknown): boolean {
  return err instanceof Error && err.name === 'TransactionCanceledException';
}

export function cancellationOf(err: unknown): Cancellation {
  if (!isCancellation(err)) throw err;
  const reasons = reasonsOf(err);
  const codes = reasons.map((r) => r.Code ?? 'None');
  return {
    codes,
    failed: (index) => index !== undefined && codes[index] === CONDITION_FAILED,
    failedFrom: (index) => codes.slice(index).includes(CONDITION_FAILED),
    anyFailed: () => codes.includes(CONDITION_FAILED),
  };
}
