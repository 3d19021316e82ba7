import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as z from 'zod';
import { openApiDocument } from '../../schemas/common.js';
import { config } from '../core/config.js';
import { httpFunction } from '../core/http.js';
import { portalUrl } from '../core/portal-url.js';
import { DOCS_CONTENT_SECURITY_POLICY } from '../core/security-headers.js';
import { platformRoutes } from './routes.js';

let document: z.output<typeof openApiDocument> | undefined;
let redoc: string | undefined;

/** Redoc's standalone bundle: beside the code in Lambda (copied at bundling), else from node_modules. */
export const REDOC_BUNDLE = 'redoc/bundles/redoc.standalone.js';

/** The one remote asset in Redoc's bundle (its footer's logo): dropped, so the page asks nothing elsewhere. */
const REDOC_REMOTE_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';

async function redocScript(): Promise<string> {
  const text = await readFile(new URL('./redoc.standalone.js', import.meta.url), 'utf8').catch(() =>
    readFile(createRequire(import.meta.url).resolve(REDOC_BUNDLE), 'utf8'),
  );
  // An image without a source fails at once and Redoc then hides it.
  return text.replaceAll(REDOC_REMOTE_LOGO, '');
}

/**
 * The page renders /openapi.json with the portal's own copy of Redoc: nothing is fetched from another
 * origin. Relative addresses, so the page works under any base path.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng Dịch vụ công — API</title>
<link rel="icon" href="data:,">
</head>
<body>
<redoc spec-url="openapi.json" expand-responses="200,201" path-in-middle-panel="true"></redoc>
<script src="docs/redoc.standalone.js"></script>
</body>
</html>
`;

const docsHeaders = (maxAge: number) => ({
  'cache-control': `public, max-age=${maxAge}`,
  'content-security-policy': DOCS_CONTENT_SECURITY_POLICY,
});

export const handler = httpFunction(platformRoutes, {
  health: async () => ({
    body: { status: 'ok' as const, stage: config().STAGE, time: new Date().toISOString() },
  }),
  openapi: async () => {
    // The document is built from every group's routes and schemas: loaded on its first request only, so
    // the liveness check's cold start carries none of them.
    document ??= openApiDocument.parse((await import('./openapi.js')).buildOpenApi(await portalUrl()));
    return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
  },
  docs: async () => ({
    body: null,
    raw: { contentType: 'text/html; charset=utf-8', text: DOCS_PAGE },
    headers: docsHeaders(300),
  }),
  docsScript: async () => {
    redoc ??= await redocScript();
    return {
      body: null,
      raw: { contentType: 'text/javascript; charset=utf-8', text: redoc },
      headers: docsHeaders(3600),
    };
  },
});
