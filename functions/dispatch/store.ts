/** Delivery ports over DynamoDB and fetch. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { assertPublicEndpoint } from '../core/ssrf.js';
import type { DeliveryPorts } from './deliver.js';

const POST_TIMEOUT_MS = 10_000;
const ATTEMPT_RETENTION_DAYS = 90;

export function deliveryStore(secretsFor: (agencyId: string) => Promise<string[]>): DeliveryPorts {
  const cfg = config();
  const TableName = cfg.TABLE_NAME;
  const db = dynamo();
  return {
    now: () => new Date(),
    loadDossier,
    secretsFor,
    endpointFor: (agencyId) => cfg.AGENCY_ENDPOINTS[agencyId],

    async isDelivered(code, webhookId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.delivered(code, webhookId), ConsistentRead: true }),
      );
      return Boolean(out.Item);
    },

    async markDelivered(code, webhookId, at) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: { ...keys.delivered(code, webhookId), kind: 'delivered', webhookId, at },
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
            ...keys.deliveryAttempt(code, ulid()),
            kind: 'delivery-attempt',
            ...attempt,
            ttl: ttlAfterDays(ATTEMPT_RETENTION_DAYS),
          },
        }),
      );
    },

    async post(url, headers, body) {
      const target = new URL(url);
      await assertPublicEndpoint(target, cfg.ALLOW_PRIVATE_ENDPOINTS);
      // Redirects are not followed: a redirect could lead the signed payload to an unchecked address.
      const res = await fetch(target, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      await res.body?.cancel();
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    },
  };
}
