/** Petition ports over DynamoDB and S3. */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { PetitionEventResult } from '../../schemas/petition.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { blockAllocator } from '../core/dossier-codes.js';
import { readPrefix } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import { PETITIONS } from '../core/resources.js';
import { scanFiles } from '../documents/store.js';
import { agencyEventPut, idempotencyPut } from '../dossiers/idempotency.js';
import { findAgencyEventResult, idempotencyReader } from '../dossiers/idempotency-store.js';
import { outboxPut } from '../dossiers/outbox.js';
import { enqueueNotifications } from '../notices/queue.js';
import { knownPersonalData } from '../pii/known-personal-data.js';
import type { EscalationPorts } from './escalation.js';
import { parsePetition, parsePetitionEvent } from './items.js';
import { PETITION_EVENT_KIND, PETITION_KIND, type PetitionEvent, type PetitionRecord } from './model.js';
import type {
  PetitionEventPorts,
  PetitionWrite,
  SubmitPetitionPorts,
  SubmitPetitionResult,
} from './petitions.js';
import { loadPetition } from './read.js';
import type { PublishedSource, StoredPublication } from './search.js';

/** Which shard of the deadline index a petition's entry lives in (stable per petition). */
export const petitionShard = (code: string) =>
  createHash('sha256').update(code).digest()[0]! % PETITIONS.deadlineShards;

const IDEMPOTENCY_SCOPE = 'petitions';
/** Lapsed petitions read per query of a deadline shard (a run reads page after page while it lasts). */
const PAGE = 200;

/** The items of one petition state change, in the order the cancellation reasons are read. */
export function petitionWriteItems(TableName: string, w: PetitionWrite) {
  const p = w.petition;
  const notExists = 'attribute_not_exists(pk)';
  const items: Record<string, unknown>[] = [];
  const index: { idempotency?: number; petition: number; record?: number; claims?: number } = {
    petition: 0,
  };
  if (w.idempotency) {
    index.idempotency = items.length;
    const { ownerSub: owner, ...record } = w.idempotency;
    items.push(idempotencyPut(TableName, { scope: IDEMPOTENCY_SCOPE, owner, ...record }, p.updatedAt));
  }
  index.petition = items.length;
  items.push({
    Put: {
      TableName,
      Item: {
        ...keys.petition(p.code),
        kind: PETITION_KIND,
        ...keys.ownerIndex(p.ownerSub, 'PETITION', p.submittedAt),
        ...keys.agencyIndex(p.agencyId, 'PETITION', p.routedAt),
        // Every representative of the enterprise follows the petitions filed for it.
        ...(p.enterpriseTaxCode ? keys.enterpriseIndex(p.enterpriseTaxCode, 'PETITION', p.submittedAt) : {}),
        ...p,
      },
      ...(w.expectedVersion === undefined
        ? { ConditionExpression: notExists }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': w.expectedVersion },
          }),
    },
  });
  for (const e of w.events) {
    items.push({
      Put: {
        TableName,
        Item: { ...keys.petitionEvent(p.code, e.seq), kind: PETITION_EVENT_KIND, petitionCode: p.code, ...e },
        ConditionExpression: notExists,
      },
    });
  }
  items.push(
    w.deadline
      ? {
          Put: {
            TableName,
            Item: {
              ...keys.petitionDeadline(p.code),
              ...keys.petitionDeadlineIndex(petitionShard(p.code), w.deadline.at, p.code),
              kind: 'petition-deadline',
              petitionCode: p.code,
              agencyId: p.agencyId,
              clock: w.deadline.clock,
              deadline: w.deadline.at,
              petitionVersion: p.version,
            },
          },
        }
      : { Delete: { TableName, Key: keys.petitionDeadline(p.code) } },
  );
  if (w.outbox) items.push(outboxPut(TableName, w.outbox, p.updatedAt));
  if (w.published) {
    items.push({
      Put: {
        TableName,
        Item: {
          ...keys.petitionPublished(p.code),
          ...keys.publishedPetitionIndex(w.published.view.publishedAt, p.code),
          kind: 'petition-published',
          view: w.published.view,
          // The view is the masked public version; entries without the flag are masked as they are read.
          masked: true,
        },
        ConditionExpression: notExists,
      },
    });
  }
  if (w.agencyRecord) {
    index.record = items.length;
    items.push(agencyEventPut(TableName, w.agencyRecord.agencyId, w.agencyRecord.result, p.updatedAt));
  }
  if (w.uploadClaims?.length) {
    index.claims = items.length;
    for (const u of w.uploadClaims) {
      items.push({
        Update: {
          TableName,
          Key: keys.upload(u.uploadId),
          UpdateExpression: 'SET #state = :attached, petitionCode = :code REMOVE #ttl',
          ConditionExpression: 'ownerSub = :owner AND #state = :pending',
          ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':attached': 'attached',
            ':pending': 'pending',
            ':code': u.petitionCode,
            ':owner': p.ownerSub,
          },
        },
      });
    }
  }
  return { items, index };
}

