/**
 * `npm run chaos -- [--dossiers 10000] [--payments 1000] [--petitions 1000] [--aws 0.05] [--agencies 0.2]
 * [--seed 1] [--concurrency 12] [--drain-minutes 20]`
 * Files the load under faults, stops them, drains as an operator would, checks every invariant and
 * prints the figures; exits 1 on any violation.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runChaos, summary } from './chaos.js';

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string', default: '10000' },
    payments: { type: 'string' },
    petitions: { type: 'string' },
    aws: { type: 'string', default: '0.05' },
    agencies: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '12' },
    'drain-minutes': { type: 'string', default: '20' },
    /** Writes the whole report, every violation included, as JSON. */
    report: { type: 'string' },
  },
});
const num = (v: string | undefined, name: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative number\n`);
    process.exit(2);
  }
  return n;
};
const dossiers = num(values.dossiers, 'dossiers');

/** A one-line progress bar, redrawn in place on a terminal and every 5% otherwise (a log file). */
function progressBar(total: number) {
  const width = 30;
  let lastStep = -1;
  const started = Date.now();
  return (done: number, label: string) => {
    const ratio = Math.min(1, total ? done / total : 1);
    const filled = Math.round(ratio * width);
    const rate = done / Math.max(1, (Date.now() - started) / 1000);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total} ${label} (${rate.toFixed(1)}/s)`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
    else if (Math.floor(ratio * 20) > lastStep) {
      lastStep = Math.floor(ratio * 20);
      process.stdout.write(`${line}\n`);
    }
  };
}

let bar: ReturnType<typeof progressBar> | undefined;
const report = await runChaos({
  dossiers,
  payments: num(values.payments ?? String(Math.round(dossiers / 10)), 'payments'),
  petitions: num(values.petitions ?? String(Math.round(dossiers / 10)), 'petitions'),
  awsRate: num(values.aws, 'aws'),
  agencyRate: num(values.agencies, 'agencies'),
  seed: num(values.seed, 'seed'),
  concurrency: num(values.concurrency, 'concurrency'),
  drainTimeoutMs: num(values['drain-minutes'], 'drain-minutes') * 60_000,
  onPhase: (phase) => {
    if (bar && process.stdout.isTTY) process.stdout.write('\n');
    process.stdout.write(`${new Date().toISOString()} ${phase}\n`);
  },
  onLoad: (d, _p, plan) => {
    bar ??= progressBar(plan.single + plan.paid + plan.provinces * 34 + plan.bundle * 3);
    bar(d, 'dossiers accepted');
  },
});
if (process.stdout.isTTY) process.stdout.write('\n');
process.stdout.write(`${summary(report)}\n`);
if (values.report) writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);
process.exit(report.ok ? 0 : 1);
