/**
 * The scans reach the agency, over the whole local cloud: a dossier filed with a scan is delivered to the
 * agency simulator with each file's SHA-256 and link; the agency fetches the file through the signed GET,
 * downloads the bytes from the local S3 and finds the digest the delivery promised. Another agency, an
 * unsigned request, a replayed one and a person's token are refused; the citizen sees the fetch. A
 * supplement's scans arrive the same way.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_HEADER, signedGetContent, signWebhook } from '../../functions/core/webhooks.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import {
  type AgencySecrets,
  channelSecret,
  readAgencySecrets,
  signedAgencyCall,
} from '../support/agency-callbacks.js';
import { bhytForm, birthBundleForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';

const AGENCY = 'bhxh-hn';
/** An agency of another channel (Hà Nội's construction department). */
const OTHER_AGENCY = 'sxd-01';

let portal: LocalPortal;
let owner: string;
let secrets: AgencySecrets;

beforeAll(async () => {
  portal = await startTestPortal();
  owner = await portal.token({ sub: 'scans-owner' });
  secrets = await readAgencySecrets(portal);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const { api, upload } = portalClient(() => portal.url);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The path part of a delivery's href (absolute under the portal's address). */
const pathOf = (href: string) => new URL(href, portal.url).pathname;

/** GET `path` as `agencyId`'s system: Standard Webhooks over `GET {path}`, unless told otherwise. */
function signedGet(path: string, agencyId: string, opts: { headers?: Record<string, string> } = {}) {
  const headers = opts.headers ?? {
    [AGENCY_HEADER]: agencyId,
    ...signWebhook(channelSecret(secrets, agencyId), `msg_${randomUUID()}`, signedGetContent(path)),
  };
  return fetch(`${portal.url}${path}`, { headers }).then(async (res) => ({
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Json,
  }));
}

const deliveriesOf = (code: string, type: string) =>
  portal.simulator.deliveries.filter(
    (d) => (d.payload as Json | undefined)?.dossierCode === code && (d.payload as Json).type === type,
  );

describe('a scan filed with a dossier', () => {
  const SCAN = Buffer.from('%PDF-1.7 ảnh chụp thẻ bảo hiểm y tế bị hỏng');
  let code: string;
  let delivered: Json;

  it('is delivered to the agency with its SHA-256 and a link to fetch it', async () => {
    const uploadId = await upload(owner, { bytes: SCAN, fileName: 'thẻ bị hỏng.pdf' });
    const res = await api('POST', '/v1/dossiers', {
      token: owner,
      key: `scans-${randomUUID()}`,
      body: {
        procedureCode: '1.002758',
        form: bhytForm,
        attachments: [{ documentType: 'damaged_card', uploadId }],
      },
    });
    expect(res.status).toBe(201);
    code = res.body.dossiers[0].code;
    expect(res.body.dossiers[0].agencyId).toBe(AGENCY);
    const delivery = await until('the delivery', async () => deliveriesOf(code, 'dossier.submitted')[0]);
    delivered = (delivery.payload as Json).attachments[0];
    expect(delivered).toMatchObject({
      documentType: 'damaged_card',
      fileName: 'thẻ bị hỏng.pdf',
      contentType: 'application/pdf',
      size: SCAN.length,
      sha256: sha256(SCAN),
    });
    expect(delivered.href).toBe(
      `${portal.url}/v1/agency/dossiers/${code}/attachments/${delivered.attachmentId}`,
    );
    // The citizen's upload id stays internal.
    expect(JSON.stringify(delivery.payload)).not.toContain(uploadId);
  });

  it('is fetched by that agency through the signed route: the bytes have the digest the delivery gave', async () => {
    const link = await signedGet(pathOf(delivered.href), AGENCY);
    expect(link.status).toBe(200);
    expect(link.headers.get('cache-control')).toBe('no-store');
    expect(link.body).toMatchObject({
      attachmentId: delivered.attachmentId,
      fileName: 'thẻ bị hỏng.pdf',
      contentType: 'application/pdf',
      size: SCAN.length,
      sha256: delivered.sha256,
    });
    const expires = Date.parse(link.body.expiresAt) - Date.now();
    expect(expires).toBeGreaterThan(0);
    expect(expires).toBeLessThanOrEqual(15 * 60_000);
    const download = await fetch(link.body.url);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(sha256(bytes)).toBe(delivered.sha256);
    expect(download.headers.get('content-type')).toBe('application/pdf');
  });

  it('is a missing dossier to any other agency, and unknown files are 404', async () => {
    const path = pathOf(delivered.href);
    const other = await signedGet(path, OTHER_AGENCY);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('DOSSIER_NOT_FOUND');
    const unknown = await signedGet(`/v1/agency/dossiers/${code}/attachments/${'0'.repeat(32)}`, AGENCY);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ATTACHMENT_NOT_FOUND');
  });

  it('refuses unsigned, wrongly signed, replayed and person-authenticated requests', async () => {
    const path = pathOf(delivered.href);
    expect((await signedGet(path, AGENCY, { headers: { [AGENCY_HEADER]: AGENCY } })).status).toBe(401);
    // A signature over another path does not open this one.
    const elsewhere = signWebhook(
      channelSecret(secrets, AGENCY),
      `msg_${randomUUID()}`,
      signedGetContent(`/v1/agency/dossiers/${code}/attachments/${'0'.repeat(32)}`),
    );
    expect(
      (await signedGet(path, AGENCY, { headers: { [AGENCY_HEADER]: AGENCY, ...elsewhere } })).status,
    ).toBe(401);
    const headers = {
      [AGENCY_HEADER]: AGENCY,
      ...signWebhook(channelSecret(secrets, AGENCY), `msg_${randomUUID()}`, signedGetContent(path)),
    };
    expect((await signedGet(path, AGENCY, { headers })).status).toBe(200);
    const replay = await signedGet(path, AGENCY, { headers });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('SIGNATURE_REPLAYED');
    const officer = await portal.token({ sub: 'scans-officer', role: 'agency_officer', agencyId: AGENCY });
    // Officers use the citizen-facing route; on the agency system's route a token names no agency.
    const asOfficer = await signedGet(path, AGENCY, { headers: { authorization: `Bearer ${officer}` } });
    expect(asOfficer.status).toBe(400);
    expect(asOfficer.body.error.code).toBe('AGENCY_HEADER_MISSING');
  });

  it('shows the citizen which agency fetched which file, and no one else', async () => {
    const log = await api('GET', `/v1/dossiers/${code}/access-log`, { token: owner });
    expect(log.status).toBe(200);
    // Two fetches above were answered with a link (refused ones were not): each is recorded, newest first.
    expect(log.body.items).toHaveLength(2);
    expect(log.body.items[0]).toMatchObject({
      agencyId: AGENCY,
      agencyName: expect.any(String),
      via: 'agency_system',
      attachment: {
        attachmentId: delivered.attachmentId,
        documentType: 'damaged_card',
        fileName: 'thẻ bị hỏng.pdf',
      },
    });
    const times = log.body.items.map((i: Json) => i.at as string);
    expect([...times].sort().reverse()).toEqual(times);
    expect(log.body.nextCursor).toBeNull();
    const stranger = await portal.token({ sub: 'scans-stranger' });
    const theirs = await api('GET', `/v1/dossiers/${code}/access-log`, { token: stranger });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('DOSSIER_NOT_FOUND');
    const officer = await portal.token({ sub: 'scans-officer', role: 'agency_officer', agencyId: AGENCY });
    expect((await api('GET', `/v1/dossiers/${code}/access-log`, { token: officer })).status).toBe(403);
  });

  it("lets the agency's officers and the owner fetch it too; only the officers' fetches are recorded", async () => {
    const path = `/v1/dossiers/${code}/attachments/${delivered.attachmentId}`;
    const before = (await api('GET', `/v1/dossiers/${code}/access-log`, { token: owner })).body.items.length;
    const officer = await portal.token({ sub: 'scans-officer', role: 'agency_officer', agencyId: AGENCY });
    const asOfficer = await api('GET', path, { token: officer });
    expect(asOfficer.status).toBe(200);
    expect(asOfficer.body.sha256).toBe(delivered.sha256);
    const bytes = Buffer.from(await (await fetch(asOfficer.body.url)).arrayBuffer());
    expect(sha256(bytes)).toBe(delivered.sha256);
    const theirOfficer = await portal.token({
      sub: 'scans-officer-2',
      role: 'agency_officer',
      agencyId: OTHER_AGENCY,
    });
    expect((await api('GET', path, { token: theirOfficer })).body.error.code).toBe('DOSSIER_NOT_FOUND');
    const asOwner = await api('GET', path, { token: owner });
    expect(asOwner.status).toBe(200);
    const log = (await api('GET', `/v1/dossiers/${code}/access-log`, { token: owner })).body.items as Json[];
    expect(log).toHaveLength(before + 1);
    expect(log[0]).toMatchObject({ agencyId: AGENCY, via: 'agency_officer' });
    expect(JSON.stringify(log)).not.toContain('scans-officer');
  });

  it("shows the owner each scan's digest in the dossier", async () => {
    const view = await api('GET', `/v1/dossiers/${code}`, { token: owner });
    expect(view.body.attachments[0].sha256).toBe(sha256(SCAN));
  });

  it("names each file in the officers' view of the dossier by the id their fetch route takes", async () => {
    const officer = await portal.token({ sub: 'scans-officer', role: 'agency_officer', agencyId: AGENCY });
    const view = await api('GET', `/v1/dossiers/${code}`, { token: officer });
    expect(view.status).toBe(200);
    const { attachmentId } = view.body.attachments[0];
    expect(attachmentId).toBe(delivered.attachmentId);
    const fetched = await api('GET', `/v1/dossiers/${code}/attachments/${attachmentId}`, { token: officer });
    expect(fetched.status).toBe(200);
    expect(fetched.body.sha256).toBe(sha256(SCAN));
  });

  it("brings a supplement's scans to the agency the same way", async () => {
    // The simulator reports the dossier received, then in progress; the request to supplement follows.
    await until('in progress', async () =>
      (await api('GET', `/v1/dossiers/${code}`, { token: owner })).body.status === 'in_progress'
        ? true
        : undefined,
    );
    const requested = await signedAgencyCall(portal, secrets, '/v1/agency/events', AGENCY, {
      type: 'dossier.supplement_requested',
      dossierCode: code,
      missingDocuments: ['damaged_card'],
      supplementDueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    });
    expect(requested.status).toBe(200);
    const SECOND = Buffer.from('%PDF-1.7 ảnh chụp rõ hơn');
    const uploadId = await upload(owner, { bytes: SECOND, fileName: 'rõ hơn.pdf' });
    const supplemented = await api('POST', `/v1/dossiers/${code}/supplements`, {
      token: owner,
      key: `scans-supp-${randomUUID()}`,
      body: { attachments: [{ documentType: 'damaged_card', uploadId }] },
    });
    expect(supplemented.status).toBe(201);
    const delivery = await until(
      'the supplement delivery',
      async () => deliveriesOf(code, 'dossier.supplemented')[0],
    );
    const [file] = (delivery.payload as Json).attachments as Json[];
    expect(file).toMatchObject({ fileName: 'rõ hơn.pdf', size: SECOND.length, sha256: sha256(SECOND) });
    expect(file.attachmentId).not.toBe(delivered.attachmentId);
    const link = await signedGet(pathOf(file.href), AGENCY);
    expect(link.status).toBe(200);
    const bytes = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(sha256(bytes)).toBe(file.sha256);
  });

  it('carries the digest of the result the agency issues, and the citizen downloads those very bytes', async () => {
    const RESULT = Buffer.from('%PDF-1.7 thẻ bảo hiểm y tế điện tử cấp lại');
    const call = (event: Json) => signedAgencyCall(portal, secrets, '/v1/agency/events', AGENCY, event);
    expect((await call({ type: 'dossier.approved', dossierCode: code })).status).toBe(200);
    const issued = await call({
      type: 'dossier.result_issued',
      dossierCode: code,
      result: {
        kind: 'electronic',
        fileName: 'thẻ BHYT.pdf',
        contentType: 'application/pdf',
        contentBase64: RESULT.toString('base64'),
      },
    });
    expect(issued.status).toBe(200);
    expect(issued.body.resultDocument).toEqual({
      attachmentId: expect.stringMatching(/^[0-9a-f]{32}$/),
      href: expect.stringMatching(new RegExp(`^/v1/agency/dossiers/${code}/attachments/[0-9a-f]{32}$`)),
      fileName: 'thẻ BHYT.pdf',
      contentType: 'application/pdf',
      size: RESULT.length,
      sha256: sha256(RESULT),
      // The signed document the citizen holds, verified at GET /v1/verify/{documentId}.
      documentId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      documentType: 'result_1_002758',
    });
    const result = await api('GET', `/v1/dossiers/${code}/result`, { token: owner });
    expect(result.body.sha256).toBe(sha256(RESULT));
    const bytes = Buffer.from(await (await fetch(result.body.url)).arrayBuffer());
    expect(sha256(bytes)).toBe(issued.body.resultDocument.sha256);

    // The issuing agency fetches back what the portal keeps, through the signed route it fetches scans by.
    const own = await signedGet(issued.body.resultDocument.href, AGENCY);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      attachmentId: issued.body.resultDocument.attachmentId,
      documentType: 'result_1_002758',
      fileName: 'thẻ BHYT.pdf',
      sha256: sha256(RESULT),
    });
    const kept = Buffer.from(await (await fetch(own.body.url)).arrayBuffer());
    expect(sha256(kept)).toBe(sha256(RESULT));
    // Another agency gets the 404 of a missing dossier, as for a scan.
    expect((await signedGet(issued.body.resultDocument.href, OTHER_AGENCY)).status).toBe(404);
  });
});

