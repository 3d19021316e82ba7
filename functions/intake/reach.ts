/**
 * Who reaches an owned object (dossier, submission) through the citizen routes, from its ownership
 * fields: the owner; every representative of the enterprise it was filed for; the desk officer who
 * filed it on the citizen's behalf. (Route-level authorization builds on the same fields.)
 */
import type { Person } from '../core/auth.js';

export interface Owned {
  ownerSub: string;
  enterpriseTaxCode?: string;
  filedBy?: { sub: string; role: 'desk_officer'; agencyId: string };
}

export function mayReachOwned(person: Pick<Person, 'sub' | 'role' | 'taxCode'>, o: Owned): boolean {
  if (o.ownerSub === person.sub) return true;
  if (person.role === 'business' && person.taxCode && o.enterpriseTaxCode === person.taxCode) return true;
  return person.role === 'desk_officer' && o.filedBy?.sub === person.sub;
}
