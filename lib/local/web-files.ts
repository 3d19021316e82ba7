/** Static files for the citizen web page: the files under web/, precompressed assets, page addresses. */
import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { safeDecode } from './api-routing.js';
import type { WebAsset } from './web-page.js';

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The citizen page routes on the client (/thu-tuc/1.001612, /auth/callback): a browser asking for a page
 * address (HTML, not a file type the page serves, outside the API and the issuer — procedure codes such as
 * 1.001612 have dots) gets index.html; API clients asking for an unknown path still get the API's 404.
 */
export const isPageAddress = (rawPath: string, accept: string | undefined) =>
  rawPath === '/' ||
  ((accept ?? '').includes('text/html') &&
    !/^\/(v1|dev)(\/|$)/.test(rawPath) &&
    !(extname(rawPath.split('/').pop() ?? '').toLowerCase() in MIME));

/** The precompressed body the browser accepts, brotli first. */
export function encoded(
  asset: WebAsset,
  acceptEncoding: string | undefined,
): { body: Buffer; encoding?: string } {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !/^q=0(\.0*)?$/.test(q?.trim() ?? ''))
      .map(([name]) => name?.trim()),
  );
  const accepts = (name: string) => accepted.has(name);
  if (asset.br && accepts('br')) return { body: asset.br, encoding: 'br' };
  if (asset.gzip && accepts('gzip')) return { body: asset.gzip, encoding: 'gzip' };
  return { body: asset.body };
}

export function staticFile(webDir: string | undefined, rawPath: string): string | undefined {
  if (!webDir || !existsSync(join(webDir, 'index.html'))) return undefined;
  const decoded = safeDecode(rawPath);
  if (decoded === undefined || decoded.includes('\0')) return undefined;
  const root = resolve(webDir);
  let file = normalize(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