describe('an interlinked bundle', () => {
  it("hands the next agency the previous agency's result as a file it fetches and checks like a scan", async () => {
    const SCAN = Buffer.from('%PDF-1.7 giấy chứng sinh');
    const uploadId = await upload(owner, { bytes: SCAN, fileName: 'giấy chứng sinh.pdf' });
    const submitted = await api('POST', '/v1/dossiers', {
      token: owner,
      key: `scans-bundle-${randomUUID()}`,
      body: {
        procedureCode: '2.000986',
        form: birthBundleForm,
        attachments: [{ documentType: 'birth_certificate_medical', uploadId }],
      },
    });
    expect(submitted.status).toBe(201);
    const [birth, residence] = submitted.body.dossiers as { code: string; agencyId: string }[];
    const call = (agencyId: string, event: Json) =>
      signedAgencyCall(portal, secrets, '/v1/agency/events', agencyId, event);
    await until(
      'the birth registration delivered',
      async () => deliveriesOf(birth!.code, 'dossier.submitted')[0],
    );
    await until('the birth registration in progress', async () =>
      (await api('GET', `/v1/dossiers/${birth!.code}`, { token: owner })).body.status === 'in_progress'
        ? true
        : undefined,
    );
    expect((await call(birth!.agencyId, { type: 'dossier.approved', dossierCode: birth!.code })).status).toBe(
      200,
    );
    const EXTRACT = Buffer.from('%PDF-1.7 trích lục khai sinh điện tử');
    const issued = await call(birth!.agencyId, {
      type: 'dossier.result_issued',
      dossierCode: birth!.code,
      result: {
        kind: 'electronic',
        fileName: 'trích lục khai sinh.pdf',
        contentType: 'application/pdf',
        contentBase64: EXTRACT.toString('base64'),
      },
    });
    expect(issued.status).toBe(200);

    const toPolice = (
      await until(
        'the residence dossier delivered',
        async () => deliveriesOf(residence!.code, 'dossier.submitted')[0],
      )
    ).payload as Json;
    expect(toPolice.previousResult).toMatchObject({
      dossierCode: birth!.code,
      kind: 'electronic',
      fileName: 'trích lục khai sinh.pdf',
      sha256: sha256(EXTRACT),
    });
    const link = await signedGet(pathOf(toPolice.previousResult.href), residence!.agencyId);
    expect(link.status).toBe(200);
    expect(link.body).toMatchObject({
      attachmentId: toPolice.previousResult.attachmentId,
      sha256: sha256(EXTRACT),
    });
    const bytes = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(sha256(bytes)).toBe(toPolice.previousResult.sha256);
    // The scan filed with the bundle is the residence dossier's too, under its own id.
    const [scan] = toPolice.attachments as Json[];
    expect(scan.sha256).toBe(sha256(SCAN));
    const scanLink = await signedGet(pathOf(scan.href), residence!.agencyId);
    expect(sha256(Buffer.from(await (await fetch(scanLink.body.url)).arrayBuffer()))).toBe(sha256(SCAN));
    // The birth registration's agency has no business with the residence dossier.
    expect((await signedGet(pathOf(scan.href), birth!.agencyId)).status).toBe(404);
    const log = await api('GET', `/v1/dossiers/${residence!.code}/access-log`, { token: owner });
    expect(log.body.items.map((i: Json) => i.attachment.fileName).sort()).toEqual(
      ['giấy chứng sinh.pdf', 'trích lục khai sinh.pdf'].sort(),
    );
  });
});
