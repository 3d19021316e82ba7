/**
 * Recomputes the published counters from what the table holds — each agency's dossiers, ratings and
 * petitions (one read of its gsi2 work list) and their timelines — through the same counting as the live
 * relay, and what is overdue now from the dossiers themselves (as of `now()`: the live figure lags it by
 * at most one SLA watcher run), stores the result in fresh items and lists where the live counters
 * differ. Read per agency, a few agencies at a time: never a table scan.
 */
import { PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { type DossierRecord, isOverdue } from '../core/dossier.js';
import { loadTimeline } from '../core/dossier-store.js';
import { keys } from '../core/keys.js';
import { INDEX } from '../core/table.js';
import type { TimelineEvent } from '../core/timeline.js';
import {
  acknowledgementOf,
  COUNTERS,
  type Contribution,
  type CountedRating,
  type Counter,
  type Counts,
  contributionOf,
  filingContribution,
  monthRange,
  statsKey,
  tally,
  zeroCounts,
} from './counters.js';
import {
  NOW_COUNTERS,
  type NowCounter,
  type NowCounts,
  nowStore,
  saveRebuiltNow,
  zeroNow,
} from './overdue.js';
import { type CountedPetitionEvent, petitionFigures, petitionTimeline } from './petitions.js';
import { type StoredStats, statsStore } from './store.js';

/** What an agency's work list (gsi2) holds: its dossiers, their ratings, the petitions now with it. */
export interface AgencyRecords {
  /** Code, agency, submission, due date and status. */
  dossiers: DossierRecord[];
  ratings: CountedRating[];
  /** Codes of the petitions now with the agency (each petition is with exactly one). */
  petitions: string[];
}

export interface RebuildPorts {
  /** One read of the agency's work list: most of the ~3,700 agencies hold nothing. */
  agencyRecords(agencyId: string): Promise<AgencyRecords>;
  timeline(code: string): Promise<TimelineEvent[]>;
  liveMonth(month: string): Promise<StoredStats[]>;
  saveRebuilt(agencyId: string, month: string, counts: Counts): Promise<void>;
  petitionTimeline?(code: string): Promise<CountedPetitionEvent[]>;
  liveNow(): Promise<Map<string, NowCounts>>;
  saveRebuiltNow(agencyId: string, counts: NowCounts): Promise<void>;
  now(): Date;
}

export interface StatsDifference {
  agencyId: string;
  /** A month, or `now` for the agency's current figures. */
  month: string;
  counter: Counter | NowCounter;
  live: number;
  rebuilt: number;
}

export interface RebuildReport {
  agencies: number;
  dossiers: number;
  ratings: number;
  petitions: number;
  items: number;
  differences: StatsDifference[];
}

/** Agencies read at once: enough to hide the round trips, few enough not to crowd the table. */
const READ_CONCURRENCY = 16;

/** Everything one agency's counters are rebuilt from. */
async function readAgency(ports: RebuildPorts, agencyId: string) {
  const records = await ports.agencyRecords(agencyId);
  const dossiers: { dossier: DossierRecord; timeline: TimelineEvent[] }[] = [];
  for (const dossier of records.dossiers)
    dossiers.push({ dossier, timeline: await ports.timeline(dossier.code) });
  const petitions: CountedPetitionEvent[][] = [];
  if (ports.petitionTimeline)
    for (const code of records.petitions) petitions.push(await ports.petitionTimeline(code));
  return { agencyId, dossiers, ratings: records.ratings, petitions };
}

export async function rebuildStats(
  ports: RebuildPorts,
  agencyIds: readonly string[],
): Promise<RebuildReport> {
  const contributions: Contribution[] = [];
  const rebuiltNow = new Map<string, NowCounts>();
  const asOf = ports.now();
  let dossiers = 0;
  let ratings = 0;
  const timelines: CountedPetitionEvent[][] = [];
  // Thousands of agencies (every commune's committee), most with nothing: read a few at a time, then
  // count in the order asked, so the result does not depend on which read answered first.
  for (let i = 0; i < agencyIds.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(
      agencyIds.slice(i, i + READ_CONCURRENCY).map((id) => readAgency(ports, id)),
    );
    for (const read of batch) {
      const current = zeroNow();
      rebuiltNow.set(read.agencyId, current);
      for (const { dossier, timeline } of read.dossiers) {
        dossiers += 1;
        if (isOverdue(dossier, asOf)) current.overdueNow += 1;
        for (const event of timeline) {
          const c = contributionOf({ dossier, event });
          if (c) contributions.push(c);
          const filed = filingContribution(dossier, event);
          if (filed) contributions.push(filed);
        }
        const ack = acknowledgementOf(dossier, timeline);
        if (ack) contributions.push(ack);
      }
      for (const rating of read.ratings) {
        ratings += 1;
        const c = contributionOf({ rating });
        if (c) contributions.push(c);
      }
      timelines.push(...read.petitions);
    }
  }
  // Petitions: every petition is listed under the one agency it is with now; what it contributes may
  // belong to agencies it passed through, so only the agencies asked for are kept.
  const wanted = new Set(agencyIds);
  const petitionsCounted = petitionFigures(timelines);
  contributions.push(...petitionsCounted.contributions.filter((c) => wanted.has(c.agencyId)));
  for (const [agencyId, n] of petitionsCounted.overdueNow) {
    const current = rebuiltNow.get(agencyId);
    if (current) current.petitionsOverdueNow = n;
  }

  const rebuilt = tally(contributions);
  for (const [key, counts] of rebuilt) {
    const [agencyId, month] = key.split('#') as [string, string];
    await ports.saveRebuilt(agencyId, month, counts);
  }

  // Live counters of every month from the first rebuilt one to now, so a month counted only live shows too.
  const months = [...rebuilt.keys()].map((k) => k.split('#')[1]!).sort();
  const nowMonth = asOf.toISOString().slice(0, 7);
  const span = months.length
    ? monthRange(months[0]!, months.at(-1)! > nowMonth ? months.at(-1)! : nowMonth)
    : [];
  const live = new Map<string, Counts>();
  for (const month of span)
    for (const s of await ports.liveMonth(month))
      if (wanted.has(s.agencyId)) live.set(statsKey(s.agencyId, s.month), s.counts);

  const differences: StatsDifference[] = [];
  for (const key of [...new Set([...rebuilt.keys(), ...live.keys()])].sort()) {
    const [agencyId, month] = key.split('#') as [string, string];
    const a = live.get(key) ?? zeroCounts();
    const b = rebuilt.get(key) ?? zeroCounts();
    for (const counter of COUNTERS)
      if (a[counter] !== b[counter])
        differences.push({ agencyId, month, counter, live: a[counter], rebuilt: b[counter] });
  }
  const liveNow = await ports.liveNow();
  for (const agencyId of agencyIds) {
    const b = rebuiltNow.get(agencyId) ?? zeroNow();
    const a = liveNow.get(agencyId);
    // Only agencies with a figure either way: most have never had anything overdue.
    if (a || NOW_COUNTERS.some((k) => b[k] !== 0)) await ports.saveRebuiltNow(agencyId, b);
    for (const counter of NOW_COUNTERS) {
      const liveValue = a?.[counter] ?? 0;
      if (liveValue !== b[counter])
        differences.push({ agencyId, month: 'now', counter, live: liveValue, rebuilt: b[counter] });
    }
  }
  return {
    agencies: agencyIds.length,
    dossiers,
    ratings,
    petitions: timelines.length,
    items: rebuilt.size,
    differences,
  };
}

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

export function rebuildStore(): RebuildPorts {
  const TableName = config().TABLE_NAME;
  // Only the attributes counting needs, each by name (some are DynamoDB reserved words).
  const projection = (fields: readonly string[]) => ({
    ExpressionAttributeNames: Object.fromEntries(fields.map((f) => [`#${f}`, f])),
    ProjectionExpression: fields.map((f) => `#${f}`).join(', '),
  });
  const fields = [
    'gsi2sk',
    'code',
    'agencyId',
    'submittedAt',
    'dueAt',
    'documentsAskedTwice',
    'status',
    // What the service index counts: how it was filed, scans reused, the fee, the result's kind.
    'procedureCode',
    'procedureVersion',
    'filedBy',
    'attachments',
    'payment',
    'bundle',
    'result',
    'dossierCode',
    'overall',
    'ratedAt',
  ];
  const live = statsStore();
  return {
    now: () => new Date(),
    async agencyRecords(agencyId) {
      // The agency's dossiers sit in its shards (and, filed before them, its unsharded partition,
      // which also holds its ratings and petitions): every one is read, each once.
      const items = (
        await Promise.all(
          keys.agencyDossierPartitions(agencyId).map((partition) =>
            queryAll({
              TableName,
              IndexName: INDEX.work.name,
              KeyConditionExpression: 'gsi2pk = :agency',
              ExpressionAttributeValues: { ':agency': partition },
              ...projection(fields),
            }),
          ),
        )
      ).flat();
      const records: AgencyRecords = { dossiers: [], ratings: [], petitions: [] };
      for (const { gsi2sk, ...item } of items) {
        const sk = String(gsi2sk);
        if (sk.startsWith('DOSSIER#')) records.dossiers.push(item as unknown as DossierRecord);
        else if (sk.startsWith(keys.ratingIndexPrefix))
          records.ratings.push(item as unknown as CountedRating);
        else if (sk.startsWith(keys.petitionIndexPrefix)) records.petitions.push(String(item.code));
      }
      return records;
    },
    timeline: loadTimeline,
    petitionTimeline: (code) => petitionTimeline(TableName, code),
    liveMonth: (month) => live.month(month),
    liveNow: () => nowStore().allNow(),
    saveRebuiltNow: (agencyId, counts) => saveRebuiltNow(agencyId, counts, new Date().toISOString()),
    async saveRebuilt(agencyId, month, counts) {
      await dynamo().send(
        new PutCommand({
          TableName,
          Item: {
            ...keys.agencyStatsRebuilt(agencyId, month),
            kind: 'stats-rebuilt',
            agencyId,
            month,
            ...counts,
            rebuiltAt: new Date().toISOString(),
          },
        }),
      );
    },
  };
}
