/**
 * Personal identifiers inside a dossier's form — citizen ID numbers (CCCD) and phone numbers, found by
 * their type in the procedure's form schema — are stored sealed with the profile key (AES-256-GCM, the
 * additional data binding each value to its dossier code and field, so a value cannot be moved to
 * another dossier or field), beside a masked copy for the owner's everyday view and, for citizen IDs, a
 * keyed hash for look-ups. The rest of the form stays in clear. Dossiers written before sealing keep
 * their identifiers in `form`: every reader here accepts both shapes.
 */

import { type PiiKind, piiFields } from '../catalog/form-values.js';
import { findProcedure, findProcedureVersion } from '../catalog/procedure-forms.js';
import type { DossierRecord, SealedFormField } from '../core/dossier.js';
import { citizenIdHash, maskCitizenId, maskPhone, open, type ProfileKeys, seal } from './protect.js';

export const formFieldContext = (code: string, field: string) => `dossier:${code}:form.${field}`;

const maskOf = (kind: PiiKind, value: string) =>
  kind === 'citizenId' ? maskCitizenId(value) : maskPhone(value);

/** The identifier fields of a procedure's form (none if the procedure version is no longer known). */
export function formPii(procedureCode: string, version?: number): ReadonlyMap<string, PiiKind> {
  const procedure =
    (version !== undefined ? findProcedureVersion(procedureCode, version) : undefined) ??
    findProcedure(procedureCode);
  return procedure ? piiFields(procedure.form) : new Map();
}

export interface SealedForm {
  form: Record<string, unknown>;
  formSealed?: Record<string, SealedFormField>;
  formHashes?: Record<string, string>;
}

/** Splits a checked form: identifiers out of `form`, sealed for this dossier code. */
export function sealForm(
  keys: ProfileKeys,
  code: string,
  form: Record<string, unknown>,
  fields: ReadonlyMap<string, PiiKind>,
): SealedForm {
  const clear: Record<string, unknown> = {};
  const sealed: Record<string, SealedFormField> = {};
  const hashes: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    const kind = fields.get(name);
    if (!kind || typeof value !== 'string') {
      clear[name] = value;
      continue;
    }
    sealed[name] = {
      kind,
      sealed: seal(keys.encryption, value, formFieldContext(code, name)),
      masked: maskOf(kind, value),
    };
    if (kind === 'citizenId') hashes[name] = citizenIdHash(keys.lookup, value);
  }
  if (!Object.keys(sealed).length) return { form: clear };
  return {
    form: clear,
    formSealed: sealed,
    ...(Object.keys(hashes).length ? { formHashes: hashes } : {}),
  };
}

type FormParts = Pick<DossierRecord, 'code' | 'form' | 'formSealed'>;

export const hasSealedForm = (d: FormParts) => Boolean(d.formSealed && Object.keys(d.formSealed).length);

/** The form as the citizen filled it in: for the agency, notifications and the owner who asks to see it. */
export function openForm(d: FormParts, keys: ProfileKeys | undefined): Record<string, unknown> {
  if (!hasSealedForm(d)) return d.form;
  if (!keys) throw new Error(`dossier ${d.code} holds sealed form fields and no key to open them`);
  const out: Record<string, unknown> = { ...d.form };
  for (const [name, field] of Object.entries(d.formSealed ?? {})) {
    out[name] = open(keys.encryption, field.sealed, formFieldContext(d.code, name));
  }
  return out;
}

/**
 * The form as its readers see it every day: identifiers masked. Sealed fields carry their mask; a
 * dossier written before sealing is masked by the types of its procedure's form.
 */
export function maskedForm(
  d: FormParts & Pick<DossierRecord, 'procedureCode' | 'procedureVersion'>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...d.form };
  for (const [name, kind] of formPii(d.procedureCode, d.procedureVersion)) {
    const value = out[name];
    if (typeof value === 'string') out[name] = maskOf(kind, value);
  }
  for (const [name, field] of Object.entries(d.formSealed ?? {})) out[name] = field.masked;
  return out;
}

/** The record with its form in clear (for the dispatcher and the notification relay). */
export async function withOpenForm<T extends FormParts>(d: T, keys: () => Promise<ProfileKeys>): Promise<T> {
  if (!hasSealedForm(d)) return d;
  return { ...d, form: openForm(d, await keys()) };
}
