/** A test file's view of the tier's shared DynamoDB Local: the stores' environment and a document client. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { resetConfig } from '../../../functions/core/config.js';
import { LOCAL_REGION } from '../../../lib/local/lambda.js';
import { LOCAL_CREDENTIALS } from '../../../lib/local/store-clients.js';

export interface SharedStore {
  endpoint: string;
  tableName: string;
  client(): DynamoDBClient;
}

/**
 * Points this file's stores (functions/core/clients.ts reads the SDK's own variables) at the shared
 * table. Call at the top of the file, before any store is built: each file runs in its own process.
 */
export function useSharedStore(): SharedStore {
  const endpoint = inject('dynamoEndpoint');
  const tableName = inject('sharedTable');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_NAME: tableName,
    UPLOADS_BUCKET: 'cong-adapters-uploads',
    JWT_ISSUER: 'https://issuer.test',
    JWT_AUDIENCE: 'test',
    JWT_JWKS_URL: 'https://issuer.test/jwks.json',
  });
  resetConfig();
  return {
    endpoint,
    tableName,
    client: () =>
      new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } }),
  };
}

/** A document client on the shared store, for tests that look at the items a store wrote. */
export const sharedDocumentClient = (store: SharedStore) =>
  DynamoDBDocumentClient.from(store.client(), { marshallOptions: { removeUndefinedValues: true } });
