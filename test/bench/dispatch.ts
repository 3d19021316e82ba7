/**
 * Delivery to agencies on the local portal: the AWS calls and wall time of one submission to all 34
 * provinces (POST until every province's system has accepted its dossier), and dispatcher throughput:
 * dossiers delivered per second once their messages are in the queues.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { findAgency } from '../../functions/registry/agencies.js';
import { type LocalPortal, startLocalPortal } from '../../lib/local/portal.js';
import { promotionNoticeForm } from '../support/forms.js';
import { countCalls } from './call-counter.js';

const THROUGHPUT_SUBMISSIONS = Number(process.env.BENCH_DISPATCH_SUBMISSIONS ?? 6);

async function uploadNotice(portal: LocalPortal, token: string) {
  const bytes = Buffer.from('%PDF-1.7 thong bao khuyen mai');
  const res = await fetch(`${portal.url}/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ fileName: 'thong-bao.pdf', contentType: 'application/pdf', size: bytes.length }),
  });
  const { url, fields, uploadId } = (await res.json()) as {
    url: string;
    fields: Record<string, string>;
    uploadId: string;
  };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'thong-bao.pdf');
  await (await fetch(url, { method: 'POST', body: form })).arrayBuffer();
  return uploadId;
}

async function submitToAll(portal: LocalPortal, token: string, key: string) {
  const uploadId = await uploadNotice(portal, token);
  const res = await fetch(`${portal.url}/v1/dossiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({
      procedureCode: '2.000033',
      form: promotionNoticeForm,
      attachments: [{ documentType: 'promotion_notice_form', uploadId }],
      destinations: 'all',
    }),
  });
  const body = (await res.json()) as { dossiers?: { code: string; agencyId: string }[] };
  if (res.status !== 201 || !body.dossiers) throw new Error(`submission failed: ${res.status}`);
  return body.dossiers;
}

/** Waits until the agencies have accepted a delivery of each dossier, counting from `from`. */
async function delivered(portal: LocalPortal, codes: ReadonlySet<string>, from: number, started: number) {
  for (;;) {
    const done = new Set(
      portal.simulator.deliveries
        .slice(from)
        .filter((d) => d.status === 202)
        .map((d) => (d.payload as { dossierCode?: string }).dossierCode),
    );
    if ([...codes].every((c) => done.has(c))) return;
    if (performance.now() - started > 120_000) throw new Error('deliveries did not arrive');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function accepted(portal: LocalPortal, webhookIds: ReadonlySet<string>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = portal.simulator.deliveries.filter(
      (d) => d.status === 202 && d.webhookId && webhookIds.has(d.webhookId),
    ).length;
    if (n >= webhookIds.size) return;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${webhookIds.size} deliveries accepted`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function dispatchBench() {
  // Measures the portal, not the abuse limits (one bench account submits far beyond them).
  process.env.CONG_RATE_LIMITS = 'off';
  const portal = await startLocalPortal({ port: 0, ephemeral: true, quiet: true, simulatorDelayMs: 50 });
  try {
    const token = await portal.token({ sub: 'bench-enterprise', role: 'business', taxCode: '0101234567' });
    const counter = countCalls();
    // Warm every handler once, so the measured submission pays no module loading.
    const warm = await submitToAll(portal, token, 'bench-warm');
    await delivered(portal, new Set(warm.map((d) => d.code)), 0, performance.now());
    await portal.simulator.idle();
    await new Promise((r) => setTimeout(r, 500));
    await portal.simulator.idle();

    counter.reset();
    const before = portal.simulator.deliveries.length;
    const started = performance.now();
    const dossiers = await submitToAll(portal, token, 'bench-one');
    const codes = new Set(dossiers.map((d) => d.code));
    const submitMs = performance.now() - started;
    await delivered(portal, codes, before, started);
    const deliveredMs = performance.now() - started;
    const callsToDelivery = counter.total();
    const byCallToDelivery = counter.byCall();
    // And the agencies' callbacks (received, in progress) for all 34.
    await portal.simulator.idle();
    const callsWithCallbacks = counter.total();

    // Throughput: the created dossiers queued again under fresh webhook ids, straight into the queues.
    const pool: { code: string; agencyId: string }[] = [...warm, ...dossiers];
    for (let i = 0; i < THROUGHPUT_SUBMISSIONS - 2; i++)
      pool.push(...(await submitToAll(portal, token, `bench-t${i}`)));
    await portal.simulator.idle();
    await new Promise((r) => setTimeout(r, 1_000));
    const urls = JSON.parse(portal.env.AGENCY_QUEUE_URLS!) as Record<string, string>;
    const byChannel = new Map<string, string[]>();
    const ids = new Set<string>();
    for (const d of pool) {
      const channel = findAgency(d.agencyId)!.channel;
      const webhookId = `msg_bench_${ids.size}_${d.code}`;
      ids.add(webhookId);
      const body = JSON.stringify({
        type: 'dossier.submitted',
        dossierCode: d.code,
        agencyId: d.agencyId,
        channel,
        webhookId,
      });
      byChannel.set(channel, [...(byChannel.get(channel) ?? []), body]);
    }
    const t0 = performance.now();
    await Promise.all(
      [...byChannel].map(async ([channel, bodies]) => {
        for (let i = 0; i < bodies.length; i += 10) {
          await portal.stores.clients.sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: urls[channel],
              Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })),
            }),
          );
        }
      }),
    );
    await accepted(portal, ids);
    const seconds = (performance.now() - t0) / 1000;
    // The agencies' callbacks for the resends finish before the portal stops.
    await portal.simulator.idle();

    return {
      oneSubmission: [
        { measure: 'POST /v1/dossiers (34 provinces) → 201 (ms)', value: +submitMs.toFixed(0) },
        { measure: 'POST → all 34 deliveries accepted (ms)', value: +deliveredMs.toFixed(0) },
        { measure: 'AWS calls by the functions until all delivered', value: callsToDelivery },
        { measure: 'AWS calls per dossier until delivered', value: +(callsToDelivery / 34).toFixed(1) },
        { measure: '… including the 68 agency callbacks', value: callsWithCallbacks },
      ],
      calls: byCallToDelivery,
      throughput: [
        {
          measure: `dossiers delivered from the queues (${ids.size} over ${byChannel.size} queues)`,
          value: ids.size,
        },
        { measure: 'seconds', value: +seconds.toFixed(2) },
        { measure: 'dossiers delivered per second', value: +(ids.size / seconds).toFixed(1) },
      ],
    };
  } finally {
    await portal.stop();
  }
}
