/** Agencies' systems prove who they are by signing each callback with their Standard Webhooks secret. */
import { findAgency } from '../catalog/agencies.js';
import { agencySecrets } from '../core/agency-secrets.js';
import type { Principal } from '../core/auth.js';
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
