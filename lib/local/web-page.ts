/**
 * The citizen web page's script, bundled by esbuild when the portal starts (web/app.ts with
 * oauth4webapi → /app.js), held in memory so concurrent portals never write into the repository.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface WebAsset {
  type: string;
  body: Buffer;
}

export async function bundleWebPage(webDir: string): Promise<Map<string, WebAsset>> {
  const assets = new Map<string, WebAsset>();
  const entry = join(webDir, 'app.ts');
  if (!existsSync(entry)) return assets;
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  const js = out.outputFiles[0];
  if (js) assets.set('/app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(js.contents) });
  return assets;
}

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
