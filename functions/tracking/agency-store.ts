/** The agency index (gsi2) read for agency officers' work list. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { type DossierRecord, SUMMARY_FIELDS } from '../core/dossier.js';
import { keys } from '../core/keys.js';
import {
  type AgencyDossierPorts,
  CURSOR_ATTRIBUTES,
  DOSSIER_PREFIX,
  type IndexKey,
} from './agency-dossiers.js';

const SUMMARY = SUMMARY_FIELDS;

const indexKey = (item: Record<string, unknown>) =>
  Object.fromEntries(CURSOR_ATTRIBUTES.map((a) => [a, String(item[a])])) as IndexKey;

export function agencyDossierStore(): AgencyDossierPorts {
  return {
    now: () => new Date(),
    async agencyDossiers(agencyId, q) {
      const fields = [...SUMMARY, ...CURSOR_ATTRIBUTES];
      const names: Record<string, string> = Object.fromEntries(fields.map((f) => [`#${f}`, f]));
      const values: Record<string, unknown> = {
        ':agency': keys.agencyIndex(agencyId, 'DOSSIER', '').gsi2pk,
        ':kind': DOSSIER_PREFIX,
      };
      if (q.status) values[':status'] = q.status;
      const out = await dynamo().send(
        new QueryCommand({
          TableName: config().TABLE_NAME,
          IndexName: 'gsi2',
          KeyConditionExpression: '#gsi2pk = :agency AND begins_with(#gsi2sk, :kind)',
          ...(q.status ? { FilterExpression: '#status = :status' } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ProjectionExpression: fields.map((f) => `#${f}`).join(', '),
          ScanIndexForward: false,
          Limit: q.limit,
          ExclusiveStartKey: q.after,
        }),
      );
      return {
        items: (out.Items ?? []).map((item) => ({
          key: indexKey(item),
          dossier: item as unknown as DossierRecord,
        })),
        ...(out.LastEvaluatedKey ? { lastKey: indexKey(out.LastEvaluatedKey) } : {}),
      };
    },
  };
}
