import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../functions/core/lambda-credentials.js';

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe("the Lambda bundles' credential provider", () => {
  it("gives the role's credentials Lambda puts in the environment, read on every call", async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });
    delete process.env.AWS_CREDENTIAL_EXPIRATION;
    const provider = defaultProvider({ logger: console });
    await expect(provider()).resolves.toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
    process.env.AWS_CREDENTIAL_EXPIRATION = '2026-12-07T12:00:00Z';
    process.env.AWS_ACCESS_KEY_ID = 'ASIAOTHER';
    await expect(provider()).resolves.toMatchObject({
      accessKeyId: 'ASIAOTHER',
      expiration: new Date('2026-12-07T12:00:00Z'),
    });
  });

  it('fails loudly without them, rather than looking elsewhere', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    await expect(defaultProvider()()).rejects.toThrow(/no AWS credentials/);
  });
});
