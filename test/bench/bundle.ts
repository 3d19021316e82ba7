/**
 * One function bundled exactly as the deployment bundles it (lib/lambda-bundle.ts): an `index.mjs` and
 * its chunks in a directory of its own.
 */
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { bundleBytes, ENTRY_FILE, lambdaBuildOptions } from '../../lib/lambda-bundle.js';

export interface BuiltFunction {
  /** The file to import: `<outdir>/index.mjs`. */
  entryFile: string;
  /** What a cold start compiles (the entry and its static chunks), and all the code. */
  eagerBytes: number;
  totalBytes: number;
}

export async function bundleFunction(
  entry: string,
  outdir: string,
  extra: BuildOptions = {},
): Promise<BuiltFunction> {
  const result = await build({ ...lambdaBuildOptions(entry, outdir), logLevel: 'silent', ...extra });
  const { eager, total } = bundleBytes(result.metafile!);
  return { entryFile: join(outdir, ENTRY_FILE), eagerBytes: eager, totalBytes: total };
}
