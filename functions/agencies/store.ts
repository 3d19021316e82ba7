/** Agency-event ports over DynamoDB. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getItems } from '../core/batch.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { parseDossier } from '../core/items.js';
import { keys } from '../core/keys.js';
import { documentItem, loadDocument } from '../documents/result-document-item.js';
import { resultSigner } from '../documents/result-signer.js';
import { advanceDossier } from '../dossiers/advance.js';
import { agencyEventPut } from '../dossiers/idempotency.js';
import { findAgencyEventResult } from '../dossiers/idempotency-store.js';
import { outboxPut } from '../dossiers/outbox.js';
import type { AgencyEventPorts, AgencyEventResult, Handoff } from './events.js';

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
  return {
    now: () => new Date(),
    loadDossier,
    loadTimeline,
    loadDocument,
    get signer() {
      return resultSigner();
    },

    async findRecorded(agencyId, eventId) {
      return (await findAgencyEventResult(TableName, agencyId, eventId)) as AgencyEventResult | undefined;
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
        await db.send(new PutCommand(agencyEventPut(TableName, agencyId, result, at).Put));
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },

    async putResult(Key, bytes, ContentType) {
      // S3 loads with the first electronic result: most agency events store no file.
      const [{ PutObjectCommand }, { s3Client }] = await Promise.all([
        import('@aws-sdk/client-s3'),
        import('../core/s3-client.js'),
      ]);
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
              agencyEventPut(TableName, agencyId, result, event.at),
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
        return cancellationOf(err).failed(2) ? 'already-recorded' : 'version-conflict';
      }
    },
  };
}
