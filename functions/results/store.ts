/** Signed result documents, shares and the owner's access log over the single table. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys, recordOf } from '../core/keys.js';
import type { ResultDocument } from './documents.js';

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
