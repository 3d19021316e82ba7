/**
 * The filing journey with a keyboard alone: signing in, filling "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6
 * tuổi" (the province, then the commune found by typing without tone marks), following the error
 * summary's link to a field, saving a draft, reviewing and filing — Tab, Shift+Tab, Enter, Space and
 * typing only, never the mouse. Every stop the Tab key reaches shows where the focus is.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { birthBundleForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { checkScreen, launchChromium, openPortalPage } from './support/browser.js';
import { focused, shownDay, tabTo, type, typeDay } from './support/keyboard.js';

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

describe('filing with the keyboard only', () => {
  it('signs in, fills the form with pickers, follows an error link, saves a draft and files', async () => {
    const { page, context, violations } = await openPortalPage(browser, 'desktop');
    await page.goto(`${portal.webUrl}nop/1.011723`);
    await page.getByRole('heading', { level: 1 }).waitFor();

    // Sign in: the page's own button, then the person on the issuer's page.
    await tabTo(page, /^Đăng nhập$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dev\/oauth2\/authorize/);
    await tabTo(page, /Trần Thị Bình/);
    await page.keyboard.press('Enter');
    await page
      .getByRole('heading', { level: 1, name: 'Nộp hồ sơ: Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi' })
      .waitFor();

    // Asking for the review with nothing filled: the summary takes the focus and links to each field.
    await tabTo(page, /^Xem lại hồ sơ$/);
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByRole('heading', { name: 'Vui lòng sửa các mục sau' }).waitFor();
    await expect.poll(async () => (await focused(page)).name).toMatch(/^Vui lòng sửa các mục sau/);
    await tabTo(page, /^Họ, chữ đệm và tên của trẻ: /);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).name).toMatch(/^Họ, chữ đệm và tên của trẻ/);
    await type(page, birthBundleForm.childFullName);

    // Back to the top of the form and through it in order.
    const form = { ...birthBundleForm, fullName: 'Trần Thị Bình', citizenId: '001188000123' };
    await tabTo(page, /^Họ, chữ đệm và tên \(/, { back: true });
    await page.keyboard.press('ControlOrMeta+a');
    await type(page, form.fullName);
    await tabTo(page, /^Ngày sinh \(/);
    // Day first, whatever the browser's language: a text box, not the browser's date control.
    await typeDay(page, form.dateOfBirth);
    await expect(page.getByLabel(/^Ngày sinh \(/).inputValue()).resolves.toBe(shownDay(form.dateOfBirth));
    await tabTo(page, /^Số định danh cá nhân \(/);
    await type(page, form.citizenId);
    await tabTo(page, /^Số điện thoại di động/);
    await type(page, form.phone);
    await tabTo(page, /^Ngày sinh của trẻ/);
    await typeDay(page, form.childDateOfBirth);
    await tabTo(page, /^Giới tính của trẻ/);
    await type(page, 'Nam');
    await tabTo(page, /^Nơi sinh/);
    await type(page, form.placeOfBirth);
    await tabTo(page, /^Số định danh cá nhân của mẹ/);
    await type(page, form.citizenId);
    await tabTo(page, /^Tỉnh, thành phố/);
    // A select takes typed letters (its first name starting with them); names come first: "Hà Nội (thành phố)".
    await type(page, 'H');
    await expect(page.getByLabel(/^Tỉnh, thành phố/).inputValue()).resolves.toBe('01');
    await tabTo(page, /^Tìm nhanh theo tên/);
    await type(page, 'hoan kiem');
    await page.getByText(/^Tìm thấy 1 trong \d+ lựa chọn$/).waitFor();
    await tabTo(page, /^Xã, phường, đặc khu/);
    await type(page, 'H');
    await expect(page.getByLabel(/^Xã, phường, đặc khu/).inputValue()).resolves.toBe('00070');
    // Nothing typed went astray into another field.
    await expect(page.getByLabel(/^Họ, chữ đệm và tên của cha/).inputValue()).resolves.toBe('');
    await checkScreen(page, 'keyboard-form-desktop');

    // "Lưu nháp" with the space bar.
    await tabTo(page, /^Lưu nháp$/);
    await page.keyboard.press('Space');
    await page.getByText(/^Đã lưu nháp lúc /).waitFor();

    await tabTo(page, /^Xem lại hồ sơ$/, { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Xem lại trước khi nộp' }).waitFor();
    await expect.poll(async () => (await focused(page)).name).toBe('Xem lại trước khi nộp');
    await tabTo(page, /^Nộp hồ sơ$/);
    await page.keyboard.press('Space');
    await page.getByRole('heading', { level: 1, name: 'Biên nhận hồ sơ' }).waitFor();
    await expect(page.locator('#receipt-code').textContent()).resolves.toMatch(/-\d{6}-\d{4,}$/);
    await expect.poll(async () => (await focused(page)).name).toBe('Biên nhận hồ sơ');
    await checkScreen(page, 'keyboard-receipt-desktop');
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);
});
