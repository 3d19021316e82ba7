/**
 * The circuit breaker's state port contract, run against the in-memory fake the unit tests use and the
 * DynamoDB store on the shared DynamoDB Local, so the fake cannot drift from the store.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BreakerPorts, BreakerSettings } from '../../../functions/dispatch/breaker.js';
import { breakerStore } from '../../../functions/dispatch/store.js';
import { MemoryBreaker } from '../../support/fakes/breaker.js';
import { sharedDocumentClient, useSharedStore } from '../support/store.js';

const store = useSharedStore();
const SETTINGS: BreakerSettings = { failures: 3, failingMinutes: 15, cooldownSeconds: 60 };

const implementations: [string, () => BreakerPorts][] = [
  ['in-memory fake', () => new MemoryBreaker(SETTINGS)],
  ['DynamoDB store', () => breakerStore(sharedDocumentClient(store), store.tableName, SETTINGS)],
];

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 3, minute)).toISOString();

describe.each(implementations)('breaker state (%s)', (_name, make) => {
  const agency = () => `agency-${randomUUID()}`;

  it('counts failures from the first, and an agency never seen is closed', async () => {
    const ports = make();
    const id = agency();
    expect(await ports.state(id)).toBeUndefined();
    expect(await ports.countFailure(id, at(0))).toMatchObject({
      paused: false,
      failures: 1,
      failingSince: at(0),
    });
    expect(await ports.countFailure(id, at(1))).toMatchObject({
      paused: false,
      failures: 2,
      failingSince: at(0),
    });
    expect(await ports.state(id)).toMatchObject({ paused: false, failures: 2 });
  });

  it('opens once: only the first caller opens it', async () => {
    const ports = make();
    const id = agency();
    await ports.countFailure(id, at(0));
    expect(await ports.open(id, at(1), 'failures', at(2))).toBe(true);
    expect(await ports.open(id, at(1), 'failures', at(2))).toBe(false);
    expect(await ports.state(id)).toMatchObject({
      paused: true,
      cause: 'breaker',
      since: at(1),
      probeAt: at(2),
    });
  });

  it('gives the half-open slot to one caller, only when due, until its lease ends', async () => {
    const ports = make();
    const id = agency();
    expect(await ports.takeProbe(id, at(3), at(4))).toBe(false);
    await ports.countFailure(id, at(0));
    await ports.open(id, at(1), 'failures', at(2));
    expect(await ports.takeProbe(id, at(1), at(3))).toBe(false);
    expect(await ports.takeProbe(id, at(2), at(4))).toBe(true);
    expect(await ports.takeProbe(id, at(3), at(5))).toBe(false);
    // The lease ran out (the probe died): the next caller takes the slot.
    expect(await ports.takeProbe(id, at(5), at(7))).toBe(true);
  });

  it('moves the next probe on a failed probe and frees the slot', async () => {
    const ports = make();
    const id = agency();
    await ports.countFailure(id, at(0));
    await ports.open(id, at(1), 'failures', at(2));
    expect(await ports.takeProbe(id, at(2), at(10))).toBe(true);
    expect(await ports.countFailure(id, at(3), at(6))).toMatchObject({
      paused: true,
      failures: 2,
      probeAt: at(6),
    });
    expect(await ports.takeProbe(id, at(4), at(10))).toBe(false);
    expect(await ports.takeProbe(id, at(6), at(10))).toBe(true);
  });

  it('closes after a success: resumes an open breaker, resets a closed one, and says which', async () => {
    const ports = make();
    const open = agency();
    await ports.countFailure(open, at(0));
    await ports.open(open, at(1), 'failures', at(2));
    expect(await ports.close(open, at(3))).toBe(true);
    expect(await ports.state(open)).toMatchObject({ paused: false, failures: 0 });
    expect((await ports.state(open))?.probeAt).toBeUndefined();
    const closed = agency();
    await ports.countFailure(closed, at(0));
    expect(await ports.close(closed, at(1))).toBe(false);
    expect(await ports.state(closed)).toMatchObject({ paused: false, failures: 0 });
    expect(await ports.close(agency(), at(1))).toBe(false);
  });
});
