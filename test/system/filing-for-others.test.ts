/**
 * Filing for others against the local portal: a one-stop desk officer files for a citizen who saved a
 * profile → the citizen sees it in their account with the office that filed it, the agency simulator
 * receives the citizen ID in clear while the table holds only sealed values, the citizen is notified;
 * a citizen without an account is named back to VNeID; representatives of one enterprise share its
 * dossiers; an earlier scan is reused without uploading again, someone else's is refused.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { handlerLogs } from '../support/output-capture.js';
import { portalClient } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

const CITIZEN_ID = '036095001234';
const PHONE = '0978123456';
const DESK_AGENCY = 'ttpvhcc-01';
const DESK_NAME = 'Trung tâm Phục vụ hành chính công thành phố Hà Nội';

let portal: LocalPortal;
let db: DynamoDBDocumentClient;
let citizen: string;
let stranger: string;
let desk: string;
let rep1: string;
let rep2: string;
let repOther: string;
const logs = handlerLogs();
const captured = logs.lines;

beforeAll(async () => {
  // Everything logged while a desk officer files, the agency receives and the citizen is notified.
  logs.start();
  portal = await startTestPortal();
  db = portalDynamo(portal.env);
  citizen = await portal.token({ sub: 'filing-citizen', citizenId: CITIZEN_ID });
  stranger = await portal.token({ sub: 'filing-stranger' });
  desk = await portal.token({ sub: 'filing-desk-1', role: 'desk_officer', agencyId: DESK_AGENCY });
  rep1 = await portal.token({ sub: 'filing-rep-1', role: 'business', taxCode: '0107654321' });
  rep2 = await portal.token({ sub: 'filing-rep-2', role: 'business', taxCode: '0107654321' });
  repOther = await portal.token({ sub: 'filing-rep-3', role: 'business', taxCode: '0109999999' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  logs.stop();
});

const { api, uploadScan } = portalClient(() => portal.url);

const submit = (token: string, key: string, body: unknown) =>
  api('POST', '/v1/dossiers', { token, headers: { 'idempotency-key': key }, body });

const citizenForm = { ...bhytForm, fullName: 'Đặng Thị Mai', citizenId: CITIZEN_ID, phone: PHONE };

describe('a desk officer files for a citizen who saved a profile', () => {
  let code: string;

  beforeAll(async () => {
    const saved = await api('PUT', '/v1/me/profile', {
      token: citizen,
      body: {
        fullName: citizenForm.fullName,
        dateOfBirth: '1995-04-12',
        address: '12 Hàng Bài, Hoàn Kiếm, Hà Nội',
        phone: PHONE,
      },
    });
    expect(saved.status).toBe(201);
    const scan = await uploadScan(desk, 'the-bhyt-hong');
    const filed = await submit(desk, 'desk-filing-0001', {
      procedureCode: '1.002758',
      form: citizenForm,
      attachments: [{ documentType: 'damaged_card', uploadId: scan }],
      onBehalfOf: { citizenId: CITIZEN_ID },
    });
    expect(filed.status).toBe(201);
    code = filed.body.dossiers[0].code;
  }, 60_000);

  it('shows in the citizen’s account with the office that filed it, never the officer', async () => {
    const mine = await api('GET', '/v1/me/dossiers', { token: citizen });
    expect(mine.status).toBe(200);
    const item = mine.body.items.find((d: { code: string }) => d.code === code);
    expect(item.filedBy).toEqual({ role: 'desk_officer', agencyId: DESK_AGENCY, agencyName: DESK_NAME });

    const view = await api('GET', `/v1/dossiers/${code}`, { token: citizen });
    expect(view.status).toBe(200);
    expect(view.body.filedBy).toEqual(item.filedBy);
    expect(JSON.stringify(view.body)).not.toContain('filing-desk-1');
    expect(view.body.timeline[0].note).toContain(`bộ phận một cửa ${DESK_NAME}`);
    // Masked every day, in full only for the owner who asks.
    expect(view.body.form.citizenId).toBe('0360******34');
    expect(view.body.form.phone).toBe('09******56');
    const revealed = await api('GET', `/v1/dossiers/${code}?reveal=true`, { token: citizen });
    expect(revealed.body.form).toMatchObject({ citizenId: CITIZEN_ID, phone: PHONE });
  });

  it('is listed and tracked by the desk officer who filed it, masked; others cannot reach it', async () => {
    const filed = await api('GET', '/v1/me/dossiers', { token: desk });
    expect(filed.body.items.map((d: { code: string }) => d.code)).toContain(code);
    const tracked = await api('GET', `/v1/dossiers/${code}`, { token: desk });
    expect(tracked.status).toBe(200);
    expect(tracked.body.form.citizenId).toBe('0360******34');
    expect((await api('GET', `/v1/dossiers/${code}?reveal=true`, { token: desk })).status).toBe(403);
    expect((await api('GET', `/v1/dossiers/${code}`, { token: stranger })).status).toBe(404);
    const strangers = await api('GET', '/v1/me/dossiers', { token: stranger });
    expect(strangers.body.items).toEqual([]);
  });

  it('reaches the agency with the citizen ID in clear while the table holds it only sealed', async () => {
    const delivery = await until('the delivery to the agency', () =>
      portal.simulator.deliveries.find((d) => (d.payload as { dossierCode?: string })?.dossierCode === code),
    );
    const payload = delivery.payload as { form: Record<string, unknown>; filedAtDesk?: unknown };
    expect(payload.form.citizenId).toBe(CITIZEN_ID);
    expect(payload.form.phone).toBe(PHONE);
    expect(payload.filedAtDesk).toEqual({ agencyId: DESK_AGENCY });

    const raw = await db.send(
      new GetCommand({ TableName: portal.env.TABLE_NAME!, Key: { pk: `DOSSIER#${code}`, sk: 'DOSSIER' } }),
    );
    const text = JSON.stringify(raw.Item);
    expect(text).not.toContain(CITIZEN_ID);
    expect(text).not.toContain(PHONE);
    expect(raw.Item?.ownerSub).toBe('filing-citizen');
    expect(raw.Item?.filedBy).toEqual({ sub: 'filing-desk-1', role: 'desk_officer', agencyId: DESK_AGENCY });
    expect(Object.keys(raw.Item?.formSealed ?? {}).sort()).toEqual(['citizenId', 'phone']);
    expect(raw.Item?.formHashes?.citizenId).toMatch(/^[0-9a-f]{64}$/);
    const submission = await db.send(
      new GetCommand({
        TableName: portal.env.TABLE_NAME!,
        Key: { pk: `SUBMISSION#${raw.Item?.submissionId}`, sk: 'SUBMISSION' },
      }),
    );
    expect(submission.Item).toMatchObject({ ownerSub: 'filing-citizen', filedBy: raw.Item?.filedBy });
  });

  it("says in the agency's receipt that the dossier was filed at the desk", async () => {
    const received = await until('the receipt on the timeline', async () => {
      const view = await api('GET', `/v1/dossiers/${code}`, { token: citizen });
      return (view.body.timeline as { type: string; note?: string }[]).find(
        (e) => e.type === 'dossier.received',
      );
    });
    expect(received.note).toContain(`bộ phận một cửa ${DESK_NAME}`);
  });

  it('notifies the citizen at the phone in the form', async () => {
    const sent = await until(
      'the citizen notification',
      async () => {
        const res = await fetch(`${portal.url}/dev/outbox?dossierCode=${encodeURIComponent(code)}`);
        const items = ((await res.json()) as { items: { channel: string; to: string }[] }).items;
        return items.find((m) => m.channel === 'sms');
      },
      30_000,
    );
    expect(sent.to).toBe('+84978123456');
  });

  it('names VNeID sign-in when the citizen has no account, and refuses onBehalfOf from a citizen', async () => {
    const nobody = await submit(desk, 'desk-filing-0002', {
      procedureCode: '1.002758',
      form: { ...citizenForm, citizenId: '036095009999' },
      onBehalfOf: { citizenId: '036095009999' },
    });
    expect(nobody.status).toBe(422);
    expect(nobody.body.error.code).toBe('CITIZEN_ACCOUNT_NOT_FOUND');
    expect(nobody.body.error.message).toContain('VNeID');
    const notDesk = await submit(stranger, 'desk-filing-0003', {
      procedureCode: '1.002758',
      form: citizenForm,
      onBehalfOf: { citizenId: CITIZEN_ID },
    });
    expect(notDesk.status).toBe(403);
    expect(notDesk.body.error.code).toBe('ON_BEHALF_NOT_ALLOWED');
  });

  it('lets the citizen reuse the scan in a new dossier; someone else’s reference is refused', async () => {
    const docs = await api('GET', '/v1/me/documents', { token: citizen });
    const scan = docs.body.items.find((d: { dossierCode: string }) => d.dossierCode === code);
    expect(scan.documentId).toMatch(new RegExp(`^${code}~`));

    const body = {
      procedureCode: '1.002758',
      form: citizenForm,
      attachments: [{ documentType: 'damaged_card', documentId: scan.documentId }],
    };
    const again = await submit(citizen, 'reuse-0001', body);
    expect(again.status).toBe(201);
    const newCode = again.body.dossiers[0].code;
    const view = await api('GET', `/v1/dossiers/${newCode}`, { token: citizen });
    expect(view.body.attachments).toEqual([
      expect.objectContaining({ documentType: 'damaged_card', fileName: scan.fileName, size: scan.size }),
    ]);
    const raw = await db.send(
      new GetCommand({ TableName: portal.env.TABLE_NAME!, Key: { pk: `DOSSIER#${newCode}`, sk: 'DOSSIER' } }),
    );
    expect(raw.Item?.attachments[0].key).toMatch(new RegExp(`^dossiers/${newCode}/`));
    expect(raw.Item?.attachments[0].reusedFrom.dossierCode).toBe(code);
    // The agency receives it like any other scan.
    await until('the delivery of the dossier with the reused scan', () =>
      portal.simulator.deliveries.find(
        (d) => (d.payload as { dossierCode?: string })?.dossierCode === newCode,
      ),
    );

    const foreign = await submit(stranger, 'reuse-0002', body);
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('DOCUMENT_NOT_FOUND');
    expect(foreign.body.error.details).toEqual([{ path: 'attachments.0.documentId' }]);
  });
});

describe('business representatives of one enterprise', () => {
  it('share the enterprise’s dossiers; a representative of another enterprise sees none', async () => {
    const filed = await submit(rep1, 'rep-filing-0001', {
      procedureCode: '1.002758',
      form: { ...bhytForm },
      enterpriseTaxCode: '0109999999',
    });
    // The enterprise comes from the token only: naming it in the body is refused.
    expect(filed.status).toBe(400);
    const ok = await submit(rep1, 'rep-filing-0002', { procedureCode: '1.002758', form: { ...bhytForm } });
    expect(ok.status).toBe(201);
    const code = ok.body.dossiers[0].code;

    const seen = await api('GET', '/v1/me/dossiers', { token: rep2 });
    expect(seen.body.items).toEqual([expect.objectContaining({ code, enterpriseTaxCode: '0107654321' })]);
    const view = await api('GET', `/v1/dossiers/${code}`, { token: rep2 });
    expect(view.status).toBe(200);
    expect(view.body.enterpriseTaxCode).toBe('0107654321');
    expect((await api('GET', '/v1/me/dossiers', { token: repOther })).body.items).toEqual([]);
    expect((await api('GET', `/v1/dossiers/${code}`, { token: repOther })).status).toBe(404);
  });
});

describe('the logs', () => {
  it('never carry the citizen ID or phone number of a desk filing', () => {
    const text = captured.join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(CITIZEN_ID);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('84978123456');
  });
});
