/** Reading a dossier and its timeline, shared by tracking, agency events and the dispatcher. */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { dynamo } from './clients.js';
import { config } from './config.js';
import type { DossierRecord } from './dossier.js';
import { itemParser, parseDossier, parseTimelineEvent, present } from './items.js';
import { keys } from './keys.js';
import type { TimelineEvent } from './timeline.js';

export async function loadDossier(code: string): Promise<DossierRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: keys.dossier(code), ConsistentRead: true }),
  );
  return out.Item ? parseDossier(out.Item) : undefined;
}

export async function loadTimeline(code: string): Promise<TimelineEvent[]> {
  return readPrefix(keys.dossierPartition(code), keys.timelinePrefix, parseTimelineEvent);
}

/** Every item of one partition whose sort key starts with `prefix`, parsed by its kind, read consistently. */
export async function readPrefix<T>(
  pk: string,
  prefix: string,
  parse: (item: Record<string, unknown>) => T,
): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of out.Items ?? []) items.push(parse(item));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * A dossier with the timeline that matches it. The record and its events are written in one transaction
 * but read by two requests, so a change landing between them could show a status without its event (or
 * the reverse) and make an intact chain look broken; read again until the timeline ends where the record
 * says it does.
 */
export async function loadDossierWithTimeline(
  code: string,
): Promise<{ dossier: DossierRecord | undefined; timeline: TimelineEvent[] }> {
  for (let attempt = 1; ; attempt++) {
    const [dossier, timeline] = await Promise.all([loadDossier(code), loadTimeline(code)]);
    const last = timeline.at(-1);
    const matches = !dossier || (last?.seq === dossier.lastSeq && last?.hash === dossier.lastHash);
    if (matches || attempt >= 3) return { dossier, timeline };
  }
}

export interface SubmissionRecord {
  submissionId: string;
  ownerSub: string;
  enterpriseTaxCode?: string;
  filedBy?: { sub: string; role: 'desk_officer'; agencyId: string };
  agencyId?: string;
  dossierCodes: string[];
  createdAt: string;
}

const parseSubmission = itemParser<SubmissionRecord>('submission', {
  submissionId: z.string(),
  ownerSub: present(z.string()),
  dossierCodes: z.array(z.string()),
  createdAt: present(z.string()),
});

export async function loadSubmission(id: string): Promise<SubmissionRecord | undefined> {
  const out = await dynamo().send(
    new GetCommand({ TableName: config().TABLE_NAME, Key: keys.submission(id), ConsistentRead: true }),
  );
  return out.Item ? parseSubmission(out.Item) : undefined;
}

/** Many dossiers in as few calls as DynamoDB allows (100 keys a call), retrying what it leaves unprocessed. */
export async function loadDossiers(codes: readonly string[]): Promise<DossierRecord[]> {
  const TableName = config().TABLE_NAME;
  const found: DossierRecord[] = [];
  for (let i = 0; i < codes.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = codes.slice(i, i + 100).map((c) => keys.dossier(c));
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt > 0)
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 50 * 2 ** attempt)));
      if (attempt > 6) throw new Error('dossiers could not be read; try again');
      const out: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[TableName] ?? []) found.push(parseDossier(item));
      pending = out.UnprocessedKeys?.[TableName]?.Keys;
    }
  }
  const order = new Map(codes.map((c, i) => [c, i]));
  return found.sort((a, b) => order.get(a.code)! - order.get(b.code)!);
}
