/**
 * Operator tools (reconcile, redrive, stats rebuild) run against the local portal that is running on
 * the data folder (.local/, or CONG_DATA_DIR): they take on the environment it wrote there, so the
 * handlers they call reach the same stores.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_DATA_DIR, PORTAL_ENV_FILE } from './portal.js';

/** True when the running portal's environment was applied; false when none is running there. */
export async function attachToLocalPortal(): Promise<{ attached: boolean; dataDir: string }> {
  const dataDir = resolve(process.env.CONG_DATA_DIR || DEFAULT_DATA_DIR);
  try {
    const env = JSON.parse(await readFile(join(dataDir, PORTAL_ENV_FILE), 'utf8')) as Record<string, string>;
    Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' });
    // The logger may exist already (this module's imports reach it) at the default level: the tools
    // print their report on stdout, which the handlers' info lines must not interleave.
    const { logger } = await import('../../functions/core/logger.js');
    logger.setLogLevel(process.env.POWERTOOLS_LOG_LEVEL as Parameters<typeof logger.setLogLevel>[0]);
    return { attached: true, dataDir };
  } catch {
    return { attached: false, dataDir };
  }
}
