/**
 * The abuse-limit counter port's contract, run against the in-memory fake the unit tests use and the
 * DynamoDB store on the shared DynamoDB Local, so the fake cannot drift from the store.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type RateLimitPorts, windowOf } from '../../../functions/core/rate-limit.js';
import { rateLimitStore } from '../../../functions/core/rate-limit-store.js';
import { memoryRateLimits } from '../../support/fakes/rate-limit.js';
import { useSharedStore } from '../support/store.js';

useSharedStore();

const implementations: [string, () => RateLimitPorts][] = [
  ['in-memory fake', () => memoryRateLimits().ports],
  ['DynamoDB store', () => rateLimitStore()],
];

const T0 = Date.parse('2026-11-20T03:00:10.000Z');

describe.each(implementations)('rate-limit counters (%s)', (_name, make) => {
  const subject = () => `acct:${randomUUID()}`;

  it('counts up to the limit in one window, then refuses', async () => {
    const ports = make();
    const who = subject();
    const w = windowOf(T0, 60);
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await ports.take('intake', who, w, 3));
    expect(taken).toEqual([true, true, true, false]);
    // A refused call does not count: still refused, and the limit is not moved.
    expect(await ports.take('intake', who, w, 3)).toBe(false);
  });

  it('starts again in the next window', async () => {
    const ports = make();
    const who = subject();
    const w = windowOf(T0, 60);
    expect(await ports.take('intake', who, w, 1)).toBe(true);
    expect(await ports.take('intake', who, w, 1)).toBe(false);
    expect(await ports.take('intake', who, windowOf(T0 + 60_000, 60), 1)).toBe(true);
  });

  it('keeps subjects and limit classes apart', async () => {
    const ports = make();
    const a = subject();
    const w = windowOf(T0, 60);
    expect(await ports.take('intake', a, w, 1)).toBe(true);
    expect(await ports.take('intake', a, w, 1)).toBe(false);
    expect(await ports.take('intake', subject(), w, 1)).toBe(true);
    expect(await ports.take('uploads', a, w, 1)).toBe(true);
  });

  it('lets a higher limit through where a lower one refused (the limit is read per call)', async () => {
    const ports = make();
    const who = subject();
    const w = windowOf(T0, 60);
    expect(await ports.take('intake', who, w, 1)).toBe(true);
    expect(await ports.take('intake', who, w, 1)).toBe(false);
    expect(await ports.take('intake', who, w, 2)).toBe(true);
    expect(await ports.take('intake', who, w, 2)).toBe(false);
  });
});
