/** The portal's table in DynamoDB Local, created from the same definition CDK provisions. */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE } from '../../functions/core/resources.js';
import type { Log } from './log.js';
import { sleep } from './net.js';

/** Creates the table exactly as TABLE defines it, or brings an existing one up to date; returns it. */
export async function ensureTable(
  ddb: DynamoDBClient,
  tableName: string,
  log?: Log,
): Promise<TableDescription> {
  const keys = [
    TABLE.partitionKey,
    TABLE.sortKey,
    ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const attributeDefinitions: AttributeDefinition[] = [...new Set(keys)].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  const gsi = (i: (typeof TABLE.indexes)[number]): GlobalSecondaryIndex => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.partitionKey, KeyType: 'HASH' },
      { AttributeName: i.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  });
  const describe = async () => {
    try {
      return (await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw err;
    }
  };

  let table = await describe();
  if (!table) {
    await ddb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE.indexes.map(gsi),
        StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamView },
      }),
    );
    log?.info('table created', { tableName });
  } else {
    const hash = table.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const range = table.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    if (hash !== TABLE.partitionKey || range !== TABLE.sortKey) {
      throw new Error(`table ${tableName} has another key schema; start again with --reset`);
    }
    const present = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of TABLE.indexes.filter((i) => !present.has(i.name))) {
      await ddb.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: attributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: gsi(index) }],
        }),
      );
      log?.info('index added', { tableName, index: index.name });
    }
    const stream = table.StreamSpecification;
    if (!stream?.StreamEnabled || stream.StreamViewType !== TABLE.streamView) {
      if (stream?.StreamEnabled) {
        await ddb.send(
          new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
        );
      }
      await ddb.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamView },
        }),
      );
      log?.info('stream enabled', { tableName });
    }
  }

  const ttl = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
  const ttlOn = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
  if (!ttlOn || ttl?.AttributeName !== TABLE.ttlAttribute) {
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  }

  for (let i = 0; i < 100; i++) {
    table = await describe();
    const busy =
      table?.TableStatus !== 'ACTIVE' ||
      (table.GlobalSecondaryIndexes ?? []).some((g) => g.IndexStatus !== 'ACTIVE');
    if (!busy) return table!;
    await sleep(100);
  }
  throw new Error(`table ${tableName} did not become active`);
}
