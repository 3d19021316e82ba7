/**
 * The SLA watcher's scheduled event: each part the schedule starts reads only its share of the deadline
 * shards, part 0 alone watches personal-data requests, and a part the schedule cannot send fails loudly
 * instead of watching the wrong shards.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { SLA } from '../../functions/core/resources.js';
import { handler } from '../../functions/sla/watcher.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();

/** The index partitions the run read, by what they hold. */
const partitionsRead = () =>
  ddb
    .commandCalls(QueryCommand)
    .map((c) => (c.args[0].input as QueryCommandInput).ExpressionAttributeValues![':pk'] as string);

describe('the SLA watcher, one part of its schedule', () => {
  it('reads a quarter of the deadline shards in each part; part 0 also watches personal-data requests', async () => {
    const seen = new Set<string>();
    for (let part = 0; part < SLA.watchParts; part++) {
      ddb.reset();
      ddb.on(QueryCommand).resolves({ Items: [] });
      const report = await handler({ part });
      expect(report.part).toEqual({ index: part, of: SLA.watchParts });
      const read = partitionsRead();
      const deadlines = read.filter((p) => p.startsWith('SLA#'));
      expect(deadlines).toHaveLength((4 * SLA.shards) / SLA.watchParts);
      for (const p of deadlines) {
        expect(Number(p.split('#')[2]) % SLA.watchParts).toBe(part);
        seen.add(p);
      }
      expect(report.dataRequests !== undefined).toBe(part === 0);
      expect(read.length - deadlines.length).toBe(part === 0 ? 1 : 0);
    }
    // Together the parts read every shard of every kind.
    expect(seen.size).toBe(4 * SLA.shards);
  });

  it('watches everything when no part is named (an operator run)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const report = await handler({});
    expect(report.part).toBeUndefined();
    expect(report.dataRequests).toBeDefined();
    expect(partitionsRead()).toHaveLength(4 * SLA.shards + 1);
  });

  it('refuses a part the schedule cannot send, reading nothing', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    for (const part of [SLA.watchParts, -1, 1.5, '1'])
      await expect(handler({ part } as { part: number })).rejects.toThrow(/part must be an integer/);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
