/**
 * Form registry: procedure records (seed, CSV or JSON import) name their form by id, and intake
 * validates the citizen's form with the zod schema found here; the catalog publishes it as JSON Schema
 * (form-schema.ts). Every kind of value is built once (form-values.ts), with its Vietnamese and English
 * title and description; rules that relate two fields belong to the group of fields that carries them
 * (form-groups.ts, form-rules.ts), so every form with those fields checks — and publishes — the same
 * rule. The forms themselves live by family in forms-*.ts.
 */
import type * as z from 'zod';
import { businessForms } from './forms-business.js';
import { civilForms } from './forms-civil.js';
import { permitForms } from './forms-permits.js';

export const forms = { ...permitForms, ...civilForms, ...businessForms } satisfies Record<
  string,
  z.ZodType<Record<string, unknown>>
>;

export type FormId = keyof typeof forms;

export function findForm(id: string): z.ZodType<Record<string, unknown>> | undefined {
  return Object.hasOwn(forms, id) ? forms[id as FormId] : undefined;
}
