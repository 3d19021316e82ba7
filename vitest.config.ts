import { defineConfig } from 'vitest/config';

/**
 * Five tiers, each runnable alone (`npm run test:<tier>`); `vitest run` runs them all. A tier is a folder:
 * unit (no process beyond the test), adapters (one shared DynamoDB Local and the local cloud's parts),
 * system (the whole local portal), e2e (the portal driven through a browser, `npm start` or its CLIs),
 * infra (the CDK stacks). The portals of one tier share its DynamoDB Local, each with a table of its own.
 */
const tier = (name: string, extra: { globalSetup?: string[]; setupFiles?: string[] } = {}) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...extra },
});

/** One DynamoDB Local per tier that needs one, and the setup that makes local portals use it. */
const SHARED_DYNAMODB = 'test/support/shared-dynamodb.ts';
const PORTALS_SHARE_IT = 'test/support/shared-dynamodb-env.ts';

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
      tier('adapters', { globalSetup: [SHARED_DYNAMODB] }),
      tier('system', { globalSetup: [SHARED_DYNAMODB], setupFiles: [PORTALS_SHARE_IT] }),
      tier('e2e', { globalSetup: [SHARED_DYNAMODB], setupFiles: [PORTALS_SHARE_IT] }),
      tier('infra'),
    ],
  },
});
