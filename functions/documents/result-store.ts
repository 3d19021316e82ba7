/** Signed result documents, shares and the owner's access log over the single table. */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import { s3Client } from '../core/s3-client.js';
import type { AccessLogPorts, QrCode, SharePorts } from './library.js';
import { loadDocument } from './result-document-item.js';
import type { ResultDocument } from './result-documents.js';
import { parseAccessRecord, parseResultDocument, parseShare } from './result-items.js';
import { contentDisposition } from './result-link.js';

export { documentItem, loadDocument } from './result-document-item.js';

/** A person's result documents, newest first, from the owner index (gsi1, `RESULTDOC#…`). */
export type ResultIndexKey = { pk: string; sk: string; gsi1pk: string; gsi1sk: string };

export async function ownResults(
  sub: string,
  q: { after?: ResultIndexKey; limit: number },
): Promise<{ items: { key: ResultIndexKey; document: ResultDocument }[]; lastKey?: ResultIndexKey }> {
  const page = await queries.ownResults<ResultIndexKey, ResultDocument>(sub, q, parseResultDocument);
  return {
    items: page.items.map(({ key, value }) => ({ key, document: value })),
    ...(page.lastKey ? { lastKey: page.lastKey } : {}),
  };
}

/** Download links to a person's files (results/ and dossiers/), under their own names. */
export const presignDownload = (Key: string, fileName: string, contentType: string, expiresIn: number) =>
  getSignedUrl(
    s3Client(),
    new GetObjectCommand({
      Bucket: config().UPLOADS_BUCKET,
      Key,
      ResponseContentType: contentType,
      ResponseContentDisposition: contentDisposition(fileName),
    }),
    { expiresIn },
  );

/** The verification link as a QR code (SVG), for printing on or beside the document. */
/** The QR encoder loads with the first code drawn: most requests of the functions that carry it draw none. */
export const qrSvg: QrCode = async (text) => {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
};

export function sharePorts(): SharePorts {
  const TableName = config().TABLE_NAME;
  return {
    now: () => new Date(),
    loadDossier,
    loadDocument,
    presign: presignDownload,
    async putShare(share) {
      await dynamo().send(
        new PutCommand({
          TableName,
          Item: {
            ...keys.documentShare(share.tokenHash),
            kind: 'documentShare',
            ...share,
            // Kept a day past expiry, then removed by TTL; expiry itself is checked on every read.
            ttl: Math.floor(Date.parse(share.expiresAt) / 1000) + 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async loadShare(tokenHash) {
      const out = await dynamo().send(
        new GetCommand({ TableName, Key: keys.documentShare(tokenHash), ConsistentRead: true }),
      );
      return out.Item ? parseShare(out.Item) : undefined;
    },
    async recordShareRead(share, read) {
      // Append-only: each read is its own item, written only if absent.
      await dynamo().send(
        new PutCommand({
          TableName,
          Item: {
            ...keys.shareRead(share.tokenHash, read.at, read.requestId),
            ...keys.ownerAccessIndex(share.ownerSub, read.at, read.requestId),
            kind: 'accessRecord',
            ...read,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
  };
}

export function accessLogPorts(): AccessLogPorts {
  return {
    async accessPage(sub, q) {
      const page = await queries.ownAccessLog(sub, q, parseAccessRecord);
      return {
        items: page.items.map((i) => i.value),
        ...(page.lastKey ? { lastKey: page.lastKey } : {}),
      };
    },
  };
}
