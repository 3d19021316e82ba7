/**
 * The national-peak simulation (`npm run scale`) is only as honest as its table: these prove that the
 * in-process table throttles a partition past DynamoDB's per-partition limits and no other, charges
 * transactions double, and that a small simulation over the real handlers reports what it saw.
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLE } from '../../functions/core/resources.js';
import { runSimulation } from '../scale/simulation.js';
import { LIMITS, ThrottledTable } from '../scale/throttled-table.js';

const clock = (ms = 0) => ({ now: () => ms });
const put = (pk: string, sk: string) => ({
  TableName: 'scale',
  Item: { [TABLE.partitionKey]: pk, [TABLE.sortKey]: sk, kind: 'probe' },
});

describe('the partition-throttling table', () => {
  it('throttles one hot partition key past 1,000 write units in a second', () => {
    const table = new ThrottledTable(clock());
    for (let i = 0; i < LIMITS.writeUnitsPerPartition; i++) table.write('Put', put('HOT', `ITEM#${i}`));
    expect(() => table.write('Put', put('HOT', 'ITEM#one-more'))).toThrow(
      ProvisionedThroughputExceededException,
    );
    // The throttled write changed nothing.
    expect(table.items.size).toBe(LIMITS.writeUnitsPerPartition);
  });

  it('lets the same number of writes through when they are spread over keys', () => {
    const table = new ThrottledTable(clock());
    for (let i = 0; i < 3 * LIMITS.writeUnitsPerPartition; i++)
      table.write('Put', put(`KEY#${i % 10}`, `ITEM#${i}`));
    expect(table.items.size).toBe(3 * LIMITS.writeUnitsPerPartition);
  });

  it('gives the partition its allowance again in the next second', () => {
    let ms = 0;
    const table = new ThrottledTable({ now: () => ms });
    for (let i = 0; i < LIMITS.writeUnitsPerPartition; i++) table.write('Put', put('HOT', `A#${i}`));
    ms = 1_000;
    table.write('Put', put('HOT', 'B#0'));
    expect(table.items.size).toBe(LIMITS.writeUnitsPerPartition + 1);
  });

  it("refuses writes past the table's own quota however they are spread over keys, ", () => {
    const table = new ThrottledTable(clock(), undefined, 50);
    for (let i = 0; i < 50; i++) table.write('Put', put(`KEY#${i}`, 'A'));
    expect(() => table.write('Put', put('KEY#fresh', 'A'))).toThrow(ProvisionedThroughputExceededException);
    expect(table.tableQuotaThrottles).toBe(1);
    expect(table.items.size).toBe(50);
  });

  it('charges a transaction twice the units of the same writes', () => {
    const table = new ThrottledTable(clock(), { write: 4, read: 3000 });
    // Two puts in one transaction cost 2 × 2 = 4 units: the allowance is spent.
    table.transactWrite({ TransactItems: [{ Put: put('TX', 'A') }, { Put: put('TX', 'B') }] });
    expect(() => table.write('Put', put('TX', 'C'))).toThrow(ProvisionedThroughputExceededException);
  });
});

describe('a small simulation over the real handlers', () => {
  // One run per file: the handlers stay warm in the process, as in Lambda (test/unit/scale-simulation.test.ts has the calm run).
  it('sees throttles, and submissions refused, when the partitions are starved', async () => {
    const starved = await runSimulation({
      rate: 20,
      seconds: 1,
      scale: 1,
      readers: 0,
      inFlight: 8,
      limits: { write: 3, read: 3000 },
    });
    const throttles = [...starved.table.loads.values()].reduce((n, l) => n + l.writeThrottles, 0);
    expect(throttles).toBeGreaterThan(0);
    const filed = starved.routes.get('POST /v1/dossiers')?.statuses.get(201) ?? 0;
    expect(filed).toBeLessThan(20);
  }, 120_000);
});
