/**
 * End to end in a real browser (Debian's chromium, driven by playwright-core): the citizen page signs
 * in through the local OIDC issuer's login page with the code flow and PKCE, lists "my dossiers"
 * through the API with the access token, opens one with its timeline, tracks it by code and the key of its
 * receipt, and signs out — under the page's content security policy, with tokens held in memory only
 * (never in Web Storage).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { checkScreen, screenshot } from './support/browser.js';

const CHROMIUM = '/usr/bin/chromium';
const CITIZEN = 'citizen-an';

let portal: LocalPortal;
let browser: Browser;
let page: Page;
let code: string;
let trackingKey: string;
/** Every content security policy (or Trusted Types) violation any page reported, as events or console lines. */
const violations: string[] = [];
/** The tokens the issuer handed the page, to look for them where they must not be. */
const issued: string[] = [];

/** What the page keeps in Web Storage: must never hold a token (script-readable, outlives the page). */
const webStorage = () =>
  page.evaluate(
    `({
      session: Object.fromEntries(Object.entries(sessionStorage)),
      local: Object.fromEntries(Object.entries(localStorage)),
    })`,
  ) as Promise<{ session: Record<string, string>; local: Record<string, string> }>;

async function expectNoTokensInWebStorage() {
  const stored = await webStorage();
  const text = JSON.stringify(stored);
  expect(issued.length).toBeGreaterThan(0);
  for (const token of issued) expect(text).not.toContain(token);
  // Nothing that even looks like a JWT or a token field.
  expect(text).not.toMatch(/eyJ|token/i);
  expect(stored.local).toEqual({});
}

const API_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

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
  ({ code, trackingKey } = ((await res.json()) as { dossiers: Array<{ code: string; trackingKey: string }> })
    .dossiers[0]!);
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
  await page.exposeBinding('congReportViolation', (_source, text: string) => {
    violations.push(text);
  });
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.congReportViolation(e.effectiveDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber));`,
  });
  page.on('console', (message) => {
    if (/content security policy|trusted type|permissions policy/i.test(message.text()))
      violations.push(message.text());
  });
  page.on('response', async (response) => {
    if (!response.url().includes('/dev/oauth2/token') || response.status() !== 200) return;
    const body = (await response.json()) as Record<string, string>;
    for (const k of ['access_token', 'id_token', 'refresh_token']) if (body[k]) issued.push(body[k]);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe('citizen page', () => {
  it('serves the page under its content security policy', async () => {
    const response = await page.goto(portal.webUrl);
    const headers = response!.headers();
    const csp = headers['content-security-policy']!.split('; ');
    // The API and the issuer share the page's origin locally; in AWS their origins are listed.
    expect(csp).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${portal.url} ${new URL(portal.stores.endpoints.s3).origin}`,
      `form-action 'self' ${portal.url}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
      "require-trusted-types-for 'script'",
    ]);
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(headers['permissions-policy']).toContain('geolocation=()');
  });

  it('signs a citizen in through the login page and lists their dossiers', async () => {
    await page.goto(portal.webUrl);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    // The issuer's login page: choose the test citizen.
    await page.waitForURL(/\/dev\/oauth2\/authorize/);
    await screenshot(page, 'signin-issuer-login');
    await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
    // Back on the page, the code exchanged (with the PKCE verifier) and the address bar cleaned.
    await page.getByText('Xin chào, Nguyễn Văn An').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(page.url()).not.toContain('code=');
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await checkScreen(page, 'signin-home-signed-in');
    await page.getByRole('navigation').getByRole('link', { name: 'Hồ sơ của tôi' }).click();
    const mine = page.getByRole('region', { name: 'Hồ sơ của tôi' });
    await mine.getByRole('link', { name: new RegExp(code) }).waitFor();
    await checkScreen(page, 'signin-my-dossiers');
    await expectNoTokensInWebStorage();
  });

  it('signs in again silently after a reload, from the issuer session, with the tokens in memory only', async () => {
    const seen: string[] = [];
    const track = (r: { url: () => string }) => seen.push(r.url());
    page.on('request', track);
    const apiAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/me/dossiers');
    await page.reload();
    await page.getByText('Xin chào, Nguyễn Văn An').waitFor();
    page.off('request', track);
    // No login page on the way: prompt=none was answered from the session, back on the same page.
    const silent = seen.findIndex((u) => u.includes('prompt=none'));
    expect(silent).toBeGreaterThanOrEqual(0);
    // The issuer's sign-in address is known from this tab's sign-in: no metadata asked before leaving.
    expect(seen.slice(0, silent).filter((u) => u.includes('/.well-known/openid-configuration'))).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/ho-so-cua-toi');
    expect((await apiAnswer).headers()).toMatchObject(API_SECURITY_HEADERS);
    await page.getByRole('link', { name: new RegExp(code) }).waitFor();
    await expectNoTokensInWebStorage();
  });

  it('opens a dossier with its timeline', async () => {
    await page.getByRole('link', { name: new RegExp(code) }).click();
    // Its own page, whose address names the dossier's code only.
    await page.waitForURL((url) => url.pathname === `/ho-so-cua-toi/${code}`);
    const detail = page.locator('article.follow');
    await detail.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await expect(detail.locator('ol.timeline li').count()).resolves.toBeGreaterThan(0);
    await expect(detail.textContent()).resolves.toContain('Nộp hồ sơ');
    // Deadlines close at 17:00 in Hà Nội, and that is the time shown.
    await expect(detail.textContent()).resolves.toMatch(/Hạn trả kết quả\s*17:00(?!:)/);
    // The key of the receipt, which public tracking asks for.
    await expect(detail.textContent()).resolves.toContain(`Mã tra cứu${trackingKey}`);
    await checkScreen(page, 'signin-dossier');
  });

  it('searches procedures and tracks a dossier by code and the key of its receipt without signing in', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Trang chủ' }).click();
    await page.getByLabel('Tên thủ tục').fill('bảo hiểm y tế');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.locator('#procedures li').first().waitFor();
    await expect(page.locator('#procedures').textContent()).resolves.toMatch(/bảo hiểm y tế/i);
    await page.getByRole('navigation').getByRole('link', { name: 'Tra cứu hồ sơ' }).click();
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('Mã tra cứu').fill('0'.repeat(12));
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.getByText(`Không tìm thấy hồ sơ ${code} với mã tra cứu này.`).waitFor();
    await page.getByLabel('Mã tra cứu').fill(trackingKey.toLowerCase());
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page
      .locator('#tracked')
      .getByRole('heading', { name: `Hồ sơ ${code}` })
      .waitFor();
    await expect(page.locator('#message').textContent()).resolves.toBe('');
    await page.setViewportSize({ width: 390, height: 844 });
    await checkScreen(page, 'signin-tracked-phone');
  });

  it('signs out', async () => {
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await expect(page.locator('#mine').isHidden()).resolves.toBe(true);
    await expect(page.evaluate('sessionStorage.getItem("cong.session")')).resolves.toBeNull();
    // The issuer's session ended with it: a reload offers the sign-in button and stays signed out.
    await page.reload();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await expect(page.getByRole('button', { name: 'Đăng xuất' }).isHidden()).resolves.toBe(true);
    await expect(page.locator('#message').textContent()).resolves.toBe('');
    await checkScreen(page, 'signin-signed-out');
  });

  it('broke no rule of any content security policy on the way', () => {
    expect(violations).toEqual([]);
  });
});
