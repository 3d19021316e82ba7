/**
 * The adapters tier's one DynamoDB Local, started once for the whole tier (a vitest globalSetup): the
 * portal's table created as the one table definition says, its endpoint handed to every test file.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TestProject } from 'vitest/node';
import { LOCAL_REGION } from '../../../lib/local/lambda.js';
import { createLog } from '../../../lib/local/log.js';
import { ensureTable, LOCAL_CREDENTIALS, startDynamoDbLocal } from '../../../lib/local/stores.js';

export const SHARED_TABLE = 'cong-adapters';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared DynamoDB Local's endpoint (http://127.0.0.1:port). */
    dynamoEndpoint: string;
    /** The portal's table in it, created from the one table definition. */
    sharedTable: string;
  }
}

export default async function setup(project: TestProject) {
  const store = await startDynamoDbLocal({ log: createLog({ src: 'dynamodb', level: 'error' }) });
  const ddb = new DynamoDBClient({
    endpoint: store.endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
  });
  try {
    await ensureTable(ddb, SHARED_TABLE);
  } catch (err) {
    await store.stop();
    throw err;
  } finally {
    ddb.destroy();
  }
  project.provide('dynamoEndpoint', store.endpoint);
  project.provide('sharedTable', SHARED_TABLE);
  return () => store.stop();
}
