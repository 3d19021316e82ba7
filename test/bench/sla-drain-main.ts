/** The SLA watcher section of `npm run bench`, in a process of its own (one local portal per process). */
import { slaDrainBench } from './sla-drain.js';

const drain = await slaDrainBench();
console.log(
  '\nThe SLA watcher after a peak: deadlines lapsed together, worked through by the runs one schedule starts',
);
console.table(drain.table);
console.table(drain.calls);
process.exit(0);
