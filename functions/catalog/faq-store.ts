/** FAQ entries added at run time (from support answers), read by the catalog function. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FaqRecord } from '../../schemas/catalog.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys } from '../core/keys.js';

/** FAQ entries added at run time, oldest first: the catalog merges them with its published FAQ. */
export async function runtimeFaq(): Promise<FaqRecord[]> {
  const { TABLE_NAME: TableName } = config();
  const found: FaqRecord[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.faqIndex('', '').gsi1pk },
        ExclusiveStartKey,
      }),
    );
    for (const i of out.Items ?? []) found.push(i.faq as FaqRecord);
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return found;
}
