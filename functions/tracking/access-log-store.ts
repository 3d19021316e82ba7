/** A dossier's fetch records (`ACCESS#…` items of its partition), newest first. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys, recordOf } from '../core/keys.js';
import type { AttachmentAccess } from '../documents/agency-files.js';
import type { AccessKey, AccessLogPorts } from './access-log.js';

export function accessLogStore(): AccessLogPorts {
  return {
    async accessPage(code, q) {
      const out = await dynamo().send(
        new QueryCommand({
          TableName: config().TABLE_NAME,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.dossierPartition(code),
            ':prefix': keys.attachmentAccessPrefix,
          },
          ScanIndexForward: false,
          Limit: q.limit,
          ExclusiveStartKey: q.after,
        }),
      );
      const items = out.Items ?? [];
      const last = out.LastEvaluatedKey as AccessKey | undefined;
      return {
        items: items.map((i) => recordOf<AttachmentAccess>(i)),
        ...(last ? { lastKey: { pk: String(last.pk), sk: String(last.sk) } } : {}),
      };
    },
  };
}
