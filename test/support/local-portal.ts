/** The local portal as the integration tests start it: ephemeral, quiet, a quick agency simulator. */
import { type LocalPortal, type LocalPortalOptions, startLocalPortal } from '../../lib/local/portal.js';

/** Starts an ephemeral, quiet local portal on a free port (simulator delay 20 ms); `options` override. */
export const startTestPortal = (options: LocalPortalOptions = {}): Promise<LocalPortal> =>
  startLocalPortal({ port: 0, ephemeral: true, quiet: true, simulatorDelayMs: 20, ...options });
