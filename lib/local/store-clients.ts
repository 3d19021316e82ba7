/** Clients of the local stores: one region, credentials every local store accepts. */
import { LOCAL_REGION } from './lambda.js';

/** s3rver signs with these; DynamoDB Local and local-aws-sqs accept any credentials. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface ClientOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export const clientOptions = (endpoint: string): ClientOptions => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: { ...LOCAL_CREDENTIALS },
});
