/**
 * Verifiable results and the citizen's documents, over the whole local cloud: an agency issues a driving
 * licence as an electronic result; anyone verifies it (and offline, with only the published keys); the
 * holder finds it among their documents, downloads it with its QR code, shares it through a link that is
 * logged, sees every read of their data in one access log, and attaches the licence to a later dossier
 * instead of uploading it again (the agency receives it like any scan). When the agency revokes it, the
 * verification answer changes at once, the holder is told, and it can no longer be attached.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_HEADER, signedGetContent, signWebhook } from '../../functions/core/webhooks.js';
import { verifyOffline } from '../../functions/documents/result-record.js';
import { monthOf } from '../../functions/stats/counters.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import {
  type AgencySecrets,
  channelSecret,
  readAgencySecrets,
  signedAgencyCall,
} from '../support/agency-callbacks.js';
import { licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { createPayment, pressOnGatewayPage } from '../support/payments.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let owner: string;
let stranger: string;
let secrets: AgencySecrets;

beforeAll(async () => {
  portal = await startTestPortal();
  owner = await portal.token({ sub: 'results-owner', citizenId: licenceForm.citizenId });
  stranger = await portal.token({ sub: 'results-stranger' });
  secrets = await readAgencySecrets(portal);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const { api, upload } = portalClient(() => portal.url);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const LICENCE = Buffer.from('%PDF-1.7 Giấy phép lái xe hạng B — Nguyễn Văn An');
/** A health certificate photographed (JPEG). */
const PHOTO = Buffer.from('ffd8ffe000104a46494600010100ffd9', 'hex');
const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

