import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { actingClaims, handler, identityClaims } from '../../functions/identity/pre-token.js';

const event = (userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent => ({
  version: '2',
  triggerSource: 'TokenGeneration_HostedAuth',
  region: 'ap-southeast-1',
  userPoolId: 'ap-southeast-1_test',
  userName: 'VNeID_0123',
  callerContext: { awsSdkVersion: 'x', clientId: 'client' },
  request: { userAttributes, groupConfiguration: { groupsToOverride: ['desk_officer'] } },
  response: { claimsAndScopeOverrideDetails: {} },
});

describe('pre-token-generation trigger', () => {
  it('puts whom an officer or representative acts for into both tokens, the citizen ID into the access token only', async () => {
    const out = await handler(
      event({ sub: 'u1', 'custom:agency_id': 'ttpvhcc-01', 'custom:citizen_id': '001090000001', name: 'A' }),
    );
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { agencyId: 'ttpvhcc-01' } },
      accessTokenGeneration: {
        claimsToAddOrOverride: { agencyId: 'ttpvhcc-01', citizenId: '001090000001' },
      },
    });
    expect(JSON.stringify(out.response.claimsAndScopeOverrideDetails?.idTokenGeneration)).not.toContain(
      '001090000001',
    );
  });

  it('adds a business representative tax code, and a citizen only their verified ID', () => {
    expect(actingClaims({ 'custom:tax_code': '0101234567' })).toEqual({ taxCode: '0101234567' });
    expect(actingClaims({ sub: 'u2', 'custom:citizen_id': '001090000001' })).toEqual({});
    expect(identityClaims({ sub: 'u2', 'custom:citizen_id': '001090000001' })).toEqual({
      citizenId: '001090000001',
    });
  });

  it('leaves out a citizen ID that is missing or not 12 digits (not verified)', async () => {
    expect(identityClaims({ sub: 'u3' })).toEqual({});
    expect(identityClaims({ 'custom:citizen_id': '012345678' })).toEqual({});
    const out = await handler(event({ sub: 'u3', 'custom:citizen_id': '0123 456789' }));
    expect(out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration).toEqual({
      claimsToAddOrOverride: {},
    });
  });
});
