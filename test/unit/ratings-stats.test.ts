/** Ratings, the published counters (math, idempotency markers), CSV, and non-JSON answers. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../functions/core/csv.js';
import { decodeCursor, encodeCursor } from '../../functions/core/cursor.js';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { AppError } from '../../functions/core/errors.js';
import { httpFunction } from '../../functions/core/http.js';
import { keys, SHARDS, shardOf } from '../../functions/core/keys.js';
import { listAgencyRatings, type RatingPorts, rateDossier } from '../../functions/feedback/ratings.js';
import { buildOpenApi } from '../../functions/platform/openapi.js';
import { routesOf } from '../../functions/routes.js';
import {
  type Contribution,
  contributionOf,
  monthOf,
  monthRange,
  rankAgencies,
  tally,
  toMonthStats,
  zeroCounts,
} from '../../functions/stats/counters.js';
import { listCsv } from '../../functions/stats/published.js';
import { countRecord } from '../../functions/stats/relay.js';
import { addItems, statsStore, sumShards } from '../../functions/stats/store.js';
import type { RatingView } from '../../schemas/feedback.js';
import { agencyStatsRangeQuery, ratingRequest } from '../../schemas/feedback.js';
import { apiEvent, call, lambdaContext } from '../support/api-event.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();

const dossier = (over: Partial<DossierRecord> = {}) =>
  ({
    code: 'BHXHHN-261102-0001',
    agencyId: 'bhxh-hn',
    procedureCode: '1.002758',
    ownerSub: 'owner-1',
    status: 'completed',
    // Monday 2 November 2026, 09:00 in Hà Nội.
    submittedAt: '2026-11-02T02:00:00.000Z',
    dueAt: '2026-11-09T10:00:00.000Z',
    ...over,
  }) as DossierRecord;

function ratingPorts(d: DossierRecord | undefined, stored: RatingView[] = []): RatingPorts {
  return {
    now: () => new Date('2026-11-20T01:00:00.000Z'),
    loadDossier: async () => d,
    putRating: async (r) => {
      if (stored.some((x) => x.dossierCode === r.dossierCode)) return 'exists';
      stored.push(r);
      return 'stored';
    },
    agencyRatings: async () => ({ items: stored, nextCursor: null }),
  };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return { code: (err as AppError).code, details: (err as AppError).details };
  }
  return undefined;
};

describe('rating a dossier', () => {
  it('takes the owner’s rating of a completed or refused dossier, once', async () => {
    const stored: RatingView[] = [];
    const input = ratingRequest.parse({ overall: 5, criteria: { onTime: 4 }, comment: ' Nhanh chóng ' });
    const rating = await rateDossier(ratingPorts(dossier(), stored), 'BHXHHN-261102-0001', input);
    expect(rating).toEqual({
      dossierCode: 'BHXHHN-261102-0001',
      agencyId: 'bhxh-hn',
      procedureCode: '1.002758',
      overall: 5,
      criteria: { onTime: 4 },
      comment: 'Nhanh chóng',
      ratedAt: '2026-11-20T01:00:00.000Z',
    });
    const again = rateDossier(ratingPorts(dossier(), stored), 'BHXHHN-261102-0001', input);
    expect(await codeOf(again)).toMatchObject({ code: 'ALREADY_RATED' });
    const refused = dossier({ code: 'BHXHHN-261102-0002', status: 'rejected' });
    expect((await rateDossier(ratingPorts(refused), refused.code, input)).overall).toBe(5);
  });

  it('answers a missing dossier as missing, and an open or withdrawn one with its status', async () => {
    const input = { overall: 3 };
    expect(await codeOf(rateDossier(ratingPorts(undefined), 'X', input))).toMatchObject({
      code: 'DOSSIER_NOT_FOUND',
    });
    for (const status of ['in_progress', 'result_issued', 'withdrawn'] as const)
      expect(await codeOf(rateDossier(ratingPorts(dossier({ status })), 'X', input))).toEqual({
        code: 'DOSSIER_NOT_ENDED',
        details: { currentStatus: status },
      });
  });

  it('validates marks, criteria and the comment (NFC, at most 1000)', () => {
    expect(ratingRequest.safeParse({ overall: 0 }).success).toBe(false);
    expect(ratingRequest.safeParse({ overall: 6 }).success).toBe(false);
    expect(ratingRequest.safeParse({ overall: 4.5 }).success).toBe(false);
    expect(ratingRequest.safeParse({ overall: 4, criteria: { speed: 3 } }).success).toBe(false);
    expect(ratingRequest.safeParse({ overall: 4, comment: 'x'.repeat(1001) }).success).toBe(false);
    const decomposed = 'Tha\u0300nh pho\u0302\u0301';
    expect(ratingRequest.parse({ overall: 4, comment: decomposed }).comment).toBe(
      decomposed.normalize('NFC'),
    );
  });

  it('lists nothing for an officer whose token names no agency', async () => {
    expect(await codeOf(listAgencyRatings(ratingPorts(dossier()), undefined, { limit: 10 }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('round-trips list cursors and refuses forged ones', () => {
    const key = { pk: 'a', sk: 'b', gsi2pk: 'c', gsi2sk: 'd' };
    const attrs = ['pk', 'sk', 'gsi2pk', 'gsi2sk'];
    const list = { gsi2pk: 'c' };
    expect(decodeCursor(encodeCursor(key) ?? undefined, attrs, list)).toEqual(key);
    expect(() => decodeCursor('not-json', attrs, list)).toThrow(AppError);
    expect(() => decodeCursor(encodeCursor({ pk: 'a' }) ?? undefined, attrs, list)).toThrow(AppError);
  });
});

describe('counting', () => {
  const d = dossier();
  it('counts a submission in the Vietnamese month it happened', () => {
    // 23:30 UTC on 31 October is already 1 November in Hà Nội.
    expect(monthOf('2026-10-31T23:30:00.000Z')).toBe('2026-11');
    expect(contributionOf({ dossier: d, event: { type: 'dossier.submitted', at: d.submittedAt } })).toEqual({
      code: d.code,
      kind: 'received',
      agencyId: 'bhxh-hn',
      month: '2026-11',
      add: { received: 1 },
    });
  });

  it('counts the scans asked twice with the submission, in its month, and publishes them', () => {
    const twice = { ...d, documentsAskedTwice: 2 };
    const c = contributionOf({ dossier: twice, event: { type: 'dossier.submitted', at: d.submittedAt } });
    expect(c?.add).toEqual({ received: 1, documentsAskedTwice: 2 });
    const again = contributionOf({ dossier: twice, event: { type: 'dossier.submitted', at: d.submittedAt } });
    // Replays of the same submission count once, as the marker ensures live.
    const counts = tally([c!, again!]).get('bhxh-hn#2026-11');
    expect(counts?.documentsAskedTwice).toBe(2);
    expect(toMonthStats('bhxh-hn', '2026-11', counts!).documentsAskedTwice).toBe(2);
    expect(toMonthStats('bhxh-hn', '2026-11', zeroCounts()).documentsAskedTwice).toBe(0);
  });

  it('counts a result or a refusal as completed, on time against the due date, in working days', () => {
    const issued = contributionOf({
      dossier: d,
      event: { type: 'dossier.result_issued', at: '2026-11-06T03:00:00.000Z' },
    });
    expect(issued).toMatchObject({
      kind: 'completed',
      add: { completed: 1, completedOnTime: 1, processingDays: 4 },
    });
    const late = contributionOf({
      dossier: d,
      event: { type: 'dossier.rejected', at: '2026-11-10T03:00:00.000Z' },
    });
    expect(late).toMatchObject({
      kind: 'completed',
      add: { completed: 1, completedOnTime: 0, processingDays: 6 },
    });
    for (const type of [
      'dossier.received',
      'dossier.completed',
      'dossier.approved',
      'dossier.withdrawn',
    ] as const)
      expect(contributionOf({ dossier: d, event: { type, at: d.submittedAt } })).toBeUndefined();
  });

  it('counts a rating, satisfied from 4', () => {
    const r = (overall: number) =>
      contributionOf({
        rating: { dossierCode: 'X', agencyId: 'a', overall, ratedAt: '2026-11-20T00:00:00Z' },
      });
    expect(r(4)?.add).toEqual({ ratings: 1, satisfied: 1 });
    expect(r(3)?.add).toEqual({ ratings: 1, satisfied: 0 });
  });

  it('sums each (dossier, kind) once, and reads counters as rates', () => {
    const c = (code: string, kind: Contribution['kind'], add: Contribution['add']): Contribution => ({
      code,
      kind,
      agencyId: 'bhxh-hn',
      month: '2026-11',
      add,
    });
    const counts = tally([
      c('A', 'completed', { completed: 1, completedOnTime: 1, processingDays: 3 }),
      c('A', 'completed', { completed: 1, completedOnTime: 1, processingDays: 3 }),
      c('B', 'completed', { completed: 1, completedOnTime: 0, processingDays: 8 }),
      c('C', 'completed', { completed: 1, completedOnTime: 1, processingDays: 2 }),
      c('A', 'rating', { ratings: 1, satisfied: 1 }),
      c('B', 'rating', { ratings: 1, satisfied: 0 }),
    ]).get('bhxh-hn#2026-11')!;
    expect(counts).toEqual({
      ...zeroCounts(),
      completed: 3,
      completedOnTime: 2,
      processingDays: 13,
      ratings: 2,
      satisfied: 1,
    });
    expect(toMonthStats('bhxh-hn', '2026-11', counts)).toMatchObject({
      onTimeRate: 66.7,
      averageProcessingDays: 4.3,
      satisfactionRate: 50,
      received: 0,
    });
    expect(toMonthStats('bhxh-hn', '2026-11', zeroCounts())).toMatchObject({
      onTimeRate: null,
      averageProcessingDays: null,
      satisfactionRate: null,
    });
  });

  it('ranks by on-time rate, then volume; agencies with nothing completed are unranked', () => {
    const s = (agencyId: string, completed: number, onTime: number) =>
      toMonthStats(agencyId, '2026-11', { ...zeroCounts(), completed, completedOnTime: onTime });
    const items = [s('a', 2, 1), s('b', 10, 10), s('c', 1, 1), s('d', 0, 0)];
    expect(rankAgencies(items, 'best').map((x) => [x.agencyId, x.rank])).toEqual([
      ['b', 1],
      ['c', 2],
      ['a', 3],
      ['d', null],
    ]);
    expect(rankAgencies(items, 'worst').map((x) => x.agencyId)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('spans months across a year and refuses bad ranges', () => {
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(agencyStatsRangeQuery.safeParse({ from: '2026-13', to: '2026-12' }).success).toBe(false);
    expect(agencyStatsRangeQuery.safeParse({ from: '2026-05', to: '2026-04' }).success).toBe(false);
    expect(agencyStatsRangeQuery.safeParse({ from: '2020-01', to: '2026-04' }).success).toBe(false);
    expect(agencyStatsRangeQuery.safeParse({ from: '2026-01', to: '2026-04' }).success).toBe(true);
  });
});

describe('idempotent counters', () => {
  const contribution: Contribution = {
    code: 'BHXHHN-261102-0001',
    kind: 'completed',
    agencyId: 'bhxh-hn',
    month: '2026-11',
    add: { completed: 1, completedOnTime: 1, processingDays: 4 },
  };

  it('puts the marker only if absent, in the same transaction as the ADD', () => {
    const [marker, update] = addItems('t', contribution, '2026-11-20T00:00:00Z');
    expect(marker?.Put).toMatchObject({
      Item: { pk: 'DOSSIER#BHXHHN-261102-0001', sk: 'STATS#completed' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const shard = shardOf(contribution.code, SHARDS.stats);
    expect(update?.Update?.Key).toEqual({ pk: `STATS#bhxh-hn#2026-11#${shard}`, sk: 'STATS' });
    expect(update?.Update?.ExpressionAttributeValues).toMatchObject({
      ':gpk': `STATSMONTH#2026-11#${shard}`,
      ':gsk': 'bhxh-hn',
    });
    expect(update?.Update?.UpdateExpression).toMatch(
      /ADD #completed :completed, #completedOnTime :completedOnTime, #processingDays :processingDays$/,
    );
  });

  it('writes the counter once for several kinds of one dossier, each kind under its own marker', () => {
    const received: Contribution = { ...contribution, kind: 'received', add: { received: 1, completed: 1 } };
    const writes = addItems('t', [contribution, received], '2026-11-20T00:00:00Z');
    expect(writes.map((w) => w.Put?.Item?.sk ?? w.Update?.Key?.sk)).toEqual([
      'STATS#completed',
      'STATS#received',
      'STATS',
    ]);
    expect(writes[2]?.Update?.ExpressionAttributeValues).toMatchObject({
      ':completed': 2,
      ':received': 1,
      ':processingDays': 4,
    });
    // Only one dossier's contributions to one agency's month share a write.
    expect(() => addItems('t', [contribution, { ...received, agencyId: 'bhxh-79' }], 'x')).toThrow();
  });

  it('adds alone the kinds not yet counted when a replay meets some of their markers', async () => {
    const received: Contribution = { ...contribution, kind: 'received', add: { received: 1 } };
    const sent: unknown[][] = [];
    ddb.on(TransactWriteCommand).callsFake((input: { TransactItems: unknown[] }) => {
      sent.push(input.TransactItems);
      if (sent.length === 1)
        throw new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }],
        });
      return {};
    });
    expect(await statsStore().add([contribution, received])).toBe('added');
    ddb.reset();
    expect(sent.map((items) => items.length)).toEqual([3, 2]);
    expect(JSON.stringify(sent[1])).toContain('STATS#received');
    expect(JSON.stringify(sent[1])).not.toContain('STATS#completed');
  });

  it("spreads an agency's dossiers over the counter shards, each dossier always to its own", () => {
    const codes = Array.from({ length: 2000 }, (_, i) => `BHXHHN-261206-${String(i + 1).padStart(4, '0')}`);
    const perShard = new Map<string, number>();
    for (const code of codes) {
      const [, update] = addItems('t', { ...contribution, code }, '2026-11-20T00:00:00Z');
      const pk = String(update?.Update?.Key?.pk);
      perShard.set(pk, (perShard.get(pk) ?? 0) + 1);
      const [, again] = addItems('t', { ...contribution, code, kind: 'received' }, '2026-11-21T00:00:00Z');
      expect(again?.Update?.Key?.pk).toBe(pk);
    }
    expect(perShard.size).toBe(SHARDS.stats);
    // Even enough that no shard takes much more than its share of a peak.
    expect(Math.max(...perShard.values())).toBeLessThan((2 * codes.length) / SHARDS.stats);
  });

  it("sums an agency's shards and its unsharded item of old into one month's counters", () => {
    const [summed, ...others] = sumShards([
      { agencyId: 'bhxh-hn', month: '2026-11', received: 2, completed: 1 },
      { agencyId: 'bhxh-hn', month: '2026-11', received: 3 },
      { agencyId: 'bhxh-79', month: '2026-11', received: 7 },
      { agencyId: 'bhxh-hn', month: '2026-12', received: 1 },
      { agencyId: 'bhxh-hn', month: '2026-11', received: 5, ratings: 1 },
    ]);
    expect(summed).toEqual({
      agencyId: 'bhxh-hn',
      month: '2026-11',
      counts: { ...zeroCounts(), received: 10, completed: 1, ratings: 1 },
    });
    expect(others.map((o) => [o.agencyId, o.month, o.counts.received])).toEqual([
      ['bhxh-79', '2026-11', 7],
      ['bhxh-hn', '2026-12', 1],
    ]);
  });

  it("reads the month's ranking from every shard partition of its index, old and new", async () => {
    const asked: string[] = [];
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
      const partition = input.ExpressionAttributeValues[':month']!;
      asked.push(partition);
      const shard = partition.split('#')[2];
      return {
        Items:
          shard === '3' || shard === undefined
            ? [{ agencyId: 'bhxh-hn', month: '2026-11', received: 2 }]
            : [],
      };
    });
    const month = await statsStore().month('2026-11');
    ddb.reset();
    expect(asked).toEqual(keys.agencyStatsIndexPartitions('2026-11'));
    expect(asked).toContain('STATSMONTH#2026-11');
    expect(month).toEqual([
      { agencyId: 'bhxh-hn', month: '2026-11', counts: { ...zeroCounts(), received: 4 } },
    ]);
  });

  it('reports a counted (dossier, kind) as a duplicate and lets other failures through', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await statsStore().add(contribution)).toBe('added');
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    expect(await statsStore().add(contribution)).toBe('duplicate');
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
      }),
    );
    await expect(statsStore().add(contribution)).rejects.toThrow(TransactionCanceledException);
  });

  it('reads no dossier for a step that does not count, and counts a rating from its own image', async () => {
    const added: Contribution[] = [];
    let reads = 0;
    const ports = {
      loadDossier: async () => {
        reads += 1;
        return dossier();
      },
      stats: {
        add: async (c: Contribution) => {
          added.push(c);
          return 'added' as const;
        },
      },
    };
    const record = (image: Record<string, AttributeValue>): DynamoDBRecord => ({
      eventName: 'INSERT',
      dynamodb: { NewImage: image },
    });
    const event = (type: string) =>
      record({
        pk: { S: 'DOSSIER#BHXHHN-261102-0001' },
        sk: { S: 'EVENT#00002' },
        kind: { S: 'event' },
        type: { S: type },
        at: { S: '2026-11-06T03:00:00.000Z' },
      });
    expect(await countRecord(ports, event('dossier.in_progress'))).toBeUndefined();
    expect(reads).toBe(0);
    expect(await countRecord(ports, event('dossier.result_issued'))).toMatchObject({ kind: 'completed' });
    expect(reads).toBe(1);
    const rating = record({
      pk: { S: 'DOSSIER#BHXHHN-261102-0001' },
      sk: { S: 'RATING' },
      kind: { S: 'rating' },
      dossierCode: { S: 'BHXHHN-261102-0001' },
      agencyId: { S: 'bhxh-hn' },
      overall: { N: '5' },
      ratedAt: { S: '2026-11-20T01:00:00.000Z' },
    });
    expect(await countRecord(ports, rating)).toMatchObject({
      kind: 'rating',
      add: { ratings: 1, satisfied: 1 },
    });
    expect(reads).toBe(1);
    expect(added).toHaveLength(2);
  });

  it('writes a submission’s kinds (received, filed) to its agency’s month together, in one add', async () => {
    const calls: (Contribution | readonly Contribution[])[] = [];
    const ports = {
      loadDossier: async () => dossier(),
      stats: {
        add: async (c: Contribution | readonly Contribution[]) => {
          calls.push(c);
          return 'added' as const;
        },
      },
    };
    const submitted: DynamoDBRecord = {
      eventName: 'INSERT',
      dynamodb: {
        NewImage: {
          pk: { S: 'DOSSIER#BHXHHN-261102-0001' },
          sk: { S: 'EVENT#00001' },
          kind: { S: 'event' },
          type: { S: 'dossier.submitted' },
          at: { S: '2026-11-02T03:00:00.000Z' },
        },
      },
    };
    expect(await countRecord(ports, submitted)).toMatchObject({ kind: 'received' });
    expect(calls).toHaveLength(1);
    expect((calls[0] as readonly Contribution[]).map((c) => c.kind)).toEqual(['received', 'filed']);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting, neutralises formulas and starts with a BOM', () => {
    const csv = toCsv<{ a: string; b: number | null }>(
      ['a', 'b'],
      [
        { a: 'Sở Tư pháp, Hà Nội', b: 1.5 },
        { a: 'nói "xin chào"', b: null },
        { a: '=HYPERLINK("x")', b: 0 },
      ],
    );
    expect(csv).toBe(
      '\uFEFFa,b\r\n"Sở Tư pháp, Hà Nội",1.5\r\n"nói ""xin chào""",\r\n"\'=HYPERLINK(""x"")",0\r\n',
    );
  });

  it('lists ranked agencies with their rank first', () => {
    const item = {
      ...toMonthStats('bhxh-hn', '2026-11', zeroCounts()),
      rank: null,
      overdueNow: 0,
      petitionsOverdueNow: 0,
    };
    const csv = listCsv({ month: '2026-11', order: 'best', items: [item] });
    const [header, row] = csv.slice(1).split('\r\n');
    expect(header?.split(',').slice(0, 3)).toEqual(['rank', 'agencyId', 'agencyName']);
    expect(row?.startsWith(',bhxh-hn,')).toBe(true);
  });
});

describe('answers in other formats', () => {
  const stats = httpFunction(routesOf('stats'), {
    listAgencyStats: async () => ({
      body: { ignored: true },
      raw: { contentType: 'text/csv; charset=utf-8', text: 'a,b\r\n1,2\r\n' },
      headers: { 'content-type': 'application/json', 'cache-control': 'public' },
    }),
    getAgencyStats: async () => ({ body: { json: true } }),
    // The service index shares the function group; these tests do not call it.
    listServiceIndex: async () => ({ body: {} }),
    getServiceIndex: async () => ({ body: {} }),
  });

  it('send a raw body as is, with its own content type', async () => {
    const res = await stats(
      apiEvent({ routeKey: 'GET /v1/stats/agencies', query: { month: '2026-11' } }),
      lambdaContext,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers?.['cache-control']).toBe('public');
    expect(res.body).toBe('a,b\r\n1,2\r\n');
  });

  it('take no month as the month under way (not a 400)', async () => {
    const res = await stats(apiEvent({ routeKey: 'GET /v1/stats/agencies' }), lambdaContext);
    expect(res.statusCode).toBe(200);
  });

  it('still validate the query first (a bad month is 400 in JSON)', async () => {
    const res = await call(stats, { routeKey: 'GET /v1/stats/agencies', query: { month: '2026-13' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const range = await call(stats, {
      routeKey: 'GET /v1/stats/agencies/{code}',
      pathParameters: { code: 'bhxh-hn' },
      query: { from: '2026-02', to: 'soon' },
    });
    expect(range.status).toBe(400);
  });

  it('are documented in OpenAPI beside JSON', () => {
    const doc = buildOpenApi() as {
      paths: Record<string, Record<string, { responses: Record<string, { content: object }> }>>;
    };
    expect(Object.keys(doc.paths['/v1/stats/agencies']!.get!.responses['200']!.content)).toEqual([
      'application/json',
      'text/csv',
    ]);
    expect(Object.keys(doc.paths['/v1/dossiers/{code}/rating']!.post!.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '404', '409']),
    );
  });
});
