/** The SLA index, breach flags and deadline queries over DynamoDB. */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import { SLA } from '../core/resources.js';
import { enqueueNotifications } from '../notices/queue.js';
import { findAgency } from '../registry/agencies.js';
import { overdueStore } from '../stats/overdue.js';
import type { BreachKind, SlaIndexPorts, SlaWatchPorts } from './sla.js';

/** Which shard of a deadline partition a dossier's entry lives in (stable per dossier). */
export const slaShard = (code: string) => createHash('sha256').update(code).digest()[0]! % SLA.shards;

const swallowConditional = (err: unknown) => {
  if (!(err instanceof ConditionalCheckFailedException)) throw err;
};

/** Lapsed entries read per query of a shard (the watcher reads page after page while its time lasts). */
const PAGE = 200;

export function slaIndexStore(): SlaIndexPorts {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  const entry = (d: Parameters<SlaIndexPorts['putDue']>[0], kind: BreachKind, deadline: string) => ({
    ...keys.slaEntry(d.code, kind),
    ...keys.slaIndex(kind, slaShard(d.code), deadline, d.code),
    kind: 'sla',
    dossierCode: d.code,
    agencyId: d.agencyId,
    breach: kind,
    deadline,
    dossierVersion: d.version,
  });
  /**
   * Puts a moving deadline from a newer image. Most images leave it where it was: then nothing is
   * written (the refused condition costs one unit, and the index copy is not rewritten); the entry keeps
   * the version that set it, which still refuses every older image and yields to every removal after it.
   */
  const moveDeadline = (d: Parameters<SlaIndexPorts['putDue']>[0], kind: BreachKind, deadline: string) =>
    db
      .send(
        new PutCommand({
          TableName,
          Item: entry(d, kind, deadline),
          ConditionExpression: 'attribute_not_exists(pk) OR (dossierVersion < :v AND deadline <> :deadline)',
          ExpressionAttributeValues: { ':v': d.version, ':deadline': deadline },
        }),
      )
      .then(() => undefined, swallowConditional);
  return {
    // One partition holds a dossier's entries (and its breach flags): one small consistent query.
    async held(code) {
      const held: Partial<Record<BreachKind, string>> = {};
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.slaEntry(code, 'due').pk },
            ProjectionExpression: '#kind, breach, deadline',
            ExpressionAttributeNames: { '#kind': 'kind' },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (item.kind === 'sla') held[item.breach as BreachKind] = item.deadline as string;
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return held;
    },
    // The acknowledgement deadline is fixed once its clock starts: written once, never moved.
    putAck: (d, deadline) =>
      db
        .send(
          new PutCommand({
            TableName,
            Item: entry(d, 'ack', deadline),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .then(() => undefined, swallowConditional),
    // The due date moves with extensions; an older image (a replayed stream record) never wins.
    putDue: (d, deadline) => moveDeadline(d, 'due', deadline),
    // Like the due date: a newer image moves the step's deadlines, a replayed older one never does.
    putStep: (d, kind, deadline) => moveDeadline(d, kind, deadline),
    remove: (code, kind, version) =>
      db
        .send(
          new DeleteCommand({
            TableName,
            Key: keys.slaEntry(code, kind),
            ConditionExpression: 'attribute_not_exists(pk) OR dossierVersion <= :v',
            ExpressionAttributeValues: { ':v': version },
          }),
        )
        .then(() => undefined, swallowConditional),
  };
}

/** The watcher's store; `pageSize` lapsed entries are read per query (smaller in tests, to turn pages). */
export function slaWatchStore(pageSize = PAGE): SlaWatchPorts {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  const overdue = overdueStore();
  return {
    shards: SLA.shards,
    async listLapsed(kind, shard, before, after) {
      const page = await queries.slaDue(kind, shard, before, { limit: pageSize, after }, (item) => ({
        code: item.dossierCode as string,
        kind,
        deadline: item.deadline as string,
        indexKey: item.gsi2sk as string,
      }));
      return { entries: page.items.map((i) => i.value), ...(page.lastKey ? { next: page.lastKey } : {}) };
    },
    loadDossier,
    async flag(code, kind, deadline, at) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.slaFlag(code, kind, deadline),
              kind: 'sla-flag',
              dossierCode: code,
              breach: kind,
              deadline,
              at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        swallowConditional(err);
        return false;
      }
    },
    async unflag(code, kind, deadline) {
      await db.send(new DeleteCommand({ TableName, Key: keys.slaFlag(code, kind, deadline) }));
    },
    enqueue: enqueueNotifications,
    async clear(entry) {
      await db
        .send(
          new UpdateCommand({
            TableName,
            Key: keys.slaEntry(entry.code, entry.kind),
            UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
            ConditionExpression: 'gsi2sk = :read',
            ExpressionAttributeValues: { ':read': entry.indexKey },
          }),
        )
        .catch(swallowConditional);
    },
    agency(id) {
      const a = findAgency(id);
      return a ? { id: a.id, name: a.name, parentId: a.parentId } : undefined;
    },
    markOverdue: (d, at) => overdue.open(d, at),
  };
}
