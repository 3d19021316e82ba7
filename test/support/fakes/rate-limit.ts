/** Abuse-limit counters in memory; test/adapters/contracts/rate-limit.test.ts holds them to the DynamoDB store. */
import type { RateLimitPorts } from '../../../functions/core/rate-limit.js';

/** Counters in memory with the store's rule: count unless the subject reached the limit. */
export function memoryRateLimits() {
  const hits = new Map<string, number>();
  const ports: RateLimitPorts = {
    take: async (cls, subject, window, limit) => {
      const key = `${cls}#${subject}#${window.start}`;
      const n = hits.get(key) ?? 0;
      if (n >= limit) return false;
      hits.set(key, n + 1);
      return true;
    },
  };
  return { ports, hits };
}
