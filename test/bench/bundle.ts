/**
 * One function bundled as the CDK bundles it for Lambda (lib/portal-function.ts: ESM for Node 24, minified,
 * module entry points first, UTF-8 text, with `require` for CJS deps, and the SDK's credential chain
 * reduced to the environment's credentials: functions/core/lambda-credentials.ts).
 */
import { type BuildOptions, build } from 'esbuild';
import { LAMBDA_CREDENTIALS, SDK_CREDENTIAL_CHAIN } from '../../lib/portal-function.js';

export async function bundleFunction(entry: string, outfile: string, extra: BuildOptions = {}) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    charset: 'utf8',
    minify: true,
    banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
    logLevel: 'silent',
    alias: { [SDK_CREDENTIAL_CHAIN]: LAMBDA_CREDENTIALS },
    ...extra,
  });
}
