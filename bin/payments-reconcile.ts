/**
 * `npm run payments:reconcile`: runs payment reconciliation now and prints the report. By default
 * against the local portal running on the data folder (.local/, or CONG_DATA_DIR), in this process;
 * `-- --stage <name>` invokes the deployed stage's reconcile function (it holds the providers' settings
 * and secrets). `--all` also asks about payments created moments ago; `--dry-run` only lists the
 * pending payments a run would ask about.
 */
import { parseArgs } from 'node:util';
import { attachToLocalPortal } from '../lib/local/attach.js';
import { summary } from '../lib/ops/progress.js';
import { attachToStage, parseStage } from '../lib/ops/stage.js';
import { runPaymentsReconcile } from '../lib/ops/tools.js';

const { values } = parseArgs({
  options: { all: { type: 'boolean' }, stage: { type: 'string' }, 'dry-run': { type: 'boolean' } },
});
let functionName: string | undefined;
if (values.stage) {
  const r = await attachToStage(parseStage(values.stage));
  functionName = r.paymentsReconcileFunction;
  summary(`Stage ${r.stage}: ${values['dry-run'] ? `table ${r.tableName}` : functionName}`);
} else {
  const { attached, dataDir } = await attachToLocalPortal();
  if (!attached) {
    process.stderr.write(`No running local portal found in ${dataDir}: start it with npm start first.\n`);
    process.exit(1);
  }
}
const { report, exitCode } = await runPaymentsReconcile({
  all: Boolean(values.all),
  dryRun: Boolean(values['dry-run']),
  functionName,
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
summary(
  'pending' in report && Array.isArray(report.pending)
    ? `${report.pending.length} pending payments would be checked (dry run)`
    : `${(report as { checked?: number }).checked ?? 0} payments checked, ${exitCode ? 'with errors' : 'no errors'}`,
);
process.exit(exitCode);
