/**
 * Named table access: each list reads its own index, partition and range from the one table
 * definition, pages with an opaque cursor that only its own list takes back, and parses its items.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { encodeCursor } from '../../functions/core/cursor.js';
import { cancellationOf, isCancellation } from '../../functions/core/dynamo-errors.js';
import type { AppError } from '../../functions/core/errors.js';
import { itemParser, parseDossier, present } from '../../functions/core/items.js';
import { queries } from '../../functions/core/queries.js';
import { TABLE } from '../../functions/core/resources.js';
import { INDEX } from '../../functions/core/table.js';
import { parsePayment } from '../../functions/payments/items.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();
const raw = (item: Record<string, unknown>) => item;

describe('index names', () => {
  it('come from the table definition CDK builds the table from, one per role', () => {
    expect(Object.keys(INDEX).sort()).toEqual(['filed', 'owner', 'work']);
    for (const def of TABLE.indexes) expect(INDEX[def.role]).toBe(def);
    expect(new Set(TABLE.indexes.map((i) => i.name)).size).toBe(TABLE.indexes.length);
  });
});

describe('named queries', () => {
  it('reads a person’s own petitions newest first from the owner index, and pages with a cursor', async () => {
    const key = { pk: 'PETITION#P1', sk: 'PETITION', gsi1pk: 'OWNER#sub-1', gsi1sk: 'PETITION#2026' };
    ddb.on(QueryCommand).resolves({ Items: [{ ...key, code: 'P1' }], LastEvaluatedKey: key });
    const page = await queries.byOwner('sub-1', 'PETITION#')({ limit: 5, cursor: undefined }, raw);
    expect(page.items).toEqual([{ ...key, code: 'P1' }]);
    expect(page.nextCursor).toBe(encodeCursor(key));
    const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TableName: 'cong-test',
      IndexName: INDEX.owner.name,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'OWNER#sub-1', ':prefix': 'PETITION#' },
      ScanIndexForward: false,
      Limit: 5,
    });
    expect(input.ExclusiveStartKey).toBeUndefined();

    await queries.byOwner('sub-1', 'PETITION#')({ limit: 5, cursor: page.nextCursor! }, raw);
    expect(ddb.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual(key);
  });

  it('refuses, before asking the table, a cursor of another person’s list or of another kind', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const other = encodeCursor({ pk: 'P', sk: 'P', gsi1pk: 'OWNER#sub-2', gsi1sk: 'PETITION#2026' })!;
    const kind = encodeCursor({ pk: 'S', sk: 'S', gsi1pk: 'OWNER#sub-1', gsi1sk: 'SUPPORT#2026' })!;
    for (const cursor of [other, kind, 'not-a-cursor']) {
      const err = await queries
        .byOwner('sub-1', 'PETITION#')({ limit: 5, cursor }, raw)
        .catch((e: AppError) => e);
      expect((err as AppError).code).toBe('VALIDATION_FAILED');
    }
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('reads the support desk queues oldest first, a province’s on the work index and the national one on the filed index', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const filter = {
      expression: '#status = :status',
      names: { '#status': 'status' },
      values: { ':status': 'open' },
    };
    await queries.supportQueue('01', filter)({ limit: 10, cursor: undefined }, raw);
    await queries.supportAll()({ limit: 10, cursor: undefined }, raw);
    const [province, national] = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(province).toMatchObject({
      IndexName: INDEX.work.name,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': 'SUPPORTQ#01', ':status': 'open' },
      ExpressionAttributeNames: { '#status': 'status' },
      FilterExpression: '#status = :status',
    });
    expect(province!.ScanIndexForward).toBeUndefined();
    expect(national).toMatchObject({
      IndexName: INDEX.filed.name,
      ExpressionAttributeValues: { ':pk': 'SUPPORTALL' },
    });
  });

  it('reads a page of payments waiting on a partner below an instant, ids and the key to resume after', async () => {
    const last = { pk: 'PAYMENT#a', sk: 'PAYMENT', gsi2pk: 'PAYMENTS#pending#2', gsi2sk: 't#a' };
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ paymentId: 'a', ...last }], LastEvaluatedKey: last })
      .resolves({ Items: [{ paymentId: 'b' }] });
    const first = await queries.paymentWork('pending', 2, '2026-12-06T00:00:00.000Z', { limit: 1 });
    expect(first.items.map((i) => i.value)).toEqual(['a']);
    expect(first.lastKey).toEqual(last);
    const second = await queries.paymentWork('pending', 2, '2026-12-06T00:00:00.000Z', {
      limit: 1,
      after: first.lastKey,
    });
    expect(second.items.map((i) => i.value)).toEqual(['b']);
    expect(second.lastKey).toBeUndefined();
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({
      IndexName: INDEX.work.name,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :below',
      ExpressionAttributeValues: { ':pk': 'PAYMENTS#pending#2', ':below': '2026-12-06T00:00:00.000Z' },
      Limit: 1,
    });
    // The id, and the keys a page resumes from.
    expect(calls[0]!.ProjectionExpression).toBe('#paymentId, #pk, #sk, #gsi2pk, #gsi2sk');
    expect(calls[0]!.ExclusiveStartKey).toBeUndefined();
    expect(calls[1]).toMatchObject({ Limit: 1, ExclusiveStartKey: last });
  });

  it('reads one page of a petition deadline shard per query, with the key its next page starts after', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ petitionCode: 'P1' }], LastEvaluatedKey: { pk: 'more' } });
    const due = await queries.petitionsDue(3, '2026-12-06', { limit: 200 }, (i) => i.petitionCode);
    expect(due.items.map((i) => i.value)).toEqual(['P1']);
    expect(due.lastKey).toMatchObject({ pk: 'more' });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      ExpressionAttributeValues: { ':pk': 'PETITIONDUE#3', ':below': '2026-12-06' },
      Limit: 200,
    });
  });

  it('reads published answers from an instant, every page', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ n: 1 }], LastEvaluatedKey: { pk: 'x' } })
      .resolves({ Items: [{ n: 2 }] });
    expect(await queries.published('2026-01', (i) => i.n)).toEqual([1, 2]);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      IndexName: INDEX.owner.name,
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :from',
      ExpressionAttributeValues: { ':pk': 'PETITIONS#PUBLISHED', ':from': '2026-01' },
    });
  });
});

describe('item parsing', () => {
  const stored = {
    pk: 'PAYMENT#pay-1',
    sk: 'PAYMENT',
    gsi2pk: 'PAYMENTS#pending#1',
    gsi2sk: '2026#pay-1',
    kind: 'payment',
    paymentId: 'pay-1',
    order: { kind: 'dossier', code: 'STP-1' },
    amount: 50000,
    currency: 'VND',
    status: 'pending',
    version: 1,
    note: 'kept as stored',
  };

  it('hands back the stored record without its table attributes, every other attribute kept', () => {
    const p = parsePayment(stored);
    expect(p).toEqual({
      paymentId: 'pay-1',
      order: { kind: 'dossier', code: 'STP-1' },
      amount: 50000,
      currency: 'VND',
      status: 'pending',
      version: 1,
      note: 'kept as stored',
    });
  });

  it('refuses an item of the wrong shape as an internal error', () => {
    for (const broken of [
      { ...stored, status: 'lost' },
      { ...stored, version: '1' },
      { ...stored, paymentId: undefined },
    ]) {
      expect(() => parsePayment(broken)).toThrow(expect.objectContaining({ code: 'INTERNAL', status: 500 }));
    }
    expect(() => parseDossier({ pk: 'DOSSIER#X', sk: 'DOSSIER', status: 'submitted' })).toThrow();
  });

  it('checks an attribute marked present only when the item has it', () => {
    const parse = itemParser<{ id: string; at?: string }>('thing', {
      id: z.string(),
      at: present(z.string()),
    });
    expect(parse({ id: 'a' })).toEqual({ id: 'a' });
    expect(() => parse({ id: 'a', at: 5 })).toThrow();
  });
});

describe('transaction cancellation reasons', () => {
  const cancelled = (...codes: (string | undefined)[]) =>
    new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: codes.map((Code) => (Code ? { Code } : {})),
    });

  it('reads each item’s reason by position', () => {
    const c = cancellationOf(cancelled('None', 'ConditionalCheckFailed', undefined, 'TransactionConflict'));
    expect(c.codes).toEqual(['None', 'ConditionalCheckFailed', 'None', 'TransactionConflict']);
    expect([c.failed(0), c.failed(1), c.failed(undefined), c.failed(9)]).toEqual([false, true, false, false]);
    expect([c.failedFrom(1), c.failedFrom(2)]).toEqual([true, false]);
    expect(c.anyFailed()).toBe(true);
    expect(cancellationOf(cancelled('None', 'ThrottlingError')).anyFailed()).toBe(false);
  });

  it('throws on any other error, so a caller decodes only a cancellation', () => {
    const other = Object.assign(new Error('boom'), { name: 'ValidationException' });
    expect(isCancellation(other)).toBe(false);
    expect(() => cancellationOf(other)).toThrow(other);
    expect(isCancellation(cancelled('None'))).toBe(true);
  });
});