/** Files a paid dossier and waits until its agency holds it (the simulator reports it in progress). */
async function paidDossier(procedureCode: string, form: Json, attachments: Json[]) {
  const res = await api('POST', '/v1/dossiers', {
    token: owner,
    key: `results-${randomUUID()}`,
    body: { procedureCode, form, attachments },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const { code, agencyId } = res.body.dossiers[0];
  const payment = await createPayment(portal.url, owner, code, `results-pay-${randomUUID()}`);
  expect(payment.status).toBe(201);
  await pressOnGatewayPage(payment.body.redirectUrl, 'approve');
  await until('the agency to take it up', async () => {
    const d = await api('GET', `/v1/dossiers/${code}`, { token: owner });
    return d.body.status === 'in_progress' ? d : undefined;
  });
  return { code: code as string, agencyId: agencyId as string };
}

const deliveriesOf = (code: string) =>
  portal.simulator.deliveries.filter((d) => (d.payload as Json | undefined)?.dossierCode === code);

describe('an electronic result', () => {
  let code: string;
  let agencyId: string;
  let documentId: string;
  const call = (event: Json) => signedAgencyCall(portal, secrets, '/v1/agency/events', agencyId, event);

  it('is issued by the agency as a signed document that anyone verifies, also offline', async () => {
    const [licence, health] = await Promise.all([
      upload(owner, { bytes: Buffer.from('%PDF-1.7 bằng cũ'), fileName: 'gplx-cu.pdf' }),
      upload(owner, { bytes: Buffer.from('%PDF-1.7 giấy khám sức khỏe'), fileName: 'suc-khoe.pdf' }),
    ]);
    ({ code, agencyId } = await paidDossier('1.002804', licenceForm, [
      { documentType: 'current_licence', uploadId: licence },
      { documentType: 'health_certificate', uploadId: health },
    ]));
    expect((await call({ type: 'dossier.approved', dossierCode: code })).status).toBe(200);
    const issued = await call({
      type: 'dossier.result_issued',
      dossierCode: code,
      result: {
        kind: 'electronic',
        fileName: 'GPLX hạng B.pdf',
        contentType: 'application/pdf',
        documentType: 'current_licence',
        contentBase64: LICENCE.toString('base64'),
      },
    });
    expect(issued.status, issued.text).toBe(200);
    documentId = issued.body.resultDocument.documentId;
    expect(documentId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    // No sign-in: the public answer, with only non-personal facts.
    const verified = await api('GET', `/v1/verify/${documentId}`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      documentId,
      status: 'genuine',
      document: { documentType: 'current_licence', issuingAgency: agencyId },
      record: {
        documentId,
        dossierCode: code,
        procedureCode: '1.002804',
        sha256: sha256(LICENCE),
        status: 'valid',
      },
    });
    for (const personal of [licenceForm.fullName, licenceForm.citizenId, 'GPLX hạng B.pdf', 'results-owner'])
      expect(JSON.stringify(verified.body)).not.toContain(personal);

    // Offline: nothing but the published JWKS, the answer and the file's digest.
    const keys = await api('GET', '/v1/verify/keys');
    expect(keys.status).toBe(200);
    expect(keys.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(keys.body.keys[0]).not.toHaveProperty('d');
    const verdict = await verifyOffline(verified.body.signature, keys.body, {
      record: verified.body.record,
      sha256: sha256(LICENCE),
    });
    expect(verdict.valid).toBe(true);
    expect((await api('GET', '/v1/verify/01KZZZZZZZZZZZZZZZZZZZZZZZ')).body).toEqual({
      documentId: '01KZZZZZZZZZZZZZZZZZZZZZZZ',
      status: 'unknown',
    });
    expect((await api('GET', '/v1/verify/not-a-document')).status).toBe(400);
  });

  it("is listed among the holder's documents and downloaded with its verification link and QR code", async () => {
    const list = await api('GET', '/v1/me/documents?limit=2', { token: owner });
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({
      kind: 'result',
      documentId,
      documentType: 'current_licence',
      issuer: agencyId,
      status: 'valid',
      sha256: sha256(LICENCE),
    });
    expect(list.body.items[1]).toMatchObject({ kind: 'scan', dossierCode: code });
    // The next page continues with the scans, never repeating one.
    const next = await api('GET', `/v1/me/documents?limit=2&cursor=${list.body.nextCursor}`, {
      token: owner,
    });
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].documentId).not.toBe(list.body.items[1].documentId);

    const got = await api('GET', `/v1/me/documents/${documentId}`, { token: owner });
    expect(got.status).toBe(200);
    expect(got.body.verification.url).toBe(
      `${portal.url}/verify/${documentId}?dossier=${code}&procedure=1.002804`,
    );
    expect(got.body.verification.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(sha256(await download(got.body.url))).toBe(sha256(LICENCE));
    expect((await api('GET', `/v1/me/documents/${documentId}`, { token: stranger })).status).toBe(404);
    expect(
      (await api('POST', `/v1/me/documents/${documentId}/shares`, { token: stranger, body: {} })).status,
    ).toBe(404);
  });

  it('is shared through a link that expires, each opening recorded in the access log with agency reads', async () => {
    const shared = await api('POST', `/v1/me/documents/${documentId}/shares`, {
      token: owner,
      body: { expiresInHours: 48 },
    });
    expect(shared.status).toBe(201);
    const hours = (Date.parse(shared.body.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(47.9);
    expect(hours).toBeLessThanOrEqual(48);
    expect(
      (
        await api('POST', `/v1/me/documents/${documentId}/shares`, {
          token: owner,
          body: { expiresInHours: 169 },
        })
      ).status,
    ).toBe(400);
    const path = new URL(shared.body.url).pathname;
    const opened = await api('GET', path);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ documentId, sha256: sha256(LICENCE) });
    expect(sha256(await download(opened.body.url))).toBe(sha256(LICENCE));
    expect((await api('GET', `/v1/shared/${'A'.repeat(43)}`)).status).toBe(404);

    // The agency fetches one of the dossier's scans: recorded too.
    const file = ((deliveriesOf(code)[0]!.payload as Json).attachments as Json[])[0]!;
    const filePath = new URL(file.href).pathname;
    const fetched = await fetch(`${portal.url}${filePath}`, {
      headers: {
        [AGENCY_HEADER]: agencyId,
        ...signWebhook(channelSecret(secrets, agencyId), `msg_${randomUUID()}`, signedGetContent(filePath)),
      },
    });
    expect(fetched.status).toBe(200);

    const log = await api('GET', '/v1/me/access-log?limit=1', { token: owner });
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        via: 'agency_system',
        agencyId,
        dossierCode: code,
        documentType: file.documentType,
      }),
    ]);
    const older = await api('GET', `/v1/me/access-log?limit=5&cursor=${log.body.nextCursor}`, {
      token: owner,
    });
    expect(older.body.items[0]).toMatchObject({ via: 'share', documentId, dossierCode: code });
    // Someone else's log is their own; a cursor of this one is refused to them.
    const theirs = await api('GET', '/v1/me/access-log', { token: stranger });
    expect(theirs.body.items).toEqual([]);
    expect(
      (await api('GET', `/v1/me/access-log?cursor=${log.body.nextCursor}`, { token: stranger })).status,
    ).toBe(400);
    // Append-only: no route changes or removes an entry.
    expect((await api('DELETE', '/v1/me/access-log', { token: owner })).status).toBe(405);
  });

  it('is attached to a later dossier instead of a new upload, and the agency receives it like any scan', async () => {
    // The next exchange of the licence asks for the current licence: the one the agency issued.
    const health = await upload(owner, { bytes: PHOTO, fileName: 'suc-khoe.jpg', contentType: 'image/jpeg' });
    const later = await paidDossier('1.002804', licenceForm, [
      { documentType: 'health_certificate', uploadId: health },
      { documentType: 'current_licence', documentId },
    ]);
    const delivery = await until('the delivery', async () =>
      deliveriesOf(later.code).find((d) => (d.payload as Json).type === 'dossier.submitted'),
    );
    const held = ((delivery.payload as Json).attachments as Json[]).find(
      (a) => a.documentType === 'current_licence',
    );
    expect(held).toMatchObject({
      contentType: 'application/pdf',
      size: LICENCE.length,
      sha256: sha256(LICENCE),
    });
  });

  it('is counted as asked twice when the holder uploads a new scan of it instead, in the published figures', async () => {
    const month = monthOf(new Date().toISOString());
    const askedTwice = async () =>
      (await api('GET', `/v1/stats/agencies/${agencyId}?from=${month}&to=${month}`)).body.total
        ?.documentsAskedTwice as number | undefined;
    // The dossiers so far uploaded nothing the holder already had, or reused the licence.
    expect(await askedTwice()).toBe(0);
    const [licence, health] = await Promise.all([
      upload(owner, { bytes: Buffer.from('%PDF-1.7 bản chụp GPLX'), fileName: 'gplx-chup.pdf' }),
      upload(owner, { bytes: PHOTO, fileName: 'suc-khoe.jpg', contentType: 'image/jpeg' }),
    ]);
    await paidDossier('1.002804', licenceForm, [
      { documentType: 'current_licence', uploadId: licence },
      { documentType: 'health_certificate', uploadId: health },
    ]);
    await until('the scan asked twice to be counted', async () =>
      (await askedTwice()) === 1 ? true : undefined,
    );
  });

  it('is revoked by its agency: the answer changes at once, the holder is told, and it is no longer accepted', async () => {
    const revoked = await call({
      type: 'result.revoked',
      dossierCode: code,
      documentId,
      reason: 'Cấp nhầm hạng giấy phép',
    });
    expect(revoked.status, revoked.text).toBe(200);
    const verified = await api('GET', `/v1/verify/${documentId}`);
    expect(verified.body).toMatchObject({ status: 'revoked', record: { status: 'revoked' } });
    const keys = await api('GET', '/v1/verify/keys');
    expect(
      (await verifyOffline(verified.body.signature, keys.body, { record: verified.body.record })).valid,
    ).toBe(true);
    // Revoking again, or another agency revoking it, is refused.
    const again = await call({
      type: 'result.revoked',
      dossierCode: code,
      documentId,
      reason: 'Lần thứ hai',
    });
    expect(again.status).toBe(409);
    await until('the notice to the holder', async () => {
      const res = await fetch(`${portal.url}/dev/outbox?dossierCode=${encodeURIComponent(code)}`);
      const items = ((await res.json()) as { items: { topic: string }[] }).items;
      return items.some((m) => m.topic === 'result.revoked') ? items : undefined;
    });
    const health = await upload(owner, {
      bytes: PHOTO,
      fileName: 'suc-khoe-2.jpg',
      contentType: 'image/jpeg',
    });
    const refused = await api('POST', '/v1/dossiers', {
      token: owner,
      key: `results-${randomUUID()}`,
      body: {
        procedureCode: '1.002804',
        form: licenceForm,
        attachments: [
          { documentType: 'health_certificate', uploadId: health },
          { documentType: 'current_licence', documentId },
        ],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('DOCUMENT_NOT_ACCEPTED');
    expect(refused.body.error.details).toEqual([expect.objectContaining({ code: 'document_not_valid' })]);
  });
});
