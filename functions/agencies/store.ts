/** Agency-event ports over DynamoDB. */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import type { AgencyEventPorts, AgencyEventResult } from './events.js';

/** Agencies may replay an event for this long and still get the original answer. */
const RECORD_DAYS = 30;

export function agencyEventStore(): AgencyEventPorts {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  const recordItem = (agencyId: string, result: AgencyEventResult, at: string) => ({
    ...keys.agencyEvent(agencyId, result.eventId),
    kind: 'agency-event',
    result,
    at,
    ttl: ttlAfterDays(RECORD_DAYS),
  });
  return {
    now: () => new Date(),
    loadDossier,

    async findRecorded(agencyId, eventId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.agencyEvent(agencyId, eventId), ConsistentRead: true }),
      );
      return out.Item?.result as AgencyEventResult | undefined;
    },

    async recordOnly(agencyId, result, at) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: recordItem(agencyId, result, at),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },

    async apply({ agencyId, dossier, event, result, newDueAt }) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName,
                  Key: keys.dossier(dossier.code),
                  UpdateExpression: `SET #status = :to, #version = :next, lastSeq = :seq, lastHash = :hash, updatedAt = :at${newDueAt ? ', dueAt = :due' : ''}`,
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
                  ExpressionAttributeValues: {
                    ':to': event.status,
                    ':next': dossier.version + 1,
                    ':expected': dossier.version,
                    ':seq': event.seq,
                    ':hash': event.hash,
                    ':at': event.at,
                    ...(newDueAt ? { ':due': newDueAt } : {}),
                  },
                },
              },
              {
                Put: {
                  TableName,
                  Item: { ...keys.timelineEvent(dossier.code, event.seq), kind: 'event', ...event },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName,
                  Item: recordItem(agencyId, result, event.at),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return 'applied';
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const reasons = err.CancellationReasons ?? [];
        return reasons[2]?.Code === 'ConditionalCheckFailed' ? 'already-recorded' : 'version-conflict';
      }
    },
  };
}
