/**
 * The curated catalog (data/catalog.json: every version of every procedure filed online here, with its
 * form, and the FAQ), bundled into the Lambdas that need it. The catalog team publishes with
 * `npm run catalog:import`; values taken from secondary sources are named in each procedure's
 * `illustrative`. Imported national records (information entries) are stored beside it in data/national
 * and data/details, and served by the catalog function only (./published.ts).
 */
import type * as z from 'zod';
import type { ProcedureRecord } from '../../schemas/procedure.js';
import catalogData from './data/catalog.json' with { type: 'json' };

export interface CatalogData {
  catalogVersion: number;
  publishedAt: string;
  note?: string;
  procedures: unknown[];
  faq: unknown[];
}

/** A procedure version with its form resolved from the form registry. */
export interface Procedure extends ProcedureRecord {
  form: z.ZodType<Record<string, unknown>>;
}

export const publishedCatalog: CatalogData = catalogData;
