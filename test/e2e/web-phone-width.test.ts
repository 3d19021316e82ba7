/**
 * Nothing is wider than a 360 px phone: the account page with a long name, address and e-mail, and a
 * dossier whose code is as long as a commune's (UBX00070-261207-0001). A page wider than the screen
 * cuts text off or makes the citizen scroll sideways.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalClient } from '../support/portal-api.js';
import { checkScreen, launchChromium, openPortalPage, screenshot } from './support/browser.js';

const SUB = 'citizen-an';
const LONG_CODE = 'UBX00070-261207-0001';

let portal: LocalPortal;
let browser: Browser;
let token: string;
const { api } = portalClient(() => portal.url);

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
  token = await portal.token({ sub: SUB, role: 'citizen', citizenId: '001090000001' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

async function signIn(page: Page, path: string) {
  await page.goto(`${portal.webUrl}${path.slice(1)}`);
  await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
  await page.waitForURL((url) => url.pathname === path);
}

/** The page's width, and the elements that stick out past the screen's right edge (to say which). */
const widthOf = (page: Page) =>
  page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    wide: Array.from(document.querySelectorAll('body *'))
      .filter(
        (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 || e.scrollWidth > e.clientWidth + 1,
      )
      .slice(-8)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${e.scrollWidth}/${e.clientWidth}`),
  }));

describe('on a 360 px phone', () => {
  it('shows the account page with a long name, address and e-mail within the screen', async () => {
    const saved = await api('PUT', '/v1/me/profile', {
      token,
      body: {
        fullName: 'Tôn Nữ Hoàng Thị Phương Thảo Nguyên',
        dateOfBirth: '1990-05-12',
        address: 'Số 123/45/67 đường Nguyễn Văn Cừ, phường Bồ Đề, quận Long Biên, thành phố Hà Nội',
        phone: '0912345678',
        email: 'tonnuhoangthiphuongthaonguyen.longbien@example.com.vn',
      },
    });
    expect(saved.status, saved.text).toBeLessThan(300);
    const { page } = await openPortalPage(browser, 'phone');
    await signIn(page, '/tai-khoan');
    await page.locator('#profile-view').getByText('Tôn Nữ Hoàng').waitFor();
    await screenshot(page, 'phone-width-account');
    const { width, wide } = await widthOf(page);
    expect(width, `sticking out: ${wide.join(', ')}`).toBeLessThanOrEqual(360);
  }, 90_000);

  it('shows a dossier with a long code within the screen', async () => {
    const res = await api('POST', '/v1/dossiers', {
      token,
      key: `phone-width-${process.pid}`,
      body: { procedureCode: '1.002758', form: { ...bhytForm, citizenId: '001090000001' }, attachments: [] },
    });
    expect(res.status, res.text).toBe(201);
    const code = res.body.dossiers[0].code as string;
    const { page } = await openPortalPage(browser, 'phone');
    // The same dossier as if a commune's office had it: its code is as long as codes get.
    await page.route(
      (url) => url.pathname === `/v1/dossiers/${code}`,
      async (route) => {
        const answer = await route.fetch();
        const body = { ...(await answer.json()), code: LONG_CODE };
        await route.fulfill({ response: answer, json: body });
      },
    );
    await signIn(page, `/ho-so-cua-toi/${code}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(LONG_CODE) }).waitFor();
    await screenshot(page, 'phone-width-dossier');
    const { width, wide } = await widthOf(page);
    expect(width, `sticking out: ${wide.join(', ')}`).toBeLessThanOrEqual(360);
  }, 90_000);

  it('keeps the header to two lines, the navigation and the account behind the menu button', async () => {
    const { page, violations } = await openPortalPage(browser, 'phone');
    await signIn(page, '/tai-khoan');
    await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
    const header = page.locator('header.top');
    const closed = (await header.boundingBox())!.height;
    expect(closed, 'the header of a 740 px screen').toBeLessThanOrEqual(100);
    const menu = page.getByRole('button', { name: 'Danh mục' });
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(page.getByRole('navigation').isVisible()).resolves.toBe(false);
    await expect(page.getByRole('button', { name: 'Đăng xuất' }).isVisible()).resolves.toBe(false);

    // Opened: every link and the sign-out, reachable from the keyboard; Escape closes it and the focus
    // goes back to its button.
    await menu.focus();
    await page.keyboard.press('Enter');
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    const links = page.getByRole('navigation').getByRole('link');
    await expect(links.count()).resolves.toBe(8);
    await checkScreen(page, 'phone-menu-open');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('sign-out');
    await page.keyboard.press('Escape');
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('menu-button');

    // A link followed closes it.
    await menu.click();
    await page.getByRole('navigation').getByRole('link', { name: 'Thống kê' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thống kê công khai' }).waitFor();
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    const { width } = await widthOf(page);
    expect(width).toBeLessThanOrEqual(360);
    expect(violations).toEqual([]);
  }, 90_000);
});
