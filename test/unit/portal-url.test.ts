import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../functions/core/config.js';
import { portalUrl } from '../../functions/core/portal-url.js';

const ssm = mockClient(SSMClient);
const base = {
  TABLE_NAME: 'cong-test',
  UPLOADS_BUCKET: 'cong-test-uploads',
  JWT_ISSUER: 'https://issuer.test',
  JWT_AUDIENCE: 'web',
  JWT_JWKS_URL: 'https://issuer.test/jwks',
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};
const saved = { ...process.env };
const useEnv = (extra: Record<string, string>) => {
  for (const key of ['PORTAL_URL', 'PORTAL_URL_PARAMETER']) delete process.env[key];
  Object.assign(process.env, base, extra);
  resetConfig();
};

describe("the portal's public address", () => {
  beforeEach(() => ssm.reset());
  afterEach(() => {
    process.env = { ...saved };
    resetConfig();
  });

  it('is PORTAL_URL when the stage knows it (custom domain, local portal), without SSM', async () => {
    useEnv({ PORTAL_URL: 'https://dichvucong.gov.vn/', PORTAL_URL_PARAMETER: '/cong/dev/portal-url' });
    expect(await portalUrl()).toBe('https://dichvucong.gov.vn');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it('is read once from the parameter the Web stack writes, and read again after a failure', async () => {
    useEnv({ PORTAL_URL_PARAMETER: '/cong/staging/portal-url' });
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new Error('ParameterNotFound'))
      .resolves({
        Parameter: { Name: '/cong/staging/portal-url', Value: 'https://d111111abcdef8.cloudfront.net' },
      });
    await expect(portalUrl()).rejects.toThrow(/ParameterNotFound/);
    expect(await portalUrl()).toBe('https://d111111abcdef8.cloudfront.net');
    expect(await portalUrl()).toBe('https://d111111abcdef8.cloudfront.net');
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.Name).toBe('/cong/staging/portal-url');
  });

  it('is unknown without either (links stay relative)', async () => {
    useEnv({});
    expect(await portalUrl()).toBeUndefined();
  });
});
