/**
 * Steps, results and who read my data, in the browser. A dossier filed through the API (with a scan) is
 * moved by the agency's signed callbacks naming its steps and officers, including an apology with a new
 * date (form 04) for one step; the agency fetches the scan (each fetch is logged) and issues an electronic
 * result. The owner's dossier page shows every step with its due time in Vietnam time, on time or late,
 * the apology and the officer; public tracking shows the same without officers or the apology's reason.
 * The account page lists the result first with its status, issuer, download, QR code (an image under the
 * page's CSP) and a share link that opens on the portal's own page for whoever receives it; then who read
 * the data, page by page. axe-core finds nothing on any screen, on a desktop and on a 360 px phone.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_HEADER, signedGetContent, signWebhook } from '../../functions/core/webhooks.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import {
  type AgencySecrets,
  channelSecret,
  readAgencySecrets,
  signedAgencyCall,
} from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { SCAN_HEADS } from '../support/scans.js';
import { until } from '../support/wait.js';
import { checkScreen, type Device, launchChromium, openPortalPage } from './support/browser.js';

const PROCEDURE = '1.002758';
const AGENCY = 'bhxh-hn';
const SUB = 'citizen-an';
const SPECIALIST = { id: 'bhxh-hn-cv-07', displayName: 'Chuyên viên Lê Thu Hà' };
const APOLOGY = 'Chờ xác minh quá trình đóng bảo hiểm với cơ quan thuế';
/** Ten agency reads and one opening of a share: more than one page (10) of the access log. */
const AGENCY_READS = 10;
/** Why an officer of the agency opened the dossier with its identifiers in full. */
const OFFICER_REASON = 'Đối chiếu số định danh với thẻ cũ';

let portal: LocalPortal;
let browser: Browser;
let token: string;
let secrets: AgencySecrets;
const { api, upload } = portalClient(() => portal.url);

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
  token = await portal.token({ sub: SUB, role: 'citizen' });
  secrets = await readAgencySecrets(portal);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const VN = { timeZone: 'Asia/Ho_Chi_Minh' } as const;
