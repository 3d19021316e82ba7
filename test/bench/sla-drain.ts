/**
 * The SLA watcher after a national peak: how fast it works through deadlines that lapsed together.
 * Dossiers are filed on the local portal and handed to an agency that holds them (never acknowledged);
 * the real watcher then runs as of a month later, when each dossier's acknowledgement and due date have
 * lapsed. Its calls through the functions' own SDK clients are counted, and with the assumed latency of
 * one AWS call in the Region (test/scale/report.ts) they give the rate of one run in AWS:
 * concurrency ÷ (calls per entry × latency), and what one run handles before its reserve.
 */

import { SLA } from '../../functions/core/resources.js';
import { functions } from '../../functions/deployment.js';
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

/** Files `dossiers` held by their agency, then runs the watcher a month on and counts its calls. */
export async function slaDrain(portal: LocalPortal, dossiers: number) {
  portal.simulator.setMode('bhxh-hn', 'hold');
  try {
    await fileHeld(portal, dossiers);
    // The watcher's own calls (the relays it sets off are not its work).
    const counter = countCalls((fn) => fn?.endsWith('-slaWatcher') ?? false);
    const started = performance.now();
    const report = await portal.watchSla(new Date(Date.now() + 31 * 86_400_000)).finally(counter.stop);
    const localMs = performance.now() - started;
    const calls = counter.byCall();
    const entries = report.checked;
    const shardQueries = 4 * SLA.shards;
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    // Every shard is read once (64 queries) and the data requests once; the rest is per entry.
    const perEntry = (total - shardQueries - 1) / entries;
    const perSecond = SLA.watchConcurrency * (1000 / (perEntry * AWS_CALL_MS));
    const runSeconds = functions.slaWatcher.timeoutSeconds - SLA.watchReserveMs / 1000;
    return {
      report,
      calls,
      table: {
        'dossiers filed, never acknowledged': dossiers,
        'lapsed entries handled in one run': entries,
        'notified (ack / due)': `${report.notified.ack} / ${report.notified.due}`,
        'watcher calls, of which shard queries': `${total}, ${shardQueries}`,
        'calls per lapsed entry': Number(perEntry.toFixed(2)),
        'run here, ms (DynamoDB Local)': Math.round(localMs),
        [`entries/s in AWS (${SLA.watchConcurrency} shards at once, ${AWS_CALL_MS} ms a call)`]:
          Math.round(perSecond),
        [`entries per run (${runSeconds} s before the reserve)`]: Math.round(perSecond * runSeconds),
        [`entries per hour (a run every ${SLA.everyMinutes} min)`]: Math.round(
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