export type PetitionStore = SubmitPetitionPorts &
  PetitionEventPorts &
  EscalationPorts & {
    loadTimeline(code: string): Promise<PetitionEvent[]>;
    listOwned(
      sub: string,
      limit: number,
      cursor: string | undefined,
    ): Promise<{ items: PetitionRecord[]; nextCursor: string | null }>;
    listForEnterprise(
      taxCode: string,
      limit: number,
      cursor: string | undefined,
    ): Promise<{ items: PetitionRecord[]; nextCursor: string | null }>;
    listForAgency(
      agencyId: string,
      limit: number,
      cursor: string | undefined,
    ): Promise<{ items: PetitionRecord[]; nextCursor: string | null }>;
    published: PublishedSource;
  };

/**
 * A petition read, its changes committed, the lapsed deadlines and the notices queue: all the escalation
 * run needs (it never touches scans or S3, so its bundle leaves them out).
 */
export function escalationStore(): EscalationPorts {
  return escalationPorts(config().TABLE_NAME);
}

function escalationPorts(TableName: string): EscalationPorts {
  const db = dynamo();
  return {
    now: () => new Date(),
    loadPetition,
    async commit(w) {
      const { items, index } = petitionWriteItems(TableName, w);
      try {
        // biome-ignore lint/suspicious/noExplicitAny: items are built above in the TransactWriteItems shape
        await db.send(new TransactWriteCommand({ TransactItems: items as any }));
        return 'committed';
      } catch (err) {
        const { failed, failedFrom } = cancellationOf(err);
        if (failed(index.idempotency)) return 'idempotency-key-taken';
        if (failed(index.record)) return 'already-recorded';
        if (index.claims !== undefined && failedFrom(index.claims)) return 'upload-taken';
        if (failed(index.petition)) return 'version-conflict';
        throw err;
      }
    },

    deadlineShards: PETITIONS.deadlineShards,
    async listLapsed(shard, before, after) {
      const page = await queries.petitionsDue(shard, before, { limit: PAGE, after }, (item) => ({
        code: item.petitionCode as string,
        deadline: item.deadline as string,
      }));
      return { entries: page.items.map((i) => i.value), ...(page.lastKey ? { next: page.lastKey } : {}) };
    },
    enqueue: enqueueNotifications,
  };
}

/**
 * What an agency's event on a petition needs: the petition, its commit, the events recorded and the
 * petitioner's known personal data. The agency callback function takes these alone, so its bundle leaves
 * the scans' S3 ports out.
 */
export function petitionEventStore(): PetitionEventPorts {
  return petitionEventPorts(config().TABLE_NAME);
}