/** Times are shown to the minute. */
const vnMinute = (iso: string) =>
  new Date(iso).toLocaleString('vi-VN', {
    ...VN,
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

async function report(event: Json) {
  const res = await signedAgencyCall(portal, secrets, '/v1/agency/events', AGENCY, event);
  expect(res.status, res.text).toBe(200);
  return res;
}

/** The agency's system downloads a scan of the dossier, as the delivery offers it (signed GET). */
async function agencyFetches(href: string) {
  const path = new URL(href).pathname;
  const res = await fetch(`${portal.url}${path}`, {
    headers: {
      [AGENCY_HEADER]: AGENCY,
      ...signWebhook(channelSecret(secrets, AGENCY), `msg_${randomUUID()}`, signedGetContent(path)),
    },
  });
  expect(res.status).toBe(200);
}

async function signIn(page: Page, path: string) {
  await page.goto(`${portal.webUrl}${path.slice(1)}`);
  await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
  await page.waitForURL((url) => url.pathname === path);
}

interface Filed {
  code: string;
  trackingKey: string;
  documentId: string;
  result: Buffer;
  agencyName: string;
}

/**
 * Files a dossier with a scan and has the agency work it: reception (the simulator's desk officer),
 * step 1 by a named specialist with an apology and a new date, step 2 started, the scan fetched, the
 * dossier approved and an electronic result issued.
 */
async function fileAndWork(device: Device): Promise<Filed> {
  const scan = await upload(token, {
    bytes: Buffer.concat([SCAN_HEADS['application/pdf']!, Buffer.from(` the hong ${device}`)]),
    fileName: 'the-bhyt-hong.pdf',
  });
  const res = await api('POST', '/v1/dossiers', {
    token,
    key: `web-steps-${device}-${randomUUID()}`,
    body: {
      procedureCode: PROCEDURE,
      form: bhytForm,
      attachments: [{ documentType: 'damaged_card', uploadId: scan }],
    },
  });
  expect(res.status, res.text).toBe(201);
  const { code, trackingKey } = res.body.dossiers[0] as { code: string; trackingKey: string };
  const started = await until(`${code}'s step 1 under way`, async () => {
    const d = (await api('GET', `/v1/dossiers/${code}`, { token })).body;
    return d?.status === 'in_progress' && d.steps?.[1]?.startedAt ? d : undefined;
  });
  const step1 = started.steps[1];
  const newDueAt = new Date(Date.parse(step1.dueAt) + 3 * 86_400_000).toISOString();
  await report({
    type: 'dossier.extended',
    dossierCode: code,
    step: 'step-1',
    reason: APOLOGY,
    newDueAt,
    officer: SPECIALIST,
  });
  await report({ type: 'dossier.step_completed', dossierCode: code, step: 'step-1', officer: SPECIALIST });
  await report({ type: 'dossier.step_started', dossierCode: code, step: 'step-2', officer: SPECIALIST });

  const delivery = portal.simulator.deliveries.find(
    (d) => (d.payload as Json | undefined)?.dossierCode === code,
  );
  expect(delivery, `the delivery of ${code}`).toBeDefined();
  const file = ((delivery!.payload as Json).attachments as Json[])[0]!;
  // An officer of the agency opens the dossier with the identifiers in full and says why: older than the
  // agency's file fetches below, so it shows on the second page of the access log.
  const officer = await portal.token({
    sub: `web-steps-officer-${device}`,
    role: 'agency_officer',
    agencyId: AGENCY,
  });
  const read = await api(
    'GET',
    `/v1/dossiers/${code}?reveal=true&reason=${encodeURIComponent(OFFICER_REASON)}`,
    {
      token: officer,
    },
  );
  expect(read.status, read.text).toBe(200);
  for (let i = 0; i < AGENCY_READS; i++) await agencyFetches(file.href);

  const result = Buffer.from(`%PDF-1.7 The BHYT dien tu ${device}`);
  await report({ type: 'dossier.approved', dossierCode: code });
  const issued = await report({
    type: 'dossier.result_issued',
    dossierCode: code,
    result: {
      kind: 'electronic',
      fileName: `the-bhyt-${device}.pdf`,
      contentType: 'application/pdf',
      contentBase64: result.toString('base64'),
    },
  });
  const documentId = issued.body.resultDocument.documentId as string;
  return { code, trackingKey, documentId, result, agencyName: started.agencyName };
}

describe.each<Device>(['desktop', 'phone'])('steps, my documents and my access log on a %s', (device) => {
  it('shows every step, the result with its QR code and share link, and who read the data', async () => {
    const filed = await fileAndWork(device);
    const { code } = filed;
    const view = (await api('GET', `/v1/dossiers/${code}`, { token })).body;
    expect(view.steps.map((s: Json) => s.id)).toEqual(['reception', 'step-1', 'step-2']);

    const { page, context, violations } = await openPortalPage(browser, device);
    await signIn(page, `/ho-so-cua-toi/${code}`);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();

    // The owner's steps: names, due times in Vietnam time, on time, the apology and the officers.
    await page.getByRole('heading', { level: 2, name: 'Các bước xử lý' }).waitFor();
    const steps = page.locator('#dossier-steps > li');
    await expect(steps.count()).resolves.toBe(3);
    const reception = page.locator('#dossier-steps-reception');
    const step1 = page.locator('#dossier-steps-step-1');
    const step2 = page.locator('#dossier-steps-step-2');
    await step1.getByRole('heading', { name: 'Bước 2: Tiếp nhận tờ khai TK1-TS' }).waitFor();
    await expect(reception.textContent()).resolves.toContain('Cán bộ một cửa Nguyễn Thị Lan');
    await expect(reception.textContent()).resolves.toContain('8 giờ làm việc');
    const s1 = view.steps[1];
    const step1Text = (await step1.textContent()) ?? '';
    expect(step1Text).toContain('0,5 ngày làm việc');
    expect(step1Text).toContain(vnMinute(s1.startedAt));
    expect(step1Text).toContain(vnMinute(s1.finishedAt));
    expect(step1Text).toContain('Đúng hạn');
    expect(step1Text).toContain(SPECIALIST.displayName);
    expect(step1Text).toContain('Thư xin lỗi và hẹn lại (mẫu 04)');
    expect(step1Text).toContain(vnMinute(s1.apology.newDueAt));
    expect(step1Text).toContain(APOLOGY);
    await expect(step2.textContent()).resolves.toContain(vnMinute(view.steps[2].dueAt));
    await checkScreen(page, `steps-dossier-${device}`);

    // A step past its due time without an apology (the API's answer, as it would read days later).
    await page.route(`**/v1/dossiers/${code}`, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.steps[2] = { ...body.steps[2], state: 'late', lateByWorkingDays: 2, apologyRequired: true };
      await route.fulfill({ response: res, json: body });
    });
    await page.reload();
    await step2.getByText('Trễ 2 ngày làm việc').waitFor();
    await step2.getByText('Cần thư xin lỗi', { exact: true }).waitFor();
    await checkScreen(page, `steps-dossier-late-${device}`);
    await page.unroute(`**/v1/dossiers/${code}`);

    // In English, the steps' English names.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await step1.getByRole('heading', { name: 'Step 2: Receiving the TK1-TS declaration' }).waitFor();
    await step1.getByText('On time', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();

    // Public tracking: the same steps, no officer and no reason for the apology.
    await page.goto(`${portal.webUrl}tra-cuu`);
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('Mã tra cứu').fill(filed.trackingKey);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const tracked = page.locator('#tracked-steps');
    await tracked.locator('#tracked-steps-step-1').getByText('Đúng hạn', { exact: true }).waitFor();
    const trackedText = (await tracked.textContent()) ?? '';
    expect(trackedText).toContain(vnMinute(s1.apology.newDueAt));
    for (const hidden of [APOLOGY, SPECIALIST.displayName, 'Nguyễn Thị Lan', 'Cán bộ xử lý'])
      expect(trackedText).not.toContain(hidden);
    await checkScreen(page, `steps-track-${device}`);

    // My documents: the result first, valid, its issuer; the download works; the QR code shows.
    await page.goto(`${portal.webUrl}tai-khoan`);
    await page.getByRole('heading', { level: 2, name: 'Giấy tờ của tôi' }).waitFor();
    const result = page.locator(`#result-${filed.documentId}`);
    await result.getByText(`the-bhyt-${device}.pdf`).waitFor();
    await result.getByText('Còn hiệu lực').waitFor();
    await expect(result.textContent()).resolves.toContain(filed.agencyName);
    await expect(page.locator('#my-documents').textContent()).resolves.toContain('the-bhyt-hong.pdf');
    // Each document by what it is (from its procedure), the file's name and size beside it; a file of a
    // few bytes says so rather than "1 kB".
    await expect
      .poll(() => result.locator('.document-title strong').textContent())
      .toBe('Kết quả thủ tục “Cấp lại thẻ bảo hiểm y tế do bị mất, hỏng”');
    await expect(result.textContent()).resolves.toContain(
      `Tệp the-bhyt-${device}.pdf, ${filed.result.length} byte`,
    );
    const scan = page.locator('#my-documents > li', { hasText: 'the-bhyt-hong.pdf' }).first();
    await expect(scan.locator('strong').textContent()).resolves.toBe(
      'Ảnh chụp thẻ bảo hiểm y tế bị hỏng (nếu có)',
    );
    await expect(page.locator('#my-documents').textContent()).resolves.not.toContain('1 kB');
    // The issuer's long name on one line when the screen has room for it.
    if (device === 'desktop') {
      const issuer = (await result.locator('dl dd').first().boundingBox())!;
      expect(issuer.height).toBeLessThan(30);
    }
    const verify = result.getByRole('link', { name: `Xác thực kết quả: the-bhyt-${device}.pdf` });
    expect(await verify.getAttribute('href')).toBe(`/verify/${filed.documentId}`);

    const downloads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/me/documents/')) downloads.push(r.url());
    });
    await result.getByRole('button', { name: `Tải xuống: the-bhyt-${device}.pdf` }).click();
    const link = result.locator('a[download]');
    await link.waitFor();
    await page.waitForFunction(() => document.activeElement?.matches('a[download]') ?? false);
    const got = await page.request.get((await link.getAttribute('href'))!);
    expect(Buffer.from(await got.body())).toEqual(filed.result);
    const qr = result.getByRole('img', { name: /Mã QR dẫn tới trang xác thực/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    // Drawn, not blocked by the page's content security policy.
    await expect(qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).resolves.toBe(
      true,
    );
    // Nothing about the document in the page's address: the link was fetched with the token.
    expect(new URL(page.url()).pathname).toBe('/tai-khoan');
    expect(downloads.every((u) => !u.includes('access_token') && !u.includes('?'))).toBe(true);
    await checkScreen(page, `documents-result-${device}`);

    // Share for one day: the link shows with its expiry and a copy button, and it opens.
    await result.getByRole('button', { name: `Chia sẻ: the-bhyt-${device}.pdf` }).click();
    await result.getByLabel('1 ngày').check();
    await checkScreen(page, `documents-share-${device}`);
    const asked = page.waitForRequest((r) => r.url().endsWith('/shares') && r.method() === 'POST');
    await result.getByRole('button', { name: 'Tạo đường dẫn chia sẻ' }).click();
    expect((await asked).postDataJSON()).toEqual({ expiresInHours: 24 });
    const shareField = result.getByLabel('Đường dẫn chia sẻ');
    await shareField.waitFor();
    const shareUrl = await shareField.inputValue();
    // The portal's page, the token in the fragment (never sent to the page's server).
    expect(shareUrl).toMatch(new RegExp(`^${portal.webUrl}chia-se#[A-Za-z0-9_-]{43}$`));
    await result.getByText(/^Hết hạn lúc/).waitFor();
    await result.getByRole('button', { name: 'Sao chép đường dẫn' }).waitFor();
    await checkScreen(page, `documents-shared-${device}`);

    // Whoever receives the link opens it in their own browser, without signing in.
    const recipient = await openPortalPage(browser, device);
    await recipient.page.goto(shareUrl);
    await recipient.page.getByRole('heading', { level: 1, name: 'Giấy tờ được chia sẻ' }).waitFor();
    await recipient.page.locator('#shared-document').getByText(`the-bhyt-${device}.pdf`).waitFor();
    const sharedLink = recipient.page.getByRole('link', { name: `Tải xuống the-bhyt-${device}.pdf` });
    const sharedFile = await recipient.page.request.get((await sharedLink.getAttribute('href'))!);
    expect(Buffer.from(await sharedFile.body())).toEqual(filed.result);
    expect(
      await recipient.page.getByRole('link', { name: 'Xác thực kết quả này' }).getAttribute('href'),
    ).toBe(`/verify/${filed.documentId}`);
    await checkScreen(recipient.page, `shared-open-${device}`);
    // A wrong or expired link says so.
    await recipient.page.goto(`${portal.webUrl}chia-se#${'A'.repeat(43)}`);
    await recipient.page.reload();
    await recipient.page
      .locator('#shared-gone')
      .getByText(/không đúng hoặc đã hết hạn/)
      .waitFor();
    expect(recipient.violations).toEqual([]);
    await recipient.context.close();

    // Who read my data: the share just opened, then the agency's reads, ten at a time.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Ai đã xem dữ liệu của tôi' }).waitFor();
    const log = page.locator('#access-log > li');
    await log.first().getByText('Người mở đường dẫn bạn chia sẻ').waitFor();
    await expect(log.count()).resolves.toBe(10);
    const agencyRead = log.nth(1);
    await expect(agencyRead.textContent()).resolves.toContain(`Hệ thống của ${filed.agencyName}`);
    await expect(agencyRead.textContent()).resolves.toContain(`Tải the-bhyt-hong.pdf trong hồ sơ ${code}`);
    const entries = (await api('GET', '/v1/me/access-log?limit=1', { token })).body.items as Json[];
    await expect(log.first().locator('time').textContent()).resolves.toBe(vnMinute(entries[0]!.at));
    await checkScreen(page, `access-log-${device}`);
    await page.getByRole('button', { name: 'Xem thêm' }).click();
    await expect.poll(() => log.count()).toBeGreaterThan(10);
    // The officer's reading, before the agency's fetches: who, what was shown in full, and why.
    const officerRead = (await log.nth(AGENCY_READS + 1).textContent()) ?? '';
    expect(officerRead).toContain(`Cán bộ của ${filed.agencyName}`);
    expect(officerRead).toContain(`Xem số định danh/điện thoại đầy đủ trong hồ sơ ${code}`);
    expect(officerRead).toContain(`Lý do: ${OFFICER_REASON}`);
    expect(officerRead).toMatch(/Mã người xem: r_[0-9a-f]{16}/);
    await page.waitForFunction(() => document.activeElement?.closest('#access-log') != null);
    await checkScreen(page, `access-log-more-${device}`);

    expect(violations).toEqual([]);
    await context.close();
  }, 180_000);
});
