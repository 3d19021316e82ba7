/**
 * The built citizen page as the local gateway serves it: hashed files named by index.html, precompressed
 * and cached for good; page addresses (procedure codes have dots) answered with index.html for browsers
 * only; the sources and unknown API paths not served as the page.
 */
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../lib/local/api-server.js';
import { memoryLog } from '../../lib/local/log.js';
import { buildWebPage, type WebAsset } from '../../lib/local/web-page.js';

const WEB = join(import.meta.dirname, '..', '..', 'web');
let api: ApiServer;
let assets: Map<string, WebAsset>;

beforeAll(async () => {
  assets = await buildWebPage(WEB);
  api = await startApiServer({
    routes: [],
    functionFor: () => undefined,
    webDir: WEB,
    webAssets: assets,
    log: memoryLog(),
  });
});

afterAll(async () => {
  await api?.close();
});

const html = { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' };

describe('the built citizen page', () => {
  it('names its hashed, minified script and stylesheet in index.html', async () => {
    const index = assets.get('/index.html')!.body.toString();
    const [, script] = index.match(/src="(\/app-[A-Z0-9]{8}\.js)"/) ?? [];
    const [, styles] = index.match(/href="(\/styles-[A-Z0-9]{8}\.css)"/) ?? [];
    expect(assets.has(script!)).toBe(true);
    expect(assets.has(styles!)).toBe(true);
    // Minified: no line of the script is indented.
    expect(assets.get(script!)!.body.toString()).not.toMatch(/\n {2}/);
  });

  it('sends a hashed file compressed as the browser accepts, cached for good', async () => {
    const script = [...assets.keys()].find((k) => /^\/app-.*\.js$/.test(k))!;
    const res = await fetch(`${api.url}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('vary')).toBe('accept-encoding');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(assets.get(script)!.body);
    const raw = await fetch(`${api.url}${script}`, { headers: { 'accept-encoding': 'gzip;q=0, br;q=0' } });
    expect(raw.headers.get('content-encoding')).toBeNull();
    expect(brotliDecompressSync(assets.get(script)!.br!)).toEqual(assets.get(script)!.body);
  });

  it('answers a browser asking for a page address with index.html, under the page policy', async () => {
    for (const path of ['/', '/thu-tuc/1.001193', '/thong-ke', '/auth/callback', '/nop/1.000656']) {
      const res = await fetch(`${api.url}${path}`, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('keeps API answers for API clients, API paths and files the page does not have', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['/thu-tuc/1.001193', { accept: 'application/json' }],
      ['/v1/unknown', html],
      ['/dev/unknown', html],
      ['/app.js', html],
      ['/styles.css', html],
    ];
    for (const [path, headers] of cases) {
      const res = await fetch(`${api.url}${path}`, { headers });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    // The sources beside the built page are never sent.
    const source = await fetch(`${api.url}/src/main.tsx`, { headers: html });
    expect(await source.text()).not.toContain('resumeSession');
  });
});
