/** Reads an owned object's ownership fields, and nothing else of it, for the access middleware. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { OWNERSHIP_FIELDS, type OwnershipReader, type OwnershipRecord } from './access.js';
import { dynamo } from './clients.js';
import { config } from './config.js';

export const readOwnership: OwnershipReader = async (_object, key) => {
  const out = await dynamo().send(
    new GetCommand({
      TableName: config().TABLE_NAME,
      Key: key,
      ProjectionExpression: OWNERSHIP_FIELDS.map((_, i) => `#f${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(OWNERSHIP_FIELDS.map((f, i) => [`#f${i}`, f])),
      ConsistentRead: true,
    }),
  );
  return out.Item ? (out.Item as OwnershipRecord) : undefined;
};
