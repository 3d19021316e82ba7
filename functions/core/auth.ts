/**
 * Who is calling. People present an OIDC bearer token (the local dev issuer or Cognito federated to
 * VNeID); agencies' systems sign each request with their Standard Webhooks secret (functions/agencies/
 * verify.ts). In AWS, API Gateway's JWT authorizer verifies the token of every citizen route (lib/api-
 * stack.ts) and hands the function its claims; the local gateway does the same (lib/local/api-
 * authorizer.ts). Only a request without such claims (an agency officer's token on an agency's own
 * routes, a test calling a handler directly) has its token verified here, against the issuer's JWKS.
 */
import { type PersonRole, personRole } from '../../schemas/common.js';
import { config } from './config.js';
import { AppError } from './errors.js';

export type { PersonRole };
/**
 * A signed-in person. Claims beyond the role say whom they act for: an agency officer and a one-stop desk
 * officer name the agency they work at (`agencyId`, Cognito `custom:agency_id`); a business representative
 * names the enterprise by its tax code (`taxCode`, Cognito `custom:tax_code`). `citizenId` is the citizen
 * ID (CCCD) the identity provider verified (VNeID, through Cognito's pre-token trigger): the only source a
 * profile's citizen ID is ever taken from. Never log a Person whole.
 */
export interface Person {
  kind: 'person';
  sub: string;
  role: PersonRole;
  agencyId?: string;
  taxCode?: string;
  citizenId?: string;
  /** A support agent of one province's desk (`provinceCode`, Cognito `custom:province_code`); none: national. */
  provinceCode?: string;
  /** The name the identity provider vouches for (claim `name`); only to prefill the person's own forms. */
  name?: string;
}
/** An agency's system (signature), or on an agency's own routes one of its officers acting for it. */
export type Principal = Person | { kind: 'agency'; agencyId: string; via?: 'signature' | 'officer' };

/** Enterprise tax codes (mã số thuế): 10 digits, or 13 with a branch suffix. */
export const TAX_CODE = /^\d{10}(-\d{3})?$/;
/** Citizen ID numbers (CCCD, số định danh cá nhân): 12 digits. */
const CITIZEN_ID = /^\d{12}$/;

const stringClaim = (payload: Record<string, unknown>, ...names: string[]) => {
  for (const n of names) if (typeof payload[n] === 'string' && payload[n]) return payload[n] as string;
  return '';
};

/**
 * The claims API Gateway's JWT authorizer passes in `requestContext.authorizer.jwt.claims` (payload format
 * 2.0): every value a string, an array claim as its items in brackets, separated by spaces
 * (`"[citizen agency_officer]"`), a number as its digits.
 */
export type GatewayClaims = Readonly<Record<string, unknown>>;

/** An array claim as API Gateway passes it ("[a b]"); undefined when the token's claim was no array. */
export function gatewayList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string' || !value.startsWith('[') || !value.endsWith(']')) return undefined;
  return value.slice(1, -1).split(/\s+/).filter(Boolean);
}

const tokenList = (value: unknown): unknown[] | undefined => (Array.isArray(value) ? value : undefined);

/**
 * The person a token's claims describe, by one set of rules whether the claims come from API Gateway's
 * authorizer or from verifying the token here: issuer and audience (again, for the authorizer's), the
 * role from `role` or the first of `cognito:groups` (citizen without either), and the refusals.
 */
function personOf(payload: Readonly<Record<string, unknown>>, list: (v: unknown) => unknown[] | undefined) {
  const { JWT_ISSUER, JWT_AUDIENCE } = config();
  if (payload.iss !== JWT_ISSUER) throw new AppError('UNAUTHENTICATED');
  // ID tokens name the client in `aud`; Cognito access tokens carry `client_id` and no `aud`.
  const audiences = list(payload.aud) ?? (payload.aud ? [payload.aud] : []);
  if (!audiences.includes(JWT_AUDIENCE) && payload.client_id !== JWT_AUDIENCE)
    throw new AppError('UNAUTHENTICATED');
  const groups = list(payload['cognito:groups']);
  const claimed = typeof payload.role === 'string' ? payload.role : groups ? groups[0] : 'citizen';
  if (
    typeof payload.sub !== 'string' ||
    !payload.sub ||
    typeof claimed !== 'string' ||
    !personRole.safeParse(claimed).success
  )
    throw new AppError('UNAUTHENTICATED');
  const role = claimed as PersonRole;
  const works = role === 'agency_officer' || role === 'desk_officer';
  const agencyId = works ? stringClaim(payload, 'agencyId', 'custom:agency_id') : '';
  const taxCode = role === 'business' ? stringClaim(payload, 'taxCode', 'custom:tax_code') : '';
  // A representative without a well-formed tax code acts for nobody: refuse the token outright.
  if (role === 'business' && !TAX_CODE.test(taxCode)) throw new AppError('UNAUTHENTICATED');
  // Anything but a well-formed number counts as not verified (an old 9-digit ID card, for one).
  const citizenId = stringClaim(payload, 'citizenId');
  const provinceCode =
    role === 'support_agent' ? stringClaim(payload, 'provinceCode', 'custom:province_code') : '';
  // A malformed province would silently widen nothing, but it is a misconfigured account: refuse it.
  if (provinceCode && !/^\d{2}$/.test(provinceCode)) throw new AppError('UNAUTHENTICATED');
  const name = stringClaim(payload, 'name').trim();
  const person: Person = {
    kind: 'person',
    sub: payload.sub,
    role,
    ...(agencyId ? { agencyId } : {}),
    ...(taxCode ? { taxCode } : {}),
    ...(CITIZEN_ID.test(citizenId) ? { citizenId } : {}),
    ...(provinceCode ? { provinceCode } : {}),
    ...(name ? { name } : {}),
  };
  return person;
}

/**
 * The signed-in person: from API Gateway's authorizer claims when the event carries them (only API
 * Gateway builds an event's requestContext: the functions are invoked by nothing else), otherwise from
 * the bearer token, verified here. The verifier (jose, and Node's fetch for the keys) loads on first use
 * only, so a function whose requests all come with claims never starts it.
 */
export async function authenticatePerson(
  authorization: string | undefined,
  claims?: GatewayClaims,
): Promise<Principal> {
  if (claims) return personOf(claims, gatewayList);
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new AppError('UNAUTHENTICATED');
  const { JWT_JWKS_URL, JWT_ISSUER } = config();
  const { verifyToken } = await import('./token-verify.js');
  const payload = await verifyToken(token, { jwksUrl: JWT_JWKS_URL, issuer: JWT_ISSUER });
  if (!payload) throw new AppError('UNAUTHENTICATED');
  return personOf(payload, tokenList);
}
