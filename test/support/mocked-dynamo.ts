/** The DynamoDB document client mocked for a unit test file, with the environment the stores read. */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach } from 'vitest';

/** Mocks the document client for the calling file: the stores' environment set once, the mock reset before each test. */
export function mockedDocumentClient() {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeAll(() => {
    Object.assign(process.env, {
      AWS_REGION: 'ap-southeast-1',
      TABLE_NAME: 'cong-test',
      UPLOADS_BUCKET: 'cong-test-uploads',
      JWT_ISSUER: 'https://issuer.test',
      JWT_AUDIENCE: 'test',
      JWT_JWKS_URL: 'https://issuer.test/jwks.json',
    });
  });
  beforeEach(() => ddb.reset());
  return ddb;
}
