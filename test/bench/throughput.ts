/**
 * Local intake throughput next to raw PutItem throughput against the same DynamoDB Local, as a ratio:
 * how much of the store's write capacity a full submission (validation, idempotency, code allocation,
 * one transaction of five items, with the outbox relay and dispatcher running) keeps.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalPortal } from '../../lib/local/portal.js';
import { bhytForm as form } from '../support/forms.js';
import { portalDynamo } from '../support/portal-clients.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** Runs `task` from CONCURRENCY loops for SECONDS; returns successes per second and failures. */
async function load(task: (worker: number, n: number) => Promise<boolean>) {
  const until = Date.now() + SECONDS * 1000;
  let ok = 0;
  let failed = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let n = 0; Date.now() < until; n++) {
        if (await task(worker, n).catch(() => false)) ok++;
        else failed++;
      }
    }),
  );
  return { perSecond: ok / ((Date.now() - started) / 1000), failed };
}

export async function throughput() {
  // Measures the portal, not the abuse limits (one bench account submits far beyond them).
  process.env.CONG_RATE_LIMITS = 'off';
  const portal = await startLocalPortal({ port: 0, ephemeral: true, quiet: true, simulatorDelayMs: 50 });
  try {
    const token = await portal.token({ sub: 'bench-citizen' });
    const run = Date.now().toString(36);
    const intake = await load(async (worker, n) => {
      const res = await fetch(`${portal.url}/v1/dossiers`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `bench-${run}-${worker}-${n}`,
        },
        body: JSON.stringify({ procedureCode: '1.002758', form, attachments: [] }),
      });
      await res.arrayBuffer();
      return res.status === 201;
    });
    // Let the relay, dispatcher and simulated agencies finish, so PutItem is measured on a quiet store.
    await portal.simulator.idle();

    const { env } = portal;
    const db = portalDynamo(env);
    const raw = await load(async (worker, n) => {
      await db.send(
        new PutCommand({
          TableName: env.TABLE_NAME,
          Item: { pk: `BENCH#${run}#${worker}#${n}`, sk: 'BENCH', form, createdAt: new Date().toISOString() },
        }),
      );
      return true;
    });
    return [
      {
        measure: 'intake: POST /v1/dossiers → 201 (req/s)',
        value: +intake.perSecond.toFixed(1),
        failed: intake.failed,
      },
      { measure: 'raw PutItem (items/s)', value: +raw.perSecond.toFixed(1), failed: raw.failed },
      { measure: 'ratio intake / PutItem', value: +(intake.perSecond / raw.perSecond).toFixed(3), failed: 0 },
      { measure: `(${CONCURRENCY} concurrent clients, ${SECONDS} s each)`, value: NaN, failed: 0 },
    ];
  } finally {
    await portal.stop();
  }
}
