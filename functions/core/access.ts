/**
 * Object-level authorization in one place. Every route declares its rule in the route table
 * (`access`); for routes that name an owned object by a path parameter, this middleware loads only the
 * object's ownership fields and decides. Anyone who may not reach the object gets the object's 404,
 * exactly like a missing one, so codes cannot be enumerated.
 */

import type { MiddlewareObj } from '@middy/core';
import type { Person } from './auth.js';
import { AppError, type ErrorCode } from './errors.js';
import { keys } from './keys.js';

/** The fields every owned object stores under these names (see the cross-branch contract). */
export interface OwnershipRecord {
  ownerSub: string;
  enterpriseTaxCode?: string;
  filedBy?: { sub: string; role: 'desk_officer'; agencyId: string };
  agencyId?: string;
  /** Support tickets: the province whose desk answers, and whether the desk may see it at all. */
  provinceCode?: string;
  supportDesk?: boolean;
}

export const OWNERSHIP_FIELDS = [
  'ownerSub',
  'enterpriseTaxCode',
  'filedBy',
  'agencyId',
  'provinceCode',
  'supportDesk',
] as const;

/** How each kind of owned object is found: its path parameter, its table key, its not-found code. */
export interface ObjectLoader {
  param: string;
  key: (id: string) => { pk: string; sk: string };
  notFound: ErrorCode;
}

/** One entry per kind: adding a kind of owned object (and its name for route rules) is one line here. */
export const objectLoaders = {
  dossier: { param: 'code', key: keys.dossier, notFound: 'DOSSIER_NOT_FOUND' },
  submission: { param: 'submissionId', key: keys.submission, notFound: 'NOT_FOUND' },
  payment: { param: 'paymentId', key: keys.payment, notFound: 'PAYMENT_NOT_FOUND' },
  petition: { param: 'code', key: keys.petition, notFound: 'PETITION_NOT_FOUND' },
  supportTicket: { param: 'code', key: keys.supportTicket, notFound: 'TICKET_NOT_FOUND' },
} as const satisfies Record<string, ObjectLoader>;

/** The kinds of owned object a route can name (`access: { kind: 'owned', object }`). */
export type OwnedObject = keyof typeof objectLoaders;

/** The rule of a route on an owned object (core/route-access.ts's `owned` kind). */
export interface OwnedAccess {
  kind: 'owned';
  object: OwnedObject;
  agencyOfficers: boolean;
  /** Support agents reach the desk's tickets (of their province, when their token names one). */
  supportAgents?: boolean;
}

/** What this check reads of a route's access rule (core/route-access.ts's `RouteAccess`). */
type AccessRule =
  | OwnedAccess
  | { kind: 'role'; scope: 'agency' | 'all' }
  | { kind: 'public' | 'self' | 'agencySignature' | 'providerSignature' | 'dev'; roles?: readonly string[] };

/** How the caller reached the object (handlers may show it; it is never logged with the object). */
export type Reach = 'owner' | 'enterprise' | 'filer' | 'agency' | 'support';

/** Whether a person may reach an object with these ownership fields, and how. */
export function reachOf(
  person: Pick<Person, 'sub' | 'role' | 'agencyId' | 'taxCode' | 'provinceCode'>,
  record: OwnershipRecord,
  agencyOfficers: boolean,
  supportAgents = false,
): Reach | undefined {
  if (person.role === 'support_agent') {
    // The national desk reaches every desk ticket, a province's desk only its province's.
    const inScope = !person.provinceCode || record.provinceCode === person.provinceCode;
    return supportAgents && record.supportDesk === true && inScope ? 'support' : undefined;
  }
  if (person.role === 'agency_officer') {
    // Officers act for their agency only, never as owners.
    return agencyOfficers && person.agencyId && record.agencyId === person.agencyId ? 'agency' : undefined;
  }
  if (record.ownerSub === person.sub) return 'owner';
  if (person.role === 'business' && person.taxCode && record.enterpriseTaxCode === person.taxCode)
    return 'enterprise';
  if (person.role === 'desk_officer' && record.filedBy?.sub === person.sub) return 'filer';
  return undefined;
}

/** Reads one object's ownership fields; undefined when there is no such object. */
export type OwnershipReader = (
  object: OwnedObject,
  key: { pk: string; sk: string },
) => Promise<OwnershipRecord | undefined>;

/** The check for one request: throws the object's 404 unless the person may reach it. */
export async function authorizeObject(
  access: AccessRule,
  person: Person,
  params: unknown,
  read: OwnershipReader,
): Promise<Reach | undefined> {
  // A collection scoped to the caller's agency needs a token that names one.
  if (access.kind === 'role' && access.scope === 'agency' && !person.agencyId)
    throw new AppError('FORBIDDEN');
  if (access.kind !== 'owned') return undefined;
  const loader: ObjectLoader = objectLoaders[access.object];
  const id =
    params && typeof params === 'object'
      ? Object.entries(params).find(([k]) => k === loader.param)?.[1]
      : undefined;
  if (typeof id !== 'string' || !id) throw new AppError(loader.notFound);
  const record = await read(access.object, loader.key(id));
  const reach = record
    ? reachOf(person, record, access.agencyOfficers, access.supportAgents === true)
    : undefined;
  if (!reach) throw new AppError(loader.notFound);
  return reach;
}

interface AccessRequest {
  route: { access: AccessRule };
  params: unknown;
  principal: { kind: string } | null;
  reach?: Reach;
}

/**
 * The middleware: after authentication and validation, before the operation. The reader is passed in
 * by the function groups that serve owned-object routes, so only they carry the table client.
 */
export const objectAccess = <E extends { portal?: AccessRequest }, R>(
  read: OwnershipReader | undefined,
): MiddlewareObj<E, R> => ({
  before: async (request) => {
    const req = request.event.portal;
    const kind = req?.route.access.kind;
    if (!req || (kind !== 'owned' && kind !== 'role')) return;
    if (req.principal?.kind !== 'person') throw new AppError('UNAUTHENTICATED');
    if (kind === 'owned' && !read) throw new Error('owned-object route without an ownership reader');
    req.reach = await authorizeObject(
      req.route.access,
      req.principal as Person,
      req.params,
      read ?? (() => Promise.resolve(undefined)),
    );
  },
});
