/**
 * The whole published catalog as the catalog function serves it: the curated procedures with their
 * forms (bundled), the compact summaries of the information entries and the prebuilt search index
 * (read once at cold start), and the full entries read lazily from local disk, one file per code.
 *
 * The data files lie beside the code in the deployment package (the bundling copies
 * functions/catalog/data/ as data/ next to the handler), so they are published atomically with it:
 * no network I/O, no IAM grant. `CATALOG_DATA_DIR` points elsewhere (benchmarks, tools).
 */

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setting } from '../core/config.js';
import { Catalog, type SerializedIndex } from './catalog.js';
import type { InformationDetails, InformationIndexFile, InformationVersion } from './information.js';
import { publishedCatalog } from './procedures.js';
import { FORMS_DIR } from './published-forms.js';

/** functions/catalog/data/ in the source tree; data/ beside the bundled handler in a deployment. */
export function catalogDataDir(): string {
  return setting('CATALOG_DATA_DIR') ?? fileURLToPath(new URL('./data/', import.meta.url));
}

const readJson = <T>(path: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

const CODE = /^\d\.\d{6}$/;

/** Full entries by code, read from disk on first use and kept (a few KiB each). */
export class DetailsStore {
  private readonly cache = new Map<string, Promise<InformationDetails | undefined>>();
  constructor(private readonly dir: string) {}

  get(code: string): Promise<InformationDetails | undefined> {
    if (!CODE.test(code)) return Promise.resolve(undefined);
    let found = this.cache.get(code);
    if (!found) {
      found = readFile(join(this.dir, `${code}.json`), 'utf8').then(
        (text) => JSON.parse(text) as InformationDetails,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return undefined;
          throw err;
        },
      );
      // A failed read is not remembered: the next request tries again.
      found.catch(() => this.cache.delete(code));
      this.cache.set(code, found);
    }
    return found;
  }

  /** The version asked for, or the current one. */
  async version(
    code: string,
    version?: number,
  ): Promise<{ details: InformationDetails; at: InformationVersion } | undefined> {
    const details = await this.get(code);
    const at =
      version === undefined ? details?.versions.at(-1) : details?.versions.find((v) => v.version === version);
    return details && at ? { details, at } : undefined;
  }
}

/** A value computed once, on first use. */
function once<T>(load: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: load() };
    return value.v;
  };
}

/**
 * The catalog of `dir`. Nothing large is parsed at cold start: the summaries and the search index are
 * read on the first search or listing, the details of a code on the first request for it.
 */
export function loadPublished(dir = catalogDataDir()) {
  const indexFile = join(dir, 'search-index.json');
  const summariesFile = join(dir, 'national', 'index.json');
  // A package without its data would quietly serve a catalog of 17: refuse to start instead.
  for (const f of [indexFile, summariesFile])
    if (!existsSync(f)) throw new Error(`the published catalog data is missing: ${f}`);
  return {
    catalog: Catalog.fromData(
      publishedCatalog,
      once(() => readJson<SerializedIndex>(indexFile)),
      {
        trusted: true,
        information: { summaries: once(() => readJson<InformationIndexFile>(summariesFile)!.procedures) },
        publishedForm: (formId) =>
          /^[a-z0-9_]+$/.test(formId)
            ? readJson<Record<string, unknown>>(join(dir, FORMS_DIR, `${formId}.json`))
            : undefined,
      },
    ),
    details: new DetailsStore(join(dir, 'details')),
  };
}

export const published = loadPublished();
