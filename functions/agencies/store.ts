/** Agency-event ports over DynamoDB. */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getItems } from '../core/batch.js';
import { dynamo, s3Client } from '../core/clients.js';
import { config } from '../core/config.js';
import type { DossierRecord } from '../core/dossier.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { keys, recordOf, ttlAfterDays } from '../core/keys.js';
import { advanceDossier } from '../dossiers/advance.js';
import { outboxPut } from '../dossiers/outbox.js';
import { resultSigner } from '../results/signer.js';
import { documentItem, loadDocument } from '../results/store.js';
import type { AgencyEventPorts, AgencyEventResult, Handoff } from './events.js';

/** Agencies may replay an event for this long and still get the original answer. */
const RECORD_DAYS = 30;

/** The next dossier of a bundle goes to its agency: once, and only as it was read. */
function handoffItems(TableName: string, h: Handoff) {
  const at = h.event.at;
  return [
    ...advanceDossier(TableName, {
      dossier: h.next,
      event: h.event,
      moveStatus: false,
      set: { dueAt: h.dueAt, previousResult: h.previousResult, 'bundle.handedOffAt': at },
      absent: ['bundle.handedOffAt'],
    }),
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
        dossier: dossier ? recordOf<DossierRecord>(dossier) : undefined,
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
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              ...advanceDossier(TableName, {
                dossier,
                event,
                set: {
                  ...(newDueAt ? { dueAt: newDueAt } : {}),
                  ...(dossierResult ? { result: dossierResult } : {}),
                  // The running step's clock for the SLA index; removed when no step runs.
                  ...(stepClock ? { stepClock } : {}),
                },
                ...(stepClock === null ? { remove: ['stepClock'] } : {}),
              }),
              {
                Put: {
                  TableName,
                  Item: recordItem(agencyId, result, event.at),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...(handoff ? handoffItems(TableName, handoff) : []),
              ...(cascade ?? []).flatMap((c) => advanceDossier(TableName, c)),
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
        if (!(err instanceof TransactionCanceledException)) throw err;
        const reasons = err.CancellationReasons ?? [];
        return reasons[2]?.Code === 'ConditionalCheckFailed' ? 'already-recorded' : 'version-conflict';
      }
    },
  };
}
