/** Support desk ports over DynamoDB and S3. */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SupportEventResult } from '../../schemas/support.js';
import { readOwnership } from '../core/access-store.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { blockAllocator } from '../core/dossier-codes.js';
import { readPrefix } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { keys } from '../core/keys.js';
import { type Page, queries } from '../core/queries.js';
import { SUPPORT } from '../core/resources.js';
import { FilterBuilder } from '../core/table.js';
import { scanFiles } from '../documents/store.js';
import { agencyEventPut, idempotencyPut } from '../dossiers/idempotency.js';
import { findAgencyEventResult, idempotencyReader } from '../dossiers/idempotency-store.js';
import { outboxPut } from '../dossiers/outbox.js';
import { knownPersonalData } from '../pii/known-personal-data.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import { seal } from '../pii/protect.js';
import { parseTicket, parseTicketEvent } from './items.js';
import type { TicketEvent, TicketRecord } from './model.js';
import {
  type CreateTicketPorts,
  callerPhoneContext,
  type QuietTicketPorts,
  type SupportEventPorts,
  type TicketCreated,
  type TicketWrite,
} from './ports.js';

const IDEMPOTENCY_SCOPE = 'support';
const NOT_EXISTS = 'attribute_not_exists(pk)';
/** Quiet tickets closed per run at most; the rest wait a quarter hour for the next. */
const QUIET_PAGE = 200;

/** The ticket item with the indexes it belongs to: the asker's list, and the desk's queues. */
export function ticketItem(t: TicketRecord) {
  return {
    ...keys.supportTicket(t.code),
    kind: 'supportTicket',
    ...keys.ownerIndex(t.ownerSub, 'SUPPORT', t.createdAt),
    ...(t.supportDesk ? keys.supportQueueIndex(t.provinceCode ?? 'national', t.createdAt, t.code) : {}),
    ...keys.supportAllIndex(t.createdAt, t.code),
    ...t,
  };
}

/** The items of one ticket state change, and where the ones whose conditions name an outcome sit. */
export function ticketWriteItems(TableName: string, w: TicketWrite) {
  const t = w.ticket;
  const items: Record<string, unknown>[] = [];
  const index: { idempotency?: number; ticket: number; record?: number; claims?: number; faq?: number } = {
    ticket: 0,
  };
  if (w.idempotency) {
    index.idempotency = items.length;
    const { ownerSub: owner, ...record } = w.idempotency;
    items.push(idempotencyPut(TableName, { scope: IDEMPOTENCY_SCOPE, owner, ...record }, t.updatedAt));
  }
  index.ticket = items.length;
  items.push({
    Put: {
      TableName,
      Item: ticketItem(t),
      ...(w.expectedVersion === undefined
        ? { ConditionExpression: NOT_EXISTS }
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
        Item: { ...keys.supportEvent(t.code, e.seq), kind: SUPPORT.eventKind, ticketCode: t.code, ...e },
        ConditionExpression: NOT_EXISTS,
      },
    });
  }
  if (w.outbox) items.push(outboxPut(TableName, w.outbox, t.updatedAt));
  if (w.quiet === 'set' && t.closesAt) {
    items.push({
      Put: {
        TableName,
        Item: {
          ...keys.supportQuietTimer(t.code),
          ...keys.supportQuietIndex(t.closesAt, t.code),
          kind: 'supportQuietTimer',
          ticketCode: t.code,
          closesAt: t.closesAt,
        },
      },
    });
  } else if (w.quiet === 'clear') {
    items.push({ Delete: { TableName, Key: keys.supportQuietTimer(t.code) } });
  }
  if (w.faq) {
    index.faq = items.length;
    items.push({
      Put: {
        TableName,
        Item: {
          ...keys.faqEntry(w.faq.id),
          ...keys.faqIndex(t.updatedAt, w.faq.id),
          kind: 'faq',
          faq: w.faq,
          ticketCode: t.code,
          createdAt: t.updatedAt,
        },
        ConditionExpression: NOT_EXISTS,
      },
    });
  }
  if (w.agencyRecord) {
    index.record = items.length;
    items.push(agencyEventPut(TableName, w.agencyRecord.agencyId, w.agencyRecord.result, t.updatedAt));
  }
  if (w.uploadClaims?.length) {
    index.claims = items.length;
    for (const u of w.uploadClaims) {
      items.push({
        Update: {
          TableName,
          Key: keys.upload(u.uploadId),
          UpdateExpression: 'SET #state = :attached, ticketCode = :code REMOVE #ttl',
          ConditionExpression: 'ownerSub = :owner AND #state = :pending',
          ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':attached': 'attached',
            ':pending': 'pending',
            ':code': u.ticketCode,
            ':owner': t.ownerSub,
          },
        },
      });
    }
  }
  return { items, index };
}

export interface QueueFilter {
  province?: string;
  status?: string;
  overdueAt?: string;
  notOverdueAt?: string;
}

