/**
 * AWS clients, built once per process and shared by every invocation (S3's in ./s3-client.ts). Endpoints come from the SDK's
 * own AWS_ENDPOINT_URL_* variables, so the local cloud needs no code path of its own.
 */
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './tracing.js';

let ddb: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let secrets: Promise<SecretsProvider> | undefined;

export function dynamo(): DynamoDBDocumentClient {
  ddb ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({ maxAttempts: 4 })), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return ddb;
}

export function sqsClient(): SQSClient {
  sqs ??= traced(new SQSClient({}));
  return sqs;
}

/**
 * Secrets Manager through Powertools Parameters (its cache), on a traced client. Loaded on first use:
 * most functions never read a secret, and those that do read few, once per cold start or cache period.
 */
export function secretsProvider(): Promise<SecretsProvider> {
  secrets ??= Promise.all([
    import('@aws-lambda-powertools/parameters/secrets'),
    import('@aws-sdk/client-secrets-manager'),
  ]).then(
    ([{ SecretsProvider }, { SecretsManagerClient }]) =>
      new SecretsProvider({ awsSdkV3Client: traced(new SecretsManagerClient({})) }),
  );
  return secrets;
}
