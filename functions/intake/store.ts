/** The intake ports over DynamoDB and S3. */

import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { blockAllocator } from '../core/dossier-codes.js';
import { loadDossier } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { OUTBOX } from '../core/resources.js';
import { loadDocument, ownResults, type ResultIndexKey } from '../documents/result-store.js';
import { documentFiles, uploadClaims } from '../documents/store.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import type { IntakePorts, IntakeWrite, SubmitResult } from './submit.js';

/** The outbox item as the table stream hands it to the relay. */
export function outboxPut(TableName: string, outbox: NonNullable<IntakeWrite['outbox']>, at: string) {
  return {
    Put: {
      TableName,
      Item: {
        ...keys.outbox(outbox.id),
        kind: 'outbox',
        channel: outbox.channel,
        messages: outbox.messages,
        createdAt: at,
        ttl: ttlAfterDays(OUTBOX.ttlDays),
      },
    },
  };
}

/** How long a citizen's Idempotency-Key answers with the original response. */
const IDEMPOTENCY_DAYS = 7;

/** The record that makes a retried request answer as the first did; put only if absent. */
export function idempotencyPut(
  TableName: string,
  scope: string,
  r: { ownerSub: string; idempotencyKey: string; requestHash: string; response: unknown },
  at: string,
) {
  return {
    Put: {
      TableName,
      Item: {
        ...keys.idempotency(scope, r.ownerSub, r.idempotencyKey),
        requestHash: r.requestHash,
        response: r.response,
        createdAt: at,
        ttl: ttlAfterDays(IDEMPOTENCY_DAYS),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

const SCOPE = 'dossiers';

/** gsi3 keys of a dossier filed for an enterprise or by a desk officer (none for a citizen's own). */
export function filerIndexKeys(
  record: Pick<IntakeWrite['dossiers'][number]['record'], 'submittedAt' | 'enterpriseTaxCode' | 'filedBy'>,
) {
  if (record.enterpriseTaxCode)
    return keys.enterpriseIndex(record.enterpriseTaxCode, 'DOSSIER', record.submittedAt);
  if (record.filedBy) return keys.filedByIndex(record.filedBy.sub, 'DOSSIER', record.submittedAt);
  return {};
}

export function intakeStore(): IntakePorts {
  const { TABLE_NAME: TableName } = config();
  const db = dynamo();
  return {
    now: () => new Date(),
    codes: blockAllocator(db, TableName),
    profileKeys: loadProfileKeys,
    findDossier: loadDossier,
    findResultDocument: loadDocument,

    async heldResultTypes(ownerSub) {
      const types = new Set<string>();
      let after: ResultIndexKey | undefined;
      do {
        const page = await ownResults(ownerSub, { after, limit: 100 });
        for (const { document } of page.items)
          if (document.status === 'valid') types.add(document.documentType);
        after = page.lastKey;
      } while (after);
      return types;
    },

    async findAccountByCitizenIdHash(hash) {
      // The claim written with the account's first profile: one owner per citizen ID, as VNeID verified it.
      const out = await db.send(
        new GetCommand({
          TableName,
          Key: keys.citizenIdClaim(hash),
          ProjectionExpression: 'ownerSub',
          ConsistentRead: true,
        }),
      );
      return typeof out.Item?.ownerSub === 'string' ? out.Item.ownerSub : undefined;
    },

    async findIdempotent(ownerSub, key) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.idempotency(SCOPE, ownerSub, key), ConsistentRead: true }),
      );
      return out.Item as { requestHash: string; response: SubmitResult } | undefined;
    },

    ...documentFiles(),

    async commit(w: IntakeWrite) {
      const notExists = 'attribute_not_exists(pk)';
      const idempotencyIndex = 0;
      const items = [
        idempotencyPut(TableName, SCOPE, { ...w, ownerSub: w.filerSub ?? w.ownerSub }, w.at),
        {
          Put: {
            TableName,
            Item: {
              ...keys.submission(w.submissionId),
              kind: 'submission',
              submissionId: w.submissionId,
              ownerSub: w.ownerSub,
              ...(w.enterpriseTaxCode ? { enterpriseTaxCode: w.enterpriseTaxCode } : {}),
              ...(w.filedBy ? { filedBy: w.filedBy } : {}),
              ...(w.dossiers[0] ? { agencyId: w.dossiers[0].record.agencyId } : {}),
              dossierCodes: w.dossiers.map((d) => d.record.code),
              createdAt: w.at,
            },
            ConditionExpression: notExists,
          },
        },
        ...w.dossiers.flatMap(({ record, firstEvent }) => [
          {
            Put: {
              TableName,
              Item: {
                ...keys.dossier(record.code),
                kind: 'dossier',
                ...keys.ownerIndex(record.ownerSub, 'DOSSIER', record.submittedAt),
                ...keys.agencyDossierIndex(record.agencyId, record.code, record.submittedAt),
                ...filerIndexKeys(record),
                ...record,
              },
              ConditionExpression: notExists,
            },
          },
          {
            Put: {
              TableName,
              Item: { ...keys.timelineEvent(record.code, firstEvent.seq), kind: 'event', ...firstEvent },
              ConditionExpression: notExists,
            },
          },
        ]),
        ...(w.outbox ? [outboxPut(TableName, w.outbox, w.at)] : []),
        // The filer's draft of this procedure (functions/me/drafts.ts), if any: filed, it has served.
        { Delete: { TableName, Key: keys.draft(w.draft.sub, w.draft.procedureCode) } },
        ...uploadClaims(TableName, w.filerSub ?? w.ownerSub, w.attachedUploads),
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (err) {
        const { failed, failedFrom } = cancellationOf(err);
        if (failed(idempotencyIndex)) return 'idempotency-key-taken';
        if (failedFrom(items.length - w.attachedUploads.length)) return 'upload-taken';
        throw err;
      }
    },
  };
}
