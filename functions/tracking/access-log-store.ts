/** A dossier's read records (`ACCESS#…` items of its partition), newest first. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { readerKind, readWhat } from '../../schemas/reads.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { itemParser, present } from '../core/items.js';
import { keys } from '../core/keys.js';
import type { AccessKey, AccessLogPorts, StoredRead } from './access-log.js';

const parseAccess = itemParser<StoredRead>('dossierRead', {
  at: z.string(),
  via: readerKind,
  requestId: present(z.string()),
  what: present(readWhat),
  reader: present(z.string()),
  agencyId: present(z.string()),
  attachmentId: present(z.string()),
});

export function accessLogStore(): AccessLogPorts {
  return {
    async accessPage(code, q) {
      const out = await dynamo().send(
        new QueryCommand({
          TableName: config().TABLE_NAME,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.dossierPartition(code),
            ':prefix': keys.dossierReadPrefix,
          },
          ScanIndexForward: false,
          Limit: q.limit,
          ExclusiveStartKey: q.after,
        }),
      );
      const items = out.Items ?? [];
      const last = out.LastEvaluatedKey as AccessKey | undefined;
      return {
        items: items.map(parseAccess),
        ...(last ? { lastKey: { pk: String(last.pk), sk: String(last.sk) } } : {}),
      };
    },
  };
}
