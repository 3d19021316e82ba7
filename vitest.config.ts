import { defineConfig } from 'vitest/config';

/**
 * Five tiers, each runnable alone (`npm run test:<tier>`); `vitest run` runs them all. A tier is a folder:
 * unit (no process beyond the test), adapters (one shared DynamoDB Local and the local cloud's parts),
 * system (the whole local portal), e2e (the portal driven through a browser or its CLIs), infra (CDK).
 */
const tier = (name: string, extra: { globalSetup?: string[] } = {}) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...extra },
});

export default defineConfig({
  test: {
    allowOnly: false,
    passWithNoTests: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    projects: [
      tier('unit'),
      tier('adapters', { globalSetup: ['test/adapters/support/shared-store.ts'] }),
      tier('system'),
      tier('e2e'),
      tier('infra'),
    ],
  },
});
