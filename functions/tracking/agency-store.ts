/** The agency index (gsi2) read for agency officers' work list: every shard, merged newest first. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { type DossierRecord, SUMMARY_FIELDS } from '../core/dossier.js';
import { keys } from '../core/keys.js';
import { type ReadShard, type RowKey, readMerged } from '../core/sharded-list.js';
import { INDEX } from '../core/table.js';
import {
  type AgencyDossierPorts,
  CURSOR_ATTRIBUTES,
  DOSSIER_PREFIX,
  type IndexKey,
} from './agency-dossiers.js';

const SUMMARY = SUMMARY_FIELDS;

const indexKey = (item: Record<string, unknown>) =>
  Object.fromEntries(CURSOR_ATTRIBUTES.map((a) => [a, String(item[a])])) as IndexKey;
const rowKey = (k: IndexKey): RowKey => ({ pk: k.pk, sk: k.sk, ipk: k.gsi2pk, isk: k.gsi2sk });
const fromRow = (k: RowKey): IndexKey => ({ pk: k.pk, sk: k.sk, gsi2pk: k.ipk, gsi2sk: k.isk });

export function agencyDossierStore(): AgencyDossierPorts {
  return {
    now: () => new Date(),
    async agencyDossiers(agencyId, q) {
      const fields = [...SUMMARY, ...CURSOR_ATTRIBUTES];
      const names: Record<string, string> = Object.fromEntries(fields.map((f) => [`#${f}`, f]));
      const read: ReadShard<DossierRecord, IndexKey> = async (partition, page) => {
        const values: Record<string, unknown> = { ':agency': partition, ':kind': DOSSIER_PREFIX };
        if (page.atMost) values[':atMost'] = page.atMost;
        if (q.status) values[':status'] = q.status;
        const out = await dynamo().send(
          new QueryCommand({
            TableName: config().TABLE_NAME,
            IndexName: INDEX.work.name,
            KeyConditionExpression: page.atMost
              ? '#gsi2pk = :agency AND #gsi2sk BETWEEN :kind AND :atMost'
              : '#gsi2pk = :agency AND begins_with(#gsi2sk, :kind)',
            ...(q.status ? { FilterExpression: '#status = :status' } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ProjectionExpression: fields.map((f) => `#${f}`).join(', '),
            ScanIndexForward: false,
            Limit: page.limit,
            ExclusiveStartKey: page.after,
          }),
        );
        return {
          rows: (out.Items ?? []).map((item) => ({
            key: rowKey(indexKey(item)),
            value: item as unknown as DossierRecord,
          })),
          ...(out.LastEvaluatedKey ? { lastKey: indexKey(out.LastEvaluatedKey) } : {}),
        };
      };
      const { rows, more } = await readMerged(
        read,
        keys.agencyDossierPartitions(agencyId),
        q.after && rowKey(q.after),
        q.limit,
      );
      const last = rows.at(-1);
      return {
        items: rows.map((r) => ({ key: fromRow(r.key), dossier: r.value })),
        ...(more && last ? { lastKey: fromRow(last.key) } : {}),
      };
    },
  };
}
