/**
 * The SLA watcher after a national peak: how fast it works through deadlines that lapsed together.
 * Dossiers are filed on the local portal and handed to an agency that holds them (never acknowledged);
 * the real watcher then runs as of a month later, when each dossier's acknowledgement and due date have
 * lapsed, as its schedule starts it: every part at once. Its calls through the functions' own SDK clients
 * are counted, and with the assumed latency of one AWS call in the Region (test/scale/report.ts) they give
 * the rate in AWS: shards worked on at once ÷ (calls per entry × latency), and what the runs one schedule
 * starts handle before their reserve.
 */

import { SLA } from '../../functions/core/resources.js';
import { functions } from '../../functions/deployment.js';
import type { SlaReport } from '../../functions/sla/sla.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { AWS_CALL_MS } from '../scale/report.js';
import { bhytForm } from '../support/forms.js';
import { countCalls } from './call-counter.js';

/** Files `n` dossiers of 1.002758 (no fee, no scan required) for the held agency and waits for each delivery. */
async function fileHeld(portal: LocalPortal, n: number): Promise<string[]> {
  const codes: string[] = [];
  const before = portal.simulator.deliveries.length;
  for (let i = 0; i < n; i += 8) {
    const batch = Array.from({ length: Math.min(8, n - i) }, async (_, j) => {
      const token = await portal.token({ sub: `sla-drain-citizen-${i + j}` });
      const res = await fetch(`${portal.url}/v1/dossiers`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `sla-drain-${i + j}-0001`,
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

/**
 * Files `dossiers` held by their agency, then runs the watcher a month on as its schedule does (every
 * part at once) and counts its calls.
 */
export async function slaDrain(portal: LocalPortal, dossiers: number) {
  portal.simulator.setMode('bhxh-hn', 'hold');
  try {
    await fileHeld(portal, dossiers);
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
    // Every shard is read once (64 queries) and the data requests once; the rest is per entry.
    const perEntry = (total - shardQueries - 1) / entries;
    // Each part works on all of its lanes at once, up to its concurrency.
    const lanesAtOnce = SLA.watchParts * Math.min(SLA.watchConcurrency, shardQueries / SLA.watchParts);
    const perSecond = lanesAtOnce * (1000 / (perEntry * AWS_CALL_MS));
    const runSeconds = functions.slaWatcher.timeoutSeconds - SLA.watchReserveMs / 1000;
    return {
      report,
      calls,
      table: {
        'dossiers filed, never acknowledged': dossiers,
        "lapsed entries handled by one schedule's runs": entries,
        'notified (ack / due)': `${report.notified.ack} / ${report.notified.due}`,
        'watcher calls, of which shard queries': `${total}, ${shardQueries}`,
        'calls per lapsed entry': Number(perEntry.toFixed(2)),
        'run here, ms (DynamoDB Local)': Math.round(localMs),
        [`entries/s in AWS (${SLA.watchParts} runs, ${lanesAtOnce} shards at once, ${AWS_CALL_MS} ms a call)`]:
          Math.round(perSecond),
        [`entries per schedule (${runSeconds} s before the reserve)`]: Math.round(perSecond * runSeconds),
        [`entries per hour (a schedule every ${SLA.everyMinutes} min)`]: Math.round(
          perSecond * runSeconds * (60 / SLA.everyMinutes),
        ),
      },
    };
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
    return await slaDrain(portal, dossiers);
  } finally {
    await portal.stop();
  }
}
