/** Delivery ports over DynamoDB and fetch. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { type VettedAddress, vetEndpoint } from '../core/ssrf.js';
import { loadProfileKeys } from '../me/store.js';
import type { DeliveryPorts } from './deliver.js';
import { agencyEndpoint } from './endpoint.js';

const ATTEMPT_RETENTION_DAYS = 90;

/** The agency's endpoint accepted the connection but gave no answer in time. */
export class DeliveryTimeoutError extends Error {
  override name = 'DeliveryTimeoutError';
}

export interface AgencyDeliveryState {
  agencyId: string;
  paused: boolean;
  since?: string;
  reason?: string;
  resumedAt?: string;
}

/**
 * The per-agency delivery switch. Pausing is conditional so the first 410 keeps its time and reason
 * (and alone raises the alarm); resuming is conditional so an operator learns whether it was paused.
 */
export function agencyDeliveryStates(db: DynamoDBDocumentClient, TableName: string) {
  return {
    async get(agencyId: string): Promise<AgencyDeliveryState | undefined> {
      const out = await db.send(new GetCommand({ TableName, Key: keys.agencyDeliveryState(agencyId) }));
      return out.Item as AgencyDeliveryState | undefined;
    },

    async pause(agencyId: string, since: string, reason: string): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.agencyDeliveryState(agencyId),
              kind: 'agency-delivery-state',
              agencyId,
              paused: true,
              since,
              reason,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR paused = :false',
            ExpressionAttributeValues: { ':false': false },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },

    async resume(agencyId: string, at: string): Promise<boolean> {
      try {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: keys.agencyDeliveryState(agencyId),
            UpdateExpression: 'SET paused = :false, resumedAt = :at',
            ConditionExpression: 'paused = :true',
            ExpressionAttributeValues: { ':false': false, ':true': true, ':at': at },
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

/**
 * One POST, connected to the vetted address when there is one (the TLS name stays the endpoint's
 * host). Redirects are not followed: one could lead the signed payload to an unchecked address.
 */
export function postTo(
  url: URL,
  headers: Record<string, string>,
  body: string,
  pinned: VettedAddress | undefined,
  timeoutMs = 10_000,
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
        timeout: timeoutMs,
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
    req.on('timeout', () =>
      req.destroy(new DeliveryTimeoutError(`agency endpoint gave no answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

type Key = { pk: string; sk: string };

/**
 * What a delivery leaves in its object's partition (a dossier's or a petition's): the marker of a webhook
 * already accepted, so a redelivered queue message is skipped, and a record of every attempt.
 */
export function deliveryRecords(
  db: DynamoDBDocumentClient,
  TableName: string,
  key: { delivered: (code: string, webhookId: string) => Key; attempt: (code: string, id: string) => Key },
): Pick<DeliveryPorts, 'isDelivered' | 'markDelivered' | 'recordAttempt'> {
  return {
    async isDelivered(code, webhookId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: key.delivered(code, webhookId), ConsistentRead: true }),
      );
      return Boolean(out.Item);
    },

    async markDelivered(code, webhookId, at) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: { ...key.delivered(code, webhookId), kind: 'delivered', webhookId, at },
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
            ...key.attempt(code, ulid()),
            kind: 'delivery-attempt',
            ...attempt,
            ttl: ttlAfterDays(ATTEMPT_RETENTION_DAYS),
          },
        }),
      );
    },
  };
}

export function deliveryStore(secretsFor: (agencyId: string) => Promise<string[]>): DeliveryPorts {
  const cfg = config();
  const TableName = cfg.TABLE_NAME;
  const db = dynamo();
  const states = agencyDeliveryStates(db, TableName);
  return {
    now: () => new Date(),
    loadDossier,
    secretsFor,
    profileKeys: loadProfileKeys,
    ...(cfg.PORTAL_URL ? { portalUrl: cfg.PORTAL_URL } : {}),
    endpointFor: (agencyId) => agencyEndpoint(cfg, agencyId),

    ...deliveryRecords(db, TableName, { delivered: keys.delivered, attempt: keys.deliveryAttempt }),

    isPaused: async (agencyId) => (await states.get(agencyId))?.paused === true,
    pauseAgency: (agencyId, since, reason) => states.pause(agencyId, since, reason),

    async post(url, headers, body) {
      const target = new URL(url);
      const pinned = await vetEndpoint(target, cfg.ALLOW_PRIVATE_ENDPOINTS);
      return postTo(target, headers, body, pinned, cfg.DISPATCH_POST_TIMEOUT_MS);
    },
  };
}
