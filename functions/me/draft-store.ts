/** Drafts over the single table: beside the person's profile, in the same partition, expiring by TTL. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import { itemParser } from '../core/items.js';
import { keys } from '../core/keys.js';
import { TABLE } from '../core/resources.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import type { DraftPorts, StoredDraft } from './drafts.js';

const FIELDS = ['ownerSub', 'procedureCode', 'version', 'sealed', 'savedAt', 'expiresAt'];

const parseDraft = itemParser<StoredDraft>('draft', {
  ownerSub: z.string(),
  procedureCode: z.string(),
  version: z.number().int().nonnegative(),
  sealed: z.string(),
  savedAt: z.string(),
  expiresAt: z.string(),
});

export function draftStore(): DraftPorts {
  const TableName = config().TABLE_NAME;
  return {
    now: () => new Date(),
    keys: loadProfileKeys,
    async load(sub, code) {
      const out = await dynamo().send(
        new GetCommand({ TableName, Key: keys.draft(sub, code), ConsistentRead: true }),
      );
      return out.Item ? parseDraft(out.Item) : undefined;
    },
    async save(draft, expected) {
      const ttl = Math.floor(Date.parse(draft.expiresAt) / 1000);
      try {
        await dynamo().send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.draft(draft.ownerSub, draft.procedureCode),
              kind: 'draft',
              ...draft,
              [TABLE.ttlAttribute]: ttl,
            },
            // A new draft may replace only an expired one the TTL has not removed yet.
            ...(expected === undefined
              ? {
                  ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
                  ExpressionAttributeValues: { ':now': draft.savedAt },
                }
              : {
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': expected },
                }),
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async list(sub, limit, cursor) {
      const pk = keys.profile(sub).pk;
      const after = decodeCursor(cursor, ['pk', 'sk'], { pk }, { sk: keys.draftPrefix });
      const out = await dynamo().send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :draft)',
          ExpressionAttributeValues: { ':pk': pk, ':draft': keys.draftPrefix },
          ProjectionExpression: ['pk', 'sk', ...FIELDS].map((f) => `#${f}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(['pk', 'sk', ...FIELDS].map((f) => [`#${f}`, f])),
          Limit: limit,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      const last = out.LastEvaluatedKey;
      return {
        items: (out.Items ?? []).map(parseDraft),
        ...(last ? { last: encodeCursor({ pk: String(last.pk), sk: String(last.sk) })! } : {}),
      };
    },
    async remove(sub, code) {
      const out = await dynamo().send(
        new DeleteCommand({ TableName, Key: keys.draft(sub, code), ReturnValues: 'ALL_OLD' }),
      );
      return !!out.Attributes;
    },
  };
}
