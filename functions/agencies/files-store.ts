/** The ports of agencies' file fetches over DynamoDB and S3 (GetObject under dossiers/ only). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { cancellationOf, isCancellation } from '../core/dynamo-errors.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { s3Client } from '../core/s3-client.js';
import { sha256OfStream } from '../core/scan-digest.js';
import type { AttachmentFetchPorts } from '../documents/agency-files.js';
import { contentDisposition } from '../documents/result-link.js';
import { readPut } from '../pii/read-log-store.js';

const conditionFailed = (err: unknown) => err instanceof ConditionalCheckFailedException;

export function attachmentFetchStore(): AttachmentFetchPorts {
  const { TABLE_NAME: TableName, UPLOADS_BUCKET: Bucket } = config();
  const db = dynamo();
  const s3 = s3Client();
  return {
    now: () => new Date(),
    loadDossier,

    async digestObject(Key) {
      const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
      if (!out.Body) throw new Error('stored file has no body');
      return sha256OfStream(out.Body as AsyncIterable<Uint8Array>);
    },

    async keepDigest(code, index, attachmentId, sha256) {
      try {
        // Not a state change: no version bump; only the attachment it was computed for, and only once.
        await db.send(
          new UpdateCommand({
            TableName,
            Key: keys.dossier(code),
            UpdateExpression: `SET attachments[${index}].sha256 = :sha`,
            ConditionExpression: `attachments[${index}].uploadId = :id AND attribute_not_exists(attachments[${index}].sha256)`,
            ExpressionAttributeValues: { ':sha': sha256, ':id': attachmentId },
          }),
        );
      } catch (err) {
        // Kept already by a concurrent fetch, or the list changed: the next fetch tries again.
        if (!conditionFailed(err)) throw err;
      }
    },

    async recordAccess(_code, access, ownerSub) {
      // The kernel's read record (functions/pii/read-log.ts): beside the dossier and on the owner's log.
      const record = { Put: readPut(TableName, access, ownerSub) };
      // A signed request is good once: its guard and the fetch record commit together or not at all.
      const guard = {
        Put: {
          TableName,
          Item: {
            ...keys.signedRequest(access.agencyId ?? access.reader, access.requestId),
            kind: 'signedRequest',
            at: access.at,
            ttl: ttlAfterDays(1),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: access.via === 'agency_system' ? [guard, record] : [record],
          }),
        );
        return true;
      } catch (err) {
        // A signed request already answered is a replay; a person's read already there is this one, kept.
        if (isCancellation(err) && cancellationOf(err).anyFailed()) return access.via !== 'agency_system';
        throw err;
      }
    },

    presign: (Key, fileName, contentType, expiresIn) =>
      getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket,
          Key,
          ResponseContentType: contentType,
          ResponseContentDisposition: contentDisposition(fileName),
        }),
        { expiresIn },
      ),
  };
}
