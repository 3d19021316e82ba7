/** `npm run bench`: per-Lambda bundle size and cold start, then local intake throughput. */
import { spawnSync } from 'node:child_process';
import { catalogSearch } from './catalog.js';
import { coldStarts } from './cold-start.js';
import { dispatchBench } from './dispatch.js';
import { nationalCatalog } from './national.js';
import { printSearchBench, searchBench } from './search.js';
import { throughput } from './throughput.js';

const started = Date.now();
console.log(
  `Cổng benchmarks — Node ${process.version}, runs per measurement: ${process.env.BENCH_RUNS ?? 7}`,
);
console.log('\nBundle size and cold start (fresh process: import + first invocation, stores stubbed)');
console.table(await coldStarts());
console.log('\nLocal intake throughput vs raw PutItem against the same DynamoDB Local');
console.table(await throughput());
console.log(
  '\nCatalog search over a generated 7,000-procedure catalog (in process) and the catalog cold start',
);
console.table(await catalogSearch());
console.log(
  '\nThe national catalog (curated + 2,849 imported entries): search, details from disk, cold start',
);
console.table(await nationalCatalog());
printSearchBench(await searchBench());
const dispatch = await dispatchBench();
console.log('\nOne submission to all 34 provinces (local portal; calls through the functions’ SDK clients)');
console.table(dispatch.oneSubmission);
console.table(dispatch.calls);
console.log('\nDispatcher throughput against the local agency simulator (from the queues to accepted)');
console.table(dispatch.throughput);
// Its own process: handler modules loaded by the portals above keep their first portal's settings
// (the notification outbox file), and the benches above switch abuse limits off, which a life counts.
const { CONG_RATE_LIMITS: _off, ...lifeEnv } = process.env;
const life = spawnSync('npx', ['tsx', 'test/bench/dossier-life-main.ts'], { stdio: 'inherit', env: lifeEnv });
if (life.status !== 0) throw new Error('the whole-life bench failed');
const drain = spawnSync('npx', ['tsx', 'test/bench/sla-drain-main.ts'], { stdio: 'inherit', env: lifeEnv });
if (drain.status !== 0) throw new Error('the SLA watcher bench failed');
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s`);
