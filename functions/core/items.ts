/**
 * Table items as the domain sees them, parsed by kind. Each kind's schema checks the attributes the
 * domain relies on (identity, state, version, timestamps), typed against the domain's own record, so a
 * model and its schema cannot drift apart silently. The item itself comes back as stored, without its
 * table and index keys: timeline hashes cover every attribute, so nothing may be added or reordered.
 *
 * An item that does not match its kind is a fault in what the portal wrote, never the caller's doing:
 * it is logged (the kind and which attributes failed, never their values) and answered as an internal
 * error, so a broken record is not shown, advanced or paid as if it were whole.
 */
import * as z from 'zod';
import { dossierStatus } from '../../schemas/dossier-status.js';
import type { DossierRecord } from './dossier.js';
import { AppError } from './errors.js';
import { logger } from './logger.js';
import type { TimelineEvent } from './timeline.js';

/** Table and index keys, the item's kind and its expiry: the table's business, not the domain's. */
const TABLE_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'kind',
  'ttl',
]);

/** An item without its table attributes. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!TABLE_ATTRIBUTES.has(k)) rest[k] = v;
  return rest;
}

/**
 * The attributes of `T` a kind's schema checks, each with `T`'s own type. Identity and state are
 * required; the rest are checked when present (`present(...)`), as items written before an attribute
 * existed, and lean records of older releases, lack it.
 */
type Checked<T> = { [K in keyof T]?: z.ZodType<T[K]> | z.ZodOptional<z.ZodType<T[K]>> };

/** An attribute checked only when the item has it. */
export const present = <S extends z.ZodType>(schema: S) => schema.optional();

/** A parser for one kind of item: checks `shape` and hands back the stored record, typed. */
export function itemParser<T>(kind: string, shape: Checked<T>): (item: Record<string, unknown>) => T {
  const parse = valueParser<T>(kind, shape);
  return (item) => parse(withoutKeys(item));
}

/** A parser for a value held inside an item (an order's payment state): as `itemParser`, keys aside. */
export function valueParser<T>(kind: string, shape: Checked<T>): (value: unknown) => T {
  const schema = z.object(shape as z.ZodRawShape);
  return (record) => {
    const checked = schema.safeParse(record);
    if (!checked.success) {
      logger.error('Table item does not match its kind', {
        kind,
        issues: checked.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code })),
      });
      throw new AppError('INTERNAL');
    }
    return record as T;
  };
}

const text = z.string();
const count = z.number().int().nonnegative();

export const parseDossier = itemParser<DossierRecord>('dossier', {
  code: text,
  submissionId: present(text),
  procedureCode: present(text),
  agencyId: present(text),
  ownerSub: present(text),
  status: dossierStatus,
  version: present(count),
  lastSeq: present(count),
  lastHash: present(text),
  submittedAt: present(text),
  updatedAt: present(text),
  dueAt: present(text),
});

export const parseTimelineEvent = itemParser<TimelineEvent>('event', {
  seq: count,
  at: present(text),
  status: dossierStatus,
  prevHash: present(text),
  hash: text,
});

/**
 * A dossier read through a projection (a list's summary, its attachments): only the fields asked for,
 * its code among them; the list reads no other.
 */
export const parseDossierFields = itemParser<DossierRecord>('dossier', {
  code: text,
  status: present(dossierStatus),
  version: present(count),
});
