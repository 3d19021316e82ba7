/** The circuit breaker's state in memory; test/adapters/contracts/breaker.test.ts holds it to the DynamoDB store. */
import type { BreakerPorts, BreakerSettings, BreakerState } from '../../../functions/dispatch/breaker.js';

/** The breaker's state item, changed one conditional write at a time (as DynamoDB does). */
export class MemoryBreaker implements BreakerPorts {
  constructor(public settings: BreakerSettings) {}
  items = new Map<string, BreakerState & { resumedAt?: string; reason?: string }>();
  opened = 0;

  async state(agencyId: string) {
    await Promise.resolve();
    const s = this.items.get(agencyId);
    return s ? { ...s } : undefined;
  }
  async takeProbe(agencyId: string, now: string, leaseUntil: string) {
    await Promise.resolve();
    const s = this.items.get(agencyId);
    if (!s?.paused || s.cause !== 'breaker') return false;
    if (s.probeAt && s.probeAt > now) return false;
    if (s.probeLease && s.probeLease >= now) return false;
    s.probeLease = leaseUntil;
    return true;
  }
  async countFailure(agencyId: string, now: string, nextProbeAt?: string) {
    await Promise.resolve();
    const s = this.items.get(agencyId) ?? { paused: false };
    s.failures = (s.failures ?? 0) + 1;
    s.failingSince ??= now;
    if (nextProbeAt) {
      s.probeAt = nextProbeAt;
      delete s.probeLease;
    }
    this.items.set(agencyId, s);
    return { ...s };
  }
  async open(agencyId: string, now: string, reason: string, probeAt: string) {
    await Promise.resolve();
    const s = this.items.get(agencyId) ?? { paused: false };
    if (s.paused) return false;
    Object.assign(s, { paused: true, cause: 'breaker', since: now, reason, probeAt });
    delete s.probeLease;
    this.items.set(agencyId, s);
    this.opened++;
    return true;
  }
  async close(agencyId: string, now: string) {
    await Promise.resolve();
    const s = this.items.get(agencyId);
    if (!s || (s.paused && s.cause !== 'breaker')) return false;
    const was = s.paused;
    this.items.set(agencyId, { paused: false, failures: 0, ...(was ? { resumedAt: now } : {}) });
    return was;
  }
}
