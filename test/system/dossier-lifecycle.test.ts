/**
 * The dossier lifecycle against the local portal: a request to supplement answered by the citizen and
 * delivered to the agency, results (electronic through a presigned link, or to collect), the citizen's
 * confirmation, and an interlinked bundle handed from agency to agency in order.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm, birthBundleForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let owner: string;
let stranger: string;
let secrets: AgencySecrets;

beforeAll(async () => {
  portal = await startTestPortal();
  owner = await portal.token({ sub: 'lifecycle-owner' });
  stranger = await portal.token({ sub: 'lifecycle-stranger' });
  secrets = await readAgencySecrets(portal);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const { api, upload } = portalClient(() => portal.url);

const agency = (agencyId: string, event: Json) =>
  signedAgencyCall(portal, secrets, '/v1/agency/events', agencyId, event);

const uploadScan = (bytes: Buffer, fileName = 'scan.pdf') => upload(owner, { bytes, fileName });

const statusOf = async (code: string) =>
  (await api('GET', `/v1/dossiers/${code}`, { token: owner })).body?.status as string;
const waitStatus = (code: string, status: string) =>
  until(`${code} ${status}`, async () => ((await statusOf(code)) === status ? true : undefined), 20_000);
const deliveriesOf = (code: string) =>
  portal.simulator.deliveries.filter((d) => (d.payload as Json | undefined)?.dossierCode === code);

async function submitBhyt(key: string) {
  const res = await api('POST', '/v1/dossiers', {
    token: owner,
    key,
    body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  });
  expect(res.status).toBe(201);
  const code = res.body.dossiers[0].code as string;
  await waitStatus(code, 'in_progress');
  return code;
}

const RESULT_PDF = Buffer.from('%PDF-1.7 thẻ BHYT điện tử cấp lại');

describe('a request to supplement, answered, then the result', () => {
  let code: string;

  it('stops the clock, takes the citizen’s documents and tells the agency through its queue', async () => {
    code = await submitBhyt('life-bhyt-0001');
    const requested = await agency('bhxh-hn', {
      type: 'dossier.supplement_requested',
      dossierCode: code,
      missingDocuments: ['damaged_card'],
      supplementDueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      note: 'Đề nghị bổ sung ảnh chụp thẻ bị hỏng',
    });
    expect(requested.status).toBe(200);
    const waiting = await api('GET', `/v1/dossiers/${code}`, { token: owner });
    expect(waiting.body).toMatchObject({
      status: 'supplement_requested',
      overdue: false,
      // The owner reads what to add, the agency's note and by when.
      supplementRequest: {
        missingDocuments: ['damaged_card'],
        note: 'Đề nghị bổ sung ảnh chụp thẻ bị hỏng',
        dueAt: expect.any(String),
      },
    });

    const scan = await uploadScan(Buffer.from('%PDF-1.7 ảnh thẻ hỏng'), 'the-hong.pdf');
    const body = { attachments: [{ documentType: 'damaged_card', uploadId: scan }], note: 'Đã bổ sung' };
    const theirs = await api('POST', `/v1/dossiers/${code}/supplements`, {
      token: stranger,
      key: 'supp-life-01',
      body,
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('DOSSIER_NOT_FOUND');
    const unknown = await api('POST', `/v1/dossiers/${code}/supplements`, {
      token: owner,
      key: 'supp-life-02',
      body: { attachments: [{ documentType: 'passport', uploadId: scan }] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('DOCUMENT_NOT_ACCEPTED');
    const noKey = await api('POST', `/v1/dossiers/${code}/supplements`, { token: owner, body });
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');

    const supplemented = await api('POST', `/v1/dossiers/${code}/supplements`, {
      token: owner,
      key: 'supp-life-03',
      body,
    });
    expect(supplemented.status).toBe(201);
    expect(supplemented.body).toMatchObject({ code, status: 'supplemented' });
    const replay = await api('POST', `/v1/dossiers/${code}/supplements`, {
      token: owner,
      key: 'supp-life-03',
      body,
    });
    expect(replay.body).toEqual(supplemented.body);

    const delivered = await until('the supplement delivery', () =>
      deliveriesOf(code).find((d) => (d.payload as Json).type === 'dossier.supplemented'),
    );
    expect(delivered.status).toBe(202);
    expect((delivered.payload as Json).attachments).toEqual([
      {
        documentType: 'damaged_card',
        fileName: 'the-hong.pdf',
        contentType: 'application/pdf',
        size: Buffer.byteLength('%PDF-1.7 ảnh thẻ hỏng'),
        sha256: createHash('sha256').update('%PDF-1.7 ảnh thẻ hỏng').digest('hex'),
        attachmentId: expect.stringMatching(/^[0-9a-f]{32}$/),
        href: expect.stringContaining(`/v1/agency/dossiers/${code}/attachments/`),
      },
    ]);

    const again = await api('POST', `/v1/dossiers/${code}/supplements`, {
      token: owner,
      key: 'supp-life-04',
      body,
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { currentStatus: 'supplemented' },
    });
  });

  it('issues an electronic result the owner downloads through a short-lived link, then completes', async () => {
    const early = await api('GET', `/v1/dossiers/${code}/result`, { token: owner });
    expect(early.status).toBe(409);
    expect((await agency('bhxh-hn', { type: 'dossier.approved', dossierCode: code })).status).toBe(200);
    const issued = await agency('bhxh-hn', {
      type: 'dossier.result_issued',
      dossierCode: code,
      result: {
        kind: 'electronic',
        fileName: 'Thẻ BHYT.pdf',
        contentType: 'application/pdf',
        contentBase64: RESULT_PDF.toString('base64'),
      },
    });
    expect(issued.body).toMatchObject({ applied: true, status: 'result_issued' });

    expect((await api('GET', `/v1/dossiers/${code}/result`, { token: stranger })).status).toBe(404);
    const result = await api('GET', `/v1/dossiers/${code}/result`, { token: owner });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      kind: 'electronic',
      fileName: 'Thẻ BHYT.pdf',
      size: RESULT_PDF.length,
    });
    expect(Date.parse(result.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const download = await fetch(result.body.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(RESULT_PDF);

    const done = await api('POST', `/v1/dossiers/${code}/received-result`, { token: owner });
    expect(done.body).toEqual({ code, status: 'completed' });
    const view = await api('GET', `/v1/dossiers/${code}`, { token: owner });
    expect(view.body.timeline.map((e: Json) => e.type)).toEqual([
      'dossier.submitted',
      'dossier.received',
      'dossier.in_progress',
      'dossier.supplement_requested',
      'dossier.supplemented',
      'dossier.approved',
      'dossier.result_issued',
      'dossier.completed',
    ]);
    expect(view.body.timeline.at(-1).actor).toBe('citizen');
    expect((await api('GET', `/v1/dossiers/${code}/timeline/verify`, { token: owner })).body.intact).toBe(
      true,
    );
  });

  it('refuses a request to supplement whose list would not fit a record with 400, changing nothing', async () => {
    const code = await submitBhyt('life-bhyt-0005');
    const requestOf = (missingDocuments: string[]) => ({
      type: 'dossier.supplement_requested',
      dossierCode: code,
      missingDocuments,
      supplementDueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    });
    const huge = await agency(
      'bhxh-hn',
      requestOf(Array.from({ length: 20_000 }, (_, i) => `bản sao giấy tờ số ${10_000 + i}`)),
    );
    expect(huge.status).toBe(400);
    expect(huge.body.error.code).toBe('VALIDATION_FAILED');
    expect(huge.body.error.details[0].path).toBe('body.missingDocuments');
    const long = await agency('bhxh-hn', requestOf(['x'.repeat(100_000)]));
    expect(long.status).toBe(400);
    expect(long.body.error.details[0].path).toBe('body.missingDocuments.0');
    expect(await statusOf(code)).toBe('in_progress');
  });

  it('refuses a supplement nobody asked for with 409', async () => {
    const other = await submitBhyt('life-bhyt-0002');
    const scan = await uploadScan(Buffer.from('%PDF-1.7 khong ai yeu cau'));
    const res = await api('POST', `/v1/dossiers/${other}/supplements`, {
      token: owner,
      key: 'supp-life-05',
      body: { attachments: [{ documentType: 'damaged_card', uploadId: scan }] },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details.currentStatus).toBe('in_progress');
  });
});

describe('a result to collect', () => {
  it('shows the pickup note and completes on the citizen’s confirmation', async () => {
    const code = await submitBhyt('life-bhyt-0003');
    await agency('bhxh-hn', { type: 'dossier.approved', dossierCode: code });
    const issued = await agency('bhxh-hn', {
      type: 'dossier.result_issued',
      dossierCode: code,
      result: {
        kind: 'pickup',
        method: 'post',
        note: 'Thẻ gửi qua bưu điện',
        trackingNumber: 'EV123456789VN',
      },
    });
    expect(issued.status).toBe(200);
    const result = await api('GET', `/v1/dossiers/${code}/result`, { token: owner });
    expect(result.body).toEqual({
      kind: 'pickup',
      issuedAt: expect.any(String),
      method: 'post',
      note: 'Thẻ gửi qua bưu điện',
      trackingNumber: 'EV123456789VN',
    });
    expect((await api('POST', `/v1/dossiers/${code}/received-result`, { token: owner })).body.status).toBe(
      'completed',
    );
  });

  it('refuses an oversized electronic result', async () => {
    const code = await submitBhyt('life-bhyt-0004');
    await agency('bhxh-hn', { type: 'dossier.approved', dossierCode: code });
    const res = await agency('bhxh-hn', {
      type: 'dossier.result_issued',
      dossierCode: code,
      result: {
        kind: 'electronic',
        fileName: 'qua-lon.pdf',
        contentType: 'application/pdf',
        contentBase64: Buffer.alloc(700 * 1024 + 3).toString('base64'),
      },
    });
    expect(res.status).toBe(400);
    expect(await statusOf(code)).toBe('approved');
  });
});

describe('the birth → residence → health card bundle', () => {
  it('hands the dossiers from agency to agency in order, each with the previous result', async () => {
    const scan = await uploadScan(Buffer.from('%PDF-1.7 giấy chứng sinh'), 'giay-chung-sinh.pdf');
    const submitted = await api('POST', '/v1/dossiers', {
      token: owner,
      key: 'life-bundle-0001',
      body: {
        procedureCode: '2.000986',
        form: birthBundleForm,
        attachments: [{ documentType: 'birth_certificate_medical', uploadId: scan }],
      },
    });
    expect(submitted.status).toBe(201);
    const [birth, residence, card] = submitted.body.dossiers.map((d: Json) => d.code as string);
    expect(submitted.body.dossiers.map((d: Json) => d.agencyId)).toEqual(['xa-00070', 'cahn', 'bhxh-hn']);
    const submissionId = submitted.body.submissionId as string;
    const view = async () => (await api('GET', `/v1/submissions/${submissionId}`, { token: owner })).body;

    await waitStatus(birth!, 'in_progress');
    expect(deliveriesOf(residence!)).toHaveLength(0);
    expect(deliveriesOf(card!)).toHaveLength(0);
    // The police and the insurer have not been sent their dossiers yet: they cannot act on them.
    for (const [agencyId, dossierCode] of [
      ['cahn', residence],
      ['bhxh-hn', card],
    ] as const) {
      const early = await agency(agencyId, { type: 'dossier.received', dossierCode });
      expect(early.status).toBe(404);
      expect(early.body.error.code).toBe('DOSSIER_NOT_FOUND');
    }
    expect(await statusOf(residence!)).toBe('submitted');
    expect((await view()).bundle).toEqual({ steps: 3, activeStep: 1, activeDossier: birth });

    await agency('xa-00070', { type: 'dossier.approved', dossierCode: birth });
    const extract = Buffer.from('%PDF-1.7 trích lục khai sinh');
    await agency('xa-00070', {
      type: 'dossier.result_issued',
      dossierCode: birth,
      result: {
        kind: 'electronic',
        fileName: 'trich-luc-khai-sinh.pdf',
        contentType: 'application/pdf',
        contentBase64: extract.toString('base64'),
      },
    });
    await waitStatus(residence!, 'in_progress');
    const toPolice = deliveriesOf(residence!)[0]!.payload as Json;
    expect(toPolice.previousResult).toMatchObject({
      dossierCode: birth,
      kind: 'electronic',
      procedureCode: '1.001193',
    });
    expect(toPolice.bundle).toEqual({ procedureCode: '2.000986', step: 2, steps: 3 });
    // The residence dossier's own timeline says when and why it went to the police, and stays intact.
    const handedOver = await api('GET', `/v1/dossiers/${residence}`, { token: owner });
    expect(handedOver.body.timeline.map((e: Json) => e.type).slice(0, 2)).toEqual([
      'dossier.submitted',
      'dossier.handed_over',
    ]);
    const verified = await api('GET', `/v1/dossiers/${residence}/timeline/verify`, { token: owner });
    expect(verified.body.intact).toBe(true);
    expect(deliveriesOf(card!)).toHaveLength(0);
    expect((await view()).bundle.activeStep).toBe(2);

    // The police ask for proof of residence: the citizen must send that document, not another.
    await agency('cahn', {
      type: 'dossier.supplement_requested',
      dossierCode: residence,
      missingDocuments: ['legal_residence'],
      supplementDueAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    });
    const wrong = await uploadScan(Buffer.from('%PDF-1.7 nham giay'));
    const refused = await api('POST', `/v1/dossiers/${residence}/supplements`, {
      token: owner,
      key: 'supp-bundle-01',
      body: { attachments: [{ documentType: 'marriage_certificate', uploadId: wrong }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'missing_document' })]),
    );
    const proof = await uploadScan(Buffer.from('%PDF-1.7 chứng minh chỗ ở'));
    const answered = await api('POST', `/v1/dossiers/${residence}/supplements`, {
      token: owner,
      key: 'supp-bundle-02',
      body: { attachments: [{ documentType: 'legal_residence', uploadId: proof }] },
    });
    expect(answered.status).toBe(201);

    await agency('cahn', { type: 'dossier.approved', dossierCode: residence });
    await agency('cahn', {
      type: 'dossier.result_issued',
      dossierCode: residence,
      result: { kind: 'pickup', method: 'at_desk', note: 'Đã cập nhật cơ sở dữ liệu cư trú' },
    });
    await waitStatus(card!, 'in_progress');
    expect((deliveriesOf(card!)[0]!.payload as Json).previousResult).toMatchObject({
      dossierCode: residence,
      kind: 'pickup',
    });
    expect((await view()).bundle.activeStep).toBe(3);

    await agency('bhxh-hn', { type: 'dossier.approved', dossierCode: card });
    await agency('bhxh-hn', {
      type: 'dossier.result_issued',
      dossierCode: card,
      result: { kind: 'pickup', method: 'post', note: 'Thẻ BHYT gửi về địa chỉ thường trú' },
    });
    const final = await view();
    expect(final.bundle.activeStep).toBeNull();
    expect(final.dossiers.map((d: Json) => d.status)).toEqual([
      'result_issued',
      'result_issued',
      'result_issued',
    ]);
  }, 60_000);
});

describe('withdrawal', () => {
  it('lets the owner withdraw before a decision and tells the agency', async () => {
    const code = await submitBhyt('life-withdraw-0001');
    const short = await api('POST', `/v1/dossiers/${code}/withdraw`, { token: owner, body: { reason: 'x' } });
    expect(short.status).toBe(400);
    const theirs = await api('POST', `/v1/dossiers/${code}/withdraw`, {
      token: stranger,
      body: { reason: 'Không còn nhu cầu' },
    });
    expect(theirs.status).toBe(404);

    const res = await api('POST', `/v1/dossiers/${code}/withdraw`, {
      token: owner,
      body: { reason: 'Đã tìm lại được thẻ' },
    });
    expect(res).toMatchObject({ status: 200, body: { code, status: 'withdrawn' } });
    await until('the agency to hear of the withdrawal', () =>
      deliveriesOf(code).some((d) => (d.payload as Json).type === 'dossier.withdrawn') ? true : undefined,
    );
    const again = await api('POST', `/v1/dossiers/${code}/withdraw`, {
      token: owner,
      body: { reason: 'Đã tìm lại được thẻ' },
    });
    expect(again.body.status).toBe('withdrawn');
    const owned = await api('GET', `/v1/dossiers/${code}`, { token: owner });
    expect(owned.body.timeline.at(-1)).toMatchObject({ type: 'dossier.withdrawn', actor: 'citizen' });
    // The agency can no longer act on it.
    expect((await agency('bhxh-hn', { type: 'dossier.approved', dossierCode: code })).status).toBe(409);
  });

  it('refuses a withdrawal once the agency has decided', async () => {
    const code = await submitBhyt('life-withdraw-0002');
    expect((await agency('bhxh-hn', { type: 'dossier.approved', dossierCode: code })).status).toBe(200);
    const res = await api('POST', `/v1/dossiers/${code}/withdraw`, {
      token: owner,
      body: { reason: 'Không còn nhu cầu' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details.currentStatus).toBe('approved');
  });

  it('withdraws the later dossiers of a bundle when its first step is refused', async () => {
    const scan = await uploadScan(Buffer.from('%PDF-1.7 giấy chứng sinh 2'), 'giay-chung-sinh-2.pdf');
    const submitted = await api('POST', '/v1/dossiers', {
      token: owner,
      key: 'life-bundle-reject-01',
      body: {
        procedureCode: '2.000986',
        form: birthBundleForm,
        attachments: [{ documentType: 'birth_certificate_medical', uploadId: scan }],
      },
    });
    const [birth, residence, card] = submitted.body.dossiers.map((d: Json) => d.code as string);
    await waitStatus(birth!, 'in_progress');
    const refused = await agency('xa-00070', {
      type: 'dossier.rejected',
      dossierCode: birth,
      reason: 'Giấy chứng sinh không hợp lệ',
    });
    expect(refused.status).toBe(200);
    for (const later of [residence!, card!]) {
      const view = await api('GET', `/v1/dossiers/${later}`, { token: owner });
      expect(view.body.status).toBe('withdrawn');
      expect(view.body.timeline.at(-1)).toMatchObject({ type: 'dossier.withdrawn', actor: 'system' });
      expect(deliveriesOf(later)).toHaveLength(0);
    }
    const verify = await api('GET', `/v1/dossiers/${residence}/timeline/verify`, { token: owner });
    expect(verify.body.intact).toBe(true);
  });
});
