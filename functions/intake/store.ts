/** The intake ports over DynamoDB and S3. */

import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { fullJitterDelayMs, pause } from '../core/backoff.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { blockAllocator } from '../core/dossier-codes.js';
import { loadDossier } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { keys } from '../core/keys.js';
import { rateWindowUpdate } from '../core/rate-limit-store.js';
import { loadDocument, ownResults, type ResultIndexKey } from '../documents/result-store.js';
import { documentFiles, uploadClaims } from '../documents/store.js';
import { timelinePut } from '../dossiers/advance.js';
import { idempotencyPut } from '../dossiers/idempotency.js';
import { idempotencyReader } from '../dossiers/idempotency-store.js';
import { outboxPut } from '../dossiers/outbox.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import type { IntakePorts, IntakeWrite, SubmitResult } from './submit.js';

const SCOPE = 'dossiers';
/** Commits tried while they meet a concurrent transaction on one of their items, with jittered backoff. */
const CONFLICT_ATTEMPTS = 4;
const CONFLICT_BASE_MS = 25;
const CONFLICT_CAP_MS = 200;

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

    findIdempotent: idempotencyReader<SubmitResult>(TableName, SCOPE),

    ...documentFiles(),

    async commit(w: IntakeWrite) {
      const notExists = 'attribute_not_exists(pk)';
      const idempotencyIndex = 0;
      const items = [
        idempotencyPut(
          TableName,
          {
            scope: SCOPE,
            owner: w.filerSub ?? w.ownerSub,
            key: w.idempotencyKey,
            requestHash: w.requestHash,
            response: w.response,
          },
          w.at,
        ),
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
          timelinePut(TableName, record.code, firstEvent),
        ]),
        ...(w.outbox ? [outboxPut(TableName, w.outbox, w.at)] : []),
        // The filer's draft of this procedure (functions/me/drafts.ts), if any: filed, it has served.
        { Delete: { TableName, Key: keys.draft(w.draft.sub, w.draft.procedureCode) } },
        ...(w.accountLimit ? [{ Update: rateWindowUpdate(TableName, w.accountLimit) }] : []),
        ...uploadClaims(TableName, w.filerSub ?? w.ownerSub, w.attachedUploads),
      ];
      const limitIndex = w.accountLimit ? items.length - w.attachedUploads.length - 1 : undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          await db.send(new TransactWriteCommand({ TransactItems: items }));
          return 'committed';
        } catch (err) {
          const { codes, failed, failedFrom } = cancellationOf(err);
          if (failed(idempotencyIndex)) return 'idempotency-key-taken';
          if (failed(limitIndex)) return 'rate-limited';
          if (failedFrom(items.length - w.attachedUploads.length)) return 'upload-taken';
          // Another filing of the same account (its counter) or a retry of this one was committing at
          // the same instant: nothing was written, and a moment later the outcome is decided.
          if (!codes.includes('TransactionConflict')) throw err;
          if (attempt >= CONFLICT_ATTEMPTS) return 'conflict';
          await pause(fullJitterDelayMs(attempt, CONFLICT_BASE_MS, CONFLICT_CAP_MS));
        }
      }
    },
  };
}
