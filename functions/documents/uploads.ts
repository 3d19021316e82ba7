/**
 * Scans go straight from the citizen's browser to S3 through a presigned POST whose policy pins the
 * key, the exact size and the content type; the portal's Lambdas never carry file bytes. Each upload is
 * recorded under its owner so intake can refuse someone else's file.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { ulid } from 'ulidx';
import type * as z from 'zod';
import type { createUploadRequest, createUploadResponse } from '../../schemas/upload.js';
import { dynamo, s3Client } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { UPLOADS } from '../core/resources.js';

export interface UploadRecord {
  uploadId: string;
  ownerSub: string;
  key: string;
  fileName: string;
  contentType: string;
  size: number;
  state: 'pending' | 'attached';
  createdAt: string;
  dossierCode?: string;
}

/** The S3 key never contains the owner's identity, only a keyed digest of it. */
export const ownerFolder = (sub: string) =>
  createHash('sha256').update(`cong-owner:${sub}`).digest('hex').slice(0, 24);
export const pendingKey = (sub: string, uploadId: string) =>
  `${UPLOADS.pendingPrefix}${ownerFolder(sub)}/${uploadId}`;

export async function createUpload(
  ownerSub: string,
  input: z.output<typeof createUploadRequest>,
  now = new Date(),
): Promise<z.infer<typeof createUploadResponse>> {
  const cfg = config();
  const uploadId = ulid(now.getTime());
  const key = pendingKey(ownerSub, uploadId);
  const expiresAt = new Date(now.getTime() + cfg.UPLOAD_URL_TTL_SECONDS * 1000);
  const { url, fields } = await createPresignedPost(s3Client(), {
    Bucket: cfg.UPLOADS_BUCKET,
    Key: key,
    Conditions: [
      ['content-length-range', input.size, input.size],
      ['eq', '$Content-Type', input.contentType],
    ],
    Fields: { 'Content-Type': input.contentType },
    Expires: cfg.UPLOAD_URL_TTL_SECONDS,
  });
  const record: UploadRecord = {
    uploadId,
    ownerSub,
    key,
    fileName: input.fileName,
    contentType: input.contentType,
    size: input.size,
    state: 'pending',
    createdAt: now.toISOString(),
  };
  try {
    await dynamo().send(
      new PutCommand({
        TableName: cfg.TABLE_NAME,
        Item: {
          ...keys.upload(uploadId),
          // The owner's uploads, so a deletion request finds those never attached to anything.
          ...keys.ownerIndex(ownerSub, keys.uploadIndexPrefix.slice(0, -1), record.createdAt),
          ...record,
          ttl: ttlAfterDays(UPLOADS.abandonedAfterDays, now.getTime()),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (err) {
    if (!isOwnEarlierWrite(err, record)) throw err;
  }
  return { uploadId, url, fields, expiresAt: expiresAt.toISOString() };
}

/**
 * When a write's answer is lost (a timeout after DynamoDB stored it), the SDK retries and the retry
 * meets the item it wrote itself: that is success, not a collision. Anything else stays an error.
 */
function isOwnEarlierWrite(err: unknown, record: UploadRecord): boolean {
  if (!(err instanceof ConditionalCheckFailedException)) return false;
  const existing = err.Item;
  return (
    existing?.ownerSub?.S === record.ownerSub &&
    existing?.key?.S === record.key &&
    existing?.createdAt?.S === record.createdAt
  );
}
