/**
 * The upload and scan ports over DynamoDB and S3 that every filing shares (dossiers, supplements,
 * petitions, support tickets): uploads read and claimed, scans inspected, copied and removed.
 */
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys } from '../core/keys.js';
import { s3Client } from '../core/s3-client.js';
import { hexFromBase64Checksum, sha256OfStream } from '../core/scan-digest.js';
import type { AttachmentPorts } from './attachments.js';
import { SNIFF_BYTES } from './scan-content.js';
import { DECLARED_SIZE_METADATA, decodeFileName, FILE_NAME_METADATA, type UploadRecord } from './uploads.js';

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

/** An object's full size: after the slash of a ranged answer's Content-Range (bytes 0-4099/123456). */
function objectSize(contentRange: string | undefined, contentLength: number | undefined): number {
  const total = contentRange ? Number(contentRange.split('/')[1]) : Number.NaN;
  return Number.isInteger(total) ? total : (contentLength ?? -1);
}

/** What a filing needs of the stored uploads and scans. */
export type DocumentFiles = Required<Pick<AttachmentPorts, 'findUpload' | 'inspectObject'>> & {
  copyObject(from: string, to: string): Promise<string>;
  deleteObjects(keys: string[]): Promise<void>;
};

export function documentFiles(): DocumentFiles {
  const { TABLE_NAME: TableName, UPLOADS_BUCKET: Bucket } = config();
  const db = dynamo();
  const s3 = s3Client();
  const sha256Of = async (Key: string) => {
    const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
    if (!out.Body) throw new Error('stored scan has no body');
    return sha256OfStream(out.Body as AsyncIterable<Uint8Array>);
  };
  return {
    async findUpload(uploadId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.upload(uploadId), ConsistentRead: true }),
      );
      return out.Item as UploadRecord | undefined;
    },

    async inspectObject(Key) {
      try {
        // One ranged read gives the stored type, the full size and the bytes that say what the file is.
        const out = await s3.send(new GetObjectCommand({ Bucket, Key, Range: `bytes=0-${SNIFF_BYTES - 1}` }));
        const head = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
        const fileName = decodeFileName(out.Metadata?.[FILE_NAME_METADATA]);
        const declared = out.Metadata?.[DECLARED_SIZE_METADATA];
        return {
          size: objectSize(out.ContentRange, out.ContentLength),
          contentType: out.ContentType,
          head,
          ...(fileName ? { fileName } : {}),
          ...(declared && /^\d{1,9}$/.test(declared) ? { declaredSize: Number(declared) } : {}),
        };
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
  };
}

/**
 * The same ports for filings whose copies keep no digest (petitions, support tickets: no agency downloads
 * them by link), so their copy answers nothing.
 */
export function scanFiles(): Pick<DocumentFiles, 'findUpload' | 'inspectObject' | 'deleteObjects'> & {
  copyObject(from: string, to: string): Promise<void>;
} {
  const files = documentFiles();
  return {
    findUpload: files.findUpload,
    inspectObject: files.inspectObject,
    copyObject: async (from, to) => {
      await files.copyObject(from, to);
    },
    deleteObjects: files.deleteObjects,
  };
}
