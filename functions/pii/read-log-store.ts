/**
 * Read records over the single table: one item per read, beside the dossier (`DOSSIER#<code>` /
 * `ACCESS#<at>#<request>`) and on its owner's index (gsi1 `OWNER#<sub>` / `ACCESS#…`), put only if absent.
 *
 * Append-only is this module's guarantee, not IAM's: the functions that write it hold the table's write
 * rights (DynamoDB conditions on `dynamodb:LeadingKeys` name partitions, not sort-key prefixes, and these
 * items share the dossier's partition). So no code path updates or deletes them; test/unit/read-log.test.ts
 * fails if the key builders are used outside the modules that put them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys } from '../core/keys.js';
import type { DataRead, ReadLogPort } from './read-log.js';

/** The item of one read: beside the dossier and on its owner's access log. */
export const readItem = (read: DataRead, ownerSub: string) => ({
  ...keys.dossierRead(read.dossierCode, read.at, read.requestId),
  ...keys.ownerAccessIndex(ownerSub, read.at, read.requestId),
  kind: 'dossierRead',
  ...read,
});

/** The put of one read, for a transaction or alone: only if no item has its key. */
export const readPut = (TableName: string, read: DataRead, ownerSub: string) => ({
  TableName,
  Item: readItem(read, ownerSub),
  ConditionExpression: 'attribute_not_exists(pk)',
});

export function readLogStore(): ReadLogPort {
  return {
    async putRead(read, ownerSub) {
      try {
        await dynamo().send(new PutCommand(readPut(config().TABLE_NAME, read, ownerSub)));
      } catch (err) {
        // The same read already recorded (a retried write of this request): one item, as it should be.
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
  };
}
