/** `npm start -- --agency-endpoint <channel>=<url>` and where a delivery goes once a channel is pointed elsewhere. */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../functions/core/config.js';
import { vetEndpoint } from '../../functions/core/ssrf.js';
import { agencyEndpoint } from '../../functions/dispatch/endpoint.js';
import { channels, findAgency } from '../../functions/registry/agencies.js';
import { AgencyEndpointError, parseAgencyEndpoints } from '../../lib/local/agency-endpoints.js';
import { requiredSettings } from '../support/required-settings.js';

const parse = (...values: string[]) => parseAgencyEndpoints(values, channels);
const refusal = (...values: string[]) => {
  try {
    parse(...values);
  } catch (err) {
    expect(err).toBeInstanceOf(AgencyEndpointError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${values.join(' ')}`);
};

describe('--agency-endpoint', () => {
  it('maps each named channel to its receiver', () => {
    expect(
      parse('bhxh=http://localhost:8080/webhook', 'p01=https://motcua.hanoi.example/{agencyId}/hook'),
    ).toEqual({
      bhxh: 'http://localhost:8080/webhook',
      p01: 'https://motcua.hanoi.example/{agencyId}/hook',
    });
    expect(parse()).toEqual({});
  });

  it('refuses an unknown channel, listing the valid ones', () => {
    const message = refusal('nope=http://localhost:8080');
    expect(message).toContain('Unknown integration channel "nope"');
    for (const c of channels) expect(message).toContain(c);
  });

  it("names the channel when given an agency's id instead", () => {
    expect(refusal('bhxh-hn=http://localhost:8080')).toContain(
      `Agency "bhxh-hn" is served by channel "${findAgency('bhxh-hn')!.channel}"`,
    );
  });

  it('refuses malformed values and URLs', () => {
    expect(refusal('bhxh')).toContain('expects <channel>=<url>');
    expect(refusal('bhxh=')).toContain('expects <channel>=<url>');
    expect(refusal('=http://localhost')).toContain('expects <channel>=<url>');
    expect(refusal('bhxh=not a url')).toContain('is not a URL');
    expect(refusal('bhxh=ftp://localhost/in')).toContain('must be an http:// or https:// URL');
    expect(refusal('bhxh=http://user:pw@localhost/')).toContain('no credentials');
    expect(refusal('bhxh=http://localhost:1', 'bhxh=http://localhost:2')).toContain('twice');
  });
});

describe('the endpoint a delivery goes to', () => {
  const cfg = {
    AGENCY_ENDPOINTS: { 'bhxh-04': 'https://own.example/hook' },
    AGENCY_CHANNEL_ENDPOINTS: { bhxh: 'http://localhost:8080/in/{agencyId}' },
    AGENCY_ENDPOINT_TEMPLATE: 'http://127.0.0.1:9000/agencies/{agencyId}/webhook',
  };

  it("is the agency's own, else its channel's, else the template's", () => {
    expect(findAgency('bhxh-04')?.channel).toBe('bhxh');
    expect(agencyEndpoint(cfg, 'bhxh-04')).toBe('https://own.example/hook');
    expect(agencyEndpoint(cfg, 'bhxh-hn')).toBe('http://localhost:8080/in/bhxh-hn');
    expect(agencyEndpoint(cfg, 'ttpvhcc-01')).toBe('http://127.0.0.1:9000/agencies/ttpvhcc-01/webhook');
  });

  it('is the channel URL as given when it has no {agencyId}, and none without any setting', () => {
    const plain = { ...cfg, AGENCY_CHANNEL_ENDPOINTS: { bhxh: 'http://localhost:8080/webhook' } };
    expect(agencyEndpoint(plain, 'bhxh-hn')).toBe('http://localhost:8080/webhook');
    expect(
      agencyEndpoint(
        { AGENCY_ENDPOINTS: {}, AGENCY_CHANNEL_ENDPOINTS: {}, AGENCY_ENDPOINT_TEMPLATE: undefined },
        'bhxh-hn',
      ),
    ).toBeUndefined();
  });
});

describe('receivers on this machine', () => {
  const base = requiredSettings;

  it('are reached in the local cloud, which allows private endpoints', async () => {
    const local = configSchema().parse({ ...base, STAGE: 'local', ALLOW_PRIVATE_ENDPOINTS: 'true' });
    expect(local.ALLOW_PRIVATE_ENDPOINTS).toBe(true);
    await expect(vetEndpoint(new URL('http://localhost:8080/webhook'), true)).resolves.toBeUndefined();
  });

  it('stay refused in a deployed stage, which cannot be configured to allow them', async () => {
    const deployed = configSchema().safeParse({ ...base, STAGE: 'prod', ALLOW_PRIVATE_ENDPOINTS: 'true' });
    expect(deployed.success).toBe(false);
    expect(JSON.stringify(deployed.error?.issues)).toContain('ALLOW_PRIVATE_ENDPOINTS');
    expect(configSchema().parse({ ...base, STAGE: 'prod' }).ALLOW_PRIVATE_ENDPOINTS).toBe(false);
    await expect(vetEndpoint(new URL('http://localhost:8080/webhook'), false)).rejects.toThrow(
      'refusing http:',
    );
    await expect(vetEndpoint(new URL('https://127.0.0.1:8443/webhook'), false)).rejects.toThrow('non-public');
  });
});
