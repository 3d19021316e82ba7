import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { actingClaims, handler } from '../../functions/identity/pre-token.js';

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
  it('puts whom an officer or representative acts for into both tokens', async () => {
    const out = await handler(
      event({ sub: 'u1', 'custom:agency_id': 'ttpvhcc-01', 'custom:citizen_id': '001090000001', name: 'A' }),
    );
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { agencyId: 'ttpvhcc-01' } },
      accessTokenGeneration: { claimsToAddOrOverride: { agencyId: 'ttpvhcc-01' } },
    });
    expect(JSON.stringify(out.response)).not.toContain('001090000001');
  });

  it('adds a business representative tax code and nothing for a plain citizen', () => {
    expect(actingClaims({ 'custom:tax_code': '0101234567' })).toEqual({ taxCode: '0101234567' });
    expect(actingClaims({ sub: 'u2', 'custom:citizen_id': '001090000001' })).toEqual({});
  });
});
