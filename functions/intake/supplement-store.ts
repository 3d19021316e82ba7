/** Ports over DynamoDB and S3 for the citizen's steps on an existing dossier (supplement, receipt). */

import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import type { DossierRecord } from '../core/dossier.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { keys } from '../core/keys.js';
import type { TimelineEvent } from '../core/timeline.js';
import { loadDocument } from '../documents/result-store.js';
import { documentFiles, uploadClaims } from '../documents/store.js';
import type { CompletionPorts } from './complete.js';
import { idempotencyPut, outboxPut } from './store.js';
import type { SupplementPorts, SupplementResult } from './supplement.js';
import type { WithdrawalPorts } from './withdraw.js';

const SCOPE = 'supplements';

/** The dossier's move, conditional on the version it was read at, and its timeline event. */
export function stepItems(
  TableName: string,
  dossier: DossierRecord,
  event: TimelineEvent,
  extra?: 'supplement',
) {
  return [
    {
      Update: {
        TableName,
        Key: keys.dossier(dossier.code),
        UpdateExpression:
          'SET #status = :to, #version = :next, lastSeq = :seq, lastHash = :hash, updatedAt = :at' +
          (extra ? ', dueAt = :due, attachments = list_append(attachments, :added)' : ''),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: {
          ':to': event.status,
          ':next': dossier.version + 1,
          ':expected': dossier.version,
          ':seq': event.seq,
          ':hash': event.hash,
          ':at': event.at,
        } as Record<string, unknown>,
      },
    },
    {
      Put: {
        TableName,
        Item: { ...keys.timelineEvent(dossier.code, event.seq), kind: 'event', ...event },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
}

export function citizenStepStore(): SupplementPorts & CompletionPorts & WithdrawalPorts {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  const s3 = documentFiles();
  return {
    now: () => new Date(),
    loadDossier,
    loadTimeline,
    findUpload: s3.findUpload,
    findDossier: loadDossier,
    findResultDocument: loadDocument,
    inspectObject: s3.inspectObject,
    copyObject: s3.copyObject,
    deleteObjects: s3.deleteObjects,

    async findIdempotent(ownerSub, key) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.idempotency(SCOPE, ownerSub, key), ConsistentRead: true }),
      );
      return out.Item as { requestHash: string; response: SupplementResult } | undefined;
    },

    async commit(w) {
      const [update, event] = stepItems(TableName, w.dossier, w.event, 'supplement');
      Object.assign(update!.Update!.ExpressionAttributeValues, { ':due': w.dueAt, ':added': w.added });
      // The running step's clock restarts with the answer (SLA index: functions/steps/clock.ts).
      if (w.stepClock) {
        update!.Update!.UpdateExpression += ', stepClock = :clock';
        Object.assign(update!.Update!.ExpressionAttributeValues, { ':clock': w.stepClock });
      }
      const items = [
        update!,
        event!,
        idempotencyPut(TableName, SCOPE, w, w.event.at),
        outboxPut(TableName, w.outbox, w.event.at),
        ...uploadClaims(TableName, w.ownerSub, w.attachedUploads),
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (err) {
        const { failed, failedFrom } = cancellationOf(err);
        if (failed(2)) return 'idempotency-key-taken';
        if (failed(0)) return 'version-conflict';
        if (failedFrom(4)) return 'upload-taken';
        throw err;
      }
    },

    async applyWithdrawal({ steps, outbox }) {
      const items = [
        ...steps.flatMap(({ dossier, event }) => stepItems(TableName, dossier, event)),
        ...(outbox ? [outboxPut(TableName, outbox, steps[0]!.event.at)] : []),
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'applied';
      } catch (err) {
        if (cancellationOf(err).anyFailed()) return 'version-conflict';
        throw err;
      }
    },

    async applyStep(dossier, event) {
      try {
        await db.send(new TransactWriteCommand({ TransactItems: stepItems(TableName, dossier, event) }));
        return 'applied';
      } catch (err) {
        if (cancellationOf(err).failed(0)) return 'version-conflict';
        throw err;
      }
    },
  };
}
