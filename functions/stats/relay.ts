/**
 * The statistics relay, a third consumer of the table stream (so a counting problem never holds up
 * dispatch or notifications): each submission, agency outcome and rating adds to its agency's month.
 * A failed record is reported as failed and retried (bounded, then the stream DLQ); the markers make
 * a retried record add nothing twice.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { DossierRecord } from '../core/dossier.js';
import { loadDossier } from '../core/dossier-store.js';
import { NOTIFICATIONS } from '../core/resources.js';
import type { TimelineEvent } from '../core/timeline.js';
import { type Contribution, type CountedRating, contributionOf, isCountedStep } from './counters.js';
import { type StatsPorts, statsStore } from './store.js';
import { isStatsEvent, isStatsRating } from './stream-filter.js';

export interface StatsRelayPorts {
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  stats: Pick<StatsPorts, 'add'>;
}

/** What one stream record adds, if anything; a dossier missing its item is an error to retry. */
export async function countRecord(
  ports: StatsRelayPorts,
  record: DynamoDBRecord,
): Promise<Contribution | undefined> {
  const item = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>);
  let contribution: Contribution | undefined;
  if (isStatsRating(record)) {
    contribution = contributionOf({ rating: item as CountedRating });
  } else if (isStatsEvent(record)) {
    const event = item as TimelineEvent;
    // Only submissions and outcomes count: skip the read for every other step.
    if (!isCountedStep(event.type)) return undefined;
    const code = String(item.pk).slice(NOTIFICATIONS.dossierPkPrefix.length);
    const dossier = await ports.loadDossier(code);
    if (!dossier) throw new Error(`dossier ${code} not found for its timeline event`);
    contribution = contributionOf({ dossier, event });
  }
  if (contribution) await ports.stats.add(contribution);
  return contribution;
}

const processor = new BatchProcessor(EventType.DynamoDBStreams);
let ports: StatsRelayPorts | undefined;

async function relay(record: DynamoDBRecord): Promise<void> {
  ports ??= { loadDossier, stats: statsStore() };
  await countRecord(ports, record);
}

export const handler = async (event: DynamoDBStreamEvent) =>
  processPartialResponse(event, relay, processor, { throwOnFullBatchFailure: false });
