/**
 * End to end in a real browser (Debian's chromium, driven by playwright-core): the citizen page signs
 * in through the local OIDC issuer's login page with the code flow and PKCE, lists "my dossiers"
 * through the API with the access token, opens one with its timeline, tracks it by code, and signs out.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';

const CHROMIUM = '/usr/bin/chromium';
const CITIZEN = 'citizen-an';

let portal: LocalPortal;
let browser: Browser;
let page: Page;
let code: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  portal = await startTestPortal();
  // The citizen's first dossier, filed through the API with a token for the same person.
  const token = await portal.token({ sub: CITIZEN, role: 'citizen' });
  const res = await fetch(`${portal.url}/v1/dossiers`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': 'web-signin-0001',
    },
    body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
  });
  expect(res.status).toBe(201);
  code = ((await res.json()) as { dossiers: Array<{ code: string }> }).dossiers[0]!.code;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  // A browser far from Hà Nội: the page still shows Vietnam's time.
  page = await browser.newPage({
    viewport: { width: 1200, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'America/New_York',
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe('citizen page', () => {
  it('signs a citizen in through the login page and lists their dossiers', async () => {
    await page.goto(portal.webUrl);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    // The issuer's login page: choose the test citizen.
    await page.waitForURL(/\/dev\/oauth2\/authorize/);
    await page.screenshot({ path: '/tmp/web-login.png', fullPage: true });
    await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
    // Back on the page, the code exchanged (with the PKCE verifier) and the address bar cleaned.
    await page.getByText('Xin chào, Nguyễn Văn An').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(page.url()).not.toContain('code=');
    const mine = page.getByRole('region', { name: 'Hồ sơ của tôi' });
    await mine.getByRole('button', { name: new RegExp(code) }).waitFor();
    await page.screenshot({ path: '/tmp/web-mine.png', fullPage: true });
  });

  it('opens a dossier with its timeline', async () => {
    await page.getByRole('button', { name: new RegExp(code) }).click();
    const detail = page.locator('#dossier');
    await detail.getByRole('heading', { name: `Hồ sơ ${code}` }).waitFor();
    await expect(detail.locator('ol.timeline li').count()).resolves.toBeGreaterThan(0);
    await expect(detail.textContent()).resolves.toContain('Đã nộp');
    // Deadlines close at 17:00 in Hà Nội, and that is the time shown.
    await expect(detail.textContent()).resolves.toMatch(/Hạn trả kết quả\s*17:00:00/);
    await page.screenshot({ path: '/tmp/web-dossier.png', fullPage: true });
  });

  it('searches procedures and tracks a dossier by code without signing in', async () => {
    await page.getByLabel('Tên thủ tục').fill('bảo hiểm y tế');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.locator('#procedures li').first().waitFor();
    await expect(page.locator('#procedures').textContent()).resolves.toMatch(/bảo hiểm y tế/i);
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page
      .locator('#tracked')
      .getByRole('heading', { name: `Hồ sơ ${code}` })
      .waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: '/tmp/web-mobile.png', fullPage: true });
  });

  it('signs out', async () => {
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await expect(page.locator('#mine').isHidden()).resolves.toBe(true);
    await expect(page.evaluate('sessionStorage.getItem("cong.session")')).resolves.toBeNull();
  });
});
