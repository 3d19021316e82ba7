/**
 * Browser tests of the citizen portal: Debian's chromium driven by playwright-core against a local
 * portal, a desktop and a 360×740 phone, axe-core on every screen, screenshots in test-artifacts/web/,
 * and every content security policy violation collected.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];
export const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'test-artifacts', 'web');

export type Device = 'desktop' | 'phone';
export const DEVICES: Record<Device, Parameters<Browser['newContext']>[0]> = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

export interface PortalPage {
  context: BrowserContext;
  page: Page;
  /** Content security policy (or Trusted Types) violations the page reported, as events or console lines. */
  violations: string[];
}

/**
 * A fresh context (its own cookies and storage) for a device, in Vietnamese, in a time zone far from
 * Hà Nội so that tests see the page show Vietnam's time anyway.
 */
export async function openPortalPage(browser: Browser, device: Device = 'desktop'): Promise<PortalPage> {
  const context = await browser.newContext({
    ...DEVICES[device],
    locale: 'vi-VN',
    timezoneId: 'America/New_York',
  });
  const violations: string[] = [];
  await context.exposeBinding('congReportViolation', (_source, text: string) => {
    violations.push(text);
  });
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.congReportViolation(e.effectiveDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber));`,
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/content security policy|trusted type|permissions policy/i.test(message.text()))
      violations.push(message.text());
  });
  return { context, page, violations };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * axe-core's WCAG 2.x A/AA rules (and best practices) on the page as it is. The source runs through the
 * debugging protocol, which the page's content security policy does not govern, so the page keeps its
 * policy while being checked.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (...args: unknown[]) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const r = await axe.run({
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return result;
}

/** Asserts axe finds nothing on the screen and saves its screenshot as `name`. */
export async function checkScreen(page: Page, name: string) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page
    .locator('.loading')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await screenshot(page, name);
  const violations = await axeViolations(page);
  expect(violations, `axe on ${name}:\n${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * A link of the main navigation. On a phone the navigation sits behind the "Danh mục" button: it is
 * opened first, as a person would.
 */
export async function navLink(page: Page, name: string) {
  const menu = page.getByRole('button', { name: 'Danh mục' });
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
  return page.getByRole('navigation').getByRole('link', { name, exact: true });
}
