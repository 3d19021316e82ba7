/** The agency's dossiers and ratings for its figures: ranges of its work list (gsi2), never a scan. */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadTimeline } from '../core/dossier-store.js';
import { keys } from '../core/keys.js';
import { INDEX } from '../core/table.js';
import type { FiguresDossier, FiguresPorts, FiguresRating } from './figures.js';

async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Only the attributes the figures need, each by name (some are DynamoDB reserved words). */
const projection = (fields: readonly string[]) => ({
  ExpressionAttributeNames: Object.fromEntries(fields.map((f) => [`#${f}`, f])),
  ProjectionExpression: fields.map((f) => `#${f}`).join(', '),
});

export function figuresStore(): FiguresPorts {
  const TableName = config().TABLE_NAME;
  const range = (from: { gsi2pk: string; gsi2sk: string }, to: { gsi2sk: string }) => ({
    TableName,
    IndexName: INDEX.work.name,
    KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': from.gsi2pk, ':from': from.gsi2sk, ':to': to.gsi2sk },
  });
  return {
    now: () => new Date(),
    async dossiers(agencyId, fromIso, toIso) {
      // The work list is write-sharded: read every partition of it side by side.
      const prefix = keys.agencyDossierIndexPrefix;
      const pages = await Promise.all(
        keys.agencyDossierPartitions(agencyId).map((partition) =>
          queryAll({
            ...range({ gsi2pk: partition, gsi2sk: `${prefix}${fromIso}` }, { gsi2sk: `${prefix}${toIso}` }),
            ...projection([
              'code',
              'procedureCode',
              'procedureVersion',
              'submittedAt',
              'updatedAt',
              'dueAt',
              'status',
              'payment',
              'bundle',
            ]),
          }),
        ),
      );
      const items = pages.flat();
      return items as unknown as FiguresDossier[];
    },
    timeline: loadTimeline,
    async ratings(agencyId, fromIso, toIso) {
      const items = await queryAll({
        ...range(keys.ratingIndex(agencyId, fromIso, ''), keys.ratingIndex(agencyId, toIso, '~')),
        ...projection(['dossierCode', 'overall', 'ratedAt', 'steps', 'officerIds']),
      });
      return items as unknown as FiguresRating[];
    },
  };
}
