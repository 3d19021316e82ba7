/**
 * Cognito pre-token-generation trigger (event version 2): Cognito puts custom attributes in ID tokens
 * only, while the page calls the API with the access token. This copies whom a person acts for into
 * both tokens under the claim names the API reads (`agencyId`, `taxCode`), so the same verification
 * (functions/core/auth.ts) serves Cognito and the local issuer.
 *
 * The citizen ID VNeID verified (`custom:citizen_id`, mapped at every federated sign-in and writable by
 * no signed-in person) goes into the access token alone, as `citizenId`: the API binds a profile to it,
 * so nobody can claim another person's number. The ID token, which the page reads and keeps, never
 * carries it, and nothing about the person is logged.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** The custom attributes (set by operators) that travel in tokens, and their claim names. */
const ACTS_FOR: Record<string, string> = {
  'custom:agency_id': 'agencyId',
  'custom:tax_code': 'taxCode',
  'custom:province_code': 'provinceCode',
};

export function actingClaims(userAttributes: Record<string, string | undefined>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [attribute, claim] of Object.entries(ACTS_FOR)) {
    const value = userAttributes[attribute];
    if (value) claims[claim] = value;
  }
  return claims;
}

/** The verified citizen ID as the API reads it; a malformed value is left out (not verified). */
export function identityClaims(userAttributes: Record<string, string | undefined>): Record<string, string> {
  const citizenId = userAttributes['custom:citizen_id'];
  return citizenId && /^\d{12}$/.test(citizenId) ? { citizenId } : {};
}

export const handler = async (event: PreTokenGenerationV2TriggerEvent) => {
  const attributes = event.request.userAttributes;
  const claims = actingClaims(attributes);
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: { ...claims, ...identityClaims(attributes) } },
    },
  };
  return event;
};
