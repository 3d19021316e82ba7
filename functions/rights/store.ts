/** Personal-data requests over the single table, with the profile, drafts, uploads and petitions they act on. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { AppError } from '../core/errors.js';
import { keys } from '../core/keys.js';
import { logger, personRef } from '../core/logger.js';
import { queries } from '../core/queries.js';
import { FilterBuilder } from '../core/table.js';
import { documentFiles } from '../documents/store.js';
import type { UploadRecord } from '../documents/uploads.js';
import { idempotencyPut } from '../dossiers/idempotency.js';
import { idempotencyReader } from '../dossiers/idempotency-store.js';
import { draftStore } from '../me/draft-store.js';
import { readProfile, replaceProfile } from '../me/profile.js';
import { profileStore } from '../me/store.js';
import { enqueueNotifications } from '../notices/queue.js';
import { profileContacts } from '../notifications/petition-notice.js';
import { petitionStore, withdrawPublication } from '../petitions/store.js';
import {
  type DataRequestRecord,
  deadlineInForce,
  parseDataRequest,
  storedDataRequest,
} from '../pii/data-requests.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import { open, seal } from '../pii/protect.js';
import { dataRequestNotifications } from './notices.js';
import { type DataRequestPorts, type DataRequestView, monthOf, type OwnPetition } from './requests.js';

const IDEMPOTENCY_SCOPE = 'data-requests';
const phoneContext = (id: string) => `datarequest:phone:${id}`;

/** The request item with its indexes: the owner's list, the month's report and, while open, the queue. */
export function dataRequestItem(r: DataRequestRecord) {
  const deadline = deadlineInForce(r);
  return {
    ...keys.dataRequest(r.id),
    kind: 'dataRequest',
    ...keys.ownerIndex(r.ownerSub, keys.dataRequestIndexPrefix.slice(0, -1), r.receivedAt),
    ...keys.dataRequestMonthIndex(monthOf(r.receivedAt), r.receivedAt, r.id),
    ...(deadline ? { ...keys.dataRequestQueueIndex(deadline, r.id), deadline } : {}),
    ...storedDataRequest(r),
  };
}

const ownPetition = (p: {
  code: string;
  ownerSub: string;
  version: number;
  allowPublish: boolean;
  publishedAt?: string;
}): OwnPetition => ({
  code: p.code,
  ownerSub: p.ownerSub,
  version: p.version,
  allowPublish: p.allowPublish,
  ...(p.publishedAt ? { publishedAt: p.publishedAt } : {}),
});

