/**
 * `npm run fuzz`: hostile requests against every route of the local portal's OpenAPI document.
 *
 *   --runs N            requests per route (default 10000, or FUZZ_RUNS)
 *   --seed S            the campaign's seed (default: random, printed; or FUZZ_SEED)
 *   --only a,b          operationIds (or "METHOD /path") to attack
 *   --concurrency N     requests in flight (default 16)
 *   --quiet-samples N   requests per route checked alone against a table digest (default 3)
 *   --rate-limits       keep the abuse limits on (off by default, so they do not mask behaviour)
 *   --replay ID --seed S --path P   send one failing case again (and shrink it)
 * Exits non-zero on any violation.
 */
import { parseArgs } from 'node:util';
import { Campaign } from './campaign.js';
import { describeWire, materialize } from './cases.js';
import { startFixtures } from './fixtures.js';
import { formatReport } from './report.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    only: { type: 'string' },
    concurrency: { type: 'string' },
    'quiet-samples': { type: 'string' },
    'rate-limits': { type: 'boolean' },
    replay: { type: 'string' },
    path: { type: 'string' },
  },
});

const runs = Number(values.runs ?? process.env.FUZZ_RUNS ?? 10_000);
const seed = Number(values.seed ?? process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const concurrency = Number(values.concurrency ?? 16);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || !Number.isInteger(concurrency))
  throw new Error('--runs, --seed and --concurrency take integers');

const t0 = Date.now();
console.log(`Cổng fuzz — starting the local portal and its fixtures (seed ${seed})`);
const fx = await startFixtures({ rateLimits: values['rate-limits'] ?? false });
const campaign = await Campaign.against(fx, concurrency);
console.log(
  `ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${campaign.operations.length} operations in /openapi.json`,
);
let exitCode = 0;
try {
  if (values.replay) {
    const op = campaign.operation(values.replay);
    const path = values.path ?? '0';
    const shrunk = await campaign.shrink(op, seed, path, 'server-error', 60_000);
    if (shrunk) {
      console.log(`still fails (path ${shrunk.path}):\n${shrunk.outcome.wire}\n< ${shrunk.outcome.response}`);
      exitCode = 1;
    } else {
      const [c] = (await import('fast-check')).default.sample(campaign.arbitrary(op), {
        seed,
        path,
        numRuns: 1,
      });
      const o = await campaign.exchange(op, c!);
      console.log(`${describeWire(materialize(op, c!, fx).wire)}\n< ${o.response}`);
      exitCode = o.violation ? 1 : 0;
    }
  } else {
    const report = await campaign.run({
      runs,
      seed,
      concurrency,
      only: values.only
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      quietSamples: Number(values['quiet-samples'] ?? 3),
      onFailure: ({ route, kind, status, labels }) =>
        console.log(`  ✗ ${route}: ${kind} (${status}) — tricks: ${labels.join(', ') || 'none'}`),
      onProgress: ({ done, total, serverErrors, elapsedMs }) => {
        const rate = done / (elapsedMs / 1000 || 1);
        const eta = rate ? (total - done) / rate : 0;
        console.log(
          `  ${done}/${total} requests (${((done / total) * 100).toFixed(1)}%), ${rate.toFixed(0)}/s, ` +
            `${serverErrors} server errors, about ${Math.ceil(eta / 60)} min left`,
        );
      },
    });
    console.log(`\n${formatReport(report)}`);
    exitCode = report.violations ? 1 : 0;
  }
} finally {
  campaign.close();
  await fx.stop();
}
process.exit(exitCode);
