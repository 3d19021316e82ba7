/** What a promise the code under test returns is rejected with. */
import { expect } from 'vitest';
import { AppError } from '../../functions/core/errors.js';

/** The error `p` is rejected with, which must be a `type` (the test fails when `p` resolves). */
export async function rejection<E>(
  p: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}

/** The AppError `p` is refused with; when `code` is given, it must be that error code. */
export async function appErrorOf(p: Promise<unknown>, code?: string): Promise<AppError> {
  const err = await rejection(p, AppError);
  if (code !== undefined) expect(err.code).toBe(code);
  return err;
}
