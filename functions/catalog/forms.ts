/**
 * Form registry: procedure records (seed, CSV or JSON import) name their form by id, and intake
 * validates the citizen's form with the zod schema found here; the catalog publishes it as JSON Schema
 * (form-schema.ts). Every kind of value is built once (form-values.ts), with its Vietnamese and English
 * title and description; rules that relate two fields belong to the group of fields that carries them
 * (form-groups.ts, form-rules.ts), so every form with those fields checks — and publishes — the same
 * rule. The forms themselves live by family in forms-*.ts.
 *
 * A form's schema is built the first time it is asked for, then kept: a function that only names
 * procedures (tracking, statistics, dispatch) never builds one, and intake builds the one it files.
 */
import type * as z from 'zod';
import { businessForms } from './forms-business.js';
import { civilForms } from './forms-civil.js';
import { permitForms } from './forms-permits.js';

type Form = z.ZodType<Record<string, unknown>>;

const builders = { ...permitForms, ...civilForms, ...businessForms };

export type FormId = keyof typeof builders;

const built = new Map<string, Form>();

/** Whether a form of that id exists, without building it. */
export const hasForm = (id: string): id is FormId => Object.hasOwn(builders, id);

export function findForm(id: string): Form | undefined {
  if (!hasForm(id)) return undefined;
  let form = built.get(id);
  if (!form) {
    form = builders[id]();
    built.set(id, form);
  }
  return form;
}

/** Every form by id, each built when first read (the form contract tests walk them all). */
export const forms = Object.defineProperties(
  {},
  Object.fromEntries(Object.keys(builders).map((id) => [id, { enumerable: true, get: () => findForm(id) }])),
) as Readonly<Record<FormId, Form>>;
