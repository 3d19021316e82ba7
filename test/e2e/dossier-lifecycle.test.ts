/**
 * End to end through the local portal as a citizen and an agency see it: a dossier is asked for a
 * document, supplemented, approved, its electronic result downloaded through the presigned link, and
 * completed by the citizen — every step on the owner's timeline and the chain intact.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findAgency } from '../../functions/catalog/agencies.js';
import { AGENCY_HEADER, signWebhook } from '../../functions/core/webhooks.js';
import { type LocalPortal, startLocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let token: string;
let secret: string;

beforeAll(async () => {
  portal = await startLocalPortal({ port: 0, ephemeral: true, quiet: true, simulatorDelayMs: 20 });
  token = await portal.token({ sub: 'e2e-lifecycle' });
  const secrets = JSON.parse(await readFile(portal.env.AGENCY_SECRETS_FILE!, 'utf8'));
  secret = secrets[findAgency('bhxh-hn')!.channel][0];
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

async function call(method: string, path: string, body?: unknown, key?: string) {
  const res = await fetch(`${portal.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as ReturnType<typeof JSON.parse> };
}

let n = 0;
async function report(event: Record<string, unknown>) {
  const body = JSON.stringify({ eventId: `evt-e2e-life-${++n}`, ...event });
  const res = await fetch(`${portal.url}/v1/agency/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [AGENCY_HEADER]: 'bhxh-hn',
      ...signWebhook(secret, `msg_e2e_${n}`, body),
    },
    body,
  });
  expect(res.status).toBe(200);
}

it('supplement → approval → electronic result downloaded → completed', async () => {
  const submitted = await call(
    'POST',
    '/v1/dossiers',
    { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    'e2e-life-0001',
  );
  expect(submitted.status).toBe(201);
  const code = submitted.body.dossiers[0].code as string;
  await until('the agency to take the dossier up', async () =>
    (await call('GET', `/v1/dossiers/${code}`)).body.status === 'in_progress' ? true : undefined,
  );

  await report({
    type: 'dossier.supplement_requested',
    dossierCode: code,
    missingDocuments: ['damaged_card'],
    supplementDueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  });
  const bytes = Buffer.from('%PDF-1.7 the bi hong');
  const upload = await call('POST', '/v1/uploads', {
    fileName: 'the.pdf',
    contentType: 'application/pdf',
    size: bytes.length,
  });
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.body.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'the.pdf');
  expect((await fetch(upload.body.url, { method: 'POST', body: form })).status).toBeLessThan(300);
  const supplemented = await call(
    'POST',
    `/v1/dossiers/${code}/supplements`,
    { attachments: [{ documentType: 'damaged_card', uploadId: upload.body.uploadId }] },
    'e2e-life-0002',
  );
  expect(supplemented.status).toBe(201);
  await until('the agency to receive the supplement', () =>
    portal.simulator.deliveries.find(
      (d) =>
        (d.payload as { type?: string; dossierCode?: string }).type === 'dossier.supplemented' &&
        (d.payload as { dossierCode?: string }).dossierCode === code,
    ),
  );

  const result = Buffer.from('%PDF-1.7 the BHYT dien tu');
  await report({ type: 'dossier.approved', dossierCode: code });
  await report({
    type: 'dossier.result_issued',
    dossierCode: code,
    result: {
      kind: 'electronic',
      fileName: 'the-bhyt.pdf',
      contentType: 'application/pdf',
      contentBase64: result.toString('base64'),
    },
  });
  const link = await call('GET', `/v1/dossiers/${code}/result`);
  expect(link.status).toBe(200);
  const download = await fetch(link.body.url);
  expect(Buffer.from(await download.arrayBuffer())).toEqual(result);
  expect((await call('POST', `/v1/dossiers/${code}/received-result`)).body.status).toBe('completed');

  const view = await call('GET', `/v1/dossiers/${code}`);
  expect(view.body.timeline.map((e: { status: string }) => e.status)).toEqual([
    'submitted',
    'received',
    'in_progress',
    'supplement_requested',
    'supplemented',
    'approved',
    'result_issued',
    'completed',
  ]);
  expect((await call('GET', `/v1/dossiers/${code}/timeline/verify`)).body.intact).toBe(true);
}, 60_000);
