/** The intake ports over DynamoDB and S3. */

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getItems } from '../core/batch.js';
import { dynamo, s3Client } from '../core/clients.js';
import { config } from '../core/config.js';
import { blockAllocator } from '../core/dossier-codes.js';
import { loadDossier } from '../core/dossier-store.js';
import { keys } from '../core/keys.js';
import { hexFromBase64Checksum, sha256OfStream } from '../core/scan-digest.js';
import { timelinePut } from '../dossiers/advance.js';
import { idempotencyPut } from '../dossiers/idempotency.js';
import { idempotencyReader } from '../dossiers/idempotency-store.js';
import { outboxPut } from '../dossiers/outbox.js';
import { loadProfileKeys } from '../me/store.js';
import { loadDocument, ownResults, type ResultIndexKey } from '../results/store.js';
import { SNIFF_BYTES } from '../uploads/scan-content.js';
import type { UploadRecord } from '../uploads/uploads.js';
import type { IntakePorts, IntakeWrite, SubmitResult } from './submit.js';

/** An upload joins a dossier once, and only its owner's: the claim fails for anything else. */
export function uploadClaims(
  TableName: string,
  ownerSub: string,
  claims: readonly { uploadId: string; dossierCode: string }[],
) {
  return claims.map((u) => ({
    Update: {
      TableName,
      Key: keys.upload(u.uploadId),
      UpdateExpression: 'SET #state = :attached, dossierCode = :code REMOVE #ttl',
      ConditionExpression: 'ownerSub = :owner AND #state = :pending',
      ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':attached': 'attached',
        ':pending': 'pending',
        ':code': u.dossierCode,
        ':owner': ownerSub,
      },
    },
  }));
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

/** An object's full size: after the slash of a ranged answer's Content-Range (bytes 0-4099/123456). */
function objectSize(contentRange: string | undefined, contentLength: number | undefined): number {
  const total = contentRange ? Number(contentRange.split('/')[1]) : Number.NaN;
  return Number.isInteger(total) ? total : (contentLength ?? -1);
}

export function intakeStore(): IntakePorts {
  const { TABLE_NAME: TableName, UPLOADS_BUCKET: Bucket } = config();
  const db = dynamo();
  const s3 = s3Client();
  const sha256Of = async (Key: string) => {
    const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
    if (!out.Body) throw new Error('stored scan has no body');
    return sha256OfStream(out.Body as AsyncIterable<Uint8Array>);
  };
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

    async findUpload(uploadId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.upload(uploadId), ConsistentRead: true }),
      );
      return out.Item as UploadRecord | undefined;
    },

    async findUploads(uploadIds) {
      // Every upload a request names, in one read.
      const items = await getItems(uploadIds.map((id) => keys.upload(id)));
      return new Map(uploadIds.map((id, i) => [id, items[i] as UploadRecord | undefined]));
    },

    async inspectObject(Key) {
      try {
        // One ranged read gives the stored type, the full size and the bytes that say what the file is.
        const out = await s3.send(new GetObjectCommand({ Bucket, Key, Range: `bytes=0-${SNIFF_BYTES - 1}` }));
        const head = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
        return { size: objectSize(out.ContentRange, out.ContentLength), contentType: out.ContentType, head };
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        // Nothing stored, or an empty object no range fits: nothing usable was uploaded.
        if (err instanceof NoSuchKey || status === 404 || status === 416) return undefined;
        throw err;
      }
    },

    async copyObject(from, to) {
      // S3 computes the copy's SHA-256 itself when asked: no scan byte passes through the function.
      const out = await s3.send(
        new CopyObjectCommand({
          Bucket,
          Key: to,
          CopySource: `${Bucket}/${from}`,
          MetadataDirective: 'COPY',
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      const result = out.CopyObjectResult;
      const reported = result?.ChecksumType === 'COMPOSITE' ? undefined : result?.ChecksumSHA256;
      // A store that keeps no checksums (the local S3) answers without one: hash the source as it streams.
      return hexFromBase64Checksum(reported) ?? (await sha256Of(from));
    },

    async deleteObjects(list) {
      if (!list.length) return;
      await s3.send(
        new DeleteObjectsCommand({ Bucket, Delete: { Objects: list.map((Key) => ({ Key })), Quiet: true } }),
      );
    },

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
        ...uploadClaims(TableName, w.filerSub ?? w.ownerSub, w.attachedUploads),
      ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const reasons = err.CancellationReasons ?? [];
        if (reasons[idempotencyIndex]?.Code === 'ConditionalCheckFailed') return 'idempotency-key-taken';
        const firstUpload = items.length - w.attachedUploads.length;
        if (reasons.slice(firstUpload).some((r) => r.Code === 'ConditionalCheckFailed'))
          return 'upload-taken';
        throw err;
      }
    },
  };
}
