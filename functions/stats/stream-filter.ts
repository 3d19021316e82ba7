/**
 * Which table stream records the statistics relay takes: new timeline events (submissions and the
 * agency's outcomes) and new ratings. The CDK event filters express the same; the local stream pump
 * and the relay itself use these.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { NOTIFICATIONS, STATS, TABLE } from '../core/resources.js';

const image = (r: DynamoDBRecord) => r.dynamodb?.NewImage;

const isDossierInsert = (r: DynamoDBRecord) =>
  r.eventName === 'INSERT' &&
  image(r)?.[TABLE.partitionKey]?.S?.startsWith(NOTIFICATIONS.dossierPkPrefix) === true;

export const isStatsEvent = (r: DynamoDBRecord) =>
  isDossierInsert(r) && image(r)?.kind?.S === NOTIFICATIONS.eventKind;

export const isStatsRating = (r: DynamoDBRecord) =>
  isDossierInsert(r) && image(r)?.[TABLE.sortKey]?.S === STATS.ratingSk;

export const isStatsRecord = (r: DynamoDBRecord) => isStatsEvent(r) || isStatsRating(r);
