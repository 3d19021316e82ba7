/** Agencies' systems prove who they are by signing each callback with their Standard Webhooks secret. */
import { findAgency } from '../catalog/agencies.js';
import { agencySecrets } from '../core/agency-secrets.js';
import { authenticatePerson, type Principal } from '../core/auth.js';
import { AppError } from '../core/errors.js';
import { AGENCY_HEADER, verifyWebhook } from '../core/webhooks.js';

export async function authenticateAgency(
  headers: Record<string, string | undefined>,
  rawBody: string,
): Promise<Principal> {
  const agency = findAgency(headers[AGENCY_HEADER] ?? '');
  if (!agency) throw new AppError('INVALID_SIGNATURE');
  const secrets = await agencySecrets(agency.id);
  if (!verifyWebhook(secrets, rawBody, headers)) throw new AppError('INVALID_SIGNATURE');
  return { kind: 'agency', agencyId: agency.id };
}

/**
 * The payload an agency signs: a request's raw body, or for a request without one (GET) its method and
 * path with query, `GET /v1/agency/deliveries?status=failed`, so the query cannot be changed in transit.
 */
export const signedPayload = (method: string, pathWithQuery: string, rawBody: string) =>
  method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD'
    ? `${method.toUpperCase()} ${pathWithQuery}`
    : rawBody;

/**
 * An agency's own routes (its delivery log, redelivery): its system signing the request (Standard
 * Webhooks, `cong-agency-id`), or a signed-in agency officer of that agency (a bearer token; any other
 * role is 403). Either way the caller acts for one agency, which the handler scopes everything to.
 */
export async function authenticateAgencyRequest(
  method: string,
  pathWithQuery: string,
  headers: Record<string, string | undefined>,
  rawBody: string,
): Promise<Principal & { kind: 'agency' }> {
  if (headers.authorization) {
    const person = await authenticatePerson(headers.authorization);
    if (person.kind !== 'person' || person.role !== 'agency_officer' || !person.agencyId)
      throw new AppError('FORBIDDEN');
    return { kind: 'agency', agencyId: person.agencyId, via: 'officer' };
  }
  const principal = await authenticateAgency(headers, signedPayload(method, pathWithQuery, rawBody));
  if (principal.kind !== 'agency') throw new AppError('INVALID_SIGNATURE');
  return { ...principal, via: 'signature' };
}
