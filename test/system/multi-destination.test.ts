/** A promotion notice to every province: one submission, one dossier per province, each delivered. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { promotionNoticeForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let token: string;

beforeAll(async () => {
  portal = await startTestPortal();
  token = await portal.token({ sub: 'enterprise-rep', role: 'business', taxCode: '0101234567' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const { api, upload } = portalClient(() => portal.url);

const call = (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  bearer = token,
) => api(method, path, { token: bearer, body, headers });

const uploadNotice = () =>
  upload(token, { bytes: Buffer.from('%PDF-1.7 thong bao khuyen mai'), fileName: 'thong-bao.pdf' });

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
