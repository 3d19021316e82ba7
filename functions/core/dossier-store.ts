/** Reading a dossier and its timeline, shared by tracking, agency events and the dispatcher. */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './clients.js';
import { config } from './config.js';
import type { DossierRecord } from './dossier.js';
import { keys } from './keys.js';
import type { TimelineEvent } from './timeline.js';

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, kind: _k, ...rest } = item;
  return rest as T;
};

export async function loadDossier(code: string): Promise<DossierRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: keys.dossier(code), ConsistentRead: true }),
  );
  return out.Item ? strip<DossierRecord>(out.Item) : undefined;
}

export async function loadTimeline(code: string): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.dossierPartition(code), ':prefix': keys.timelinePrefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of out.Items ?? []) events.push(strip<TimelineEvent>(item));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return events;
}
