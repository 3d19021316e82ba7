/** A promotion notice to every province: one submission, one dossier per province, each delivered. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPortal, startLocalPortal } from '../../lib/local/portal.js';
import { promotionNoticeForm } from '../support/forms.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let token: string;

beforeAll(async () => {
  portal = await startLocalPortal({ port: 0, ephemeral: true, quiet: true, simulatorDelayMs: 20 });
  token = await portal.token({ sub: 'enterprise-rep', role: 'business', taxCode: '0101234567' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  bearer = token,
) {
  const res = await fetch(`${portal.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { [k: string]: never } };
}

async function uploadNotice() {
  const bytes = Buffer.from('%PDF-1.7 thong bao khuyen mai');
  const created = await call('POST', '/v1/uploads', {
    fileName: 'thong-bao.pdf',
    contentType: 'application/pdf',
    size: bytes.length,
  });
  const { url, fields, uploadId } = created.body as unknown as {
    url: string;
    fields: Record<string, string>;
    uploadId: string;
  };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'thong-bao.pdf');
  expect((await fetch(url, { method: 'POST', body: form })).status).toBeLessThan(300);
  return uploadId;
}

describe('POST /v1/dossiers with destinations "all"', () => {
  it('creates 34 dossiers, delivers each to its province and aggregates them per submission', async () => {
    const uploadId = await uploadNotice();
    const res = await call(
      'POST',
      '/v1/dossiers',
      {
        procedureCode: '2.000033',
        form: promotionNoticeForm,
        attachments: [{ documentType: 'promotion_notice_form', uploadId }],
        destinations: 'all',
      },
      { 'idempotency-key': 'notice-all-0001' },
    );
    expect(res.status).toBe(201);
    const body = res.body as unknown as {
      submissionId: string;
      dossiers: { code: string; agencyId: string }[];
    };
    expect(body.dossiers).toHaveLength(34);
    expect(new Set(body.dossiers.map((d) => d.agencyId)).size).toBe(34);

    const view = await until(
      'every province to take its dossier up',
      async () => {
        const r = await call('GET', `/v1/submissions/${body.submissionId}`);
        const byStatus = (r.body as unknown as { byStatus: Record<string, number> }).byStatus;
        return byStatus.in_progress === 34 ? r.body : undefined;
      },
      60_000,
    );
    expect((view as unknown as { dossiers: unknown[] }).dossiers).toHaveLength(34);
    const delivered = new Set(
      portal.simulator.deliveries.map((d) => (d.payload as { dossierCode?: string }).dossierCode),
    );
    for (const d of body.dossiers) expect(delivered.has(d.code), d.code).toBe(true);

    const stranger = await portal.token({ sub: 'someone-else' });
    expect((await call('GET', `/v1/submissions/${body.submissionId}`, undefined, {}, stranger)).status).toBe(
      404,
    );
  }, 90_000);
});
