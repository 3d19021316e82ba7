/**
 * Which table stream records the statistics consumer takes: new timeline events (submissions, the
 * agency's outcomes, any step that may end an overdue period), new ratings and new petition events. The CDK event filters express the same; the local stream pump
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

/** A new petition timeline event (answers on time, petitions overdue now). */
export const isPetitionEvent = (r: DynamoDBRecord) =>
  r.eventName === 'INSERT' &&
  image(r)?.[TABLE.partitionKey]?.S?.startsWith(STATS.petitionPkPrefix) === true &&
  image(r)?.kind?.S === STATS.petitionEventKind;

export const isStatsRecord = (r: DynamoDBRecord) => isStatsEvent(r) || isStatsRating(r) || isPetitionEvent(r);
