/**
 * The SLA watcher's schedule — every part at once, as EventBridge starts them — in a process of its own,
 * for the CPU time it takes: started by test/bench/sla-drain.ts with the local portal's environment and
 * the instant to run as of (SLA_WATCH_AT). A schedule runs at once (the parent has filed a first cohort,
 * so the code, its connections and the compiler warm up), and again each time a line arrives on stdin;
 * each prints its CPU ms, the entries it handled, its errors and the connections it opened as a line of
 * JSON.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { SLA } from '../../functions/core/resources.js';
import { handler } from '../../functions/sla/watcher.js';

const at = process.env.SLA_WATCH_AT;
if (!at) throw new Error('SLA_WATCH_AT is required');
let connections = 0;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  connections++;
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof connect;

const schedule = async () => {
  const before = process.cpuUsage();
  const opened = connections;
  const reports = await Promise.all(
    Array.from({ length: SLA.watchParts }, (_, part) => handler({ part, now: at })),
  );
  const used = process.cpuUsage(before);
  return {
    cpuMs: (used.user + used.system) / 1000,
    checked: reports.reduce((a, r) => a + r.checked, 0),
    errors: reports.reduce((a, r) => a + r.errors.length, 0),
    connections: connections - opened,
  };
};

console.log(JSON.stringify(await schedule()));
for await (const _ of createInterface({ input: process.stdin }))
  console.log(JSON.stringify(await schedule()));
