/** Delivery ports over DynamoDB and fetch. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { type VettedAddress, vetEndpoint } from '../core/ssrf.js';
import type { DeliveryPorts } from './deliver.js';

const POST_TIMEOUT_MS = 10_000;
const ATTEMPT_RETENTION_DAYS = 90;

/**
 * One POST, connected to the vetted address when there is one (the TLS name stays the endpoint's
 * host). Redirects are not followed: one could lead the signed payload to an unchecked address.
 */
export function postTo(
  url: URL,
  headers: Record<string, string>,
  body: string,
  pinned: VettedAddress | undefined,
) {
  const lookup: LookupFunction | undefined = pinned
    ? (_host, options, callback) => {
        if (options.all) callback(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      }
    : undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<{ status: number; retryAfter: string | null }>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: POST_TIMEOUT_MS,
        ...(lookup ? { lookup } : {}),
      },
      (res) => {
        res.resume();
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${POST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

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
      return postTo(target, headers, body, await vetEndpoint(target, cfg.ALLOW_PRIVATE_ENDPOINTS));
    },
  };
}
