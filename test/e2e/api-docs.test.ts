/**
 * The API's documentation page in a real browser (Debian's chromium, driven by playwright-core): GET /docs
 * renders /openapi.json with the portal's own copy of Redoc — operations, the error catalogue and the
 * deliveries to agencies — under its content security policy, with no request to another origin.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_CONTENT_SECURITY_POLICY } from '../../functions/core/security-headers.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { startTestPortal } from '../support/local-portal.js';

const CHROMIUM = '/usr/bin/chromium';

let portal: LocalPortal;
let browser: Browser;
let page: Page;
const violations: string[] = [];
const requested: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  portal = await startTestPortal();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.exposeBinding('congReportViolation', (_source, text: string) => {
    violations.push(text);
  });
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.congReportViolation(e.effectiveDirective + ' blocked ' + e.blockedURI));`,
  });
  page.on('console', (message) => {
    if (/content security policy|refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('request', (request) => requested.push(request.url()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe('API documentation page', () => {
  it('renders the operations and the webhooks from /openapi.json, under its own policy', async () => {
    const response = await page.goto(`${portal.url}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(response?.headers()['content-security-policy']).toBe(DOCS_CONTENT_SECURITY_POLICY);
    expect(response?.headers()['x-frame-options']).toBe('DENY');

    // Redoc lists every operation by its summary in the side menu, and the webhooks after them.
    await page.getByText('Submit a dossier').first().waitFor({ state: 'attached', timeout: 30_000 });
    const text = await page.locator('body').innerText();
    for (const expected of [
      'Search administrative procedures',
      'Public tracking by dossier code',
      "Pay a dossier's fee online",
      'An agency reports a step of a dossier',
      'A dossier for the agency to handle',
      'A petition routed to the agency',
    ])
      expect(text).toContain(expected);
    if (process.env.CONG_DOCS_SCREENSHOT) await page.screenshot({ path: process.env.CONG_DOCS_SCREENSHOT });

    expect(violations).toEqual([]);
    const origins = new Set(requested.filter((u) => !u.startsWith('blob:')).map((u) => new URL(u).origin));
    expect([...origins]).toEqual([new URL(portal.url).origin]);
  });

  it('states the local portal as the document’s server', async () => {
    const doc = (await (await fetch(`${portal.url}/openapi.json`)).json()) as { servers: { url: string }[] };
    expect(doc.servers[0]?.url).toBe(portal.url);
  });
});
