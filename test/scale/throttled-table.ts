/**
 * An in-process DynamoDB table that charges capacity per partition key and throttles like the service.
 *
 * Expressions (condition, update, projection, key condition, filter) and item sizes are dynalite's own
 * (pinned devDependency): its parsers and per-item actions run against an in-memory map here, so
 * `attribute_not_exists`, `ADD`, `if_not_exists`, nested paths… behave as DynamoDB specifies without a
 * hand-written evaluator. The GSIs (ALL projection) are kept here, because the capacity they consume is
 * what this table exists to measure.
 *
 * Limits (DynamoDB developer guide, "Service quotas" and "Burst and adaptive capacity"): at most 1,000
 * write units and 3,000 read units per second per partition — of the table and of each GSI. The limit
 * is applied per partition key value, which is the hard ceiling DynamoDB cannot split below (a single
 * partition key's items live in one partition unless its sort keys are split, which adaptive capacity
 * is not assumed to do). Writes cost 1 unit per started KB of the larger of old and new item, reads 1
 * unit per started 4 KB (half for eventually consistent reads), transactions twice that. A GSI write
 * costs a unit per started KB of the projected item for each index entry added, changed or removed (a
 * key change is a delete plus a put). Throttled requests consume nothing.
 */
import { createRequire } from 'node:module';
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { convertToAttr, marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { TABLE } from '../../functions/core/resources.js';

const require = createRequire(import.meta.url);
// dynalite ships CommonJS without types; these are its expression parsers, item actions and size rules.
const ddb = require('dynalite/db/index.js');
const validations = require('dynalite/validations/index.js');
const putItemAction = require('dynalite/actions/putItem.js');
const updateItemAction = require('dynalite/actions/updateItem.js');
const deleteItemAction = require('dynalite/actions/deleteItem.js');

type AV = Record<string, unknown>;
type Item = Record<string, AV>;
type Doc = Record<string, unknown>;

export const LIMITS = {
  writeUnitsPerPartition: 1000,
  readUnitsPerPartition: 3000,
} as const;

/** What one partition key of the table or of an index consumed, per virtual second. */
export interface PartitionLoad {
  /** `table` or the index name. */
  index: string;
  key: string;
  wcu: Map<number, number>;
  rcu: Map<number, number>;
  writeThrottles: number;
  readThrottles: number;
}

export interface Clock {
  /** Virtual milliseconds of the request being served. */
  now(): number;
}

const KEY_ATTRS = [TABLE.partitionKey, TABLE.sortKey];
const INDEXES = TABLE.indexes.map((i) => ({ name: i.name, pk: i.partitionKey, sk: i.sortKey }));
/** The table itself, partitioned like its indexes, so a query reads one partition. */
const PARTITIONED = [{ name: 'table', pk: TABLE.partitionKey, sk: TABLE.sortKey }, ...INDEXES];

/** dynalite's view of the table, without indexes: those are kept (and charged) here. */
const TABLE_DEF = {
  TableName: 'scale',
  AttributeDefinitions: KEY_ATTRS.map((a) => ({ AttributeName: a, AttributeType: 'S' })),
  KeySchema: [
    { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
  ],
};

const str = (v: AV | undefined) => (v && typeof v.S === 'string' ? v.S : undefined);
/** dynalite's own key of an item, so this map and its actions agree. */
const itemKey = (item: Item): string => ddb.createKey(item, TABLE_DEF);
const sizeOf = (item: Item | undefined): number => (item ? ddb.itemSize(item) : 0);
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

class Throttled extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function validationError(message: string): Error {
  const err = new Error(message);
  err.name = 'ValidationException';
  return err;
}

/** Runs one of dynalite's callback actions (synchronous over the in-memory map) and returns its answer. */
function runAction(
  action: (store: unknown, data: Doc, cb: (err: unknown, out: Doc) => void) => void,
  store: unknown,
  data: Doc,
) {
  let result: { err: unknown; out: Doc } | undefined;
  action(store, data, (err, out) => {
    result = { err, out };
  });
  if (!result) throw new Error('the in-memory action did not complete synchronously');
  if (result.err) {
    const body = (result.err as { body?: { __type?: string; message?: string } }).body;
    if (body?.__type?.endsWith('ConditionalCheckFailedException')) throw new ConditionFailed();
    throw validationError(body?.message ?? String(result.err));
  }
  return result.out;
}

class ConditionFailed extends Error {}

function parseExpressions(data: Doc) {
  const msg = validations.validateExpressions(data);
  if (msg) throw validationError(msg);
}

export class ThrottledTable {
  readonly items = new Map<string, Item>();
  /** index name → partition key → sort-ordered entries (table key → item). */
  private readonly indexes = new Map<string, Map<string, Map<string, Item>>>();
  readonly loads = new Map<string, PartitionLoad>();
  /** Every write in commit order, as a stream with NEW_IMAGE view would carry it. */
  readonly stream: { eventName: 'INSERT' | 'MODIFY' | 'REMOVE'; keys: Item; newImage?: Item }[] = [];
  recordStream = true;
  calls = new Map<string, number>();
  private readonly store: unknown;

  constructor(
    private readonly clock: Clock,
    readonly limits: { write: number; read: number } = {
      write: LIMITS.writeUnitsPerPartition,
      read: LIMITS.readUnitsPerPartition,
    },
    /**
     * The table's own write quota, units per second over all its partitions (an on-demand table's
     * default is 40,000; none: not enforced). Its indexes are not counted against it.
     */
    readonly tableWriteQuota?: number,
  ) {
    for (const i of PARTITIONED) this.indexes.set(i.name, new Map());
    const items = this.items;
    const itemDb = {
      lock: (_key: string, fn: (release: (cb: unknown) => unknown) => void) => fn((cb) => cb),
      get: (key: string, cb: (err: unknown, item?: Item) => void) => {
        const item = items.get(key);
        if (item) cb(null, item);
        else cb(Object.assign(new Error('not found'), { name: 'NotFoundError' }));
      },
      put: (key: string, item: Item, cb: (err: unknown) => void) => {
        items.set(key, item);
        cb(null);
      },
      del: (key: string, cb: (err: unknown) => void) => {
        items.delete(key);
        cb(null);
      },
    };
    this.store = {
      options: { maxItemSize: 400 * 1024 },
      getTable: (_name: string, cb: (err: unknown, t: unknown) => void) => cb(null, TABLE_DEF),
      getItemDb: () => itemDb,
    };
  }

  private load(index: string, key: string): PartitionLoad {
    const id = `${index}\u0000${key}`;
    let l = this.loads.get(id);
    if (!l) {
      l = { index, key, wcu: new Map(), rcu: new Map(), writeThrottles: 0, readThrottles: 0 };
      this.loads.set(id, l);
    }
    return l;
  }

  private second() {
    return Math.floor(this.clock.now() / 1000);
  }

  /** Write units the table took per virtual second (all partitions), and writes refused over its quota. */
  readonly tableWrites = new Map<number, number>();
  tableQuotaThrottles = 0;

  /** Charges all or nothing: any partition over its limit throttles the whole request. */
  private charge(charges: { index: string; key: string; units: number; kind: 'w' | 'r' }[]) {
    const s = this.second();
    const sums = new Map<string, { index: string; key: string; units: number; kind: 'w' | 'r' }>();
    for (const c of charges) {
      const id = `${c.kind}\u0000${c.index}\u0000${c.key}`;
      const prior = sums.get(id);
      if (prior) prior.units += c.units;
      else sums.set(id, { ...c });
    }
    let over: { index: string; kind: 'w' | 'r' } | undefined;
    for (const c of sums.values()) {
      const l = this.load(c.index, c.key);
      const used = (c.kind === 'w' ? l.wcu : l.rcu).get(s) ?? 0;
      const limit = c.kind === 'w' ? this.limits.write : this.limits.read;
      if (used + c.units > limit) {
        if (c.kind === 'w') l.writeThrottles++;
        else l.readThrottles++;
        over ??= c;
      }
    }
    if (over) {
      const what = over.index === 'table' ? 'Table' : 'Index';
      throw new Throttled(`${what}${over.kind === 'w' ? 'Write' : 'Read'}KeyRangeThroughputExceeded`);
    }
    const tableUnits = charges.reduce((n, c) => n + (c.kind === 'w' && c.index === 'table' ? c.units : 0), 0);
    const tableUsed = this.tableWrites.get(s) ?? 0;
    if (this.tableWriteQuota !== undefined && tableUnits && tableUsed + tableUnits > this.tableWriteQuota) {
      this.tableQuotaThrottles++;
      throw new Throttled('TableWriteAccountLimitExceeded');
    }
    if (tableUnits) this.tableWrites.set(s, tableUsed + tableUnits);
    for (const c of sums.values()) {
      const l = this.load(c.index, c.key);
      const m = c.kind === 'w' ? l.wcu : l.rcu;
      m.set(s, (m.get(s) ?? 0) + c.units);
    }
  }

  /** Write charges of replacing `before` by `after` (either may be absent), on the table and every GSI. */
  private writeCharges(before: Item | undefined, after: Item | undefined, factor: number) {
    const anyItem = (after ?? before)!;
    const size = Math.max(sizeOf(before), sizeOf(after));
    const charges = [
      {
        index: 'table',
        key: str(anyItem[TABLE.partitionKey])!,
        units: writeUnits(size) * factor,
        kind: 'w' as const,
      },
    ];
    for (const i of INDEXES) {
      const oldKey = before ? str(before[i.pk]) : undefined;
      const newKey = after ? str(after[i.pk]) : undefined;
      const oldSk = before ? str(before[i.sk]) : undefined;
      const newSk = after ? str(after[i.sk]) : undefined;
      if (oldKey && !(newKey === oldKey && newSk === oldSk))
        charges.push({ index: i.name, key: oldKey, units: writeUnits(sizeOf(before)) * factor, kind: 'w' });
      if (newKey) {
        // An unchanged item rewritten with the same index keys still updates the index entry.
        charges.push({ index: i.name, key: newKey, units: writeUnits(sizeOf(after)) * factor, kind: 'w' });
      }
    }
    return charges;
  }

  private reindex(before: Item | undefined, after: Item | undefined) {
    for (const i of PARTITIONED) {
      const parts = this.indexes.get(i.name)!;
      const oldKey = before ? str(before[i.pk]) : undefined;
      if (oldKey && before && str(before[i.sk]) !== undefined) parts.get(oldKey)?.delete(itemKey(before));
      const newKey = after ? str(after[i.pk]) : undefined;
      if (newKey && after && str(after[i.sk]) !== undefined) {
        let p = parts.get(newKey);
        if (!p) {
          p = new Map();
          parts.set(newKey, p);
        }
        p.set(itemKey(after), after);
      }
    }
  }

  private recordWrite(before: Item | undefined, after: Item | undefined) {
    // Deleting an item that is not there (a draft never saved) changes nothing and streams nothing.
    if (!before && !after) return;
    this.reindex(before, after);
    if (!this.recordStream) return;
    const any = (after ?? before)!;
    const keys = { [TABLE.partitionKey]: any[TABLE.partitionKey]!, [TABLE.sortKey]: any[TABLE.sortKey]! };
    this.stream.push(
      after
        ? { eventName: before ? 'MODIFY' : 'INSERT', keys, newImage: after }
        : { eventName: 'REMOVE', keys },
    );
  }

  private count(op: string) {
    this.calls.set(op, (this.calls.get(op) ?? 0) + 1);
  }

  // -------------------------------------------------------------------------------------------------
  // Single-item operations (document-client inputs, native JS values).

  private wire(input: Doc): Doc {
    const data: Doc = { ...input };
    for (const k of ['Item', 'Key', 'ExpressionAttributeValues'] as const) {
      if (input[k])
        data[k] = marshall(input[k] as Doc, { removeUndefinedValues: true, convertClassInstanceToMap: true });
    }
    parseExpressions(data);
    return data;
  }

  /** Applies one write to the map and returns the old and new item, or throws ConditionFailed. */
  private applyWrite(op: 'Put' | 'Update' | 'Delete', data: Doc): { before?: Item; after?: Item; out: Doc } {
    const keyItem = (op === 'Put' ? data.Item : data.Key) as Item;
    const id = itemKey(keyItem);
    const before = this.items.get(id);
    const action = op === 'Put' ? putItemAction : op === 'Update' ? updateItemAction : deleteItemAction;
    const out = runAction(action, this.store, data);
    return { before, after: this.items.get(id), out };
  }

  private undo(id: string, before: Item | undefined) {
    if (before) this.items.set(id, before);
    else this.items.delete(id);
  }

  write(op: 'Put' | 'Update' | 'Delete', input: Doc): Doc {
    this.count(`${op}Item`);
    const data = this.wire(input);
    const keyItem = (op === 'Put' ? data.Item : data.Key) as Item;
    const id = itemKey(keyItem);
    let r: ReturnType<ThrottledTable['applyWrite']>;
    try {
      r = this.applyWrite(op, data);
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      // A failed condition still costs the write units of the item it read.
      const existing = this.items.get(id);
      this.chargeOrThrow([
        {
          index: 'table',
          key: str(keyItem[TABLE.partitionKey])!,
          units: writeUnits(sizeOf(existing)),
          kind: 'w',
        },
      ]);
      const old = this.items.get(id);
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        ...(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old ? { Item: old as never } : {}),
      });
    }
    if (r.before === undefined && r.after === undefined) return {};
    try {
      this.charge(this.writeCharges(r.before, r.after, 1));
    } catch (err) {
      this.undo(id, r.before);
      throw this.asServiceError(err);
    }
    this.recordWrite(r.before, r.after);
    return r.out.Attributes ? { Attributes: unmarshall(r.out.Attributes as never) } : {};
  }

  private chargeOrThrow(charges: Parameters<ThrottledTable['charge']>[0]) {
    try {
      this.charge(charges);
    } catch (err) {
      throw this.asServiceError(err);
    }
  }

  private asServiceError(err: unknown) {
    if (!(err instanceof Throttled)) return err;
    return Object.assign(
      new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded.',
        $metadata: { httpStatusCode: 400 },
      }),
      { ThrottlingReasons: [{ reason: err.reason }] },
    );
  }

  get(input: Doc): Doc {
    this.count('GetItem');
    const data = this.wire(input);
    const key = data.Key as Item;
    const item = this.items.get(itemKey(key));
    this.chargeOrThrow([
      {
        index: 'table',
        key: str(key[TABLE.partitionKey])!,
        units: readUnits(sizeOf(item), input.ConsistentRead === true),
        kind: 'r',
      },
    ]);
    if (!item) return {};
    const paths = (data._projection as { paths?: unknown } | undefined)?.paths;
    return { Item: unmarshall((paths ? ddb.mapPaths(paths, item) : item) as never) };
  }

  batchGet(input: Doc): Doc {
    this.count('BatchGetItem');
    const requests = input.RequestItems as Record<string, Doc>;
    const Responses: Record<string, Doc[]> = {};
    const UnprocessedKeys: Record<string, Doc> = {};
    for (const [table, req] of Object.entries(requests)) {
      const { Keys, ...rest } = req as { Keys: Doc[] };
      for (const Key of Keys) {
        try {
          const out = this.get({ TableName: table, Key, ...rest });
          if (out.Item) {
            Responses[table] ??= [];
            Responses[table].push(out.Item as Doc);
          }
        } catch (err) {
          if (!(err instanceof ProvisionedThroughputExceededException)) throw err;
          UnprocessedKeys[table] ??= { ...rest, Keys: [] };
          const u = UnprocessedKeys[table] as { Keys: Doc[] };
          u.Keys.push(Key);
        }
      }
    }
    return { Responses, UnprocessedKeys };
  }

  query(input: Doc): Doc {
    this.count('Query');
    const data = this.wire(input);
    const conds = validations.convertKeyCondition(
      (data._keyCondition as { expression: unknown } | undefined)?.expression,
    );
    if (typeof conds === 'string') throw validationError(conds);
    const indexName = input.IndexName as string | undefined;
    const def = indexName
      ? INDEXES.find((i) => i.name === indexName)
      : { name: 'table', pk: KEY_ATTRS[0]!, sk: KEY_ATTRS[1]! };
    if (!def) throw validationError(`no index ${indexName}`);
    const pkCond = conds[def.pk] as { AttributeValueList: AV[] } | undefined;
    const pk = str(pkCond?.AttributeValueList[0]);
    if (!pk) throw validationError('the key condition must name the partition key');
    const skCond = conds[def.sk] as { ComparisonOperator: string; AttributeValueList: AV[] } | undefined;
    const source = [...(this.indexes.get(def.name)!.get(pk)?.values() ?? [])];
    const sortKey = (i: Item) => `${str(i[def.sk]) ?? ''}\u0000${itemKey(i)}`;
    let rows = source
      .filter((i) => !skCond || ddb.compare(skCond.ComparisonOperator, i[def.sk], skCond.AttributeValueList))
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    if (input.ScanIndexForward === false) rows.reverse();
    const start = data.ExclusiveStartKey
      ? (marshall(input.ExclusiveStartKey as Doc) as unknown as Item)
      : undefined;
    if (start) {
      const at = rows.findIndex(
        (i) => sortKey(i) === sortKey(start as Item) || itemKey(i) === itemKey(start),
      );
      rows = at < 0 ? rows : rows.slice(at + 1);
    }
    const limit = typeof input.Limit === 'number' ? input.Limit : Number.POSITIVE_INFINITY;
    const evaluated: Item[] = [];
    let bytes = 0;
    for (const i of rows) {
      // A query reads up to 1 MB per page.
      if (evaluated.length >= limit || bytes >= 1024 * 1024) break;
      evaluated.push(i);
      bytes += sizeOf(i);
    }
    this.chargeOrThrow([
      {
        index: indexName ?? 'table',
        key: pk,
        units: readUnits(bytes, input.ConsistentRead === true),
        kind: 'r',
      },
    ]);
    const filter = data._filter as { expression: unknown } | undefined;
    const kept = filter ? evaluated.filter((i) => ddb.matchesExprFilter(i, filter.expression)) : evaluated;
    const paths = (data._projection as { paths?: unknown } | undefined)?.paths;
    const last = evaluated.length < rows.length ? evaluated[evaluated.length - 1] : undefined;
    const lastKey = last
      ? Object.fromEntries(
          [...new Set([...KEY_ATTRS, def.pk, def.sk])].filter((a) => last[a]).map((a) => [a, last[a]]),
        )
      : undefined;
    return {
      Items: kept.map((i) => unmarshall((paths ? ddb.mapPaths(paths, i) : i) as never)),
      Count: kept.length,
      ScannedCount: evaluated.length,
      ...(lastKey ? { LastEvaluatedKey: unmarshall(lastKey as never) } : {}),
    };
  }

  /**
   * All or nothing: every condition is checked before anything is written; a failed one cancels the
   * transaction with per-item reasons, and so does a partition over its limit (reason ThrottlingError).
   */
  transactWrite(input: Doc): Doc {
    this.count('TransactWriteItems');
    const ops = (input.TransactItems as Doc[]).map((t) => {
      const [op, body] = Object.entries(t)[0] as [string, Doc];
      return { op, data: this.wire(body) };
    });
    const reasons = ops.map(() => ({ Code: 'None' }) as { Code: string; Message?: string });
    let failed = false;
    for (const [n, { op, data }] of ops.entries()) {
      const key = (op === 'Put' ? data.Item : data.Key) as Item;
      const existing = this.items.get(itemKey(key));
      if (ddb.checkConditional(data, existing) != null) {
        reasons[n] = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
        failed = true;
      }
    }
    if (failed) throw this.cancelled(reasons);
    const applied: { id: string; before?: Item; after?: Item }[] = [];
    const charges: Parameters<ThrottledTable['charge']>[0] = [];
    for (const { op, data } of ops) {
      const key = (op === 'Put' ? data.Item : data.Key) as Item;
      const id = itemKey(key);
      if (op === 'ConditionCheck') {
        const existing = this.items.get(id);
        charges.push({
          index: 'table',
          key: str(key[TABLE.partitionKey])!,
          units: readUnits(sizeOf(existing), true) * 2,
          kind: 'r',
        });
        continue;
      }
      const r = this.applyWrite(op as 'Put' | 'Update' | 'Delete', data);
      applied.push({ id, before: r.before, after: r.after });
      if (r.before || r.after) charges.push(...this.writeCharges(r.before, r.after, 2));
    }
    try {
      this.charge(charges);
    } catch (err) {
      for (const a of applied.reverse()) this.undo(a.id, a.before);
      if (!(err instanceof Throttled)) throw err;
      throw this.cancelled(
        ops.map(() => ({
          Code: 'ThrottlingError',
          Message: `Throughput exceeds the current capacity of your table or index (${err.reason})`,
        })),
      );
    }
    for (const a of applied) this.recordWrite(a.before, a.after);
    return {};
  }

  private cancelled(reasons: { Code: string; Message?: string }[]) {
    return new TransactionCanceledException({
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      $metadata: { httpStatusCode: 400 },
      CancellationReasons: reasons,
    });
  }

  batchWrite(input: Doc): Doc {
    this.count('BatchWriteItem');
    const UnprocessedItems: Record<string, Doc[]> = {};
    for (const [TableName, reqs] of Object.entries(input.RequestItems as Record<string, Doc[]>)) {
      for (const r of reqs) {
        try {
          if (r.PutRequest) this.write('Put', { TableName, ...(r.PutRequest as Doc) });
          else this.write('Delete', { TableName, ...(r.DeleteRequest as Doc) });
        } catch (err) {
          if (!(err instanceof ProvisionedThroughputExceededException)) throw err;
          UnprocessedItems[TableName] ??= [];
          UnprocessedItems[TableName].push(r);
        }
      }
    }
    return { UnprocessedItems };
  }

  /** Seeds an item without charging capacity (data that exists before the measured peak). */
  seed(item: Doc) {
    const m = marshall(item, { removeUndefinedValues: true }) as unknown as Item;
    const before = this.items.get(itemKey(m));
    this.items.set(itemKey(m), m);
    this.reindex(before, m);
  }
}

export { convertToAttr };
