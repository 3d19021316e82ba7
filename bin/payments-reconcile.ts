/**
 * `npm run payments:reconcile`: runs payment reconciliation now against the local portal running on
 * the data folder (.local/, or CONG_DATA_DIR), using the environment that portal wrote there, and
 * prints the report. `-- --all` also asks about payments created moments ago.
 */
import { parseArgs } from 'node:util';
import { attachToLocalPortal } from '../lib/local/attach.js';

const { values } = parseArgs({ options: { all: { type: 'boolean' } } });
const { attached, dataDir } = await attachToLocalPortal();
if (!attached) {
  process.stderr.write(`No running local portal found in ${dataDir}: start it with npm start first.\n`);
  process.exit(1);
}
const { handler } = await import('../functions/payments/reconcile.js');
const report = await handler(values.all ? { olderThanSeconds: 0 } : {});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(report.errors.length ? 1 : 0);
