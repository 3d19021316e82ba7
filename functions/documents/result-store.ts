/** Signed result documents, shares and the owner's access log over the single table. */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import QRCode from 'qrcode';
import { dynamo, s3Client } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { keys, recordOf } from '../core/keys.js';
import type { AccessLogPorts, AccessRecord, DocumentShare, QrCode, SharePorts } from './library.js';
import type { ResultDocument } from './result-documents.js';
import { contentDisposition } from './result-link.js';

/** A document as an item: by id, and on its holder's part of the owner index (gsi1), newest first. */
export const documentItem = (doc: ResultDocument) => ({
  ...keys.resultDocument(doc.documentId),
  ...keys.ownerIndex(doc.ownerSub, 'RESULTDOC', `${doc.issuedAt}#${doc.documentId}`),
  kind: 'resultDocument',
  ...doc,
});

export async function loadDocument(documentId: string): Promise<ResultDocument | undefined> {
  const out = await dynamo().send(
    new GetCommand({
      TableName: config().TABLE_NAME,
      Key: keys.resultDocument(documentId),
      ConsistentRead: true,
    }),
  );
  return out.Item ? recordOf<ResultDocument>(out.Item) : undefined;
}

/** A person's result documents, newest first, from the owner index (gsi1, `RESULTDOC#…`). */
export type ResultIndexKey = { pk: string; sk: string; gsi1pk: string; gsi1sk: string };

export async function ownResults(
  sub: string,
  q: { after?: ResultIndexKey; limit: number },
): Promise<{ items: { key: ResultIndexKey; document: ResultDocument }[]; lastKey?: ResultIndexKey }> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().TABLE_NAME,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :owner AND begins_with(gsi1sk, :kind)',
      ExpressionAttributeValues: {
        ':owner': keys.ownerIndex(sub, 'RESULTDOC', '').gsi1pk,
        ':kind': keys.resultDocumentIndexPrefix,
      },
      ScanIndexForward: false,
      Limit: q.limit,
      ExclusiveStartKey: q.after,
    }),
  );
  const keyOf = (i: Record<string, unknown>): ResultIndexKey => ({
    pk: String(i.pk),
    sk: String(i.sk),
    gsi1pk: String(i.gsi1pk),
    gsi1sk: String(i.gsi1sk),
  });
  return {
    items: (out.Items ?? []).map((i) => ({ key: keyOf(i), document: recordOf<ResultDocument>(i) })),
    ...(out.LastEvaluatedKey ? { lastKey: keyOf(out.LastEvaluatedKey) } : {}),
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
export const qrSvg: QrCode = (text) =>
  QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });

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
      return out.Item ? recordOf<DocumentShare>(out.Item) : undefined;
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
      const out = await dynamo().send(
        new QueryCommand({
          TableName: config().TABLE_NAME,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :owner AND begins_with(gsi1sk, :prefix)',
          ExpressionAttributeValues: {
            ':owner': keys.ownerAccessIndex(sub, '', '').gsi1pk,
            ':prefix': keys.ownerAccessIndexPrefix,
          },
          ScanIndexForward: false,
          Limit: q.limit,
          ExclusiveStartKey: q.after,
        }),
      );
      const last = out.LastEvaluatedKey;
      return {
        items: (out.Items ?? []).map((i) => recordOf<AccessRecord>(i)),
        ...(last
          ? {
              lastKey: {
                pk: String(last.pk),
                sk: String(last.sk),
                gsi1pk: String(last.gsi1pk),
                gsi1sk: String(last.gsi1sk),
              },
            }
          : {}),
      };
    },
  };
}
