/**
 * The table layer: index names from the one table definition (resources.ts, which CDK and the local
 * cloud also build the table from), and the query shapes every named query is made of. Stores ask for
 * a named query (queries.ts) instead of writing a QueryCommand with an index name of their own.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './clients.js';
import { config } from './config.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { TABLE } from './resources.js';

type IndexDefinition = (typeof TABLE.indexes)[number];
export type IndexRole = IndexDefinition['role'];

/** Each secondary index by what it is for: `INDEX.owner.name`, `INDEX.work.partitionKey`… */
export const INDEX = Object.fromEntries(TABLE.indexes.map((i) => [i.role, i])) as {
  [R in IndexRole]: Extract<IndexDefinition, { role: R }>;
};

/** One page of a list and the opaque cursor of the next (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A condition on items beyond the key: applied after the read, so a page may hold fewer than asked. */
export interface Filter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * A filter from the conditions a list request asks for, all of which must hold: `equals` when a value was
 * given (an attribute and the value it must hold), `where` for any other condition and its values. Built
 * to nothing when no condition applies.
 */
export class FilterBuilder {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly parts: string[] = [];

  equals(attribute: string, value: unknown): this {
    if (value === undefined) return this;
    this.names[`#${attribute}`] = attribute;
    this.values[`:${attribute}`] = value;
    this.parts.push(`#${attribute} = :${attribute}`);
    return this;
  }

  where(condition: string, values: Record<string, unknown> = {}): this {
    Object.assign(this.values, values);
    this.parts.push(condition);
    return this;
  }

  build(): Filter | undefined {
    return this.parts.length
      ? { expression: this.parts.join(' AND '), names: this.names, values: this.values }
      : undefined;
  }
}

/** Which sort keys of the partition a query reads. */
export type Range =
  | { prefix: string }
  | { below: string }
  | { from: string }
  | { between: readonly [string, string] }
  | Record<string, never>;

export interface IndexQuery {
  index: IndexRole;
  partition: string;
  range?: Range;
  filter?: Filter;
  /** Only these attributes (each read through a name placeholder). */
  attributes?: readonly string[];
  newestFirst?: boolean;
}

function keyCondition(q: IndexQuery): Pick<QueryCommandInput, 'KeyConditionExpression'> & {
  values: Record<string, unknown>;
} {
  const { partitionKey: pk, sortKey: sk } = INDEX[q.index];
  const r = q.range ?? {};
  const values: Record<string, unknown> = { ':pk': q.partition };
  let condition = `${pk} = :pk`;
  if ('prefix' in r && r.prefix) {
    condition += ` AND begins_with(${sk}, :prefix)`;
    values[':prefix'] = r.prefix;
  } else if ('below' in r) {
    condition += ` AND ${sk} < :below`;
    values[':below'] = r.below;
  } else if ('from' in r && r.from) {
    condition += ` AND ${sk} >= :from`;
    values[':from'] = r.from;
  } else if ('between' in r) {
    condition += ` AND ${sk} BETWEEN :from AND :to`;
    values[':from'] = r.between[0];
    values[':to'] = r.between[1];
  }
  return { KeyConditionExpression: condition, values };
}

function queryInput(q: IndexQuery, limit?: number, start?: Record<string, unknown>): QueryCommandInput {
  const { KeyConditionExpression, values } = keyCondition(q);
  const names: Record<string, string> = { ...(q.filter?.names ?? {}) };
  for (const a of q.attributes ?? []) names[`#${a}`] = a;
  return {
    TableName: config().TABLE_NAME,
    IndexName: INDEX[q.index].name,
    KeyConditionExpression,
    ExpressionAttributeValues: { ...values, ...(q.filter?.values ?? {}) },
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
    ...(q.attributes ? { ProjectionExpression: q.attributes.map((a) => `#${a}`).join(', ') } : {}),
    ...(q.newestFirst ? { ScanIndexForward: false } : {}),
    ...(limit !== undefined ? { Limit: limit } : {}),
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
}

/** The key attributes a cursor of this index carries: the table key and the index key. */
export const cursorAttributes = (index: IndexRole) => [
  TABLE.partitionKey,
  TABLE.sortKey,
  INDEX[index].partitionKey,
  INDEX[index].sortKey,
];

/**
 * One page of an index partition with an opaque cursor. The cursor is refused (400) unless it is a key
 * of this very partition and range, before the table is asked.
 */
export async function queryPage<T>(
  q: IndexQuery & { limit: number; cursor: string | undefined; parse: (item: Record<string, unknown>) => T },
): Promise<Page<T>> {
  const { partitionKey, sortKey } = INDEX[q.index];
  const prefix = q.range && 'prefix' in q.range && q.range.prefix ? q.range.prefix : undefined;
  const start = decodeCursor(
    q.cursor,
    cursorAttributes(q.index),
    { [partitionKey]: q.partition },
    prefix ? { [sortKey]: prefix } : {},
  );
  const out = await dynamo().send(new QueryCommand(queryInput(q, q.limit, start)));
  return { items: (out.Items ?? []).map(q.parse), nextCursor: encodeCursor(out.LastEvaluatedKey) };
}

/**
 * One page of an index partition keyed by its last evaluated key (for lists that merge several
 * partitions and keep their own cursor).
 */
export async function queryKeyed<K extends object, T>(
  q: IndexQuery & { limit: number; after?: K | undefined; parse: (item: Record<string, unknown>) => T },
): Promise<{ items: { key: K; value: T }[]; lastKey?: K }> {
  const attrs = cursorAttributes(q.index);
  const keyOf = (i: Record<string, unknown>) => Object.fromEntries(attrs.map((a) => [a, String(i[a])])) as K;
  // A key the list handed out itself (its last evaluated key), never one from a request as such.
  const start = q.after as Record<string, unknown> | undefined;
  const out = await dynamo().send(new QueryCommand(queryInput(q, q.limit, start)));
  return {
    items: (out.Items ?? []).map((i) => ({ key: keyOf(i), value: q.parse(i) })),
    ...(out.LastEvaluatedKey ? { lastKey: keyOf(out.LastEvaluatedKey) } : {}),
  };
}

/** Every item of a range of an index partition, following the table's pages (small partitions only). */
export async function queryAll<T>(
  q: IndexQuery & { parse: (item: Record<string, unknown>) => T },
): Promise<T[]> {
  const found: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand(queryInput(q, undefined, start)));
    for (const i of out.Items ?? []) found.push(q.parse(i));
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
}

/**
 * Up to `limit` items of a range, following the table's pages until it has them (`onePage`: one read
 * only, for scheduled runs that take the rest on their next round).
 */
export async function queryUpTo<T>(
  q: IndexQuery & { limit: number; onePage?: boolean; parse: (item: Record<string, unknown>) => T },
): Promise<T[]> {
  const found: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand(queryInput(q, q.limit - found.length, start)));
    for (const i of out.Items ?? []) found.push(q.parse(i));
    start = out.LastEvaluatedKey;
  } while (start && found.length < q.limit && !q.onePage);
  return found;
}
