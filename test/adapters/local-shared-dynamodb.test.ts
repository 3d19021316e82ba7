/**
 * The local stores on the tier's shared DynamoDB Local: a table of their own made there with its stream,
 * no Java process started, and the table dropped at stop so the shared store does not fill up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { memoryLog } from '../../lib/local/log.js';
import { LOCAL_NAMES, startStores } from '../../lib/local/stores.js';
import { useSharedStore } from './support/store.js';

const shared = useSharedStore();
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('stores on a shared DynamoDB Local', () => {
  it('make their own table there, start no Java process, and drop the table at stop', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cong-shared-'));
    dirs.push(dataDir);
    const names = { ...LOCAL_NAMES, table: `cong-shared-${Date.now()}` };
    const stores = await startStores({
      dataDir,
      persistent: false,
      names,
      sharedDynamoDb: inject('dynamoEndpoint'),
      log: memoryLog(),
    });
    const ddb = shared.client();
    try {
      expect(stores.endpoints.dynamodb).toBe(inject('dynamoEndpoint'));
      expect(stores.dynamodbPid).toBe(-1);
      expect(stores.streamArn).toContain(`table/${names.table}/stream/`);
      const table = await ddb.send(new DescribeTableCommand({ TableName: names.table }));
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      await stores.stop();
      await expect(ddb.send(new DescribeTableCommand({ TableName: names.table }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
      // The shared store itself still answers, with the tier's table in it.
      const kept = await ddb.send(new DescribeTableCommand({ TableName: shared.tableName }));
      expect(kept.Table?.TableStatus).toBe('ACTIVE');
    } finally {
      await stores.stop();
      ddb.destroy();
    }
  });

  it('refuse to keep data in a store they did not start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cong-shared-'));
    dirs.push(dataDir);
    await expect(
      startStores({ dataDir, persistent: true, sharedDynamoDb: inject('dynamoEndpoint'), log: memoryLog() }),
    ).rejects.toThrow(/keeps no data/);
  });
});
