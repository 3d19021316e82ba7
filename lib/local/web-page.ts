/**
 * The citizen web page's build: esbuild bundles web/src (Preact, oauth4webapi) and web/styles.css into
 * minified files named by their content hash (app-[hash].js, styles-[hash].css) and rewrites
 * web/index.html to name them. The portal builds into memory at start, so concurrent portals never write
 * into the repository; `npm run web:build` writes the same files to build/web for hosting.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface WebAsset {
  type: string;
  body: Buffer;
  /** Precompressed bodies, sent to browsers that accept them. */
  gzip?: Buffer;
  br?: Buffer;
  /** Hashed files never change under their name. */
  immutable?: boolean;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const compressed = (body: Buffer) => ({
  gzip: gzipSync(body, { level: 9 }),
  br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
});

/** Every file of the page by its path (/index.html, /app-XXXX.js, …); empty when web/ has no page. */
export async function buildWebPage(
  webDir: string,
  options: { sourcemap?: boolean } = {},
): Promise<Map<string, WebAsset>> {
  const assets = new Map<string, WebAsset>();
  const entry = join(webDir, 'src', 'main.tsx');
  const template = join(webDir, 'index.html');
  if (!existsSync(entry) || !existsSync(template)) return assets;
  const out = await build({
    entryPoints: [
      { in: entry, out: 'app' },
      { in: join(webDir, 'styles.css'), out: 'styles' },
    ],
    entryNames: '[name]-[hash]',
    outdir: '/web',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    sourcemap: options.sourcemap === false ? false : 'linked',
    write: false,
    logLevel: 'silent',
  });
  const names = new Map<string, string>();
  for (const file of out.outputFiles) {
    const name = basename(file.path);
    const ext = name.slice(name.lastIndexOf('.'));
    const body = Buffer.from(file.contents);
    const isMap = ext === '.map';
    assets.set(`/${name}`, {
      type: TYPES[ext] ?? 'application/octet-stream',
      body,
      ...(isMap ? {} : compressed(body)),
      immutable: true,
    });
    if (!isMap) names.set(name.startsWith('app-') ? '/app.js' : '/styles.css', `/${name}`);
  }
  // Files kept under their own names (the icon browsers ask for at /favicon.svg).
  const publicDir = join(webDir, 'public');
  if (existsSync(publicDir))
    for (const name of readdirSync(publicDir)) {
      const ext = name.slice(name.lastIndexOf('.'));
      const body = readFileSync(join(publicDir, name));
      assets.set(`/${name}`, { type: TYPES[ext] ?? 'application/octet-stream', body, ...compressed(body) });
    }
  const html = readFileSync(template, 'utf8')
    .replace('href="/styles.css"', `href="${names.get('/styles.css')}"`)
    .replace('src="/app.js"', `src="${names.get('/app.js')}"`);
  const body = Buffer.from(html);
  assets.set('/index.html', { type: TYPES['.html']!, body, ...compressed(body) });
  return assets;
}

/** The old name, kept for callers that bundle at start. */
export const bundleWebPage = (webDir: string) => buildWebPage(webDir);

/** What the page reads from /config.json: in AWS, Cognito's issuer and the web client's id. */
export interface WebPageConfig {
  issuer: string;
  clientId: string;
  /** API origin; empty for the page's own origin. */
  apiUrl: string;
  /** Cognito's hosted-domain logout (its discovery document names none), e.g. https://x.auth…/logout. */
  logoutEndpoint?: string;
  /** Only for the local issuer on plain http. */
  allowInsecureRequests?: boolean;
}

export const configAsset = (config: WebPageConfig): WebAsset => ({
  type: 'application/json; charset=utf-8',
  body: Buffer.from(JSON.stringify(config)),
});
