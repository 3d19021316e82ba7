/**
 * A new dossier's form, filled from what the portal already knows: the saved profile (name, date of
 * birth, citizen ID, phone, address, e-mail) into the form fields of the same name; what the profile
 * does not give, from the verified sign-in (its citizen ID and name); and a business representative's
 * tax code from their sign-in. The citizen checks and completes it; nothing is
 * submitted or stored here.
 */
import type * as z from 'zod';
import type { ProcedureRecord } from '../../schemas/procedure.js';
import { findForm } from '../catalog/forms.js';
import { publishedCatalog } from '../catalog/procedures.js';
import type { Person } from '../core/auth.js';

/** Profile fields a form may ask for under the same name. */
const FROM_PROFILE = ['fullName', 'dateOfBirth', 'citizenId', 'phone', 'address', 'email'] as const;

export interface ProfileValues {
  fullName: string;
  dateOfBirth: string;
  citizenId: string;
  phone: string;
  address: string;
  email?: string;
}

/** The current version of a procedure, as published (without building the search index). */
export function currentProcedure(code: string): ProcedureRecord | undefined {
  let latest: ProcedureRecord | undefined;
  for (const p of publishedCatalog.procedures as ProcedureRecord[])
    if (p.code === code && (!latest || p.version > latest.version)) latest = p;
  return latest;
}

/** The top-level field names of a form in the registry. */
export function formFields(formId: string): string[] {
  const form = findForm(formId) as { _zod: { def: { shape?: Record<string, z.ZodType> } } } | undefined;
  return Object.keys(form?._zod.def.shape ?? {});
}

export function prefill(
  fields: readonly string[],
  profile: ProfileValues | undefined,
  person: Pick<Person, 'role' | 'taxCode' | 'citizenId' | 'name'>,
): { form: Record<string, string>; filled: string[] } {
  const form: Record<string, string> = {};
  // A citizen without a saved profile still has the identity they signed in with. Not a desk
  // officer's: they file for someone else.
  const own = person.role === 'citizen';
  const signIn: Partial<ProfileValues> = {
    ...(own && person.citizenId ? { citizenId: person.citizenId } : {}),
    ...(own && person.name ? { fullName: person.name } : {}),
  };
  for (const name of FROM_PROFILE) {
    const value = profile?.[name] || signIn[name];
    if (value && fields.includes(name)) form[name] = value;
  }
  if (person.role === 'business' && person.taxCode && fields.includes('taxCode'))
    form.taxCode = person.taxCode;
  return { form, filled: Object.keys(form) };
}
