/**
 * The account ports over the single table: profiles with the claims of their citizen IDs, and the owner
 * index of dossiers (gsi1).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { pause } from '../core/backoff.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { type DossierRecord, SUMMARY_FIELDS } from '../core/dossier.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { cancellationOf } from '../core/dynamo-errors.js';
import { AppError } from '../core/errors.js';
import { parseDossier, parseDossierFields } from '../core/items.js';
import { keys } from '../core/keys.js';
import { queries } from '../core/queries.js';
import { cursorAttributes, FilterBuilder } from '../core/table.js';
import { ownResults } from '../documents/result-store.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import { hasSealedForm, openForm } from '../pii/sealed-form.js';
import type { AccountPorts, DossierFields, IndexItemKey, OwnerIndexKey } from './account.js';
import type { ProfilePorts, StoredProfile } from './profile.js';

const stripProfile = (item: Record<string, unknown>): StoredProfile => {
  // Profiles saved before citizen IDs were bound also carry a gsi2 entry: not part of the profile.
  const { pk: _pk, sk: _sk, gsi2pk: _a, gsi2sk: _b, kind: _k, ...rest } = item;
  return rest as unknown as StoredProfile;
};

/** Transactions cancelled by a concurrent one on the same items are tried again, a few times. */
const CONFLICT_ATTEMPTS = 4;

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
          const [own, id] = cancellationOf(err).codes;
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

/** Full reads are whole dossiers; projections (summaries, attachments) carry only their fields. */
const dossierOf =
  (fields: DossierFields) =>
  (item: Record<string, unknown>): DossierRecord => {
    const record = PROJECTIONS[fields] ? parseDossierFields(item) : parseDossier(item);
    // Projections without attachments (summaries) still read as a dossier with none.
    return { ...record, attachments: record.attachments ?? [] };
  };

/** `portalUrl`: the portal's public address (core/portal-url.ts), for verification links of results held. */
export function accountStore(portalUrl?: string): AccountPorts {
  return {
    now: () => new Date(),
    dossier: loadDossier,
    timeline: loadTimeline,
    openForm: async (d) => openForm(d, hasSealedForm(d) ? await loadProfileKeys() : undefined),
    ownResults,
    ...(portalUrl ? { portalUrl } : {}),
    async indexedDossiers(partition, q) {
      const page = await queries.filedDossiers<IndexItemKey, DossierRecord>(partition, q, dossierOf('full'));
      return {
        items: page.items.map(({ key, value }) => ({ key, dossier: value })),
        ...(page.lastKey ? { lastKey: page.lastKey } : {}),
      };
    },
    async ownDossiers(sub, q) {
      const filter = new FilterBuilder()
        .equals('status', q.status)
        .equals('procedureCode', q.procedureCode)
        .build();
      const fields = PROJECTIONS[q.fields];
      const page = await queries.ownDossiers<OwnerIndexKey, DossierRecord>(
        sub,
        {
          limit: q.limit,
          after: q.after,
          ...(filter ? { filter } : {}),
          ...(fields ? { attributes: [...fields, ...cursorAttributes('owner')] } : {}),
        },
        dossierOf(q.fields),
      );
      return {
        items: page.items.map(({ key, value }) => ({ key, dossier: value })),
        ...(page.lastKey ? { lastKey: page.lastKey } : {}),
      };
    },
  };
}
