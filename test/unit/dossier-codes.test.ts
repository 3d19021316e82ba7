import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { blockAllocator, CODE_BLOCK_SIZE, formatCode } from '../../functions/core/dossier-codes.js';

const TABLE = 'cong-test';
const ddbMock = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-southeast-1' }));

/** A stand-in for the counter items: `ADD #last :block` on the item named by the key. */
let counters: Map<string, number>;

beforeEach(() => {
  ddbMock.reset();
  counters = new Map();
  ddbMock.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
    // Let other callers run before the "network" answers, as a real round trip would.
    await new Promise((r) => setTimeout(r, 5));
    const key = `${input.Key?.pk}|${input.Key?.sk}`;
    const block = Number(input.ExpressionAttributeValues?.[':block']);
    const last = (counters.get(key) ?? 0) + block;
    counters.set(key, last);
    return { Attributes: { last } };
  });
});
afterAll(() => ddbMock.restore());

const reservations = () => ddbMock.commandCalls(UpdateCommand).map((c) => c.args[0].input);
const numberOf = (code: string) => Number(code.split('-').at(-1));

// 2026-03-09T03:00Z is 10:00 on Monday 9 March in Vietnam.
const MORNING = new Date('2026-03-09T03:00:00Z');

describe('formatCode', () => {
  it('builds <agency>-YYMMDD-NNNN, padding the number to four digits', () => {
    expect(formatCode('H01', '2026-03-09', 1)).toBe('H01-260309-0001');
    expect(formatCode('H01', '2026-03-09', 42)).toBe('H01-260309-0042');
    expect(formatCode('000.00.04.H29', '2026-12-31', 9999)).toBe('000.00.04.H29-261231-9999');
  });

  it('widens past 9999 instead of wrapping or truncating', () => {
    expect(formatCode('H01', '2026-03-09', 10000)).toBe('H01-260309-10000');
    expect(formatCode('H01', '2026-03-09', 12345)).toBe('H01-260309-12345');
  });
});