export type SupportStore = CreateTicketPorts &
  SupportEventPorts &
  QuietTicketPorts & {
    loadTimeline(code: string): Promise<TicketEvent[]>;
    /** A web asker's name, address, e-mail, phone and citizen ID from their profile (FAQ masking). */
    knownPersonalData(ownerSub: string): Promise<string[]>;
    listOwned(sub: string, limit: number, cursor: string | undefined): Promise<Page<TicketRecord>>;
    queue(f: QueueFilter, limit: number, cursor: string | undefined): Promise<Page<TicketRecord>>;
    /** Every ticket asked between two instants (one month): the published figures. */
    askedBetween(from: string, to: string): Promise<TicketRecord[]>;
  };

/**
 * A ticket read and its changes committed: all the support watcher needs (it never touches scans, keys or
 * profiles, so its bundle leaves them out).
 */
export function quietTicketStore(): QuietTicketPorts {
  return ticketStore(config().TABLE_NAME);
}

function ticketStore(TableName: string): QuietTicketPorts {
  const db = dynamo();
  return {
    now: () => new Date(),

    async loadTicket(code) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.supportTicket(code), ConsistentRead: true }),
      );
      return out.Item ? parseTicket(out.Item) : undefined;
    },

    async commit(w) {
      const { items, index } = ticketWriteItems(TableName, w);
      try {
        // biome-ignore lint/suspicious/noExplicitAny: items are built above in the TransactWriteItems shape
        await db.send(new TransactWriteCommand({ TransactItems: items as any }));
        return 'committed';
      } catch (err) {
        const { failed, failedFrom } = cancellationOf(err);
        if (failed(index.idempotency)) return 'idempotency-key-taken';
        if (failed(index.record)) return 'already-recorded';
        if (failed(index.faq)) return 'faq-taken';
        if (index.claims !== undefined && failedFrom(index.claims)) return 'upload-taken';
        if (failed(index.ticket)) return 'version-conflict';
        throw err;
      }
    },

    listQuiet: (before) => queries.supportQuietLapsed(before, QUIET_PAGE),
  };
}

/** An agency's event recorded under its id, if it was one on a ticket. */
const findRecordedTicketEvent =
  (TableName: string): SupportEventPorts['findRecorded'] =>
  async (agencyId, eventId) => {
    const result = (await findAgencyEventResult(TableName, agencyId, eventId)) as
      | SupportEventResult
      | undefined;
    // A dossier's or petition's event under the same id is not this ticket's.
    return result && 'ticketCode' in result ? result : undefined;
  };

/**
 * What an agency's event on a ticket needs: the ticket, its commit and the events recorded. The agency
 * callback function takes these alone, so its bundle leaves the scans, the profile key and S3 out.
 */
export function ticketEventStore(): SupportEventPorts {
  const TableName = config().TABLE_NAME;
  return { ...ticketStore(TableName), findRecorded: findRecordedTicketEvent(TableName) };
}

export function supportStore(): SupportStore {
  const { TABLE_NAME: TableName } = config();
  const db = dynamo();
  return {
    ...ticketStore(TableName),
    codes: blockAllocator(db, TableName),
    ...scanFiles(),
    sealCallerPhone: async (code, phone) =>
      seal((await loadProfileKeys()).encryption, phone, callerPhoneContext(code)),

    findIdempotent: idempotencyReader<TicketCreated>(TableName, IDEMPOTENCY_SCOPE),

    async dossierOwnership(code) {
      const o = await readOwnership('dossier', keys.dossier(code));
      return o;
    },

    knownPersonalData: (ownerSub) => knownPersonalData(TableName, ownerSub, loadProfileKeys),

    loadTimeline: (code) => readPrefix(keys.supportPartition(code), keys.timelinePrefix, parseTicketEvent),

    findRecorded: findRecordedTicketEvent(TableName),

    listOwned: (sub, limit, cursor) =>
      queries.byOwner(sub, keys.supportIndexPrefix)({ limit, cursor }, parseTicket),

    queue(f, limit, cursor) {
      const built = new FilterBuilder().equals('status', f.status);
      if (f.overdueAt) built.where('dueInForce < :now', { ':now': f.overdueAt });
      if (f.notOverdueAt)
        built.where('(attribute_not_exists(dueInForce) OR dueInForce >= :now)', { ':now': f.notOverdueAt });
      // The national view (gsi3) holds dossier questions too: they are the handling agency's alone.
      if (!f.province) built.where('supportDesk = :desk', { ':desk': true });
      const filter = built.build();
      return (f.province ? queries.supportQueue(f.province, filter) : queries.supportAll(filter))(
        { limit, cursor },
        parseTicket,
      );
    },

    // Keys are `<createdAt>#<code>`: every key of an instant before `to` sorts below `to`.
    askedBetween: (from, to) => queries.supportAskedBetween(from, to, parseTicket),
  };
}
