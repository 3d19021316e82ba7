/**
 * `npm run payments:reconcile`: runs payment reconciliation now against the local portal running on
 * the data folder (.local/, or CONG_DATA_DIR), using the environment that portal wrote there, and
 * prints the report. `-- --all` also asks about payments created moments ago.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, PORTAL_ENV_FILE } from '../lib/local/portal.js';

const { values } = parseArgs({ options: { all: { type: 'boolean' } } });
const dataDir = resolve(process.env.CONG_DATA_DIR || DEFAULT_DATA_DIR);
let env: Record<string, string>;
try {
  env = JSON.parse(await readFile(join(dataDir, PORTAL_ENV_FILE), 'utf8')) as Record<string, string>;
} catch {
  process.stderr.write(`No running local portal found in ${dataDir}: start it with npm start first.\n`);
  process.exit(1);
}
Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' });
const { handler } = await import('../functions/payments/reconcile.js');
const report = await handler(values.all ? { olderThanSeconds: 0 } : {});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(report.errors.length ? 1 : 0);
