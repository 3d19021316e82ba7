/**
 * The forms as the catalog publishes them (JSON Schema with their rules), written beside the catalog
 * data as one file per form, data/forms/<formId>.json. Generating a form's JSON Schema from its zod
 * schema is the largest part of the catalog function's first answer, and forms only change with a
 * release: the release writes them once (`npm run catalog:import -- --reindex`, and every import), and
 * the catalog function reads the one it serves. A test holds the files equal to what the forms generate.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishFormSchema } from './form-schema.js';
import { forms } from './forms.js';

export const FORMS_DIR = 'forms';

/** Every form's published schema, by form id. */
export function publishedForms(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(forms).map(([id, form]) => [id, publishFormSchema(form)]));
}

/** Writes data/forms/ afresh: one file per form, none left for a form that no longer exists. */
export function writePublishedForms(dataDir: string): void {
  const dir = join(dataDir, FORMS_DIR);
  mkdirSync(dir, { recursive: true });
  const schemas = publishedForms();
  for (const file of readdirSync(dir))
    if (file.endsWith('.json') && !Object.hasOwn(schemas, file.slice(0, -5))) rmSync(join(dir, file));
  for (const [id, schema] of Object.entries(schemas)) {
    const path = join(dir, `${id}.json`);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(schema, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }
}
