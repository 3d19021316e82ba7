/**
 * The account routes against their handlers on DynamoDB Local and local S3: the profile sealed at rest and masked when read, its
 * version guarding replacements, each person seeing only their own, and the raw identifiers never in
 * the logs; my dossiers, my documents and the export.
 */

import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../functions/core/working-days.js';
import { bhytForm, licenceForm } from '../support/forms.js';
import { handlerLogs } from '../support/output-capture.js';
import { type LocalRoutes, startLocalRoutes } from './support/routes.js';
import { sharedDocumentClient } from './support/store.js';

const CITIZEN_ID = '079203004567';
const PHONE = '0356789012';
const profile = {
  fullName: 'Phạm Minh Châu',
  dateOfBirth: '1993-07-21',
  address: '45 Lê Lợi, Quận 1, TP. Hồ Chí Minh',
  phone: PHONE,
  email: 'chau@example.vn',
};

let portal: LocalRoutes;
let db: DynamoDBDocumentClient;
let tokenA: string;
let tokenB: string;
const logs = handlerLogs();
const captured = logs.lines;

beforeAll(async () => {
  // Everything the handlers log during the run, to prove the raw numbers never reach it.
  logs.start();
  portal = await startLocalRoutes({ s3: true });
  db = sharedDocumentClient(portal.store);
  tokenA = await portal.token({ sub: 'me-citizen-a', citizenId: CITIZEN_ID });
  tokenB = await portal.token({ sub: 'me-citizen-b', citizenId: '079203007654' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  logs.stop();
});

const api: LocalRoutes['api'] = (...args) => portal.api(...args);
const uploadScan: LocalRoutes['uploadScan'] = (...args) => portal.uploadScan(...args);

const submit = (token: string, key: string, body: unknown) =>
  api('POST', '/v1/dossiers', { token, headers: { 'idempotency-key': key }, body });

describe('my profile', () => {
  it('is created, read masked, revealed only to its owner, and sealed at rest', async () => {
    expect((await api('GET', '/v1/me/profile', { token: tokenA })).status).toBe(404);
    const created = await api('PUT', '/v1/me/profile', { token: tokenA, body: profile });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ citizenId: '0792******67', phone: '03******12', version: 1 });

    const masked = await api('GET', '/v1/me/profile', { token: tokenA });
    expect(masked.body).toMatchObject({
      fullName: profile.fullName,
      citizenId: '0792******67',
      phone: '03******12',
    });
    const revealed = await api('GET', '/v1/me/profile?reveal=true', { token: tokenA });
    expect(revealed.body).toMatchObject({ citizenId: CITIZEN_ID, phone: PHONE, email: profile.email });

    expect((await api('GET', '/v1/me/profile?reveal=true', { token: tokenB })).status).toBe(404);

    const item = await db.send(
      new GetCommand({
        TableName: portal.env.TABLE_NAME,
        Key: { pk: 'PROFILE#me-citizen-a', sk: 'PROFILE' },
      }),
    );
    const raw = JSON.stringify(item.Item);
    expect(raw).not.toContain(CITIZEN_ID);
    expect(raw).not.toContain(PHONE);
    expect(item.Item?.citizenIdHash).toMatch(/^[0-9a-f]{64}$/);
    // The number is claimed for this account under its keyed hash, never in clear.
    const claim = await db.send(
      new GetCommand({
        TableName: portal.env.TABLE_NAME,
        Key: { pk: `CITIZENID#${item.Item?.citizenIdHash}`, sk: 'CLAIM' },
      }),
    );
    expect(claim.Item?.ownerSub).toBe('me-citizen-a');
    expect(JSON.stringify(claim.Item)).not.toContain(CITIZEN_ID);
  });

  it('needs the version read to replace it, and refuses a stale one', async () => {
    const changed = { ...profile, address: '1 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh' };
    const missing = await api('PUT', '/v1/me/profile', { token: tokenA, body: changed });
    expect(missing.status).toBe(428);
    expect(missing.body.error.code).toBe('PRECONDITION_REQUIRED');

    const ok = await api('PUT', '/v1/me/profile', {
      token: tokenA,
      body: changed,
      headers: { 'if-match': '"1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);

    const stale = await api('PUT', '/v1/me/profile', {
      token: tokenA,
      body: { ...changed, fullName: 'Phạm Minh Chí' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({ code: 'PRECONDITION_FAILED', messageVi: expect.any(String) });

    // The same body again is a no-op, whatever version it names: a retried PUT succeeds.
    const retry = await api('PUT', '/v1/me/profile', {
      token: tokenA,
      body: changed,
      headers: { 'if-match': '"1"' },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(2);
  });

  it('validates every field and refuses unknown ones', async () => {
    const bad = await api('PUT', '/v1/me/profile', {
      token: tokenB,
      body: { ...profile, phone: '0123', dateOfBirth: '2999-01-01' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.dateOfBirth',
      'body.phone',
    ]);
    const extra = await api('PUT', '/v1/me/profile', { token: tokenB, body: { ...profile, version: 7 } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details[0].code).toBe('unrecognized_keys');
  });
});

describe('my dossiers and documents', () => {
  const codes: string[] = [];

  beforeAll(async () => {
    const licence = await uploadScan(tokenA, 'giay-phep-lai-xe');
    const health = await uploadScan(tokenA, 'giay-kham-suc-khoe');
    const withScans = await submit(tokenA, 'me-key-0001', {
      procedureCode: '1.002804',
      form: { ...licenceForm, citizenId: CITIZEN_ID },
      attachments: [
        { documentType: 'current_licence', uploadId: licence },
        { documentType: 'health_certificate', uploadId: health },
      ],
    });
    expect(withScans.status).toBe(201);
    codes.push(withScans.body.dossiers[0].code);
    for (const n of [2, 3]) {
      const r = await submit(tokenA, `me-key-000${n}`, {
        procedureCode: '1.002758',
        form: { ...bhytForm, citizenId: CITIZEN_ID },
        attachments: [],
      });
      expect(r.status).toBe(201);
      codes.push(r.body.dossiers[0].code);
    }
    const other = await submit(tokenB, 'me-key-0009', {
      procedureCode: '1.002758',
      form: { ...bhytForm, citizenId: '079203007654' },
      attachments: [],
    });
    expect(other.status).toBe(201);
  }, 60_000);

  it('lists mine newest first, filters, pages and refuses a bad cursor', async () => {
    const all = await api('GET', '/v1/me/dossiers', { token: tokenA });
    expect(all.status).toBe(200);
    expect(all.body.items.map((d: { code: string }) => d.code)).toEqual([...codes].reverse());
    expect(all.body.items[0]).toEqual({
      code: codes[2],
      procedureCode: '1.002758',
      procedureName: expect.any(String),
      agencyId: expect.any(String),
      agencyName: expect.any(String),
      status: expect.any(String),
      submittedAt: expect.any(String),
      dueAt: expect.any(String),
      overdue: false,
    });
    expect(all.body.nextCursor).toBeNull();

    const licences = await api('GET', '/v1/me/dossiers?procedure=1.002804', { token: tokenA });
    expect(licences.body.items.map((d: { code: string }) => d.code)).toEqual([codes[0]]);
    const none = await api('GET', '/v1/me/dossiers?status=completed', { token: tokenA });
    expect(none.body.items).toEqual([]);

    const first = await api('GET', '/v1/me/dossiers?limit=2', { token: tokenA });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api('GET', `/v1/me/dossiers?limit=2&cursor=${first.body.nextCursor}`, {
      token: tokenA,
    });
    expect(second.body.items.map((d: { code: string }) => d.code)).toEqual([codes[0]]);

    // Another person's cursor, or garbage, is refused.
    const theirs = await api('GET', `/v1/me/dossiers?limit=2&cursor=${first.body.nextCursor}`, {
      token: tokenB,
    });
    expect(theirs.status).toBe(400);
    expect((await api('GET', '/v1/me/dossiers?cursor=not-a-cursor', { token: tokenA })).status).toBe(400);
    expect((await api('GET', '/v1/me/dossiers?limit=0', { token: tokenA })).status).toBe(400);
    expect((await api('GET', '/v1/me/dossiers?status=lost', { token: tokenA })).status).toBe(400);

    const b = await api('GET', '/v1/me/dossiers', { token: tokenB });
    expect(b.body.items).toHaveLength(1);
    expect(codes).not.toContain(b.body.items[0].code);
  });

  it('lists the scans already submitted, page by page', async () => {
    const all = await api('GET', '/v1/me/documents', { token: tokenA });
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([
      expect.objectContaining({
        documentType: 'current_licence',
        dossierCode: codes[0],
        contentType: 'application/pdf',
      }),
      expect.objectContaining({ documentType: 'health_certificate', dossierCode: codes[0] }),
    ]);
    const first = await api('GET', '/v1/me/documents?limit=1', { token: tokenA });
    expect(first.body.items[0].documentType).toBe('current_licence');
    const second = await api('GET', `/v1/me/documents?limit=1&cursor=${first.body.nextCursor}`, {
      token: tokenA,
    });
    expect(second.body.items[0].documentType).toBe('health_certificate');
    expect((await api('GET', '/v1/me/documents', { token: tokenB })).body.items).toEqual([]);
    const wrongList = await api(
      'GET',
      `/v1/me/documents?cursor=${(await api('GET', '/v1/me/dossiers?limit=1', { token: tokenA })).body.nextCursor}`,
      { token: tokenA },
    );
    expect(wrongList.status).toBe(400);
  });

  it('exports the account as a download', async () => {
    const res = await api('GET', '/v1/me/export', { token: tokenA });
    expect(res.status).toBe(200);
    // Named by the day in Vietnam the export was taken (UTC is still the day before until 07:00).
    const day = localDate(new Date(res.body.exportedAt));
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="cong-export-${day}.json"`);
    expect(res.body.profile).toMatchObject({ citizenId: CITIZEN_ID, phone: PHONE });
    expect(res.body.dossiers.map((d: { code: string }) => d.code)).toEqual([...codes].reverse());
    expect(res.body.dossiers[2].timeline.length).toBeGreaterThan(0);
    expect(res.body.dossiers[2].attachments).toHaveLength(2);
    const b = await api('GET', '/v1/me/export', { token: tokenB });
    expect(b.body.profile).toBeNull();
    expect(b.body.dossiers).toHaveLength(1);
  });
});

describe('the logs of the run', () => {
  it('never hold the citizen ID or phone number of a profile', () => {
    const logs = captured.join('');
    expect(logs).toContain('profile saved');
    expect(logs).not.toContain(CITIZEN_ID);
    expect(logs).not.toContain(PHONE);
  });
});
