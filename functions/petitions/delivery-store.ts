/** Petition delivery ports: the dispatcher's, with markers and attempts kept in the petition's partition. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import type { DeliveryPorts } from '../dispatch/deliver.js';
import type { PetitionDeliveryPorts } from './deliver.js';
import type { PetitionRecord } from './model.js';

const ATTEMPT_RETENTION_DAYS = 90;

export function petitionDeliveryStore(base: DeliveryPorts): PetitionDeliveryPorts {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  return {
    now: base.now,
    isPaused: base.isPaused,
    pauseAgency: base.pauseAgency,
    endpointFor: base.endpointFor,
    secretsFor: base.secretsFor,
    post: base.post,

    async loadPetition(code) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.petition(code), ConsistentRead: true }),
      );
      return out.Item as PetitionRecord | undefined;
    },

    async isDelivered(code, webhookId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.petitionDelivered(code, webhookId), ConsistentRead: true }),
      );
      return Boolean(out.Item);
    },

    async markDelivered(code, webhookId, at) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: { ...keys.petitionDelivered(code, webhookId), kind: 'delivered', webhookId, at },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },

    async recordAttempt(code, attempt) {
      await db.send(
        new PutCommand({
          TableName,
          Item: {
            ...keys.petitionDeliveryAttempt(code, ulid()),
            kind: 'delivery-attempt',
            ...attempt,
            ttl: ttlAfterDays(ATTEMPT_RETENTION_DAYS),
          },
        }),
      );
    },
  };
}
