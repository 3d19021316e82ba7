/**
 * The citizen page's weight and Lighthouse scores. First load: the JavaScript and CSS index.html names,
 * compressed as the portal sends them (gzip and brotli), against the 150 kB budget. Then Lighthouse
 * (mobile emulation, simulated slow 4G and CPU slowdown: its defaults) drives Debian's chromium against a
 * local portal for the home, procedure, results and statistics pages and the filing page; targets:
 * performance ≥ 90, accessibility ≥ 95. The filing page is measured signed out (its sign-in prompt) and
 * signed in: a Lighthouse user flow signs in through the local issuer's sign-in page in one tab, then
 * navigates that tab to the filing page for real, so the silent sign-in round trip (prompt=none) a citizen
 * pays on a reload is part of the load measured.
 * `npm run bench:web`; `--no-lighthouse` for the sizes alone.
 */
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { type Result, startFlow } from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { startLocalPortal } from '../../lib/local/portal.js';
import { buildWebPage } from '../../lib/local/web-page.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../e2e/support/browser.js';

const BUDGET = 150 * 1024;
/** An online procedure with a real form (a fee and scans): the one the browser filing test files. */
const FILING = '1.002804';
const FILING_HEADING = 'Nộp hồ sơ: Đổi giấy phép lái xe';
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const root = join(import.meta.dirname, '..', '..');
const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;

