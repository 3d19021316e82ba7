/**
 * How a Lambda's code is built, one definition for the deployment (lib/portal-function.ts) and the
 * benchmarks (test/bench): ESM for Node 24, minified, module entry points first, UTF-8 text, `require`
 * for CommonJS dependencies, and split into chunks. The handler is `index.mjs`; what it reaches only
 * through a dynamic `import()` (the X-Ray SDK, token verification, the file-type sniffer, the OpenAPI
 * builder, ...) is a chunk of its own that a cold start neither reads nor compiles until it is needed.
 * A single-file bundle compiles all of it at every cold start (about 40 ms per MB).
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Metafile } from 'esbuild';

/** Handler entries in the route table, and the alias target below, are relative to the repository root. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The SDK's default credential chain, and what the bundles carry instead (relative to the project root,
 * where esbuild runs): only the environment's credentials, all Lambda ever provides
 * (functions/core/lambda-credentials.ts).
 */
export const SDK_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';
export const LAMBDA_CREDENTIALS = './functions/core/lambda-credentials.ts';

/** ESM bundles still meet CommonJS dependencies that call `require`; give them one (in every chunk). */
const requireBanner =
  "import { createRequire as __cong_createRequire } from 'node:module'; const require = __cong_createRequire(import.meta.url);";

/**
 * zod without its object-parser code generation (`jitless`, read from this global when zod loads, so it
 * stands in every chunk's first line). Generating and compiling a parser per object schema pays off
 * over many parses of one schema; a function parses each request's few schemas once, and the generation
 * cost 10-20 ms of every cold start. Nothing is compiled from strings (`new Function`) at run time either.
 */
const zodJitlessBanner = '(globalThis.__zod_globalConfig ??= {}).jitless = true;';

/** The file Lambda loads, `index.mjs`, with its handler export. */
export const LAMBDA_HANDLER = 'index.handler';
export const ENTRY_FILE = 'index.mjs';

/** esbuild's options for one function, written to `outdir` (absolute). */
export function lambdaBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    // Beside index.mjs, not in a folder: code that finds its files by `import.meta.url` (the catalog's
    // data/, the documentation page's renderer) finds them wherever the bundler put it.
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    // Vietnamese messages stay readable UTF-8 instead of \u escapes.
    charset: 'utf8',
    minify: true,
    // External .map files without the sources: readable stack traces (NODE_OPTIONS=--enable-source-maps),
    // smaller bundles.
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: `${requireBanner} ${zodJitlessBanner}` },
    alias: { [SDK_CREDENTIAL_CHAIN]: LAMBDA_CREDENTIALS },
    // The AWS SDK is bundled rather than taken from the runtime, so the version running in Lambda is
    // the one pinned in package-lock.json and tested locally.
    external: [],
    metafile: true,
    logLevel: 'warning',
  };
}

/** The catalog's data files the catalog function reads from disk (functions/catalog/published.ts). */
export const CATALOG_DATA_FILES = ['search-index.json', 'forms', 'national', 'details'] as const;

/** Files a function reads beside its code: the published catalog as data/, and its own assets. */
export function copyFunctionFiles(
  spec: { catalogData?: boolean; assets?: readonly string[] },
  outdir: string,
): void {
  if (spec.catalogData) {
    mkdirSync(join(outdir, 'data'), { recursive: true });
    for (const f of CATALOG_DATA_FILES)
      cpSync(join(repoRoot, 'functions/catalog/data', f), join(outdir, 'data', f), { recursive: true });
  }
  for (const file of spec.assets ?? []) cpSync(join(repoRoot, file), join(outdir, file.split('/').at(-1)!));
}

/**
 * Bytes a cold start reads and compiles (the entry and every chunk it imports statically) and the
 * bundle's whole code (chunks behind dynamic imports too), from esbuild's metafile.
 */
export function bundleBytes(metafile: Metafile): { eager: number; total: number } {
  const outputs = new Map(Object.entries(metafile.outputs).filter(([f]) => f.endsWith('.mjs')));
  const entry = [...outputs.keys()].find((f) => f.endsWith(`/${ENTRY_FILE}`) || f === ENTRY_FILE);
  if (!entry) throw new Error('bundle without index.mjs');
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of outputs.get(file)?.imports ?? [])
      if (i.kind === 'import-statement' && outputs.has(i.path)) stack.push(i.path);
  }
  const size = (files: Iterable<string>) => [...files].reduce((a, f) => a + outputs.get(f)!.bytes, 0);
  return { eager: size(seen), total: size(outputs.keys()) };
}
