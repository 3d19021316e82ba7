/**
 * Object-level authorization in one place. Every route declares its rule in the route table
 * (`access`); for routes that name an owned object by a path parameter, this middleware loads only the
 * object's ownership fields and decides. Anyone who may not reach the object gets the object's 404,
 * exactly like a missing one, so codes cannot be enumerated.
 */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareObj } from '@middy/core';
import type { OwnedObject, RouteAccess } from '../routes.js';
import type { Person } from './auth.js';
import { dynamo } from './clients.js';
import { config } from './config.js';
import { AppError, type ErrorCode } from './errors.js';
import { keys } from './keys.js';

/** The fields every owned object stores under these names (see the cross-branch contract). */
export interface OwnershipRecord {
  ownerSub: string;
  enterpriseTaxCode?: string;
  filedBy?: { sub: string; role: 'desk_officer'; agencyId: string };
  agencyId?: string;
}

export const OWNERSHIP_FIELDS = ['ownerSub', 'enterpriseTaxCode', 'filedBy', 'agencyId'] as const;

/** How each kind of owned object is found: its path parameter, its table key, its not-found code. */
export interface ObjectLoader {
  param: string;
  key: (id: string) => { pk: string; sk: string };
  notFound: ErrorCode;
}

/** One entry per kind: adding a kind of owned object is one line here and its name in OwnedObject. */
export const objectLoaders: Record<OwnedObject, ObjectLoader> = {
  dossier: { param: 'code', key: keys.dossier, notFound: 'DOSSIER_NOT_FOUND' },
  submission: { param: 'submissionId', key: keys.submission, notFound: 'NOT_FOUND' },
  payment: { param: 'paymentId', key: keys.payment, notFound: 'PAYMENT_NOT_FOUND' },
};

/** How the caller reached the object (handlers may show it; it is never logged with the object). */
export type Reach = 'owner' | 'enterprise' | 'filer' | 'agency';

/** Whether a person may reach an object with these ownership fields, and how. */
export function reachOf(
  person: Pick<Person, 'sub' | 'role' | 'agencyId' | 'taxCode'>,
  record: OwnershipRecord,
  agencyOfficers: boolean,
): Reach | undefined {
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

export const readOwnership: OwnershipReader = async (_object, key) => {
  const out = await dynamo().send(
    new GetCommand({
      TableName: config().TABLE_NAME,
      Key: key,
      ProjectionExpression: OWNERSHIP_FIELDS.map((_, i) => `#f${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(OWNERSHIP_FIELDS.map((f, i) => [`#f${i}`, f])),
      ConsistentRead: true,
    }),
  );
  return out.Item ? (out.Item as OwnershipRecord) : undefined;
};

/** The check for one request: throws the object's 404 unless the person may reach it. */
export async function authorizeObject(
  access: RouteAccess,
  person: Person,
  params: unknown,
  read: OwnershipReader = readOwnership,
): Promise<Reach | undefined> {
  if (access.kind !== 'owned') return undefined;
  const loader = objectLoaders[access.object];
  const id = (params as Record<string, unknown> | undefined)?.[loader.param];
  if (typeof id !== 'string' || !id) throw new AppError(loader.notFound);
  const record = await read(access.object, loader.key(id));
  const reach = record ? reachOf(person, record, access.agencyOfficers) : undefined;
  if (!reach) throw new AppError(loader.notFound);
  return reach;
}

interface AccessRequest {
  route: { access: RouteAccess };
  params: unknown;
  principal: { kind: string } | null;
  reach?: Reach;
}

/** The middleware: after authentication and validation, before the operation. */
export const objectAccess = <E extends { portal?: AccessRequest }, R>(
  read: OwnershipReader = readOwnership,
): MiddlewareObj<E, R> => ({
  before: async (request) => {
    const req = request.event.portal;
    if (req?.route.access.kind !== 'owned') return;
    if (req.principal?.kind !== 'person') throw new AppError('UNAUTHENTICATED');
    req.reach = await authorizeObject(req.route.access, req.principal as Person, req.params, read);
  },
});
