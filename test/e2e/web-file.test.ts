/**
 * Journeys 3 and 4 in the browser: a signed-in citizen files "Đổi giấy phép lái xe" (a fee and scans)
 * from its published form — a wrong file refused before sending, scans uploaded with progress, a review,
 * one dossier however many clicks on "Nộp hồ sơ" — gets a printable receipt, pays in the local payment
 * sandbox, is declined once and tries again without refilling anything, then sees the fee paid and its
 * electronic receipt. axe-core finds nothing on any screen, on a desktop and on a 360 px phone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { SCAN_HEADS } from '../support/scans.js';
import { checkScreen, type Device, launchChromium, openPortalPage } from './support/browser.js';

const PROCEDURE = '1.002804';

let portal: LocalPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const pdf = (name: string) => ({
  name,
  mimeType: 'application/pdf',
  buffer: Buffer.concat([SCAN_HEADS['application/pdf']!, Buffer.alloc(40_000, 0x20)]),
});

async function signInAndOpenForm(page: Page) {
  await page.goto(`${portal.webUrl}nop/${PROCEDURE}`);
  await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
  await page.waitForURL(new RegExp(`/nop/${PROCEDURE.replace('.', '\\.')}$`));
  await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ: Đổi giấy phép lái xe' }).waitFor();
}

async function fillForm(page: Page) {
  await page.getByLabel(/^Họ, chữ đệm và tên/).fill(licenceForm.fullName);
  await page.getByLabel(/^Ngày sinh/).fill(licenceForm.dateOfBirth);
  await page.getByLabel(/^Số định danh cá nhân/).fill(licenceForm.citizenId);
  await page.getByLabel(/^Số điện thoại di động/).fill(licenceForm.phone);
  await page.getByLabel(/^Số giấy phép lái xe/).fill(licenceForm.licenceNumber);
  await page.getByLabel(/^Hạng giấy phép/).selectOption(licenceForm.licenceClass);
  await page.getByLabel(/^Lý do đổi/).selectOption(licenceForm.reason);
  await page.getByLabel(/^Cách nhận kết quả/).selectOption(licenceForm.deliveryMethod);
  await page.getByLabel(/^Địa chỉ nhận kết quả/).fill(licenceForm.deliveryAddress);
}

describe.each<Device>(['desktop', 'phone'])('filing and paying on a %s', (device) => {
  it('files with scans, gets a receipt, pays after a declined attempt and sees the fee paid', async () => {
    const { page, context, violations } = await openPortalPage(browser, device);
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    await signInAndOpenForm(page);
    // Vietnamese labels and help from the published schema.
    await page.getByText('12 chữ số, in trên giấy phép.').waitFor();
    // The date is typed day first, as written here, whatever the browser's language: a text box with
    // the number pad, not the browser's own date control (mm/dd/yyyy in an English browser).
    const dateHelp = (await page.locator('#f-dateOfBirth-hint').textContent()) ?? '';
    expect(dateHelp).toContain('Gõ ngày/tháng/năm, ví dụ 22/11/2000.');
    expect(dateHelp).not.toContain('YYYY-MM-DD');
    await expect(page.locator('#f-dateOfBirth').getAttribute('type')).resolves.toBe('text');
    await expect(page.locator('#f-dateOfBirth').getAttribute('inputmode')).resolves.toBe('numeric');
    // No draft yet is learnt from the list, not from a 404 the browser logs as an error.
    expect(notFound.filter((u) => u.includes('/v1/me/drafts'))).toEqual([]);
    await checkScreen(page, `file-form-${device}`);

    // Nothing filled: the page says what is missing, each field tied to its message.
    await page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    const summary = page.getByRole('alert');
    await summary.getByRole('heading', { name: 'Vui lòng sửa các mục sau' }).waitFor();
    await expect(summary.textContent()).resolves.toContain('Số giấy phép lái xe: Vui lòng nhập mục này.');
    await expect(page.getByLabel(/^Số giấy phép lái xe/).getAttribute('aria-describedby')).resolves.toContain(
      'f-licenceNumber-error',
    );
    await checkScreen(page, `file-form-errors-${device}`);

    await fillForm(page);
    // Each field's inline message goes once it is filled in.
    await expect(page.locator('#f-licenceNumber-error').count()).resolves.toBe(0);
    // A file of the wrong kind is refused before a byte is sent.
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/v1/uploads')) uploads.push(r.url());
    });
    const licence = page.getByLabel(/^Bản chụp giấy phép lái xe/);
    await licence.setInputFiles({
      name: 'ghi-chu.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('xin chào'),
    });
    await page.getByText('Loại tệp không được chấp nhận').waitFor();
    expect(uploads).toEqual([]);

    await licence.setInputFiles(pdf('gplx.pdf'));
    await page.getByText('Đã tải lên: gplx.pdf').waitFor();
    await page.getByLabel(/^Giấy khám sức khỏe/).setInputFiles(pdf('kham-suc-khoe.pdf'));
    await page.getByText('Đã tải lên: kham-suc-khoe.pdf').waitFor();
    expect(uploads).toHaveLength(2);
    await checkScreen(page, `file-form-filled-${device}`);

    await page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Xem lại trước khi nộp' }).waitFor();
    const review = await page.locator('dl.facts').first().textContent();
    expect(review).toContain('B — ô tô đến 8 chỗ, tải đến 3.500 kg');
    expect(review).toContain(licenceForm.licenceNumber);
    // Days as people write them here, not as the form holds them.
    expect(review).toContain('01/05/1990');
    expect(review).not.toContain(licenceForm.dateOfBirth);
    await checkScreen(page, `file-review-${device}`);

    const token = await portal.token({ sub: 'citizen-an', role: 'citizen' });
    const myDossiers = async () => {
      const res = await fetch(`${portal.url}/v1/me/dossiers`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { items: { code: string }[] }).items.map((d) => d.code);
    };
    const before = await myDossiers();
    // A double click files once: one key, one dossier.
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/dossiers'))
        keys.push(r.headers()['idempotency-key'] ?? '');
    });
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).dblclick();
    await page.getByRole('heading', { level: 1, name: 'Biên nhận hồ sơ' }).waitFor();
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(new Set(keys).size).toBe(1);
    const code = (await page.locator('#receipt-code').textContent())!;
    expect(code).toMatch(/\S+/);
    const trackingKey = (await page.locator('#receipt-key').textContent())!;
    expect(trackingKey).toMatch(/^[A-Z0-9]+$/);
    await expect(page.locator('.receipt').textContent()).resolves.toContain('Hẹn trả kết quả');
    await checkScreen(page, `file-receipt-${device}`);
    // The printed receipt leaves the page's header and buttons out.
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.top').isVisible()).resolves.toBe(false);
    await expect(page.getByRole('button', { name: 'Lưu PDF' }).isVisible()).resolves.toBe(false);
    await page.emulateMedia({ media: 'screen' });

    const after = await myDossiers();
    expect(after.filter((c) => !before.includes(c))).toEqual([code]);

    // Pay: the sandbox declines the first attempt; "Thử lại" pays without refilling anything.
    await page.getByRole('button', { name: /^Thanh toán lệ phí 135/ }).click();
    await page.getByRole('heading', { name: /Cổng thanh toán thử nghiệm/ }).waitFor();
    await page.getByRole('button', { name: 'Từ chối / Decline' }).click();
    await page.waitForURL(/\/thanh-toan\/sandbox\?/);
    await page.getByText('Thanh toán không thành công').waitFor();
    await checkScreen(page, `pay-failed-${device}`);
    // Unpaid, the dossier page says the agency has nothing yet and what waits for the fee.
    const failedPage = page.url();
    await page.goto(`${portal.webUrl}ho-so-cua-toi/${code}`);
    await page.locator('#dossier-awaiting-fee').waitFor();
    await expect(page.locator('#dossier-awaiting-fee').textContent()).resolves.toContain(
      'cơ quan chỉ nhận và giải quyết hồ sơ sau khi bạn thanh toán lệ phí',
    );
    await expect(page.locator('#dossier-due').textContent()).resolves.not.toContain('Còn trong hạn');
    const stepCards = (await page.locator('#dossier-steps').textContent()) ?? '';
    expect(stepCards).toContain('Chờ thanh toán lệ phí');
    expect(stepCards).toContain('Tính từ khi lệ phí được thanh toán');
    expect(stepCards).not.toMatch(/Hạn hoàn thànhChưa/);
    await checkScreen(page, `dossier-unpaid-${device}`);
    await page.goto(failedPage);
    await page.locator('#pay-status').getByText('Thanh toán không thành công').waitFor();
    await page.getByRole('button', { name: 'Thử lại' }).click();
    await page.getByRole('heading', { name: /Cổng thanh toán thử nghiệm/ }).waitFor();
    await page.getByRole('button', { name: 'Thanh toán / Approve' }).click();
    await page.waitForURL(/\/thanh-toan\/sandbox\?/);
    await page.getByText('Thanh toán thành công.').waitFor();
    const receipt = page.locator('#payment-receipt');
    await receipt.waitFor();
    const text = (await receipt.textContent())!;
    expect(text).toContain(code);
    expect(text).toMatch(/135[.,]000/);
    // The portal's own words for what was paid, not the gateway's text without tone marks.
    await expect(page.locator('#payment-receipt-for').textContent()).resolves.toBe(
      `Lệ phí hồ sơ ${code} — Đổi giấy phép lái xe`,
    );
    expect(text).not.toContain('Le phi');
    // The receipt's heading stands apart from the notice above it.
    const notice = await page.locator('#pay-status').boundingBox();
    const heading = await page.locator('#receipt-heading').boundingBox();
    expect(heading!.y - (notice!.y + notice!.height)).toBeGreaterThanOrEqual(16);
    await checkScreen(page, `pay-paid-${device}`);

    // The receipt is found again on the dossier's own page, where the payment notice points.
    const receiptNumber = (await receipt.locator('dd').first().textContent())!;
    await page.goto(`${portal.webUrl}ho-so-cua-toi/${code}`);
    const again = page.locator('#dossier-receipt');
    await again.waitFor();
    await expect(again.locator('dd').first().textContent()).resolves.toBe(receiptNumber);
    await expect(page.locator('#dossier-receipt-for').textContent()).resolves.toBe(
      `Lệ phí hồ sơ ${code} — Đổi giấy phép lái xe`,
    );
    await checkScreen(page, `dossier-paid-${device}`);

    // Public tracking: the payment is its own event on the timeline, not a second "Đã nộp".
    await page.goto(`${portal.webUrl}tra-cuu`);
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('Mã tra cứu').fill(trackingKey);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const events = page.locator('#tracked .timeline li');
    await events.first().waitFor();
    const lines = await events.allTextContents();
    expect(lines.filter((l) => l.includes('Đã thanh toán lệ phí'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('Đã nộp'))).toHaveLength(0);
    expect(lines[0]).toContain('Nộp hồ sơ');
    await checkScreen(page, `track-paid-${device}`);
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('sending scans that go wrong', () => {
  it('refuses a file too large before sending it, shows the progress, and tries a failed upload again', async () => {
    const { page, context, violations } = await openPortalPage(browser, 'desktop');
    await signInAndOpenForm(page);
    const asked: string[] = [];
    // Storage's address is in the presigned form the API answers: learnt there, then routed.
    let storage: string | undefined;
    await page.route('**/v1/uploads', async (route) => {
      asked.push(route.request().url());
      const res = await route.fetch();
      const body = (await res.json()) as { url: string };
      storage = body.url;
      await route.fulfill({ response: res, json: body });
    });
    const sent: number[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(
      (url) => storage !== undefined && url.href === storage,
      async (route) => {
        sent.push(sent.length + 1);
        // The first attempt fails at storage; the second is held until the progress bar has been seen.
        if (sent.length === 1) return route.fulfill({ status: 503, body: 'Service Unavailable' });
        await held;
        return route.continue();
      },
    );

    const licence = page.getByLabel(/^Bản chụp giấy phép lái xe/);
    // 5 MB is this document's limit: one byte more is refused here, nothing asked of the API or storage.
    await licence.setInputFiles({
      name: 'qua-lon.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([SCAN_HEADS['application/pdf']!, Buffer.alloc(5 * 1024 * 1024 + 1, 0x20)]),
    });
    await page.getByText('Tệp quá lớn: tối đa 5 MB.').waitFor();
    expect(asked).toEqual([]);
    expect(sent).toEqual([]);

    await licence.setInputFiles(pdf('gplx.pdf'));
    const status = page.locator('#doc-current_licence-status');
    await status.getByText('Tải tệp lên không thành công.').waitFor();
    await checkScreen(page, 'file-upload-failed-desktop');
    await status.getByRole('button', { name: 'Thử lại' }).click();
    // While storage has it: a progress bar named for what it measures.
    const progress = page.getByRole('progressbar', { name: 'Đang tải lên' });
    await progress.waitFor();
    await checkScreen(page, 'file-upload-progress-desktop');
    release();
    await status.getByText('Đã tải lên: gplx.pdf').waitFor();
    await expect(progress.count()).resolves.toBe(0);
    expect(sent).toEqual([1, 2]);
    expect(asked).toHaveLength(2);
    expect(violations).toEqual([]);
    await context.close();
  }, 90_000);
});

describe('filing from a browser in American English', () => {
  it('takes the day first all the same, and says so when the text is no day', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAndOpenForm(page);
    const help = (await page.locator('#f-dateOfBirth-hint').textContent()) ?? '';
    expect(help).toContain('Gõ ngày/tháng/năm, ví dụ 22/11/2000.');
    expect(help).not.toMatch(/mm\/dd|YYYY-MM-DD/i);
    const day = page.getByLabel(/^Ngày sinh/);
    // No 31st of February: the page says so beside the field before anything is sent.
    await day.fill('31/02/1990');
    await page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    await expect(page.locator('#f-dateOfBirth-error').textContent()).resolves.toBe(
      'Không phải một ngày hợp lệ; gõ ngày/tháng/năm, ví dụ 22/11/2000.',
    );
    await expect(day.getAttribute('aria-invalid')).resolves.toBe('true');
    // Typed without separators, it is shown as written here once the field is left.
    await day.fill('01051990');
    await day.blur();
    await expect(day.inputValue()).resolves.toBe('01/05/1990');
    await expect(page.locator('#f-dateOfBirth-error').count()).resolves.toBe(0);
    await context.close();
  }, 60_000);
});
