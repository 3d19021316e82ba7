/**
 * `npm run stats:rebuild`: recomputes the published agency statistics from the dossiers' timelines
 * and ratings, stores them beside the live counters and prints where they differ. By default against
 * the local portal running on the data folder (.local/, or CONG_DATA_DIR); `-- --stage <name>` against
 * a deployed stage (names from its CloudFormation outputs, AWS credentials from the usual chain).
 * `--agency <id>` (repeatable) limits it; `--dry-run` compares without storing. Exits 1 when any
 * counter differs.
 */
import { parseArgs } from 'node:util';
import { attachToLocalPortal } from '../lib/local/attach.js';
import { summary } from '../lib/ops/progress.js';
import { attachToStage, parseStage } from '../lib/ops/stage.js';
import { runStatsRebuild } from '../lib/ops/tools.js';

const { values } = parseArgs({
  options: {
    agency: { type: 'string', multiple: true },
    stage: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
});
if (values.stage) {
  const r = await attachToStage(parseStage(values.stage));
  summary(`Stage ${r.stage}: table ${r.tableName}`);
} else {
  const { attached, dataDir } = await attachToLocalPortal();
  if (!attached) {
    process.stderr.write(`No running local portal found in ${dataDir}: start it with npm start first.\n`);
    process.exit(1);
  }
}
const { report, exitCode } = await runStatsRebuild({
  agencies: values.agency,
  dryRun: Boolean(values['dry-run']),
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
summary(
  `${report.agencies} agencies, ${report.dossiers} dossiers, ${report.ratings} ratings: ` +
    `${report.differences.length} counters differ${report.dryRun ? ' (dry run: nothing stored)' : ''}`,
);
process.exit(exitCode);
