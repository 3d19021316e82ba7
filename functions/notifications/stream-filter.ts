/**
 * Which table stream records the notification relay takes: new timeline events (what a citizen sees
 * change) and new images of dossier items (for the SLA deadline index). The CDK event filters express
 * the same; the local stream pump and the relay itself use these.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { NOTIFICATIONS, SUPPORT, TABLE } from '../core/resources.js';
import { isPetitionEvent, isStatsRecord } from '../stats/stream-filter.js';

const image = (r: DynamoDBRecord) => r.dynamodb?.NewImage;
const isDossierPartition = (r: DynamoDBRecord) =>
  image(r)?.[TABLE.partitionKey]?.S?.startsWith(NOTIFICATIONS.dossierPkPrefix) === true;

export function isTimelineInsert(r: DynamoDBRecord): boolean {
  return r.eventName === 'INSERT' && isDossierPartition(r) && image(r)?.kind?.S === NOTIFICATIONS.eventKind;
}

export function isDossierImage(r: DynamoDBRecord): boolean {
  return (
    (r.eventName === 'INSERT' || r.eventName === 'MODIFY') &&
    isDossierPartition(r) &&
    image(r)?.[TABLE.sortKey]?.S === NOTIFICATIONS.dossierSk
  );
}

/** A new petition timeline event: the petitioner hears of the steps that concern them. */
export const isPetitionNotice = isPetitionEvent;

/** A new support ticket event: the asker hears of every answer. */
export const isSupportNotice = (r: DynamoDBRecord) =>
  r.eventName === 'INSERT' &&
  image(r)?.[TABLE.partitionKey]?.S?.startsWith(SUPPORT.pkPrefix) === true &&
  image(r)?.kind?.S === SUPPORT.eventKind;

export const isNotificationRecord = (r: DynamoDBRecord) =>
  isTimelineInsert(r) || isDossierImage(r) || isPetitionNotice(r) || isSupportNotice(r);

/** Everything the notification relay's mapping takes: its own records and the statistics consumer's. */
export const isRelayRecord = (r: DynamoDBRecord) => isNotificationRecord(r) || isStatsRecord(r);
