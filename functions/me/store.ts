/**
 * The account ports over the single table: profiles with the claims of their citizen IDs, and the owner
 * index of dossiers (gsi1).
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { type DossierRecord, SUMMARY_FIELDS } from '../core/dossier.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { AppError } from '../core/errors.js';
import { keys, recordOf } from '../core/keys.js';
import { ownResults } from '../documents/result-store.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import { hasSealedForm, openForm } from '../pii/sealed-form.js';
import type { AccountPorts, DossierFields, OwnerIndexKey } from './account.js';
import type { ProfilePorts, StoredProfile } from './profile.js';

const stripProfile = (item: Record<string, unknown>): StoredProfile => {
  // Profiles saved before citizen IDs were bound also carry a gsi2 entry: not part of the profile.
  const { pk: _pk, sk: _sk, gsi2pk: _a, gsi2sk: _b, kind: _k, ...rest } = item;
  return rest as unknown as StoredProfile;
};

/** Transactions cancelled by a concurrent one on the same items are tried again, a few times. */
const CONFLICT_ATTEMPTS = 4;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function profileStore(): ProfilePorts {
  const TableName = config().TABLE_NAME;
  const profileItem = (profile: StoredProfile) => ({
    ...keys.profile(profile.ownerSub),
    kind: 'profile',
    ...profile,
  });
  return {
    now: () => new Date(),
    keys: loadProfileKeys,
    async load(sub) {
      const out = await dynamo().send(
        new GetCommand({ TableName, Key: keys.profile(sub), ConsistentRead: true }),
      );
      return out.Item ? stripProfile(out.Item) : undefined;
    },
    async bind(profile, expected) {
      const claim = {
        ...keys.citizenIdClaim(profile.citizenIdHash),
        kind: 'citizenIdClaim',
        ownerSub: profile.ownerSub,
        claimedAt: profile.citizenIdBoundAt,
      };
      const notExists = 'attribute_not_exists(pk)';
      const profilePut = {
        TableName,
        Item: profileItem(profile),
        ...(expected === undefined
          ? { ConditionExpression: notExists }
          : {
              ConditionExpression: '#version = :expected AND attribute_not_exists(citizenIdBoundAt)',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expected },
            }),
      };
      for (let attempt = 1; ; attempt++) {
        try {
          await dynamo().send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: profilePut },
                { Put: { TableName, Item: claim, ConditionExpression: notExists } },
              ],
            }),
          );
          return 'bound';
        } catch (err) {
          if (!(err instanceof TransactionCanceledException)) throw err;
          const [own, id] = (err.CancellationReasons ?? []).map((r) => r.Code);
          if (own === 'ConditionalCheckFailed') return 'stale';
          if (id === 'ConditionalCheckFailed') return 'taken';
          const conflict = own === 'TransactionConflict' || id === 'TransactionConflict';
          if (!conflict) throw err;
          if (attempt >= CONFLICT_ATTEMPTS) throw new AppError('CONFLICT');
          // The competing write settles the claim; the next attempt reads its outcome.
          await pause(20 * attempt + Math.random() * 30);
        }
      }
    },
    async update(profile, expected) {
      try {
        await dynamo().send(
          new PutCommand({
            TableName,
            Item: profileItem(profile),
            ConditionExpression: '#version = :expected AND citizenIdHash = :citizenIdHash',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expected, ':citizenIdHash': profile.citizenIdHash },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
  };
}

const PROJECTIONS: Record<DossierFields, string[] | undefined> = {
  summary: [...SUMMARY_FIELDS, 'enterpriseTaxCode', 'filedBy'],
  attachments: ['code', 'ownerSub', 'submittedAt', 'attachments'],
  full: undefined,
};

const indexKey = (item: Record<string, unknown>): OwnerIndexKey => ({
  pk: String(item.pk),
  sk: String(item.sk),
  gsi1pk: String(item.gsi1pk),
  gsi1sk: String(item.gsi1sk),
});

const stripDossier = (item: Record<string, unknown>): DossierRecord => {
  const record = recordOf<DossierRecord>(item);
  // Projections without attachments (summaries) still read as a dossier with none.
  return { ...record, attachments: record.attachments ?? [] };
};

export function accountStore(): AccountPorts {
  const TableName = config().TABLE_NAME;
  return {
    now: () => new Date(),
    dossier: loadDossier,
    timeline: loadTimeline,
    openForm: async (d) => openForm(d, hasSealedForm(d) ? await loadProfileKeys() : undefined),
    ownResults,
    portalUrl: config().PORTAL_URL,
    async indexedDossiers(partition, q) {
      const out = await dynamo().send(
        new QueryCommand({
          TableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :kind)',
          ExpressionAttributeValues: { ':pk': partition, ':kind': 'DOSSIER#' },
          ScanIndexForward: false,
          Limit: q.limit,
          ExclusiveStartKey: q.after,
        }),
      );
      const key = (i: Record<string, unknown>) => ({
        pk: String(i.pk),
        sk: String(i.sk),
        gsi3pk: String(i.gsi3pk),
        gsi3sk: String(i.gsi3sk),
      });
      return {
        items: (out.Items ?? []).map((item) => ({ key: key(item), dossier: stripDossier(item) })),
        ...(out.LastEvaluatedKey ? { lastKey: key(out.LastEvaluatedKey) } : {}),
      };
    },
    async ownDossiers(sub, q) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {
        ':owner': keys.ownerIndex(sub, 'DOSSIER', '').gsi1pk,
        ':kind': 'DOSSIER#',
      };
      const filters: string[] = [];
      if (q.status) {
        names['#status'] = 'status';
        values[':status'] = q.status;
        filters.push('#status = :status');
      }
      if (q.procedureCode) {
        names['#procedureCode'] = 'procedureCode';
        values[':procedureCode'] = q.procedureCode;
        filters.push('#procedureCode = :procedureCode');
      }
      const fields = PROJECTIONS[q.fields];
      if (fields) for (const f of [...fields, 'pk', 'sk', 'gsi1pk', 'gsi1sk']) names[`#${f}`] = f;
      const out = await dynamo().send(
        new QueryCommand({
          TableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :owner AND begins_with(gsi1sk, :kind)',
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(fields
            ? {
                ProjectionExpression: [...fields, 'pk', 'sk', 'gsi1pk', 'gsi1sk']
                  .map((f) => `#${f}`)
                  .join(', '),
              }
            : {}),
          ScanIndexForward: false,
          Limit: q.limit,
          ExclusiveStartKey: q.after,
        }),
      );
      return {
        items: (out.Items ?? []).map((item) => ({ key: indexKey(item), dossier: stripDossier(item) })),
        ...(out.LastEvaluatedKey ? { lastKey: indexKey(out.LastEvaluatedKey) } : {}),
      };
    },
  };
}
