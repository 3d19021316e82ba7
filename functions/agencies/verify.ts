/** Agencies' systems prove who they are by signing each callback with their Standard Webhooks secret. */

import { agencySecrets } from '../core/agency-secrets.js';
import { authenticatePerson, type Principal } from '../core/auth.js';
import { AppError } from '../core/errors.js';
import { AGENCY_HEADER, verifyWebhook } from '../core/webhooks.js';
import { findAgency } from '../registry/agencies.js';

/**
 * Each failure says what to fix: the header naming the agency is missing (400), it names no registered
 * agency (401), or the signature does not verify with that agency's secrets (401). `signedContent` is the
 * raw body, or for a GET its method and path (core/signed-get.ts).
 */
export async function authenticateAgency(
  headers: Record<string, string | undefined>,
  signedContent: string,
): Promise<Principal> {
  const agencyId = headers[AGENCY_HEADER]?.trim();
  if (!agencyId) throw new AppError('AGENCY_HEADER_MISSING', { header: AGENCY_HEADER });
  const agency = findAgency(agencyId);
  if (!agency)
    throw new AppError('UNKNOWN_AGENCY', { header: AGENCY_HEADER, agencyId: agencyId.slice(0, 64) });
  const secrets = await agencySecrets(agency.id);
  if (!verifyWebhook(secrets, signedContent, headers)) throw new AppError('INVALID_SIGNATURE');
  return { kind: 'agency', agencyId: agency.id };
}

/**
 * An agency's own routes (its delivery log, redelivery): its system signing the request (Standard
 * Webhooks, `cong-agency-id`), or a signed-in agency officer of that agency (a bearer token; any other
 * role is 403). Either way the caller acts for one agency, which the handler scopes everything to.
 */
export async function authenticateAgencyRequest(
  headers: Record<string, string | undefined>,
  signedContent: string,
): Promise<Principal & { kind: 'agency' }> {
  if (headers.authorization) {
    const person = await authenticatePerson(headers.authorization);
    if (person.kind !== 'person' || person.role !== 'agency_officer' || !person.agencyId)
      throw new AppError('FORBIDDEN');
    return { kind: 'agency', agencyId: person.agencyId, via: 'officer' };
  }
  const principal = await authenticateAgency(headers, signedContent);
  if (principal.kind !== 'agency') throw new AppError('INVALID_SIGNATURE');
  return { ...principal, via: 'signature' };
}
