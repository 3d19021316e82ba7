/**
 * The access model of the API: how a caller proves who it is (`AuthMode`) and who may call a route
 * (`RouteAccess`), with the roles each rule admits. Below the HTTP middleware (core/http.ts) and the
 * route definitions of every function group; it knows no route.
 */
import { type PersonRole, personRole } from '../../schemas/common.js';
import type { OwnedAccess, OwnedObject } from './access.js';

/** How a caller proves who it is. `dev` routes exist only in the local cloud. */
export type AuthMode = 'public' | 'citizen' | 'agency' | 'payment' | 'dev';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Lambda function groups that serve HTTP routes; each is one Lambda in AWS. */
export type HttpFunction =
  | 'platform'
  | 'catalog'
  | 'uploads'
  | 'intake'
  | 'tracking'
  | 'agencyEvents'
  | 'agencyFiles'
  | 'agencyDeliveries'
  | 'payments'
  | 'me'
  | 'feedback'
  | 'stats'
  | 'petitions'
  | 'results'
  | 'support'
  | 'rights'
  | 'dev';

/**
 * Objects a person owns, named by a path parameter: the kinds of functions/core/access.ts's loader map,
 * each with an ownership record (`ownerSub`, `enterpriseTaxCode?`, `filedBy?`, `agencyId`).
 */
export type { OwnedObject };

/** Every role a signed-in person can have. */
export const EVERYONE: readonly PersonRole[] = personRole.options;
/** People who file for themselves or for someone: citizens, enterprises' representatives, desk officers. */
export const APPLICANTS: readonly PersonRole[] = ['citizen', 'business', 'desk_officer'];
/** People who hold documents of their own (results issued to them, scans of their dossiers). */
export const DOCUMENT_HOLDERS: readonly PersonRole[] = ['citizen', 'business'];

/**
 * Who may call a route. Anyone else signed in gets 403; someone who may call the route but reaches an
 * object that is not theirs gets the object's 404, exactly like a missing one.
 * - `public`: anyone, signed in or not.
 * - `self`: the caller's own account; the handler derives everything from the signed-in person.
 * - `owned`: an object named by a path parameter, for its owner, the representatives of the enterprise
 *   it was filed for, the desk officer who filed it and, with `agencyOfficers`, the officers of the
 *   agency it is routed to.
 * - `role`: a collection or action for these roles only; `scope: 'agency'` shows an officer only their
 *   own agency's (the agencyId claim).
 * - `agencySignature` / `providerSignature`: machines signing with their secret; `dev`: local only.
 */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'self'; roles: readonly PersonRole[] }
  | (OwnedAccess & {
      /** Who may own such objects, when not every applicant can (desk officers file no petitions). */
      owners?: readonly PersonRole[];
    })
  | { kind: 'role'; roles: readonly PersonRole[]; scope: 'agency' | 'all' }
  | {
      kind: 'agencySignature';
      /** The agency's own routes: its officers may call them too, with their bearer token. */
      officers?: boolean;
    }
  | { kind: 'providerSignature' }
  | { kind: 'dev' };

export const PUBLIC: RouteAccess = { kind: 'public' };
export const DEV: RouteAccess = { kind: 'dev' };

/** Roles that may call the route at all (empty: no person signs in on it). */
export function rolesOf(access: RouteAccess): readonly PersonRole[] {
  switch (access.kind) {
    case 'self':
    case 'role':
      return access.roles;
    case 'owned':
      return [
        ...(access.owners ?? APPLICANTS),
        ...(access.agencyOfficers ? (['agency_officer'] as const) : []),
        ...(access.supportAgents ? (['support_agent'] as const) : []),
      ];
    default:
      return [];
  }
}

/**
 * Whether a route answers a signed-in person with their own data (their objects, their agency's work, an
 * operator's queue): such answers carry `Cache-Control: no-store` (functions/core/http.ts), whatever the
 * operation returns.
 */
export const isPersonal = (access: RouteAccess): boolean =>
  access.kind === 'self' ||
  access.kind === 'owned' ||
  access.kind === 'role' ||
  (access.kind === 'agencySignature' && access.officers === true);

/**
 * Whether API Gateway verifies the caller's bearer token before the function runs: its JWT authorizer in
 * AWS (lib/api-stack.ts), the local gateway's stand-in locally (lib/local/api-authorizer.ts). On these
 * routes the function takes the person from the authorizer's claims (core/auth.ts).
 */
export const hasJwtAuthorizer = (auth: AuthMode): boolean => auth === 'citizen';

/** The authentication mode an access rule needs; a route declaring another is refused at start. */
export const authOfAccess = (access: RouteAccess): AuthMode =>
  access.kind === 'public'
    ? 'public'
    : access.kind === 'dev'
      ? 'dev'
      : access.kind === 'agencySignature'
        ? 'agency'
        : access.kind === 'providerSignature'
          ? 'payment'
          : 'citizen';