describe('blockAllocator', () => {
  it('the default block is 20 numbers', () => {
    expect(CODE_BLOCK_SIZE).toBe(20);
  });

  it('reserves once per block and hands out increasing, consecutive numbers', async () => {
    const alloc = blockAllocator(db, TABLE);
    const codes: string[] = [];
    for (let i = 0; i < 45; i++) codes.push(await alloc.next('H01', MORNING));

    expect(codes[0]).toBe('H01-260309-0001');
    expect(codes[44]).toBe('H01-260309-0045');
    expect(codes.map(numberOf)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(new Set(codes).size).toBe(45);
    expect(reservations()).toHaveLength(3);
  });

  it('sends one atomic ADD of the block size on the per-agency per-day counter', async () => {
    const alloc = blockAllocator(db, TABLE);
    await alloc.next('H01', MORNING);
    const [input] = reservations();
    expect(input).toMatchObject({
      TableName: TABLE,
      Key: { pk: 'SEQ#H01#2026-03-09', sk: 'SEQ' },
      ReturnValues: 'UPDATED_NEW',
    });
    expect(input!.UpdateExpression).toMatch(/\bADD #last :block\b/);
    expect(input!.ExpressionAttributeNames?.['#last']).toBe('last');
    expect(input!.ExpressionAttributeValues?.[':block']).toBe(CODE_BLOCK_SIZE);
    // The counter expires a few days after its day.
    const ttl = Number(input!.ExpressionAttributeValues?.[':ttl']);
    const now = Math.floor(Date.now() / 1000);
    expect(ttl).toBeGreaterThan(now + 2 * 86_400);
    expect(ttl).toBeLessThanOrEqual(now + 3 * 86_400 + 5);
  });

  it('50 concurrent calls in one instance share reservations: 50 unique codes, 3 reservations', async () => {
    const alloc = blockAllocator(db, TABLE);
    const codes = await Promise.all(Array.from({ length: 50 }, () => alloc.next('H01', MORNING)));

    expect(new Set(codes).size).toBe(50);
    expect(codes.map(numberOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const inputs = reservations();
    expect(inputs).toHaveLength(Math.ceil(50 / CODE_BLOCK_SIZE));
    for (const input of inputs) {
      expect(input.Key).toEqual({ pk: 'SEQ#H01#2026-03-09', sk: 'SEQ' });
      expect(input.UpdateExpression).toContain('ADD #last :block');
      expect(input.ExpressionAttributeValues?.[':block']).toBe(20);
    }
  });

  it('two instances sharing the counter never hand out the same code', async () => {
    const a = blockAllocator(db, TABLE);
    const b = blockAllocator(db, TABLE);
    const codes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).next('H01', MORNING)),
    );
    expect(new Set(codes).size).toBe(60);
    // Each instance's own codes increase in the order it handed them out.
    const fromA = codes.filter((_, i) => i % 2 === 0).map(numberOf);
    expect(fromA).toEqual([...fromA].sort((x, y) => x - y));
  });

  it('numbers from a reserved block follow the counter the table returned', async () => {
    counters.set('SEQ#H01#2026-03-09|SEQ', 9980); // another instance already took 9980 numbers
    const alloc = blockAllocator(db, TABLE);
    const codes: string[] = [];
    for (let i = 0; i < 21; i++) codes.push(await alloc.next('H01', MORNING));
    expect(codes[0]).toBe('H01-260309-9981');
    expect(codes[19]).toBe('H01-260309-10000');
    expect(codes[20]).toBe('H01-260309-10001');
    expect(reservations()).toHaveLength(2);
  });

  it('keeps a separate counter per agency', async () => {
    const alloc = blockAllocator(db, TABLE);
    expect(await alloc.next('H01', MORNING)).toBe('H01-260309-0001');
    expect(await alloc.next('G12', MORNING)).toBe('G12-260309-0001');
    expect(await alloc.next('H01', MORNING)).toBe('H01-260309-0002');
    expect(reservations().map((i) => i.Key?.pk)).toEqual(['SEQ#H01#2026-03-09', 'SEQ#G12#2026-03-09']);
  });

  it('a new local day starts a new counter key, and the old day continues where it was', async () => {
    const alloc = blockAllocator(db, TABLE);
    expect(await alloc.next('H01', MORNING)).toBe('H01-260309-0001');
    expect(await alloc.next('H01', MORNING)).toBe('H01-260309-0002');
    const nextDay = new Date('2026-03-10T03:00:00Z');
    expect(await alloc.next('H01', nextDay)).toBe('H01-260310-0001');
    expect(await alloc.next('H01', MORNING)).toBe('H01-260309-0003');
    expect(reservations().map((i) => i.Key?.pk)).toEqual(['SEQ#H01#2026-03-09', 'SEQ#H01#2026-03-10']);
  });

  it('the date in the code and key is the Vietnam local date, not the UTC one', async () => {
    const alloc = blockAllocator(db, TABLE);
    // 16:59:59Z is still 22 November in Hà Nội; 17:00Z is already the 23rd.
    expect(await alloc.next('H01', new Date('2026-11-22T16:59:59Z'))).toBe('H01-261122-0001');
    expect(await alloc.next('H01', new Date('2026-11-22T17:00:00Z'))).toBe('H01-261123-0001');
    // 23:30Z on 31 December is New Year's morning locally.
    expect(await alloc.next('H01', new Date('2026-12-31T23:30:00Z'))).toBe('H01-270101-0001');
    expect(reservations().map((i) => i.Key?.pk)).toEqual([
      'SEQ#H01#2026-11-22',
      'SEQ#H01#2026-11-23',
      'SEQ#H01#2027-01-01',
    ]);
  });

  it('honours a custom block size', async () => {
    const alloc = blockAllocator(db, TABLE, 5);
    const codes = await Promise.all(Array.from({ length: 12 }, () => alloc.next('H01', MORNING)));
    expect(new Set(codes).size).toBe(12);
    expect(reservations()).toHaveLength(3);
    expect(reservations().every((i) => i.ExpressionAttributeValues?.[':block'] === 5)).toBe(true);
  });

  it('a failed reservation fails the waiting calls and a later call reserves again', async () => {
    const alloc = blockAllocator(db, TABLE);
    ddbMock.on(UpdateCommand).rejectsOnce(new Error('ProvisionedThroughputExceededException'));
    const results = await Promise.allSettled([alloc.next('H01', MORNING), alloc.next('H01', MORNING)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    ddbMock.on(UpdateCommand).resolves({ Attributes: { last: 20 } });
    expect(await alloc.next('H01', MORNING)).toBe('H01-260309-0001');
    expect(reservations()).toHaveLength(2);
  });
});
