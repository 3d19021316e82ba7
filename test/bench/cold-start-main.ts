/** `npm run bench:cold`: only the per-Lambda bundle size and cold start table (BENCH_FUNCTIONS=a,b to pick). */
import { coldStarts } from './cold-start.js';

console.log(
  `Cold start per Lambda — Node ${process.version}, runs per measurement: ${process.env.BENCH_RUNS ?? 7}`,
);
console.table(await coldStarts());
