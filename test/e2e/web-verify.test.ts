/**
 * The verification page in the browser: someone holding a printed result scans its QR code and sees
 * whether it is genuine, who issued it and when; they check the file they were given against the signed
 * digest on their own device; once the agency revokes it the page says so. On a desktop and a phone,
 * with axe-core finding nothing and no content security policy violation.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';
import { checkScreen, type Device, launchChromium, openPortalPage } from './support/browser.js';

const AGENCY = 'bhxh-hn';
const CARD = Buffer.from('%PDF-1.7 thẻ bảo hiểm y tế điện tử');

let portal: LocalPortal;
let browser: Browser;
let documentId: string;
let link: string;
let revoke: () => Promise<void>;

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
  const { api } = portalClient(() => portal.url);
  const owner = await portal.token({ sub: 'verify-page-owner' });
  const filed = await api('POST', '/v1/dossiers', {
    token: owner,
    key: `verify-page-${randomUUID()}`,
    body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  });
  expect(filed.status).toBe(201);
  const code = filed.body.dossiers[0].code as string;
  await until('the agency to take it up', async () => {
    const d = await api('GET', `/v1/dossiers/${code}`, { token: owner });
    return d.body.status === 'in_progress' ? d : undefined;
  });
  const secrets = await readAgencySecrets(portal);
  const call = (event: Record<string, unknown>) =>
    signedAgencyCall(portal, secrets, '/v1/agency/events', AGENCY, event);
  expect((await call({ type: 'dossier.approved', dossierCode: code })).status).toBe(200);
  const issued = await call({
    type: 'dossier.result_issued',
    dossierCode: code,
    result: {
      kind: 'electronic',
      fileName: 'the-bhyt.pdf',
      contentType: 'application/pdf',
      contentBase64: CARD.toString('base64'),
    },
  });
  documentId = issued.body.resultDocument.documentId;
  const mine = await api('GET', `/v1/me/documents/${documentId}`, { token: owner });
  // The QR code's own link, on the web page's address.
  link = new URL(
    new URL(mine.body.verification.url).pathname + new URL(mine.body.verification.url).search,
    portal.webUrl,
  ).href;
  revoke = async () => {
    const res = await call({
      type: 'result.revoked',
      dossierCode: code,
      documentId,
      reason: 'Cấp trùng thẻ',
    });
    expect(res.status).toBe(200);
  };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe.each<Device>(['desktop', 'phone'])('the verification page on a %s', (device) => {
  it('shows a genuine result with its issuer, and checks a file against it', async () => {
    const { page, context, violations } = await openPortalPage(browser, device);
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Xác thực kết quả điện tử' }).waitFor();
    await expect(page.locator('#verify-status').textContent()).resolves.toBe(
      'Kết quả hợp lệ: do cơ quan cấp và còn giá trị.',
    );
    // The document's type in words from the catalog, not the signed record's id for it.
    const type = page.locator('#verify-type');
    await expect
      .poll(() => type.textContent())
      .toBe('Kết quả thủ tục “Cấp lại thẻ bảo hiểm y tế do bị mất, hỏng”');
    await expect(page.locator('dl').textContent()).resolves.not.toContain('result_1_002758');
    // Good news in a success box, not the yellow one warnings use.
    const colours = await page
      .locator('#verify-status')
      .evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderLeftColor]);
    expect(colours).toEqual(['rgb(231, 244, 234)', 'rgb(11, 107, 43)']);
    await checkScreen(page, `verify-genuine-${device}`);
    await page
      .getByLabel(/So khớp tệp/)
      .setInputFiles({ name: 'the.pdf', mimeType: 'application/pdf', buffer: CARD });
    await page.getByText('Tệp khớp đúng với kết quả đã được ký.').waitFor();
    await page
      .getByLabel(/So khớp tệp/)
      .setInputFiles({ name: 'gia.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF giả') });
    await page.getByText('Tệp KHÔNG khớp với kết quả đã được ký.').waitFor();
    await page.goto(new URL('/verify/01KZZZZZZZZZZZZZZZZZZZZZZZ', portal.webUrl).href);
    await page.getByText('Không tìm thấy kết quả với mã này trên Cổng.').waitFor();
    expect(violations).toEqual([]);
    await context.close();
  });
});

describe('after the agency revokes it', () => {
  it('says so at once', async () => {
    await revoke();
    const { page, context, violations } = await openPortalPage(browser, 'phone');
    await page.goto(link);
    await page.getByText('Kết quả đã bị cơ quan cấp thu hồi: không còn giá trị.').waitFor();
    await expect(
      page.locator('#verify-status').evaluate((e) => getComputedStyle(e).backgroundColor),
    ).resolves.toBe('rgb(253, 236, 236)');
    await checkScreen(page, 'verify-revoked-phone');
    expect(violations).toEqual([]);
    await context.close();
  });
});
