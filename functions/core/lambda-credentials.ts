/**
 * The AWS SDK's default credential provider as the Lambda bundles carry it: lib/portal-function.ts has
 * esbuild put this module in place of `@aws-sdk/credential-provider-node`. Lambda always hands a function
 * its role's credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN),
 * the first link of the SDK's chain, so the other links (SSO, shared profiles, credential_process, web
 * identity, container and instance metadata) are never reached there. Bundled, they and the STS, SSO and
 * sign-in clients they bring cost every cold start their compilation, and `credential_process` loads
 * Node's child_process at import. Local runs and tests are not bundled and keep the SDK's whole chain.
 */

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Like the SDK's `fromEnv`: the environment's credentials, read on every call, or an error naming them. */
export const defaultProvider =
  (_init: unknown = {}) =>
  async (): Promise<Credentials> => {
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION } =
      process.env;
    if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
      throw new Error('no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
    return {
      accessKeyId: AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS_SECRET_ACCESS_KEY,
      ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
      ...(AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(AWS_CREDENTIAL_EXPIRATION) } : {}),
    };
  };
