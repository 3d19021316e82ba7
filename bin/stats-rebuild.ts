/**
 * `npm run stats:rebuild`: recomputes the published agency statistics from the dossiers' timelines
 * and ratings of the local portal running on the data folder (.local/, or CONG_DATA_DIR), stores them
 * beside the live counters and prints where they differ. `-- --agency <id>` (repeatable) limits it.
 * Exits 1 when any counter differs.
 */
import { parseArgs } from 'node:util';
import { attachToLocalPortal } from '../lib/local/attach.js';

const { values } = parseArgs({ options: { agency: { type: 'string', multiple: true } } });
const { attached, dataDir } = await attachToLocalPortal();
if (!attached) {
  process.stderr.write(`No running local portal found in ${dataDir}: start it with npm start first.\n`);
  process.exit(1);
}
const { allAgencies } = await import('../functions/catalog/agencies.js');
const { rebuildStats, rebuildStore } = await import('../functions/stats/rebuild.js');
const report = await rebuildStats(rebuildStore(), values.agency ?? allAgencies().map((a) => a.id));
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(report.differences.length ? 1 : 0);
