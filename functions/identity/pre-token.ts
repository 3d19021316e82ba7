/**
 * Cognito pre-token-generation trigger (event version 2): Cognito puts custom attributes in ID tokens
 * only, while the page calls the API with the access token. This copies whom a person acts for into
 * both tokens under the claim names the API reads (`agencyId`, `taxCode`), so the same verification
 * (functions/core/auth.ts) serves Cognito and the local issuer. Nothing else is added: the citizen ID
 * number never enters a token, and nothing about the person is logged.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/** The custom attributes (set by operators) that travel in tokens, and their claim names. */
const ACTS_FOR: Record<string, string> = {
  'custom:agency_id': 'agencyId',
  'custom:tax_code': 'taxCode',
};

export function actingClaims(userAttributes: Record<string, string | undefined>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [attribute, claim] of Object.entries(ACTS_FOR)) {
    const value = userAttributes[attribute];
    if (value) claims[claim] = value;
  }
  return claims;
}

export const handler = async (event: PreTokenGenerationV2TriggerEvent) => {
  const claims = actingClaims(event.request.userAttributes);
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    },
  };
  return event;
};
