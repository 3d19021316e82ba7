/**
 * The statistics consumer of the table stream: each submission, agency outcome, rating and petition
 * answer adds to its agency's month; each new timeline step may end a dossier's overdue period; each
 * petition event may start, move or end a petition's. It runs inside the
 * notification relay's stream mapping (functions/notifications/relay.ts explains why), isolated from
 * the notifications there; a failed record is reported as failed and retried (bounded, then the stream
 * DLQ), and the markers make a retried record count nothing twice.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DossierRecord } from '../core/dossier.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { NOTIFICATIONS } from '../core/resources.js';
import type { TimelineEvent } from '../core/timeline.js';
import {
  acknowledgementOf,
  type Contribution,
  type CountedRating,
  contributionOf,
  filingContribution,
  isCountedStep,
  mayAcknowledge,
} from './counters.js';
import { type OverduePorts, overdueStore, settleOverdue } from './overdue.js';
import {
  applyPetitionEvent,
  type CountedPetitionEvent,
  type PetitionOverduePorts,
  petitionContribution,
  petitionOverdueStore,
} from './petitions.js';
import { type StatsPorts, statsStore } from './store.js';
import { isPetitionEvent, isStatsEvent, isStatsRating } from './stream-filter.js';

export interface StatsRelayPorts {
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  stats: Pick<StatsPorts, 'add'>;
  /** The dossier's timeline, read only for an agency act that may be its acknowledgement. */
  loadTimeline?(code: string): Promise<TimelineEvent[]>;
  overdue?: Pick<OverduePorts, 'marker' | 'close'>;
  petitionsOverdue?: PetitionOverduePorts;
  now?(): Date;
}

/** What one stream record adds, if anything; a dossier missing its item is an error to retry. */
export async function countRecord(
  ports: StatsRelayPorts,
  record: DynamoDBRecord,
): Promise<Contribution | undefined> {
  const item = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>);
  let contribution: Contribution | undefined;
  /** Counted beside the main contribution, each under its own marker. */
  const also: Contribution[] = [];
  if (isStatsRating(record)) {
    contribution = contributionOf({ rating: item as CountedRating });
  } else if (isPetitionEvent(record)) {
    const event = item as CountedPetitionEvent;
    contribution = petitionContribution(event);
    if (ports.petitionsOverdue)
      await applyPetitionEvent(ports.petitionsOverdue, event, (ports.now?.() ?? new Date()).toISOString());
  } else if (isStatsEvent(record)) {
    const event = item as TimelineEvent;
    const code = String(item.pk).slice(NOTIFICATIONS.dossierPkPrefix.length);
    let dossier: DossierRecord | undefined;
    // Only submissions and outcomes count: skip the read for every other step.
    if (isCountedStep(event.type)) {
      dossier = await ports.loadDossier(code);
      if (!dossier) throw new Error(`dossier ${code} not found for its timeline event`);
      contribution = contributionOf({ dossier, event });
      const filed = filingContribution(dossier, event);
      if (filed) also.push(filed);
    }
    // The acknowledgement is the agency's first act: each act reads the timeline up to itself (one
    // query), the same judgement the rebuild makes, and the marker counts it once.
    if (ports.loadTimeline && mayAcknowledge(event)) {
      dossier ??= await ports.loadDossier(code);
      if (!dossier) throw new Error(`dossier ${code} not found for its timeline event`);
      const timeline = (await ports.loadTimeline(code)).filter((e) => e.seq <= event.seq);
      const ack = acknowledgementOf(dossier, timeline);
      if (ack) also.push(ack);
    }
    if (ports.overdue) {
      const at = (ports.now?.() ?? new Date()).toISOString();
      await settleOverdue(ports.overdue, code, async () => dossier ?? (await ports.loadDossier(code)), at);
    }
  }
  // What one event adds to one agency's month is written together (a submission: received and filed).
  const groups = new Map<string, Contribution[]>();
  for (const c of contribution ? [contribution, ...also] : also) {
    const key = `${c.agencyId}|${c.month}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) await ports.stats.add(group.length === 1 ? group[0]! : group);
  return contribution;
}

let ports: Omit<StatsRelayPorts, 'loadDossier'> | undefined;

/**
 * The consumer as the stream relay calls it, one record at a time, with the table-backed ports.
 * `dossiers` reads a dossier as of the record's timeline event or later (the relay's batch images and
 * shared reads); without it, the table is read.
 */
export async function countStatsRecord(
  record: DynamoDBRecord,
  dossiers?: (code: string, seq?: number) => Promise<DossierRecord | undefined>,
): Promise<void> {
  ports ??= {
    loadTimeline,
    stats: statsStore(),
    overdue: overdueStore(),
    petitionsOverdue: petitionOverdueStore(),
  };
  const n = record.dynamodb?.NewImage?.seq?.N;
  const seq = n === undefined ? undefined : Number(n);
  await countRecord({ ...ports, loadDossier: dossiers ? (c) => dossiers(c, seq) : loadDossier }, record);
}
