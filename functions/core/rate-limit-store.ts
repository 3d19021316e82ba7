/** Abuse-limit counters over DynamoDB: one conditional ADD per subject and window, expired by TTL. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './clients.js';
import { config } from './config.js';
import { keys } from './keys.js';
import type { RateLimitPorts } from './rate-limit.js';
import { TABLE } from './resources.js';

/** Counters outlive their window by a day, then TTL removes them. */
const KEPT_AFTER_WINDOW_SECONDS = 86_400;

export function rateLimitStore(): RateLimitPorts {
  const TableName = config().TABLE_NAME;
  return {
    async take(limitClass, subject, window, limit) {
      try {
        await dynamo().send(
          new UpdateCommand({
            TableName,
            Key: keys.rateWindow(limitClass, subject, window.start),
            UpdateExpression: 'SET #ttl = if_not_exists(#ttl, :ttl) ADD hits :one',
            ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
            ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute },
            ExpressionAttributeValues: {
              ':ttl': window.end + KEPT_AFTER_WINDOW_SECONDS,
              ':one': 1,
              ':limit': limit,
            },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
  };
}
