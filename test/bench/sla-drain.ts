/**
 * The SLA watcher after a national peak: how fast it works through deadlines that lapsed together.
 * Dossiers are filed on the local portal and handed to an agency that holds them (never acknowledged);
 * the real watcher then runs as of a month later, when each dossier's acknowledgement and due date have
 * lapsed, as its schedule starts it: every part at once. Its calls through the functions' own SDK clients
 * are counted and, for a second cohort, its CPU time in a process of its own; with the assumed latency of
 * one AWS call in the Region (test/scale/report.ts) and Lambda's CPU share by memory they give the rate in
 * AWS, and what the runs one schedule starts handle before their reserve.
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SLA } from '../../functions/core/resources.js';
import { functions } from '../../functions/deployment.js';
import type { SlaReport } from '../../functions/sla/sla.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { AWS_CALL_MS } from '../scale/report.js';
import { bhytForm } from '../support/forms.js';
import { countCalls } from './call-counter.js';

/**
 * Files `n` dossiers of 1.002758 (no fee, no scan required) for the held agency and waits for each
 * delivery; `cohort` keeps the citizens and Idempotency-Keys of several batches apart.
 */
async function fileHeld(portal: LocalPortal, n: number, cohort = 'a'): Promise<string[]> {
  const codes: string[] = [];
  const before = portal.simulator.deliveries.length;
  for (let i = 0; i < n; i += 8) {
    const batch = Array.from({ length: Math.min(8, n - i) }, async (_, j) => {
      const token = await portal.token({ sub: `sla-drain-${cohort}-citizen-${i + j}` });
      const res = await fetch(`${portal.url}/v1/dossiers`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `sla-drain-${cohort}-${i + j}-0001`,
        },
        body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
      });
      const body = (await res.json()) as { dossiers?: { code: string }[] };
      if (res.status !== 201 || !body.dossiers)
        throw new Error(`submission: ${res.status} ${JSON.stringify(body)}`);
      return body.dossiers[0]!.code;
    });
    codes.push(...(await Promise.all(batch)));
  }
  for (const deadline = Date.now() + 60_000; ; ) {
    const delivered = new Set(
      portal.simulator.deliveries
        .slice(before)
        .filter((d) => d.status === 202)
        .map((d) => (d.payload as { dossierCode?: string }).dossierCode),
    );
    if (codes.every((c) => delivered.has(c))) return codes;
    if (Date.now() > deadline) throw new Error('the held agency was not sent every dossier');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The reports of the runs one schedule started, as one. */
function together(reports: SlaReport[]): SlaReport {
  const sum = (f: (r: SlaReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  return {
    at: reports[0]!.at,
    checked: sum((r) => r.checked),
    notified: {
      ack: sum((r) => r.notified.ack),
      due: sum((r) => r.notified.due),
      step: sum((r) => r.notified.step),
      remind: sum((r) => r.notified.remind),
    },
    alreadyNotified: sum((r) => r.alreadyNotified),
    cleared: sum((r) => r.cleared),
    errors: reports.flatMap((r) => r.errors),
    unfinished: sum((r) => r.unfinished),
  };
}

/** Lambda gives a function one vCPU at 1,769 MB of memory, and CPU in proportion below that. */
const LAMBDA_MB_PER_VCPU = 1769;
/** The watcher's memory before its schedule started parts. */
const BEFORE_MB = 256;

/** Waits until the portal's stream and queue pumps have held still for a while (the relays' writes landed). */
async function pumpsSettled(portal: LocalPortal, gapMs = 400, maxMs = 30_000) {
  const activity = () =>
    JSON.stringify([
      portal.pumps.stream.stats,
      portal.pumps.notificationStream.stats,
      portal.pumps.notifications.stats,
    ]);
  const deadline = Date.now() + maxMs;
  for (let last = activity(); ; ) {
    await new Promise((r) => setTimeout(r, gapMs));
    const now = activity();
    if (now === last || Date.now() > deadline) return;
    last = now;
  }
}

/**
 * The CPU a lapsed entry takes, in a process of its own (test/bench/sla-watch-cpu.ts), warm: a first cohort
 * of `dossiers` handled untimed; a schedule with nothing lapsed timed (the shard reads alone); then a
 * second cohort timed. The difference over the entries is their own CPU.
 */
async function cpuPerEntry(portal: LocalPortal, dossiers: number, at: Date) {
  await fileHeld(portal, dossiers, 'cpu-warm');
  await pumpsSettled(portal);
  const child = spawn(resolve('node_modules/.bin/tsx'), [resolve('test/bench/sla-watch-cpu.ts')], {
    env: { ...process.env, ...portal.env, POWERTOOLS_LOG_LEVEL: 'ERROR', SLA_WATCH_AT: at.toISOString() },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const timeout = setTimeout(() => child.kill(), 120_000);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  type Timed = { cpuMs: number; checked: number; errors: number; connections: number };
  const next = async (expected: number) => {
    const line = await lines.next();
    if (line.done) throw new Error('the timed watcher stopped early');
    const out = JSON.parse(line.value) as Timed;
    if (out.errors || out.checked !== expected)
      throw new Error(`a timed schedule handled ${out.checked} of ${expected} entries, ${out.errors} errors`);
    return out;
  };
  try {
    await next(2 * dossiers);
    child.stdin.write('go\n');
    const reads = await next(0);
    await fileHeld(portal, dossiers, 'cpu');
    await pumpsSettled(portal);
    child.stdin.write('go\n');
    const timed = await next(2 * dossiers);
    return { cpuMs: (timed.cpuMs - reads.cpuMs) / timed.checked, connections: timed.connections };
  } finally {
    clearTimeout(timeout);
    child.stdin.end();
    if (child.exitCode === null) child.kill();
    await exited;
  }
}

/**
 * Files `dossiers` held by their agency, then runs the watcher a month on as its schedule does (every
 * part at once) and counts its calls; with `cpu`, also times the same work's CPU in a process of its own.
 *
 * The rate in AWS, for the backlog after a peak (acknowledgements lapsing alone, every acknowledgement
 * shard busy): a run's busy lanes each take an entry after another, waiting for its calls (calls × the
 * latency of a call) and computing it (its CPU at the run's share of a vCPU, by memory); the run cannot go
 * faster than its CPU share allows, nor past one core (Node runs the handler on one thread). This
 * machine's CPU is taken for Lambda's. A schedule's rate is its runs' together.
 */
export async function slaDrain(portal: LocalPortal, dossiers: number, o: { cpu?: boolean } = {}) {
  portal.simulator.setMode('bhxh-hn', 'hold');
  try {
    await fileHeld(portal, dossiers);
    await pumpsSettled(portal);
    // The watcher's own calls (the relays it sets off are not its work).
    const counter = countCalls((fn) => fn?.endsWith('-slaWatcher') ?? false);
    const started = performance.now();
    const later = new Date(Date.now() + 31 * 86_400_000);
    const parts = Array.from({ length: SLA.watchParts }, (_, part) => portal.watchSla(later, part));
    const report = together(await Promise.all(parts).finally(counter.stop));
    const localMs = performance.now() - started;
    const calls = counter.byCall();
    const entries = report.checked;
    const shardQueries = 4 * SLA.shards;
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    // Every shard is read once (64 queries) and the data requests once; the rest is per entry. A lapsed
    // acknowledgement takes every call but the "overdue now" count of a due date.
    const perEntry = (total - shardQueries - 1) / entries;
    const perAck = (total - shardQueries - 1 - (calls['DynamoDB.TransactWriteItems'] ?? 0)) / entries;
    const table: Record<string, string | number> = {
      'dossiers filed, never acknowledged': dossiers,
      "lapsed entries handled by one schedule's runs": entries,
      'notified (ack / due)': `${report.notified.ack} / ${report.notified.due}`,
      'watcher calls, of which shard queries': `${total}, ${shardQueries}`,
      'calls per lapsed entry (per acknowledgement)': `${perEntry.toFixed(2)} (${perAck.toFixed(2)})`,
      'run here, ms (DynamoDB Local)': Math.round(localMs),
    };
    if (o.cpu) {
      const { cpuMs, connections } = await cpuPerEntry(portal, dossiers, later);
      // An acknowledgement's share: its calls' share of the average entry's.
      const ackCpuMs = (cpuMs * perAck) / perEntry;
      const rate = (memoryMb: number, lanes: number) => {
        const vcpu = Math.min(1, memoryMb / LAMBDA_MB_PER_VCPU);
        const byLanes =
          (Math.min(lanes, SLA.watchConcurrency) * 1000) / (perAck * AWS_CALL_MS + ackCpuMs / vcpu);
        return Math.min(byLanes, (vcpu * 1000) / ackCpuMs);
      };
      const memoryMb = functions.slaWatcher.memoryMb;
      const lanesPerRun = SLA.shards / SLA.watchParts;
      const perRun = rate(memoryMb, lanesPerRun);
      const schedule = SLA.watchParts * perRun;
      const runSeconds = functions.slaWatcher.timeoutSeconds - SLA.watchReserveMs / 1000;
      Object.assign(table, {
        'CPU ms per lapsed entry, shard reads aside (a process of its own, warm)': Number(cpuMs.toFixed(2)),
        'CPU ms per acknowledgement (its share of the calls)': Number(ackCpuMs.toFixed(2)),
        'connections the timed schedule opened': connections,
        [`acknowledgements/s a run handles (${lanesPerRun} shards busy, ${memoryMb} MB: ${(memoryMb / LAMBDA_MB_PER_VCPU).toFixed(2)} vCPU, ${AWS_CALL_MS} ms a call)`]:
          Math.round(perRun),
        [`acknowledgements/s, the schedule's ${SLA.watchParts} runs`]: Math.round(schedule),
        [`acknowledgements per schedule (${runSeconds} s before the reserve)`]: Math.round(
          schedule * runSeconds,
        ),
        [`acknowledgements per hour (a schedule every ${SLA.everyMinutes} min)`]: Math.round(
          schedule * runSeconds * (60 / SLA.everyMinutes),
        ),
        // Before the parts: one run over every shard, at 256 MB.
        [`acknowledgements/s, one run over all 64 shards at ${BEFORE_MB} MB (before)`]: Math.round(
          rate(BEFORE_MB, SLA.shards),
        ),
      });
    }
    return { report, calls, table };
  } finally {
    portal.simulator.setMode('bhxh-hn', 'normal');
  }
}

export async function slaDrainBench(dossiers = Number(process.env.SLA_DRAIN_DOSSIERS ?? 60)) {
  const { startLocalPortal } = await import('../../lib/local/portal.js');
  const portal = await startLocalPortal({
    port: 0,
    ephemeral: true,
    quiet: true,
    simulatorDelayMs: 0,
    reconcileIntervalMs: 0,
    slaIntervalMs: 0,
    escalationIntervalMs: 0,
  });
  try {
    return await slaDrain(portal, dossiers, { cpu: true });
  } finally {
    await portal.stop();
  }
}
