/** Rating ports over DynamoDB: the rating sits in its dossier's partition, indexed per agency on gsi2. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RatingView } from '../../schemas/feedback.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import type { RatingPorts } from './ratings.js';

export const RATING_KIND = 'rating';

export const toRatingView = (item: Record<string, unknown>): RatingView => ({
  dossierCode: String(item.dossierCode),
  agencyId: String(item.agencyId),
  procedureCode: String(item.procedureCode),
  overall: Number(item.overall),
  criteria: (item.criteria ?? {}) as RatingView['criteria'],
  ...(typeof item.comment === 'string' ? { comment: item.comment } : {}),
  ...(Array.isArray(item.steps) ? { steps: item.steps.map(String) } : {}),
  ratedAt: String(item.ratedAt),
});

/** The dossier's rating, if its owner gave one. */
export async function loadRating(code: string): Promise<RatingView | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: keys.rating(code), ConsistentRead: true }),
  );
  return out.Item ? toRatingView(out.Item) : undefined;
}

export function ratingStore(): RatingPorts {
  const TableName = config().TABLE_NAME;
  return {
    now: () => new Date(),
    loadDossier,
    loadTimeline,
    async putRating(rating, officerIds) {
      try {
        await dynamo().send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.rating(rating.dossierCode),
              ...keys.ratingIndex(rating.agencyId, rating.ratedAt, rating.dossierCode),
              kind: RATING_KIND,
              // No empty map stored: the local stream reader cannot convert one.
              ...(Object.keys(rating.criteria).length ? rating : { ...rating, criteria: undefined }),
              // No empty list stored either (the same reader).
              ...(officerIds?.length ? { officerIds } : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 'stored';
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return 'exists';
        throw err;
      }
    },
    agencyRatings: (agencyId, limit, cursor) =>
      queries.agencyRatings(agencyId)({ limit, cursor }, toRatingView),
  };
}