function petitionEventPorts(TableName: string): PetitionEventPorts & EscalationPorts {
  const db = dynamo();
  return {
    ...escalationPorts(TableName),

    async findRecorded(agencyId, eventId) {
      const result = (await findAgencyEventResult(TableName, agencyId, eventId)) as
        | PetitionEventResult
        | undefined;
      // A dossier event under the same id is not this petition's answer.
      return result && 'petitionCode' in result ? result : undefined;
    },

    async recordOnly(agencyId, result, at) {
      try {
        await db.send(new PutCommand(agencyEventPut(TableName, agencyId, result, at).Put));
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },

    // Name, address and e-mail; identifiers and phones are masked by shape (no profile key here).
    knownPersonalData: (ownerSub) => knownPersonalData(TableName, ownerSub),
  };
}

export function petitionStore(): PetitionStore {
  const { TABLE_NAME: TableName } = config();
  const db = dynamo();
  return {
    ...petitionEventPorts(TableName),
    codes: blockAllocator(db, TableName),
    // Uploads and scans are checked and copied exactly as for dossiers; the copies keep no digest.
    ...scanFiles(),

    findIdempotent: idempotencyReader<SubmitPetitionResult>(TableName, IDEMPOTENCY_SCOPE),

    loadTimeline: (code) => readPrefix(keys.petitionPartition(code), keys.timelinePrefix, parsePetitionEvent),

    listOwned: (sub, limit, cursor) =>
      queries.byOwner(sub, keys.petitionIndexPrefix)({ limit, cursor }, parsePetition),
    listForEnterprise: (taxCode, limit, cursor) =>
      queries.byEnterprise(taxCode, keys.petitionIndexPrefix)({ limit, cursor }, parsePetition),
    listForAgency: (agencyId, limit, cursor) =>
      queries.byAgency(agencyId, keys.petitionIndexPrefix)({ limit, cursor }, parsePetition),

    published: {
      since: (since) =>
        queries.published(since, (item) => ({
          view: item.view as StoredPublication['view'],
          indexKey: item.gsi1sk as string,
          masked: item.masked === true,
          ...(item.withdrawnAt ? { withdrawn: true } : {}),
        })),
    },
  };
}

/**
 * The petitioner objects to publication (Law 91/2025/QH15): the answer leaves the public list and is never
 * published again. The petition no longer allows publishing (a new version, so a concurrent step read
 * before this one fails its own condition instead of restoring the consent), and its published entry is
 * marked withdrawn and moved to the head of the publish index, so every search's incremental read sees
 * the change and drops it. Conditional on the version read and on the owner; `stale` when either changed.
 */
export async function withdrawPublication(
  p: Pick<PetitionRecord, 'code' | 'ownerSub' | 'version' | 'publishedAt'>,
  at: string,
): Promise<'withdrawn' | 'stale'> {
  const { TABLE_NAME: TableName } = config();
  const items: Record<string, unknown>[] = [
    {
      Update: {
        TableName,
        Key: keys.petition(p.code),
        UpdateExpression: 'SET allowPublish = :no, #version = :next, updatedAt = :at',
        ConditionExpression: '#version = :read AND ownerSub = :owner',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: {
          ':no': false,
          ':next': p.version + 1,
          ':read': p.version,
          ':owner': p.ownerSub,
          ':at': at,
        },
      },
    },
  ];
  if (p.publishedAt) {
    items.push({
      Update: {
        TableName,
        Key: keys.petitionPublished(p.code),
        UpdateExpression: 'SET withdrawnAt = :at, gsi1sk = :key',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at, ':key': keys.publishedPetitionIndex(at, p.code).gsi1sk },
      },
    });
  }
  try {
    // biome-ignore lint/suspicious/noExplicitAny: items are built above in the TransactWriteItems shape
    await dynamo().send(new TransactWriteCommand({ TransactItems: items as any }));
    return 'withdrawn';
  } catch (err) {
    if (cancellationOf(err).codes.includes('ConditionalCheckFailed')) return 'stale';
    throw err;
  }
}
