/**
 * The citizen page's weight and Lighthouse scores. First load: the JavaScript and CSS index.html names,
 * compressed as the portal sends them (gzip and brotli), against the 150 kB budget. Then Lighthouse
 * (mobile emulation, simulated slow 4G and CPU slowdown: its defaults) drives Debian's chromium against a
 * local portal for the home and a procedure page; targets: performance ≥ 90, accessibility ≥ 95.
 * `npm run bench:web`; `--no-lighthouse` for the sizes alone.
 */
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { startLocalPortal } from '../../lib/local/portal.js';
import { buildWebPage } from '../../lib/local/web-page.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../e2e/support/browser.js';

const BUDGET = 150 * 1024;
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
  ];
  const rows: string[] = [];
  try {
    for (const [name, path] of pages) {
      const result = await lighthouse(`${portal.url}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
      });
      const lhr = result!.lhr;
      const score = (c: string) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
      const ms = (id: string) => `${Math.round(lhr.audits[id]?.numericValue ?? 0)} ms`;
      rows.push(
        `  ${name.padEnd(24)} performance ${String(score('performance')).padStart(3)}  accessibility ${String(score('accessibility')).padStart(3)}  best practices ${String(score('best-practices')).padStart(3)}  FCP ${ms('first-contentful-paint')}  LCP ${ms('largest-contentful-paint')}  TBT ${ms('total-blocking-time')}  CLS ${(lhr.audits['cumulative-layout-shift']?.numericValue ?? 0).toFixed(3)}`,
      );
      for (const [id, audit] of Object.entries(lhr.audits))
        if (
          audit.score !== null &&
          audit.score < 0.9 &&
          lhr.categories.accessibility?.auditRefs.some((r) => r.id === id)
        )
          rows.push(`      accessibility: ${id} — ${audit.title}`);
    }
  } finally {
    await chrome.kill();
    await portal.stop();
  }
  console.log('Lighthouse 12, mobile emulation (Moto G Power, slow 4G simulated), Debian chromium:');
  for (const r of rows) console.log(r);
}