export function dataRequestStore(): DataRequestPorts {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  const profiles = profileStore();
  return {
    now: () => new Date(),
    findIdempotent: idempotencyReader<DataRequestView>(TableName, IDEMPOTENCY_SCOPE),

    async create(r, idem) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              idempotencyPut(
                TableName,
                { scope: IDEMPOTENCY_SCOPE, owner: r.ownerSub, ...idem },
                r.receivedAt,
              ),
              {
                Put: {
                  TableName,
                  Item: dataRequestItem(r),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              // biome-ignore lint/suspicious/noExplicitAny: TransactWriteItems shape built above
            ] as any,
          }),
        );
        return 'created';
      } catch (err) {
        if (cancellationOf(err).failed(0)) return 'taken';
        throw err;
      }
    },

    async load(id) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.dataRequest(id), ConsistentRead: true }),
      );
      return out.Item ? parseDataRequest(out.Item) : undefined;
    },

    async update(next, expected) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: dataRequestItem(next),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expected },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },

    listOwned: (sub, limit, cursor) =>
      queries.byOwner(sub, keys.dataRequestIndexPrefix)({ limit, cursor }, parseDataRequest),

    queue(f, limit, cursor) {
      const filter = new FilterBuilder().equals('status', f.status).equals('requestKind', f.kind);
      // Overdue: past the deadline in force, or (once acknowledged late) past the legal period.
      if (f.overdueAt) filter.where('(deadline < :now OR dueBy < :now)', { ':now': f.overdueAt });
      if (f.notOverdueAt) filter.where('deadline >= :now AND dueBy >= :now', { ':now': f.notOverdueAt });
      return queries.dataRequestQueue(filter.build())({ limit, cursor }, parseDataRequest);
    },

    ofMonth: (month) => queries.dataRequestsOfMonth(month, parseDataRequest),

    async profile(sub) {
      const view = await readProfile(profiles, sub, true);
      if (!view) return undefined;
      return {
        fullName: view.fullName,
        dateOfBirth: view.dateOfBirth,
        address: view.address,
        phone: view.phone,
        ...(view.email ? { email: view.email } : {}),
        version: view.version,
      };
    },

    async correctProfile(sub, values, version) {
      try {
        await replaceProfile(profiles, { sub }, values, `"${version}"`);
        return true;
      } catch (err) {
        if (err instanceof AppError && err.code === 'PRECONDITION_FAILED') return false;
        throw err;
      }
    },

    async deleteProfile(sub) {
      const stored = await profiles.load(sub);
      if (!stored) return false;
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName,
                  Key: keys.profile(sub),
                  ConditionExpression: '#version = :v',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':v': stored.version },
                },
              },
              // The citizen ID's claim goes with the profile that made it (only if it is this account's).
              ...(stored.citizenIdBoundAt
                ? [
                    {
                      Delete: {
                        TableName,
                        Key: keys.citizenIdClaim(stored.citizenIdHash),
                        ConditionExpression: 'attribute_not_exists(pk) OR ownerSub = :sub',
                        ExpressionAttributeValues: { ':sub': sub },
                      },
                    },
                  ]
                : []),
            ],
          }),
        );
        return true;
      } catch (err) {
        if (cancellationOf(err).anyFailed()) throw new AppError('CONFLICT');
        throw err;
      }
    },

    async deleteDrafts(sub) {
      const drafts = draftStore();
      let n = 0;
      // Each page is read from the start again: the ones before were deleted.
      for (;;) {
        const page = await drafts.list(sub, 100);
        if (!page.items.length) return n;
        for (const d of page.items) if (await drafts.remove(sub, d.procedureCode)) n++;
      }
    },

    async deleteUnusedUploads(sub) {
      const files = documentFiles();
      let n = 0;
      let cursor: string | undefined;
      do {
        const page = await queries.byOwner(sub, keys.uploadIndexPrefix)(
          { limit: 100, cursor },
          (item) => item as unknown as UploadRecord,
        );
        for (const u of page.items) {
          if (u.state !== 'pending') continue;
          try {
            // Only while still unused: an upload a filing claims meanwhile stays.
            await db.send(
              new DeleteCommand({
                TableName,
                Key: keys.upload(u.uploadId),
                ConditionExpression: '#state = :pending AND ownerSub = :sub',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':pending': 'pending', ':sub': sub },
              }),
            );
          } catch (err) {
            if (err instanceof ConditionalCheckFailedException) continue;
            throw err;
          }
          await files.deleteObjects([u.key]);
          n++;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return n;
    },

    async petition(code) {
      const p = await petitionStore().loadPetition(code);
      return p && ownPetition(p);
    },

    async ownPetitions(sub) {
      const store = petitionStore();
      const out: OwnPetition[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listOwned(sub, 100, cursor);
        out.push(...page.items.map(ownPetition));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    },

    withdrawPublication: (p, at) => withdrawPublication(p, at),

    async notify(r, event, contacts) {
      const messages = contacts
        ? dataRequestNotifications(event, r, profileContacts(contacts), event.at)
        : [];
      if (!messages.length) {
        logger.info('no contact to notify', { person: personRef(r.ownerSub), event: event.type });
        return;
      }
      try {
        await enqueueNotifications(messages);
      } catch (err) {
        // The step stands; the notice is what failed (logged, without the contacts).
        logger.error('data request notice not queued', { requestId: r.id, error: (err as Error).message });
      }
    },

    sealPhone: async (id, phone) => seal((await loadProfileKeys()).encryption, phone, phoneContext(id)),
    openPhone: async (id, sealed) => open((await loadProfileKeys()).encryption, sealed, phoneContext(id)),
  };
}
