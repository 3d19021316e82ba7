/** Ports over DynamoDB and S3 for the citizen's steps on an existing dossier (supplement, receipt). */

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { loadDocument } from '../documents/result-store.js';
import { documentFiles, uploadClaims } from '../documents/store.js';
import { advanceDossier } from '../dossiers/advance.js';
import { idempotencyPut } from '../dossiers/idempotency.js';
import { idempotencyReader } from '../dossiers/idempotency-store.js';
import { outboxPut } from '../dossiers/outbox.js';
import type { CompletionPorts } from './complete.js';
import type { SupplementPorts, SupplementResult } from './supplement.js';
import type { WithdrawalPorts } from './withdraw.js';

const SCOPE = 'supplements';

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

    findIdempotent: idempotencyReader<SupplementResult>(TableName, SCOPE),

    async commit(w) {
      const items = [
        ...advanceDossier(TableName, {
          dossier: w.dossier,
          event: w.event,
          // The running step's clock restarts with the answer (SLA index: functions/steps/clock.ts).
          set: { dueAt: w.dueAt, ...(w.stepClock ? { stepClock: w.stepClock } : {}) },
          append: { attachments: w.added },
        }),
        idempotencyPut(
          TableName,
          {
            scope: SCOPE,
            owner: w.ownerSub,
            key: w.idempotencyKey,
            requestHash: w.requestHash,
            response: w.response,
          },
          w.event.at,
        ),
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
        ...steps.flatMap(({ dossier, event }) => advanceDossier(TableName, { dossier, event })),
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
        await db.send(
          new TransactWriteCommand({ TransactItems: [...advanceDossier(TableName, { dossier, event })] }),
        );
        return 'applied';
      } catch (err) {
        if (cancellationOf(err).failed(0)) return 'version-conflict';
        throw err;
      }
    },
  };
}
