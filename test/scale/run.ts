/**
 * `npm run scale`: the country filing at once. Drives the real handlers at a national peak against a
 * store that enforces DynamoDB's per-partition limits, in virtual time; prints the hottest partitions,
 * throttles, queues, latencies and the Lambda concurrency needed, and writes the whole report as JSON.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const HELP = `npm run scale -- [options]

  --rate N         submissions per second at the peak (default 5000)
  --seconds N      length of the peak in seconds (default 600)
  --scale F        fraction of the peak's seconds simulated at full rate (default 0.01 → 6 virtual s)
  --readers N      citizens reading at once: tracking, their dossiers, search (default 120000)
  --think S        seconds between two requests of one reader (default 10)
  --hot-share F    share of submissions for the one hot procedure (default 0.6)
  --in-flight N    requests in flight in this process (default 64; machine load only)
  --table-quota N  the table's write quota, units/s (an on-demand table's default is 40000; default: none)
  --top N          partitions listed per index (default 10)
  --report FILE    write the full report as JSON
  --help           this text

Every simulated second carries the full rate; per-partition figures are per virtual second and are
not scaled. See the report's "extrapolation" for what the slice does and does not capture.`;

const { values } = parseArgs({
  options: {
    rate: { type: 'string' },
    seconds: { type: 'string' },
    scale: { type: 'string' },
    readers: { type: 'string' },
    think: { type: 'string' },
    'hot-share': { type: 'string' },
    'in-flight': { type: 'string' },
    top: { type: 'string' },
    'table-quota': { type: 'string' },
    report: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const num = (v: string | undefined, name: string, min: number, max: number) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}\n\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const options = Object.fromEntries(
  Object.entries({
    rate: num(values.rate, 'rate', 1, 100_000),
    seconds: num(values.seconds, 'seconds', 1, 86_400),
    scale: num(values.scale, 'scale', 0.000001, 1),
    readers: num(values.readers, 'readers', 0, 10_000_000),
    thinkSeconds: num(values.think, 'think', 0.1, 3600),
    hotShare: num(values['hot-share'], 'hot-share', 0, 1),
    inFlight: num(values['in-flight'], 'in-flight', 1, 1024),
    tableWriteQuota: num(values['table-quota'], 'table-quota', 1, 10_000_000),
  }).filter(([, v]) => v !== undefined),
);
const top = num(values.top, 'top', 1, 1000) ?? 10;

// The handlers' loggers read their level when first imported.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { runSimulation } = await import('./simulation.js');
const { buildReport, printReport } = await import('./report.js');

const started = Date.now();
const bar = (done: number, of: number, requests: number) => {
  const width = 30;
  const filled = Math.round((done / of) * width);
  const elapsed = (Date.now() - started) / 1000;
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${of} virtual s · ${requests} requests · ${elapsed.toFixed(0)} s`,
  );
};
const result = await runSimulation({
  ...options,
  onProgress: (p) => bar(p.second, p.of, p.requests),
});
process.stderr.write('\n');
const report = buildReport(result, top);
printReport(report);
if (values.report) {
  await writeFile(values.report, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nreport written to ${values.report}`);
}
