/** Agency-event ports over DynamoDB. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getItems } from '../core/batch.js';
import { dynamo, s3Client } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { parseDossier } from '../core/items.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { resultSigner } from '../documents/result-signer.js';
import { documentItem, loadDocument } from '../documents/result-store.js';
import { outboxPut } from '../intake/store.js';
import { stepItems } from '../intake/supplement-store.js';
import type { AgencyEventPorts, AgencyEventResult, Handoff } from './events.js';

/** Agencies may replay an event for this long and still get the original answer. */
const RECORD_DAYS = 30;

/** The next dossier of a bundle goes to its agency: once, and only as it was read. */
function handoffItems(TableName: string, h: Handoff) {
  const at = h.event.at;
  return [
    {
      Update: {
        TableName,
        Key: keys.dossier(h.next.code),
        UpdateExpression:
          'SET #version = :next, updatedAt = :at, dueAt = :due, previousResult = :previous, #bundle.handedOffAt = :at, lastSeq = :seq, lastHash = :hash',
        ConditionExpression: '#version = :expected AND attribute_not_exists(#bundle.handedOffAt)',
        ExpressionAttributeNames: { '#version': 'version', '#bundle': 'bundle' },
        ExpressionAttributeValues: {
          ':next': h.next.version + 1,
          ':expected': h.next.version,
          ':at': at,
          ':due': h.dueAt,
          ':previous': h.previousResult,
          ':seq': h.event.seq,
          ':hash': h.event.hash,
        },
      },
    },
    {
      Put: {
        TableName,
        Item: { ...keys.timelineEvent(h.next.code, h.event.seq), kind: 'event', ...h.event },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    outboxPut(TableName, h.outbox, at),
  ];
}

export function agencyEventStore(): AgencyEventPorts {
  const { TABLE_NAME: TableName, UPLOADS_BUCKET: Bucket } = config();
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
    loadTimeline,
    loadDocument,
    get signer() {
      return resultSigner();
    },

    async findRecorded(agencyId, eventId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.agencyEvent(agencyId, eventId), ConsistentRead: true }),
      );
      return out.Item?.result as AgencyEventResult | undefined;
    },

    async findRecordedWithDossier(agencyId, eventId, code) {
      const [recorded, dossier] = await getItems([keys.agencyEvent(agencyId, eventId), keys.dossier(code)]);
      return {
        recorded: recorded?.result as AgencyEventResult | undefined,
        dossier: dossier ? parseDossier(dossier) : undefined,
      };
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

    async putResult(Key, bytes, ContentType) {
      await s3Client().send(new PutObjectCommand({ Bucket, Key, Body: bytes, ContentType }));
    },

    async apply({
      agencyId,
      dossier,
      event,
      result,
      newDueAt,
      dossierResult,
      handoff,
      cascade,
      stepClock,
      documents,
    }) {
      // The running step's clock for the SLA index; removed when no step runs.
      const clock = stepClock === undefined ? '' : stepClock ? ', stepClock = :clock' : '';
      const clockRemove = stepClock === null ? ' REMOVE stepClock' : '';
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName,
                  Key: keys.dossier(dossier.code),
                  UpdateExpression: `SET #status = :to, #version = :next, lastSeq = :seq, lastHash = :hash, updatedAt = :at${newDueAt ? ', dueAt = :due' : ''}${dossierResult ? ', #result = :result' : ''}${clock}${clockRemove}`,
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: {
                    '#status': 'status',
                    '#version': 'version',
                    ...(dossierResult ? { '#result': 'result' } : {}),
                  },
                  ExpressionAttributeValues: {
                    ...(dossierResult ? { ':result': dossierResult } : {}),
                    ':to': event.status,
                    ':next': dossier.version + 1,
                    ':expected': dossier.version,
                    ':seq': event.seq,
                    ':hash': event.hash,
                    ':at': event.at,
                    ...(newDueAt ? { ':due': newDueAt } : {}),
                    ...(stepClock ? { ':clock': stepClock } : {}),
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
              ...(handoff ? handoffItems(TableName, handoff) : []),
              ...(cascade ?? []).flatMap((c) => stepItems(TableName, c.dossier, c.event)),
              ...(documents ?? []).map(({ document, expected }) => ({
                Put: {
                  TableName,
                  Item: documentItem(document),
                  ...(expected
                    ? {
                        ConditionExpression: '#docStatus = :docExpected',
                        ExpressionAttributeNames: { '#docStatus': 'status' },
                        ExpressionAttributeValues: { ':docExpected': expected },
                      }
                    : { ConditionExpression: 'attribute_not_exists(pk)' }),
                },
              })),
            ],
          }),
        );
        return 'applied';
      } catch (err) {
        return cancellationOf(err).failed(2) ? 'already-recorded' : 'version-conflict';
      }
    },
  };
}
