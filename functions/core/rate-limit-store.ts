/** Abuse-limit counters over DynamoDB: one conditional ADD per subject and window, expired by TTL. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './clients.js';
import { config } from './config.js';
import { keys } from './keys.js';
import type { RateClaim, RateLimitPorts } from './rate-limit.js';
import { TABLE } from './resources.js';

/** Counters outlive their window by a day, then TTL removes them. */
const KEPT_AFTER_WINDOW_SECONDS = 86_400;

/** The conditional ADD that takes one unit of a subject's allowance: alone, or in a transaction. */
export function rateWindowUpdate(TableName: string, claim: RateClaim) {
  return {
    TableName,
    Key: keys.rateWindow(claim.limitClass, claim.subject, claim.window.start),
    UpdateExpression: 'SET #ttl = if_not_exists(#ttl, :ttl) ADD hits :one',
    ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
    ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
    ExpressionAttributeValues: {
      ':ttl': claim.window.end + KEPT_AFTER_WINDOW_SECONDS,
      ':one': 1,
      ':limit': claim.limit,
    },
  };
}

export function rateLimitStore(): RateLimitPorts {
  const TableName = config().TABLE_NAME;
  return {
    async take(limitClass, subject, window, limit) {
      try {
        await dynamo().send(
          new UpdateCommand(rateWindowUpdate(TableName, { limitClass, subject, window, limit })),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
  };
}
