/**
 * A result document as a table item, and its read by id: on their own, so the agency callbacks, which
 * issue documents, leave the download links' S3 presigner of ./result-store.ts out of their bundle.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys } from '../core/keys.js';
import type { ResultDocument } from './result-documents.js';
import { parseResultDocument } from './result-items.js';

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
  return out.Item ? parseResultDocument(out.Item) : undefined;
}
