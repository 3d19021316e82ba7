/**
 * Scans go straight from the citizen's browser to S3 through a presigned POST whose policy pins the
 * key, the exact size, the content type and the file name; the portal's Lambdas never carry file bytes.
 * The key holds a digest of the owner, so a filing finds its own uploads by id and nobody else's, and
 * the object itself then says all a filing needs (one ranged read, no table read). Each upload is also
 * recorded under its owner: the filing's transaction claims that record, so an upload joins one
 * dossier only.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { ulid } from 'ulidx';
import type * as z from 'zod';
import { createUploadRequest, type createUploadResponse } from '../../schemas/upload.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { UPLOADS } from '../core/resources.js';
import { s3Client } from '../core/s3-client.js';

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

/**
 * The user metadata that carries the file name on the object. S3 metadata is ASCII, so the name travels
 * as base64url of its UTF-8 (200 characters of Vietnamese stay well under S3's 2 KB of metadata).
 */
export const FILE_NAME_METADATA = 'filename';
/**
 * The declared size, also pinned on the object: storage that enforces the policy (S3) cannot hold other
 * bytes, and one that does not (a local emulator) is still caught when they differ.
 */
export const DECLARED_SIZE_METADATA = 'declared-size';
export const encodeFileName = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
/** The file name an object carries, or undefined when it carries none or not a well-formed one. */
export function decodeFileName(value: string | undefined): string | undefined {
  if (!value || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const parsed = createUploadRequest.shape.fileName.safeParse(
    Buffer.from(value, 'base64url').toString('utf8'),
  );
  return parsed.success ? parsed.data : undefined;
}

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
      ['eq', `$x-amz-meta-${FILE_NAME_METADATA}`, encodeFileName(input.fileName)],
      ['eq', `$x-amz-meta-${DECLARED_SIZE_METADATA}`, String(input.size)],
    ],
    Fields: {
      'Content-Type': input.contentType,
      [`x-amz-meta-${FILE_NAME_METADATA}`]: encodeFileName(input.fileName),
      [`x-amz-meta-${DECLARED_SIZE_METADATA}`]: String(input.size),
    },
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