const assets = await buildWebPage(join(root, 'web'), { sourcemap: false });
const html = assets.get('/index.html')!.body.toString();
const firstLoad = [...html.matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
let gzip = 0;
let br = 0;
let raw = 0;
console.log('First load (what index.html names):');
for (const path of firstLoad) {
  const a = assets.get(path)!;
  raw += a.body.length;
  gzip += a.gzip!.length;
  br += a.br!.length;
  console.log(
    `  ${path.padEnd(28)} ${kB(a.body.length).padStart(9)} raw ${kB(a.gzip!.length).padStart(9)} gzip ${kB(a.br!.length).padStart(9)} br`,
  );
}
console.log(
  `  ${'total JS+CSS'.padEnd(28)} ${kB(raw).padStart(9)} raw ${kB(gzip).padStart(9)} gzip ${kB(br).padStart(9)} br  (budget ${kB(BUDGET)}: ${gzip <= BUDGET ? 'met' : 'MISSED'})`,
);

if (!process.argv.includes('--no-lighthouse')) {
  const portal = await startLocalPortal({ port: 0, ephemeral: true, quiet: true });
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS });
  const pages: Array<[string, string]> = [
    ['home', '/'],
    ['procedure (online)', '/thu-tuc/1.001193'],
    ['procedure (information)', '/thu-tuc/1.000894'],
    ['results', '/thu-tuc?q=khai+sinh'],
    ['statistics', '/thong-ke'],
    ['filing (signed out)', `/nop/${FILING}`],
  ];
  const rows: string[] = [];
  try {
    for (const [name, path] of pages) {
      const result = await lighthouse(`${portal.url}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      });
      report(name, result!.lhr);
    }
    await filingSignedIn(portal.url, chrome.port);
  } finally {
    await chrome.kill();
    await portal.stop();
  }
  console.log('Lighthouse 12, mobile emulation (Moto G Power, slow 4G simulated), Debian chromium:');
  for (const r of rows) console.log(r);

  function report(name: string, lhr: Result) {
    const score = (c: string) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const ms = (id: string) => `${Math.round(lhr.audits[id]?.numericValue ?? 0)} ms`;
    rows.push(
      `  ${name.padEnd(24)} performance ${String(score('performance')).padStart(3)}  accessibility ${String(score('accessibility')).padStart(3)}  best practices ${String(score('best-practices')).padStart(3)}  FCP ${ms('first-contentful-paint')}  LCP ${ms('largest-contentful-paint')}  TBT ${ms('total-blocking-time')}  CLS ${(lhr.audits['cumulative-layout-shift']?.numericValue ?? 0).toFixed(3)}`,
    );
    // A load Lighthouse could not measure scores 0: say why rather than leave a bare 0.
    if (lhr.runtimeError)
      rows.push(`      Lighthouse error: ${lhr.runtimeError.code} — ${lhr.runtimeError.message}`);
    for (const category of ['accessibility', 'best-practices'])
      for (const [id, audit] of Object.entries(lhr.audits))
        if (
          audit.score !== null &&
          audit.score < 0.9 &&
          lhr.categories[category]?.auditRefs.some((r) => r.id === id)
        )
          rows.push(`      ${category}: ${id} — ${audit.title}`);
  }

  /**
   * The filing page signed in, in one tab: sign in through the issuer's sign-in page as a citizen does,
   * then a Lighthouse navigation of that tab to the filing page. Tokens live in the page's memory only, so
   * the new page load asks the issuer again (prompt=none, answered from its session) before the form shows:
   * that round trip is in the measured load. Lighthouse's storage reset clears caches and service workers
   * but neither cookies nor the tab's session storage, so the session survives while the cache is cold
   * like the other rows'.
   */
  async function filingSignedIn(base: string, port: number): Promise<void> {
    const browser = await puppeteer.connect({
      browserURL: `http://127.0.0.1:${port}`,
      defaultViewport: null,
    });
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/nop/${FILING}`, { waitUntil: 'networkidle0' });
      await Promise.all([page.waitForNavigation(), clickButton(page, 'Đăng nhập')]);
      await page.waitForFunction(() => location.pathname.includes('/dev/oauth2/authorize'));
      await Promise.all([page.waitForNavigation(), clickButton(page, 'Nguyễn Văn An')]);
      await waitForHeading(page, FILING_HEADING);
      const flow = await startFlow(page, { flags: { onlyCategories: CATEGORIES } });
      const seen: string[] = [];
      const track = (r: { url: () => string }) => seen.push(r.url());
      page.on('request', track);
      await flow.navigate(`${base}/nop/${FILING}`, { name: 'filing (signed in)' });
      page.off('request', track);
      // Only an honest row: the page came back signed in with the form, through the silent sign-in.
      await waitForHeading(page, FILING_HEADING);
      if (!seen.some((u) => u.includes('prompt=none')))
        throw new Error('the filing page loaded without the silent sign-in');
      const result = await flow.createFlowResult();
      const lhr = result.steps[0]!.lhr;
      report('filing (signed in)', lhr);
      // What the measured load went through: its documents, the sign-in calls and the form, in order.
      const items =
        (lhr.audits['network-requests']?.details as { items?: Array<{ url: string }> } | undefined)?.items ??
        [];
      const chain = items
        .map((i) => new URL(i.url))
        .filter((u) => /^\/(nop|auth|dev\/oauth2|v1\/procedures)\//.test(u.pathname))
        .map((u) => u.pathname + (u.searchParams.get('prompt') === 'none' ? '?prompt=none' : ''));
      rows.push(`      load: ${chain.join(' → ')}`);
      rows.push(
        `      redirects: ${Math.round(lhr.audits.redirects?.numericValue ?? 0)} ms estimated for the round trip to the issuer`,
      );
    } finally {
      await page.close();
      await browser.disconnect();
    }
  }
}

/** Clicks the first button whose text contains `text` (the page's and the issuer's buttons). */
async function clickButton(page: import('puppeteer-core').Page, text: string) {
  await page.waitForFunction(
    (t) => Array.from(document.querySelectorAll('button')).some((b) => b.textContent?.includes(t)),
    {},
    text,
  );
  await page.evaluate((t) => {
    Array.from(document.querySelectorAll('button'))
      .find((b) => b.textContent?.includes(t))!
      .click();
  }, text);
}

async function waitForHeading(page: import('puppeteer-core').Page, text: string) {
  await page.waitForFunction(
    (t) => document.querySelector('h1')?.textContent?.trim() === t,
    { timeout: 30_000 },
    text,
  );
}
