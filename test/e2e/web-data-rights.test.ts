/**
 * Personal-data rights in the browser: from the account page a citizen (desktop) and an enterprise's
 * representative (phone) ask for deletion of their drafts, are told what the law keeps, see the request
 * with its dates, see an operator's acknowledgement, ask for their data (answered at once), and withdraw a
 * request. axe-core finds nothing on any screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalClient } from '../support/portal-api.js';
import { checkScreen, type Device, launchChromium, openPortalPage } from './support/browser.js';

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

const { api } = portalClient(() => portal.url);

const PEOPLE: Record<Device, { name: string; sub: string; role: 'citizen' | 'business'; taxCode?: string }> =
  {
    desktop: { name: 'Nguyễn Văn An', sub: 'citizen-an', role: 'citizen' },
    phone: { name: 'Lê Minh Cường', sub: 'business-cuong', role: 'business', taxCode: '0101234567' },
  };

async function signIn(page: Page, name: RegExp) {
  await page.goto(`${portal.webUrl}tai-khoan`);
  await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name }).click();
  await page.waitForURL(/\/tai-khoan$/);
}

describe.each<Device>(['desktop', 'phone'])('personal-data requests on a %s', (device) => {
  it('files a deletion request, follows it, asks for the data and withdraws a request', async () => {
    const who = PEOPLE[device];
    const { page } = await openPortalPage(browser, device);
    await signIn(page, new RegExp(who.name));
    const section = page.locator('#data-rights');
    await section.getByRole('heading', { level: 2, name: 'Quyền đối với dữ liệu cá nhân' }).waitFor();
    await section.getByText('Bạn chưa gửi yêu cầu nào.').waitFor();

    await section.getByLabel('Xoá dữ liệu').check();
    await section.getByText(/không xoá được/).waitFor();
    // Nothing chosen: said at the top of the form, focused.
    await section.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    const summary = section.getByRole('alert');
    await summary.getByText('Chọn ít nhất một mục cần xoá.').waitFor();
    await expect(summary.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await checkScreen(page, `data-rights-error-${device}`);

    await section.getByLabel('Các bản nháp chưa nộp').check();
    await section.getByLabel(/^Ghi chú/).fill('Tôi không còn cần các bản nháp.');
    await section.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    await section.getByText(/^Đã gửi yêu cầu\. Hạn giải quyết: \d{1,2}\/\d{1,2}\/\d{4}\.$/).waitFor();
    const mine = section.locator('#my-data-requests');
    await mine.getByText('Xoá dữ liệu — Đã nhận').waitFor();
    await mine
      .getByText(/Hạn phản hồi \d{1,2}\/\d{1,2}\/\d{4}; Hạn giải quyết \d{1,2}\/\d{1,2}\/\d{4}/)
      .waitFor();
    // The row says what was asked, in the form's words.
    await mine
      .getByText('Nội dung yêu cầu: Các bản nháp chưa nộp; Ghi chú: Tôi không còn cần các bản nháp.')
      .waitFor();
    await checkScreen(page, `data-rights-filed-${device}`);

    // An operator acknowledges it: the page shows it in progress.
    const operator = await portal.token({ sub: 'operator-hai', role: 'operator' });
    const token = await portal.token({
      sub: who.sub,
      role: who.role,
      ...(who.taxCode ? { taxCode: who.taxCode } : {}),
    });
    const listed = await api('GET', '/v1/me/data-requests', { token });
    const id = listed.body.items[0].id as string;
    const acked = await api('POST', `/v1/operator/data-requests/${id}/actions`, {
      token: operator,
      body: { action: 'acknowledge' },
    });
    expect(acked.status, acked.text).toBe(200);
    await page.reload();
    await mine.getByText('Xoá dữ liệu — Đang giải quyết').waitFor();

    // Access is answered at once.
    await section.getByLabel('Cung cấp toàn bộ dữ liệu của tôi').check();
    await section.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    await section.getByText(/^Yêu cầu đã được giải quyết ngay/).waitFor();
    const access = mine
      .getByRole('listitem')
      .filter({ hasText: 'Cung cấp toàn bộ dữ liệu của tôi — Đã giải quyết' });
    await access.waitFor();
    // A closed request shows when it closed and what was done, not deadlines any more.
    await access.getByText(/Kết thúc lúc/).waitFor();
    await expect(access.getByText(/Hạn giải quyết/).count()).resolves.toBe(0);
    await access.getByRole('link', { name: 'Tải dữ liệu' }).waitFor();

    // The open deletion request is withdrawn.
    await mine.getByRole('button', { name: 'Rút yêu cầu: Xoá dữ liệu' }).click();
    await section.getByText('Đã rút yêu cầu.').waitFor();
    await mine.getByText('Xoá dữ liệu — Đã rút').waitFor();
    await expect(mine.getByRole('button', { name: /^Rút yêu cầu/ }).count()).resolves.toBe(0);
    await checkScreen(page, `data-rights-withdrawn-${device}`);
  }, 120_000);
});
