/**
 * End to end through the local portal as a citizen and an agency see it: a dossier is asked for a
 * document, supplemented, approved, its electronic result downloaded through the presigned link, and
 * completed by the citizen — every step on the owner's timeline and the chain intact.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let token: string;
let secrets: AgencySecrets;

beforeAll(async () => {
  portal = await startTestPortal();
  token = await portal.token({ sub: 'e2e-lifecycle' });
  secrets = await readAgencySecrets(portal);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const { api, upload } = portalClient(() => portal.url);

/** A request as the citizen. */
const call = (method: string, path: string, body?: unknown, key?: string) =>
  api(method, path, { token, body, key });

/** An event bhxh-hn reports, which must be taken. */
async function report(event: Record<string, unknown>) {
  const res = await signedAgencyCall(portal, secrets, '/v1/agency/events', 'bhxh-hn', event);
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
  const uploadId = await upload(token, { bytes: Buffer.from('%PDF-1.7 the bi hong'), fileName: 'the.pdf' });
  const supplemented = await call(
    'POST',
    `/v1/dossiers/${code}/supplements`,
    { attachments: [{ documentType: 'damaged_card', uploadId }] },
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
