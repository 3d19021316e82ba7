/** The local portal as the integration tests start it: ephemeral, quiet, a quick agency simulator. */
import { type LocalPortal, type LocalPortalOptions, startLocalPortal } from '../../lib/local/portal.js';

/** Set in the system and e2e tiers (test/support/shared-dynamodb-env.ts): the tier's one DynamoDB Local. */
export const SHARED_DYNAMODB_ENV = 'CONG_TEST_SHARED_DYNAMODB';

/**
 * Starts an ephemeral, quiet local portal on a free port (simulator delay 20 ms); `options` override.
 * Under vitest its table lives in the tier's shared DynamoDB Local rather than in a Java process of its own.
 */
export const startTestPortal = (options: LocalPortalOptions = {}): Promise<LocalPortal> => {
  const shared = process.env[SHARED_DYNAMODB_ENV];
  return startLocalPortal({
    port: 0,
    ephemeral: true,
    quiet: true,
    simulatorDelayMs: 20,
    ...(shared ? { sharedDynamoDb: shared } : {}),
    ...options,
  });
};
