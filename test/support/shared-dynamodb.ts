/**
 * One DynamoDB Local for a whole test tier (a vitest globalSetup), its endpoint handed to every test file:
 * the adapters tier's stores use the portal's table made here from the one table definition; each local
 * portal the system and e2e tiers start makes a table of its own here instead of starting a Java process.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { ensureTable } from '../../lib/local/dynamodb-table.js';
import { LOCAL_REGION } from '../../lib/local/lambda.js';
import { createLog } from '../../lib/local/log.js';
import { LOCAL_CREDENTIALS } from '../../lib/local/store-clients.js';

const SHARED_TABLE = 'cong-adapters';

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
