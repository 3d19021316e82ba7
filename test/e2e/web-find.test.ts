/**
 * Journey 1 in the browser: a citizen finds a procedure from the home page — by search, by life event,
 * with filters — and reads its page (documents, fee, time, agency, channels, FAQ), on a desktop and on a
 * 360 px phone, by mouse and by keyboard, with axe-core finding nothing on any screen.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { startTestPortal } from '../support/local-portal.js';
import { checkScreen, type Device, launchChromium, openPortalPage } from './support/browser.js';
import { watchFocusWhenDrawn } from './support/keyboard.js';

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

describe.each<Device>(['desktop', 'phone'])('finding a procedure on a %s', (device) => {
  it('searches from the home page and opens a procedure filed online', async () => {
    const { page, context, violations } = await openPortalPage(browser, device);
    await page.goto(portal.webUrl);
    await page.getByRole('heading', { level: 1, name: 'Dịch vụ công trực tuyến' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('vi');
    // The most filed procedures come from the catalog itself.
    const popular = page.getByRole('region', { name: 'Nộp trực tuyến ngay' });
    await popular.getByRole('link', { name: 'Đăng ký khai sinh' }).waitFor();
    await checkScreen(page, `find-home-${device}`);

    await page.getByLabel('Tên thủ tục').fill('khai sinh');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.waitForURL(/\/thu-tuc\?q=khai\+sinh/);
    const results = page.locator('#procedures');
    await results.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).waitFor();
    await checkScreen(page, `find-results-${device}`);

    await results.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).click();
    await page.waitForURL(/\/thu-tuc\/1\.001193$/);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    const file = page.getByRole('link', { name: 'Nộp trực tuyến' });
    await expect(file.getAttribute('href')).resolves.toBe('/nop/1.001193');
    for (const heading of ['Giấy tờ cần nộp', 'Các bước xử lý', 'Cách thức nộp', 'Câu hỏi thường gặp'])
      await page.getByRole('heading', { level: 2, name: heading }).waitFor();
    const facts = await page.locator('dl.facts').textContent();
    expect(facts).toContain('Phí, lệ phí');
    expect(facts).toContain('Miễn phí');
    expect(facts).toContain('1 ngày làm việc');
    expect(facts).toContain('Ủy ban nhân dân xã, phường');
    // What the portal itself charges and promises, apart from what the national record says.
    const channels = page.getByRole('region', { name: 'Cách thức nộp' });
    await expect(channels.locator('li').first().textContent()).resolves.toBe(
      'Trực tuyến trên Cổng1 ngày làm việc · Miễn phí',
    );
    await checkScreen(page, `find-procedure-online-${device}`);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('names the agency, marks an optional document once and writes decimals the Vietnamese way', async () => {
    const { page, context, violations } = await openPortalPage(browser, device);
    await page.goto(`${portal.webUrl}thu-tuc/1.002758`);
    await page
      .getByRole('heading', { level: 1, name: 'Cấp lại thẻ bảo hiểm y tế do bị mất, hỏng' })
      .waitFor();
    const agency = page
      .locator('dl.facts div', { has: page.locator('dt', { hasText: /^(Cơ quan thực hiện|Handled by)$/ }) })
      .locator('dd');
    await expect.poll(() => agency.textContent()).toBe('Bảo hiểm xã hội thành phố Hà Nội');
    // The same list in either language.
    const docs = page.locator('section[aria-labelledby=docs-title] li');
    await expect(docs.allTextContents()).resolves.toEqual(['Ảnh chụp thẻ bảo hiểm y tế bị hỏng (nếu có)']);
    const steps = (await page.getByRole('region', { name: 'Các bước xử lý' }).textContent()) ?? '';
    expect(steps).toContain('0,5 ngày làm việc');
    expect(steps).not.toContain('0.5');
    await checkScreen(page, `find-procedure-agency-${device}`);

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => agency.textContent()).toBe('Ha Noi City Social Security');
    await expect(docs.allTextContents()).resolves.toEqual(['Photo of the damaged card (if any)']);
    await expect(page.getByRole('region', { name: 'Processing steps' }).textContent()).resolves.toContain(
      '0.5 working days',
    );
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();

    // An information entry: the time as the source gives it (no unit), and the note on the fee.
    await page.goto(`${portal.webUrl}thu-tuc/1.000894`);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký kết hôn' }).waitFor();
    const channel = page.getByRole('region', { name: 'Cách thức nộp' }).locator('li').first();
    const text = (await channel.textContent()) ?? '';
    expect(text).toContain('Thời hạn giải quyết: 1 (nguồn không ghi đơn vị) · Miễn phí');
    expect(text).toContain('Ghi chú về phí: Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn');
    await checkScreen(page, `find-information-channels-${device}`);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('follows a life event, filters the results and reads an information entry', {
    timeout: 60_000,
  }, async () => {
    const { page, context, violations } = await openPortalPage(browser, device);
    await page.goto(portal.webUrl);
    await page
      .getByRole('region', { name: 'Theo sự kiện trong đời' })
      .getByRole('link', { name: 'Kết hôn' })
      .click();
    await page.waitForURL(/\/thu-tuc\?q=k%E1%BA%BFt\+h%C3%B4n|\/thu-tuc\?q=kết/);
    const results = page.locator('#procedures');
    await results.locator('li').first().waitFor();
    // Marriage is registered at the commune, not online here: the results say so.
    await expect(results.textContent()).resolves.toMatch(/kết hôn/i);
    await expect(results.textContent()).resolves.toContain('Chưa nộp trực tuyến trên Cổng');

    // Only what is filed fully online: the information entries leave the list. On a phone the filters
    // are folded until asked for.
    const filters = page.locator('details.filters');
    await expect(filters.getAttribute('open')).resolves.toBe(device === 'phone' ? null : '');
    if (device === 'phone') await filters.locator('summary').click();
    await page.getByLabel('Chỉ thủ tục nộp trực tuyến toàn trình').check();
    await page.getByRole('button', { name: 'Áp dụng bộ lọc' }).click();
    await page.waitForURL(/fullyOnline=true/);
    // The list drawn before the filter stays until the filtered one replaces it: wait for a whole list
    // (its count shown, nothing loading) without the entries filed elsewhere.
    await expect
      .poll(async () => {
        const shown = await page
          .locator('.results')
          .evaluate((el) =>
            el.querySelector('.loading') ? '' : el.querySelector('p[role=status]') ? el.textContent : '',
          );
        return shown && !shown.includes('Chưa nộp trực tuyến trên Cổng');
      })
      .toBe(true);
    await expect(page.getByLabel('Chỉ thủ tục nộp trực tuyến toàn trình').isChecked()).resolves.toBe(true);
    await page.getByLabel('Chỉ thủ tục nộp trực tuyến toàn trình').uncheck();
    await page.getByLabel('Mức độ, cấp thực hiện').selectOption('commune');
    await page.getByRole('button', { name: 'Áp dụng bộ lọc' }).click();
    await page.waitForURL(/level=commune/);
    await results.locator('li').first().waitFor();
    await checkScreen(page, `find-filtered-${device}`);

    const entry = results
      .locator('li', { hasText: 'Chưa nộp trực tuyến trên Cổng' })
      .first()
      .getByRole('link');
    const name = (await entry.textContent())!;
    await entry.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByText('Chưa nộp trực tuyến trên Cổng.').waitFor();
    await expect(page.getByRole('link', { name: 'Nộp trực tuyến' }).count()).resolves.toBe(0);
    await page.getByRole('heading', { level: 2, name: 'Giấy tờ cần nộp' }).waitFor();
    await checkScreen(page, `find-procedure-information-${device}`);
    expect(violations).toEqual([]);
    await context.close();
  });
});

describe('finding by keyboard, in English', () => {
  it('skips to the content, searches and switches language with the keyboard alone', async () => {
    const { page, context, violations } = await openPortalPage(browser, 'desktop');
    await page.goto(portal.webUrl);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe(
      'Bỏ qua, đến nội dung chính',
    );
    await page.keyboard.press('Enter');
    await expect(page.evaluate('location.hash')).resolves.toBe('#content');
    await page.getByLabel('Tên thủ tục').focus();
    await page.keyboard.type('thường trú');
    await page.keyboard.press('Enter');
    await page.locator('#procedures').getByRole('link', { name: 'Đăng ký thường trú' }).first().focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Đăng ký thường trú' }).waitFor();
    // After a page change focus is on the new page's content.
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('content');

    await page.getByRole('button', { name: 'Switch to English' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Permanent residence registration' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.getByRole('heading', { level: 2, name: 'Documents to bring' }).waitFor();
    await checkScreen(page, 'find-procedure-english-desktop');

    // A page whose heading is drawn at once has the focus from that moment: a Tab pressed as soon as the
    // heading shows starts from the content, and is not pulled back to it afterwards.
    const focusWhenDrawn = await watchFocusWhenDrawn(page, 'Petitions');
    await page.getByRole('navigation').getByRole('link', { name: 'Petitions', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect(focusWhenDrawn()).resolves.toBe('content');
    expect(violations).toEqual([]);
    await context.close();
  });
});
