/**
 * Drafts against the intake and personal-data handlers on DynamoDB Local and local S3: saved on one device and read on another, guarded by their version,
 * sealed at rest beside the profile with an expiry, each person's own, bounded in size, and deleted by
 * filing the procedure.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/core/keys.js';
import { bhytForm } from '../support/forms.js';
import { type LocalRoutes, startLocalRoutes } from './support/routes.js';
import { sharedDocumentClient } from './support/store.js';

const CITIZEN_ID = '079203004561';
const BHYT = '1.002758';
let portal: LocalRoutes;
let db: DynamoDBDocumentClient;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  portal = await startLocalRoutes({ s3: true });
  db = sharedDocumentClient(portal.store);
  tokenA = await portal.token({ sub: 'draft-citizen-a', citizenId: CITIZEN_ID });
  tokenB = await portal.token({ sub: 'draft-citizen-b', citizenId: '079203004562' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const api: LocalRoutes['api'] = (...args) => portal.api(...args);
const uploadScan: LocalRoutes['uploadScan'] = (...args) => portal.uploadScan(...args);
const path = `/v1/me/drafts/${BHYT}`;

describe('drafts', () => {
  it('are saved, read from another session, replaced by version and sealed at rest', async () => {
    expect((await api('GET', path, { token: tokenA })).status).toBe(404);
    const scan = await uploadScan(tokenA, 'the-bhyt');
    const partial = { fullName: bhytForm.fullName, citizenId: CITIZEN_ID, informationChanged: false };
    const created = await api('PUT', path, {
      token: tokenA,
      body: {
        form: partial,
        attachments: [{ documentType: 'damaged_card', uploadId: scan, fileName: 'the-bhyt.pdf' }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('cache-control')).toBe('no-store');

    // Another device of the same person: a fresh token, the same account.
    const elsewhere = await portal.token({ sub: 'draft-citizen-a', citizenId: CITIZEN_ID });
    const read = await api('GET', path, { token: elsewhere });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ procedureCode: BHYT, form: partial, version: 1 });
    expect(read.body.attachments[0]).toMatchObject({ uploadId: scan, fileName: 'the-bhyt.pdf' });
    expect(Date.parse(read.body.expiresAt) - Date.parse(read.body.savedAt)).toBe(30 * 86_400_000);

    const stored = await db.send(
      new GetCommand({ TableName: portal.store.tableName, Key: keys.draft('draft-citizen-a', BHYT) }),
    );
    expect(stored.Item?.ttl).toBe(Math.floor(Date.parse(read.body.expiresAt) / 1000));
    expect(JSON.stringify(stored.Item)).not.toContain(CITIZEN_ID);
    expect(JSON.stringify(stored.Item)).not.toContain(bhytForm.fullName);

    const next = { form: { ...partial, phone: bhytForm.phone }, attachments: [] };
    expect((await api('PUT', path, { token: tokenA, body: next })).status).toBe(428);
    const second = await api('PUT', path, { token: tokenA, body: next, headers: { 'if-match': '"1"' } });
    expect(second.status).toBe(200);
    expect(second.body.version).toBe(2);
    // The other device still holds version 1.
    const stale = await api('PUT', path, { token: elsewhere, body: next, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');

    const list = await api('GET', '/v1/me/drafts', { token: tokenA });
    expect(list.body.items).toEqual([
      expect.objectContaining({ procedureCode: BHYT, version: 2, procedureName: expect.any(String) }),
    ]);
  });

  it('are each person’s own', async () => {
    expect((await api('GET', path, { token: tokenB })).status).toBe(404);
    expect((await api('GET', '/v1/me/drafts', { token: tokenB })).body.items).toEqual([]);
    // Creating one's own under the same procedure touches nobody else's.
    const own = await api('PUT', path, { token: tokenB, body: { form: { fullName: 'Lê Văn C' } } });
    expect(own.status).toBe(201);
    expect((await api('GET', path, { token: tokenA })).body.version).toBe(2);
    const gone = await api('DELETE', path, { token: tokenB });
    expect(gone.body).toEqual({ procedureCode: BHYT, deleted: true });
    expect((await api('DELETE', path, { token: tokenB })).body.deleted).toBe(false);
    expect((await api('GET', path, { token: tokenA })).status).toBe(200);
  });

  it('refuse bad input with field paths: size, unknown fields, a procedure code that is not one', async () => {
    const big = await api('PUT', '/v1/me/drafts/1.000001', {
      token: tokenA,
      body: { form: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, 'x'.repeat(4000)])) },
    });
    expect(big.status).toBe(400);
    expect(big.body.error.code).toBe('VALIDATION_FAILED');
    expect(big.body.error.details).toContainEqual(expect.objectContaining({ path: 'body', code: 'too_big' }));
    const owner = await api('PUT', '/v1/me/drafts/1.000001', {
      token: tokenA,
      body: { form: {}, ownerSub: 'draft-citizen-b' },
    });
    expect(owner.status).toBe(400);
    expect(owner.body.error.details).toContainEqual(expect.objectContaining({ path: 'body.ownerSub' }));
    const badCode = await api('GET', '/v1/me/drafts/not-a-code', { token: tokenA });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.details[0].path).toBe('params.code');
  });

  it('go once the procedure is filed', async () => {
    // Saving the profile binds the citizen ID the form names to this account.
    expect(
      (
        await api('PUT', '/v1/me/profile', {
          token: tokenA,
          body: {
            fullName: bhytForm.fullName,
            dateOfBirth: bhytForm.dateOfBirth,
            address: 'Hà Nội',
            phone: bhytForm.phone,
          },
        })
      ).status,
    ).toBe(201);
    const filed = await api('POST', '/v1/dossiers', {
      token: tokenA,
      headers: { 'idempotency-key': 'draft-filing-0001' },
      body: { procedureCode: BHYT, form: { ...bhytForm, citizenId: CITIZEN_ID }, attachments: [] },
    });
    expect(filed.status).toBe(201);
    expect((await api('GET', path, { token: tokenA })).status).toBe(404);
    expect((await api('GET', '/v1/me/drafts', { token: tokenA })).body.items).toEqual([]);
  });
});
