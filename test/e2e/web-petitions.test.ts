/**
 * Journey 6 in the browser: a citizen sends a petition with a scan (uploaded through the presigned
 * form), sees the server's refusal of an unknown procedure code beside its field, finds the petition
 * in "Phản ánh của tôi" with its timeline and, once the agency (the local simulator) has answered and
 * published, the answer; then anyone finds the published answer by words typed without tone marks.
 * axe-core finds nothing on any screen, on a desktop and on a 360 px phone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { startTestPortal } from '../support/local-portal.js';
import { SCAN_HEADS } from '../support/scans.js';
import { checkScreen, type Device, launchChromium, navLink, openPortalPage } from './support/browser.js';

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

const png = (name: string) => ({
  name,
  mimeType: 'image/png',
  buffer: Buffer.concat([SCAN_HEADS['image/png']!, Buffer.alloc(10_000, 0)]),
});

async function signIn(page: Page, path: string) {
  await page.goto(`${portal.webUrl}${path.slice(1)}`);
  await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name: /Trần Thị Bình/ }).click();
  await page.waitForURL((url) => url.pathname === path);
}

const SUBJECT: Record<Device, string> = {
  desktop: 'Đèn tín hiệu giao thông hỏng tại ngã tư Láng Hạ',
  phone: 'Đèn chiếu sáng công cộng hỏng trên phố Huỳnh Thúc Kháng',
};

describe.each<Device>(['desktop', 'phone'])('petitions on a %s', (device) => {
  it('sends one with a scan, follows it to its published answer and finds it in the search', async () => {
    const { page, context, violations } = await openPortalPage(browser, device);
    await signIn(page, '/phan-anh-kien-nghi/gui');
    await page.getByRole('heading', { level: 1, name: 'Gửi phản ánh, kiến nghị' }).waitFor();
    await checkScreen(page, `petition-form-${device}`);

    // Nothing filled: the page names what is missing.
    await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
    const summary = page.getByRole('alert');
    await summary.getByRole('heading', { name: 'Vui lòng sửa các mục sau' }).waitFor();
    await expect(summary.textContent()).resolves.toContain('Tiêu đề: Vui lòng nhập mục này.');

    await page.getByLabel('Tiêu đề').fill(SUBJECT[device]);
    await page
      .getByLabel('Nội dung', { exact: true })
      .fill(
        'Đã nhiều ngày không hoạt động, gây ùn tắc vào giờ cao điểm. Đề nghị cơ quan chức năng sửa chữa.',
      );
    await page.getByLabel(/^Tỉnh, thành phố liên quan/).selectOption('01');
    await page.getByLabel('Tệp 1').setInputFiles(png('hien-truong.png'));
    await page.getByText('Đã tải lên: hien-truong.png').waitFor();
    await page.getByLabel(/^Tôi đồng ý để câu trả lời được công khai/).check();
    // A procedure code the catalog does not have: the server's refusal appears beside its field.
    await page.getByLabel(/^Mã thủ tục liên quan/).fill('9.999999');
    await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
    await page.locator('#petition-procedure-error').waitFor();
    await expect(page.getByLabel(/^Mã thủ tục liên quan/).getAttribute('aria-invalid')).resolves.toBe('true');
    await checkScreen(page, `petition-form-error-${device}`);

    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/petitions'))
        keys.push(r.headers()['idempotency-key'] ?? '');
    });
    await page.getByLabel(/^Mã thủ tục liên quan/).fill('');
    await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đã gửi phản ánh, kiến nghị' }).waitFor();
    const code = (await page.locator('#petition-sent-code').textContent())!.match(/PAKN-\d{6}-\d{4,}/)![0];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    await checkScreen(page, `petition-sent-${device}`);

    // Mine: in the list, then its page; the simulated agency answers and publishes.
    await page.getByRole('link', { name: 'Phản ánh của tôi' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Phản ánh của tôi' }).waitFor();
    await page.locator('#my-petitions').getByText(code).waitFor();
    await checkScreen(page, `petition-mine-${device}`);
    await page
      .locator('#my-petitions')
      .getByRole('link', { name: new RegExp(code) })
      .click();
    await page.getByRole('heading', { level: 1, name: `Phản ánh ${code}` }).waitFor();
    for (let i = 0; i < 40; i++) {
      if ((await page.locator('#petition-status').textContent())?.includes('Đã công khai trả lời')) break;
      await page.waitForTimeout(250);
      await page.reload();
      await page.getByRole('heading', { level: 1, name: `Phản ánh ${code}` }).waitFor();
    }
    await page.locator('#petition-status').getByText('Đã công khai trả lời').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Trả lời' }).waitFor();
    const timeline = (await page.locator('ol.timeline').textContent())!;
    expect(timeline).toContain('Tiếp nhận phản ánh, kiến nghị');
    expect(timeline).toContain('Cơ quan trả lời');
    expect(page.url()).not.toContain('Láng');
    await checkScreen(page, `petition-view-${device}`);

    // Anyone finds the published answer, typing without tone marks.
    await (await navLink(page, 'Phản ánh, kiến nghị')).click();
    await page.getByRole('heading', { level: 1, name: 'Phản ánh, kiến nghị' }).waitFor();
    const words = device === 'desktop' ? 'den tin hieu giao thong' : 'den chieu sang cong cong';
    await page.getByLabel('Từ khóa').fill(words);
    // The unfiltered list may already show the petition; wait for the search's own answer.
    const searched = page.waitForResponse((r) => /\/v1\/petitions\?.*q=den/.test(r.url()));
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await page.waitForURL(/q=den/);
    await searched;
    const results = page.locator('#published-petitions');
    await results.getByText(code).waitFor();
    // The count is written once the search has settled; wait for it rather than read it once.
    await page.locator('#petitions-count', { hasText: /^Tìm thấy \d+ câu trả lời/ }).waitFor();
    await results.getByText(code).waitFor();
    await checkScreen(page, `petition-search-${device}`);
    // In English on request, the same answers.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Petitions' }).waitFor();
    await page.getByText(/^\d+ answers? found/).waitFor();
    await checkScreen(page, `petition-search-en-${device}`);

    // A published petition's own page opens for anyone, without signing in.
    const visitor = await openPortalPage(browser, device);
    await visitor.page.goto(`${portal.webUrl}phan-anh-kien-nghi/${code}`);
    const published = visitor.page.locator('#published-petition');
    await published.getByRole('heading', { level: 1, name: `Phản ánh ${code}` }).waitFor();
    await published.getByRole('heading', { level: 2, name: 'Trả lời' }).waitFor();
    await expect(visitor.page.getByText('Vui lòng đăng nhập để xem trang này.').count()).resolves.toBe(0);
    await expect(published.textContent()).resolves.toContain('Câu trả lời đã được công khai');
    await checkScreen(visitor.page, `petition-published-${device}`);
    expect(visitor.violations).toEqual([]);
    await visitor.context.close();
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);
});
