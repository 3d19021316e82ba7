/**
 * Data never asked twice, in the browser. The agency issues Nguyễn Văn An's driving licence as an
 * electronic result (document type `current_licence`, which the licence exchange itself asks for: no
 * procedure in the catalog yet requires a type another procedure's result produces, so the agency names
 * the type on the result). When he files the exchange again, the page offers the licence he holds,
 * chosen already (and his earlier health-certificate scan, which he unticks to upload a new one); the
 * review says the licence is reused, and the agency's delivery lists the held licence like any scan. axe-core finds nothing on either screen.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { createPayment, pressOnGatewayPage } from '../support/payments.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { SCAN_HEADS } from '../support/scans.js';
import { until } from '../support/wait.js';
import { checkScreen, launchChromium, openPortalPage } from './support/browser.js';

const PROCEDURE = '1.002804';

let portal: LocalPortal;
let browser: Browser;
let token: string;
let secrets: AgencySecrets;
const { api, upload } = portalClient(() => portal.url);

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
  token = await portal.token({ sub: 'citizen-an', role: 'citizen', citizenId: licenceForm.citizenId });
  secrets = await readAgencySecrets(portal);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const PDF = Buffer.concat([SCAN_HEADS['application/pdf']!, Buffer.alloc(2_000, 0x20)]);
const LICENCE = Buffer.concat([SCAN_HEADS['application/pdf']!, Buffer.from(' GPLX hạng B — Nguyễn Văn An')]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function pay(code: string) {
  const payment = await createPayment(portal.url, token, code, `held-pay-${randomUUID()}`);
  expect(payment.status).toBe(201);
  await pressOnGatewayPage(payment.body.redirectUrl, 'approve');
}

const deliveriesOf = (code: string) =>
  portal.simulator.deliveries.filter((d) => (d.payload as Json | undefined)?.dossierCode === code);

describe('a document the citizen already holds', () => {
  it('is offered on the filing page, filed without an upload, and delivered to the agency', async () => {
    // The first exchange, filed through the API; the agency issues the new licence electronically.
    const [licence, health] = await Promise.all([
      upload(token, { bytes: PDF, fileName: 'gplx-cu.pdf' }),
      upload(token, { bytes: PDF, fileName: 'suc-khoe.pdf' }),
    ]);
    const filed = await api('POST', '/v1/dossiers', {
      token,
      key: `held-${randomUUID()}`,
      body: {
        procedureCode: PROCEDURE,
        form: licenceForm,
        attachments: [
          { documentType: 'current_licence', uploadId: licence },
          { documentType: 'health_certificate', uploadId: health },
        ],
      },
    });
    expect(filed.status, filed.text).toBe(201);
    const { code, agencyId } = filed.body.dossiers[0];
    await pay(code);
    await until('the agency to take it up', async () =>
      (await api('GET', `/v1/dossiers/${code}`, { token })).body.status === 'in_progress' ? true : undefined,
    );
    const call = (event: Json) => signedAgencyCall(portal, secrets, '/v1/agency/events', agencyId, event);
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

    // The next exchange, in the browser.
    const { page, violations } = await openPortalPage(browser, 'desktop');
    const uploads: string[] = [];
    const posted: Json[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/v1/uploads')) uploads.push(r.url());
      if (r.method() === 'POST' && r.url().endsWith('/v1/dossiers')) posted.push(r.postDataJSON());
    });
    await page.goto(`${portal.webUrl}nop/${PROCEDURE}`);
    await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
    await page.waitForURL(/\/dev\/oauth2\/authorize/);
    await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ: Đổi giấy phép lái xe' }).waitFor();
    // No personal data in the page's address.
    expect(new URL(page.url()).pathname).toBe(`/nop/${PROCEDURE}`);
    expect(new URL(page.url()).search).toBe('');

    const offer = page.getByRole('checkbox', {
      name: /^Bạn đã có giấy tờ này \(cấp bởi .+, ngày \d{1,2}\/\d{1,2}\/\d{4}\) — dùng giấy tờ đã có$/,
    });
    await offer.waitFor();
    await expect(offer.isChecked()).resolves.toBe(true);
    // The health certificate filed with the first dossier is offered too, as an earlier scan; he unticks
    // it and uploads a new one instead.
    const earlier = page.getByRole('checkbox', {
      name: `Bạn đã có giấy tờ này (đã nộp trong hồ sơ ${code}, ngày ${new Date().toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}) — dùng giấy tờ đã có`,
    });
    await expect(earlier.isChecked()).resolves.toBe(true);
    await earlier.uncheck();

    await page.getByLabel(/^Họ, chữ đệm và tên/).fill(licenceForm.fullName);
    await page.getByLabel(/^Ngày sinh/).fill(licenceForm.dateOfBirth);
    await page.getByLabel(/^Số định danh cá nhân/).fill(licenceForm.citizenId);
    await page.getByLabel(/^Số điện thoại di động/).fill(licenceForm.phone);
    await page.getByLabel(/^Số giấy phép lái xe/).fill(licenceForm.licenceNumber);
    await page.getByLabel(/^Hạng giấy phép/).selectOption(licenceForm.licenceClass);
    await page.getByLabel(/^Lý do đổi/).selectOption(licenceForm.reason);
    await page.getByLabel(/^Cách nhận kết quả/).selectOption(licenceForm.deliveryMethod);
    await page.getByLabel(/^Địa chỉ nhận kết quả/).fill(licenceForm.deliveryAddress);
    await page
      .getByLabel(/^Giấy khám sức khỏe/)
      .setInputFiles({ name: 'kham-suc-khoe.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByText('Đã tải lên: kham-suc-khoe.pdf').waitFor();
    await checkScreen(page, 'held-form-desktop');

    await page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Xem lại trước khi nộp' }).waitFor();
    await expect(page.locator('#reused-summary').textContent()).resolves.toContain(
      '1 giấy tờ dùng lại giấy tờ bạn đã có',
    );
    await page.getByText('Dùng giấy tờ đã có: GPLX hạng B.pdf').waitFor();
    await checkScreen(page, 'held-review-desktop');
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Biên nhận hồ sơ' }).waitFor();
    const later = (await page.locator('#receipt-code').textContent())!.trim();

    expect(uploads).toHaveLength(1);
    expect(posted[0]?.attachments).toEqual([
      { documentType: 'current_licence', documentId: issued.body.resultDocument.documentId },
      { documentType: 'health_certificate', uploadId: expect.any(String) },
    ]);
    await pay(later);
    const delivery = await until('the delivery', async () =>
      deliveriesOf(later).find((d) => (d.payload as Json).type === 'dossier.submitted'),
    );
    const held = ((delivery.payload as Json).attachments as Json[]).find(
      (a) => a.documentType === 'current_licence',
    );
    expect(held).toMatchObject({
      contentType: 'application/pdf',
      size: LICENCE.length,
      sha256: sha256(LICENCE),
    });
    expect(violations).toEqual([]);
  }, 180_000);
});
