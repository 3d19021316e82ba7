/**
 * The local issuer's small pieces of HTTP and OAuth: random tokens, PKCE checks, OAuth errors, the login
 * page's HTML (framed by nobody, running no script) and redirects. Apart from the issuer's flows.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const randomToken = () => randomBytes(32).toString('base64url');
export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
/** RFC 7636 §4.1: 43–128 unreserved characters. */
export const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
export const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1a1a1a}
main{max-width:40rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0;color:#b71c1c}
ul{list-style:none;padding:0}
li{margin:.5rem 0}
button{width:100%;text-align:left;padding:.75rem 1rem;border:1px solid #ccd;border-radius:6px;background:#fff;font:inherit;cursor:pointer}
button:hover,button:focus{border-color:#b71c1c;outline:2px solid #b71c1c33}
.role{display:block;color:#555;font-size:.9rem}
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]>,
) {
  res.writeHead(status, {
    ...headers,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    // The login page must not be framed (clickjacking) and runs no script.
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http:; frame-ancestors 'none'; base-uri 'none'",
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]>) {
  res.writeHead(302, { ...headers, location, 'cache-control': 'no-store' });
  res.end();
}
