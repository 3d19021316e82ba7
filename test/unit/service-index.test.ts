/**
 * The live service index: the counters it needs (kept live and rebuilt alike), its weights, scores per
 * group and indicator, rankings per month and quarter, an agency's months with the points it lost, CSV.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { AppError } from '../../functions/core/errors.js';
import type { TimelineEvent } from '../../functions/core/timeline.js';
import {
  acknowledgementOf,
  type Contribution,
  type Counts,
  contributionOf,
  filingContribution,
  tally,
  zeroCounts,
} from '../../functions/stats/counters.js';
import { type RebuildPorts, rebuildStats } from '../../functions/stats/rebuild.js';
import { countRecord } from '../../functions/stats/relay.js';
import {
  agencyServiceIndex,
  indexListCsv,
  indexSeriesCsv,
  monthsOfPeriod,
  scoreOf,
  serviceIndex,
} from '../../functions/stats/service-index.js';
import { GROUPS, INDICATORS } from '../../functions/stats/service-index-weights.js';
import type { StoredStats } from '../../functions/stats/store.js';
import { serviceIndexQuery, serviceIndexRangeQuery } from '../../schemas/service-index.js';

// Monday 2 November 2026, 09:00 in Hà Nội: the 8 working hours of reception run to Tuesday 09:00.
const SUBMITTED = '2026-11-02T02:00:00.000Z';
const ACK_DUE = Date.parse('2026-11-03T02:00:00.000Z');

const dossier = (over: Partial<DossierRecord> = {}) =>
  ({
    code: 'BHXHHN-261102-0001',
    agencyId: 'bhxh-hn',
    // Health insurance card: fully online ("toàn trình"), no fee.
    procedureCode: '1.002758',
    procedureVersion: 1,
    ownerSub: 'owner-1',
    status: 'completed',
    submittedAt: SUBMITTED,
    dueAt: '2026-11-09T10:00:00.000Z',
    attachments: [],
    ...over,
  }) as DossierRecord;

let seq = 0;
const ev = (type: TimelineEvent['type'], at: string, actor: TimelineEvent['actor'] = 'agency') =>
  ({ seq: ++seq, type, at, actor, status: 'received', prevHash: '', hash: '' }) as TimelineEvent;

describe('the weights', () => {
  it('follow Decision 766: six groups out of 100, each group the sum of its indicators', () => {
    expect(GROUPS.reduce((s, g) => s + g.maxPoints, 0)).toBe(100);
    for (const g of GROUPS)
      expect(
        INDICATORS.filter((i) => i.group === g.id).reduce((s, i) => s + i.maxPoints, 0),
        g.id,
      ).toBe(g.maxPoints);
    expect(new Set(INDICATORS.map((i) => i.id)).size).toBe(INDICATORS.length);
  });
});

describe('the counters the index needs', () => {
  const submitted = { type: 'dossier.submitted' as const, at: SUBMITTED };

  it('count how a dossier was filed: fully or partly online, at a desk, scans reused, a fee due', () => {
    expect(filingContribution(dossier(), submitted)).toMatchObject({
      kind: 'filed',
      month: '2026-11',
      add: { receivedFullyOnline: 1 },
    });
    // A partly online procedure with a fee paid at the desk.
    expect(filingContribution(dossier({ procedureCode: '1.009993' }), submitted)?.add).toEqual({
      receivedPartlyOnline: 1,
      feesCharged: 1,
    });
    const reused = { documentType: 'x', reusedFrom: { dossierCode: 'A', uploadId: 'u' } };
    const atDesk = dossier({
      filedBy: { sub: 's', role: 'desk_officer', agencyId: 'bhxh-hn' },
      attachments: [reused, { documentType: 'y' }] as DossierRecord['attachments'],
      payment: { amount: 1, currency: 'VND', status: 'unpaid' },
    });
    expect(filingContribution(atDesk, submitted)?.add).toEqual({ documentsReused: 1, feesCharged: 1 });
    expect(filingContribution(dossier(), { type: 'dossier.received', at: SUBMITTED })).toBeUndefined();
  });

  it('count results issued and which are electronic, and fees paid online', () => {
    const electronic = dossier({ result: { kind: 'electronic' } as DossierRecord['result'] });
    const at = '2026-11-05T03:00:00.000Z';
    expect(
      contributionOf({ dossier: electronic, event: { type: 'dossier.result_issued', at } })?.add,
    ).toMatchObject({ resultsIssued: 1, resultsElectronic: 1 });
    expect(
      contributionOf({ dossier: dossier(), event: { type: 'dossier.result_issued', at } })?.add,
    ).toMatchObject({
      resultsIssued: 1,
      resultsElectronic: 0,
    });
    expect(
      contributionOf({ dossier: dossier(), event: { type: 'dossier.rejected', at } })?.add,
    ).not.toHaveProperty('resultsIssued');
    expect(contributionOf({ dossier: dossier(), event: { type: 'payment.succeeded', at } })).toMatchObject({
      kind: 'paid',
      add: { feesPaidOnline: 1 },
    });
  });

  it('judge the acknowledgement by the agency’s first act against 8 working hours, on the timeline up to it', () => {
    const onTime = [
      ev('dossier.submitted', SUBMITTED, 'citizen'),
      ev('dossier.in_progress', new Date(ACK_DUE - 60_000).toISOString()),
      ev('dossier.result_issued', '2026-11-20T02:00:00.000Z'),
    ];
    expect(acknowledgementOf(dossier(), onTime)).toMatchObject({
      kind: 'acknowledged',
      month: '2026-11',
      add: { acknowledged: 1, acknowledgedOnTime: 1 },
    });
    const late = [
      ev('dossier.submitted', SUBMITTED, 'citizen'),
      ev('dossier.received', '2026-11-03T03:00:00.000Z'),
    ];
    expect(acknowledgementOf(dossier(), late)?.add).toEqual({ acknowledged: 1, acknowledgedOnTime: 0 });
    // A citizen's withdrawal is no acknowledgement; nothing acted yet counts nothing.
    expect(
      acknowledgementOf(dossier(), [
        ev('dossier.submitted', SUBMITTED, 'citizen'),
        ev('dossier.withdrawn', SUBMITTED, 'citizen'),
      ]),
    ).toBeUndefined();
    // The clock starts when the fee is paid: a dossier paid on Tuesday is on time on Wednesday morning.
    const paid = dossier({
      procedureCode: '1.002804',
      payment: { amount: 1, currency: 'VND', status: 'succeeded' },
    });
    const afterPayment = [
      ev('dossier.submitted', SUBMITTED, 'citizen'),
      ev('payment.succeeded', '2026-11-03T02:00:00.000Z', 'system'),
      ev('dossier.received', '2026-11-04T01:30:00.000Z'),
    ];
    expect(acknowledgementOf(paid, afterPayment)?.add.acknowledgedOnTime).toBe(1);
  });
});

const counts = (over: Partial<Counts>): Counts => ({ ...zeroCounts(), ...over });

describe('scores', () => {
  it('leave out what had nothing to measure, and score the rest out of 100', () => {
    expect(scoreOf(zeroCounts())).toMatchObject({ score: null, points: 0, maxPoints: 0 });
    // Only on-time decisions measured: 3 of 4 on time earn 15 of the group's 20 points.
    const s = scoreOf(counts({ received: 4, completed: 4, completedOnTime: 3 }));
    const progress = s.groups.find((g) => g.id === 'progress')!;
    expect(progress).toEqual({ id: 'progress', points: 15, maxPoints: 20, score: 75 });
    // Received dossiers make the online indicators measurable (none filed online here).
    const online = s.indicators.filter((i) => i.group === 'online');
    expect(online.map((i) => [i.id, i.rate, i.points, i.lost])).toEqual([
      ['online', 0, 0, 6],
      ['fullyOnline', 0, 0, 6],
    ]);
    expect(s.maxPoints).toBe(32);
    expect(s.score).toBe(Math.round((15 / 32) * 1000) / 10);
    expect(s.indicators.find((i) => i.id === 'satisfied')).toMatchObject({
      rate: null,
      points: null,
      lost: 0,
    });
  });

  it('give full marks for full rates, cap payments at the fees due, and count reuse against data asked twice', () => {
    const full = scoreOf(
      counts({
        received: 2,
        receivedFullyOnline: 2,
        acknowledged: 2,
        acknowledgedOnTime: 2,
        completed: 2,
        completedOnTime: 2,
        resultsIssued: 2,
        resultsElectronic: 2,
        feesCharged: 1,
        feesPaidOnline: 2,
        ratings: 1,
        satisfied: 1,
        petitionsAnswered: 1,
        petitionsAnsweredOnTime: 1,
        documentsReused: 3,
      }),
    );
    expect(full).toMatchObject({ score: 100, points: 100, maxPoints: 100 });
    expect(full.groups.every((g) => g.score === 100)).toBe(true);
    const twice = scoreOf(counts({ documentsReused: 1, documentsAskedTwice: 3 }));
    expect(twice.indicators.find((i) => i.id === 'documentsReused')).toMatchObject({
      part: 1,
      whole: 4,
      rate: 25,
      points: 2.5,
      lost: 7.5,
    });
  });

  it('read a quarter as its three months', () => {
    expect(monthsOfPeriod('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(monthsOfPeriod('2026-02')).toEqual(['2026-02']);
    expect(serviceIndexQuery.safeParse({ period: '2026-Q5' }).success).toBe(false);
    expect(serviceIndexQuery.safeParse({ period: '2026-Q1', level: 'commune', format: 'csv' }).success).toBe(
      true,
    );
    expect(serviceIndexRangeQuery.safeParse({ from: '2026-11', to: '2026-10' }).success).toBe(false);
  });

  it('refuse months outside the years the portal counts (a year 0000 once broke the default range)', () => {
    expect(serviceIndexRangeQuery.safeParse({ to: '0000-01' }).success).toBe(false);
    expect(serviceIndexRangeQuery.safeParse({ from: '1999-12' }).success).toBe(false);
    expect(serviceIndexQuery.safeParse({ period: '0000-Q1' }).success).toBe(false);
    expect(serviceIndexRangeQuery.safeParse({ from: '2000-01', to: '2000-12' }).success).toBe(true);
  });
});

describe('rankings and series', () => {
  const stored: Record<string, StoredStats[]> = {
    '2026-10': [
      {
        agencyId: 'bhxh-hn',
        month: '2026-10',
        counts: counts({ received: 2, receivedFullyOnline: 2, completed: 2, completedOnTime: 2 }),
      },
    ],
    '2026-11': [
      {
        agencyId: 'bhxh-hn',
        month: '2026-11',
        counts: counts({ received: 2, completed: 2, completedOnTime: 0 }),
      },
      { agencyId: 'xa-00004', month: '2026-11', counts: counts({ completed: 1, completedOnTime: 1 }) },
      { agencyId: 'bct', month: '2026-11', counts: counts({ ratings: 0 }) },
    ],
  };
  const ports = {
    month: async (m: string) => stored[m] ?? [],
    agencyMonths: async (id: string, months: readonly string[]) =>
      months.flatMap((m) => (stored[m] ?? []).filter((s) => s.agencyId === id)),
  };

  it('rank a month or a quarter by score, the unmeasured last, filtered by level and province', async () => {
    const month = await serviceIndex(ports, { period: '2026-11' });
    expect(month.items.map((x) => [x.agencyId, x.rank, x.score])).toEqual([
      ['xa-00004', 1, 100],
      ['bhxh-hn', 2, 0],
      ['bct', null, null],
    ]);
    const quarter = await serviceIndex(ports, { period: '2026-Q4' });
    expect(quarter.months).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(quarter.items.find((x) => x.agencyId === 'bhxh-hn')).toMatchObject({ received: 4, score: 50 });
    const ministries = await serviceIndex(ports, { period: '2026-11', level: 'ministry' });
    expect(ministries.items.map((x) => x.agencyId)).toEqual(['bct']);
    const communes = await serviceIndex(ports, { period: '2026-11', level: 'commune', province: '01' });
    expect(communes.items.map((x) => x.agencyId)).toEqual(['xa-00004']);
    const elsewhere = await serviceIndex(ports, { period: '2026-11', province: '79' });
    expect(elsewhere.items).toEqual([]);
    expect(month.method.indicators.find((i) => i.id === 'online')?.approximate).toMatch(/one-stop desk/);
    // Without a period: the month under way in Vietnam.
    expect((await serviceIndex(ports, {}, new Date('2026-11-30T17:30:00Z'))).period).toBe('2026-12');
  });

  it('give an agency’s months with the points each indicator lost, and its total', async () => {
    const series = await agencyServiceIndex(ports, 'BHXHHN', { from: '2026-10', to: '2026-12' });
    expect(series.agencyId).toBe('bhxh-hn');
    expect(series.months.map((m) => [m.month, m.score])).toEqual([
      ['2026-10', 100],
      ['2026-11', 0],
      ['2026-12', null],
    ]);
    const november = series.months[1]!.indicators.find((i) => i.id === 'onTime');
    expect(november).toMatchObject({ points: 0, lost: 20 });
    expect(series.total).toMatchObject({ received: 4, score: 50 });
    const latest = await agencyServiceIndex(ports, 'bhxh-hn', {}, new Date('2026-11-20T00:00:00Z'));
    expect([latest.from, latest.to, latest.months.length]).toEqual(['2025-12', '2026-11', 12]);
    await expect(agencyServiceIndex(ports, 'NOPE', {})).rejects.toMatchObject({ code: 'AGENCY_NOT_FOUND' });
    await expect(
      agencyServiceIndex(ports, 'bhxh-hn', { from: '2027-01' }, new Date('2026-11-20T00:00:00Z')).then(
        (s) => s.to,
      ),
    ).resolves.toBe('2027-01');
    await expect(
      agencyServiceIndex(ports, 'bhxh-hn', { to: '2020-01', from: '2024-01' }),
    ).rejects.toBeInstanceOf(AppError);
  });

  it('write CSV with a column per group and per indicator’s rate and points lost', async () => {
    const list = await serviceIndex(ports, { period: '2026-11' });
    const [header, first] = indexListCsv(list).slice(1).trim().split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 9)).toEqual([
      'period',
      'rank',
      'agencyId',
      'agencyCode',
      'agencyName',
      'provinceCode',
      'level',
      'received',
      'score',
    ]);
    expect(columns).toContain('group_digitisation');
    expect(columns).toContain('onTime_lost');
    const row = first!.split(',');
    expect(row[columns.indexOf('agencyId')]).toBe('xa-00004');
    expect(row[columns.indexOf('onTime_rate')]).toBe('100');
    const series = await agencyServiceIndex(ports, 'bhxh-hn', { from: '2026-11', to: '2026-11' });
    const lines = indexSeriesCsv(series).slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    const cols = lines[0]!.split(',');
    expect(lines[1]!.split(',')[cols.indexOf('onTime_lost')]).toBe('20');
  });
});

describe('the index over rebuilt counters', () => {
  // Three dossiers of bhxh-hn and one of a commune with their timelines, as the table would hold them.
  const electronic = { kind: 'electronic' } as DossierRecord['result'];
  const world: { dossier: DossierRecord; timeline: TimelineEvent[] }[] = [];
  const add = (d: DossierRecord, events: [TimelineEvent['type'], string, TimelineEvent['actor']?][]) => {
    seq = 0;
    world.push({ dossier: d, timeline: events.map(([t, at, a]) => ev(t, at, a)) });
  };
  add(dossier({ code: 'A', result: electronic }), [
    ['dossier.submitted', SUBMITTED, 'citizen'],
    ['dossier.received', '2026-11-02T03:00:00.000Z'],
    ['dossier.in_progress', '2026-11-02T04:00:00.000Z'],
    ['dossier.result_issued', '2026-11-05T03:00:00.000Z'],
  ]);
  add(
    dossier({
      code: 'B',
      procedureCode: '1.002804',
      payment: { amount: 135000, currency: 'VND', status: 'succeeded' },
      attachments: [
        { documentType: 'x', reusedFrom: { dossierCode: 'A', uploadId: 'u' } },
      ] as DossierRecord['attachments'],
      documentsAskedTwice: 1,
    }),
    [
      ['dossier.submitted', SUBMITTED, 'citizen'],
      ['payment.succeeded', '2026-11-02T05:00:00.000Z', 'system'],
      ['dossier.in_progress', '2026-11-05T03:00:00.000Z'],
      ['dossier.rejected', '2026-11-20T03:00:00.000Z'],
    ],
  );
  add(
    dossier({
      code: 'C',
      procedureCode: '1.009993',
      filedBy: { sub: 's', role: 'desk_officer', agencyId: 'bhxh-hn' },
    }),
    [['dossier.submitted', '2026-12-01T02:00:00.000Z', 'citizen']],
  );
  add(
    dossier({
      code: 'D',
      agencyId: 'xa-00004',
      procedureCode: '1.002804',
      result: { kind: 'pickup' } as DossierRecord['result'],
    }),
    [
      ['dossier.submitted', SUBMITTED, 'citizen'],
      ['dossier.result_issued', '2026-11-03T03:00:00.000Z'],
    ],
  );
  const rating = { dossierCode: 'A', agencyId: 'bhxh-hn', overall: 5, ratedAt: '2026-11-06T03:00:00.000Z' };

  /** Each record as the table stream carries it: every timeline event, then the rating. */
  const records = (): DynamoDBRecord[] => [
    ...world.flatMap(({ dossier: d, timeline }) =>
      timeline.map((e) => ({
        eventName: 'INSERT' as const,
        dynamodb: {
          NewImage: marshall({ pk: `DOSSIER#${d.code}`, sk: `EVENT#${e.seq}`, kind: 'event', ...e }) as never,
        },
      })),
    ),
    {
      eventName: 'INSERT',
      dynamodb: { NewImage: marshall({ pk: 'DOSSIER#A', sk: 'RATING', kind: 'rating', ...rating }) as never },
    },
  ];

  async function live(replays: number) {
    const added: Contribution[] = [];
    const byCode = new Map(world.map((w) => [w.dossier.code, w]));
    const ports = {
      loadDossier: async (code: string) => byCode.get(code)?.dossier,
      loadTimeline: async (code: string) => byCode.get(code)?.timeline ?? [],
      stats: {
        add: async (c: Contribution | readonly Contribution[]) => {
          added.push(...(Array.isArray(c) ? c : [c as Contribution]));
          return 'added' as const;
        },
      },
    };
    // A retried batch replays records: the markers (here: tally's one per dossier and kind) count once.
    for (let i = 0; i < replays; i++) for (const r of records()) await countRecord(ports, r);
    return tally(added);
  }

  async function rebuilt() {
    const saved = new Map<string, Counts>();
    const ports: RebuildPorts = {
      agencyRecords: async (agencyId) => ({
        dossiers: world.filter((w) => w.dossier.agencyId === agencyId).map((w) => w.dossier),
        ratings: agencyId === 'bhxh-hn' ? [rating] : [],
        petitions: [],
      }),
      timeline: async (code) => world.find((w) => w.dossier.code === code)?.timeline ?? [],
      liveMonth: async () => [],
      saveRebuilt: async (agencyId, month, c) => void saved.set(`${agencyId}#${month}`, c),
      liveNow: async () => new Map(),
      saveRebuiltNow: async () => {},
      now: () => new Date('2026-12-15T00:00:00.000Z'),
    };
    await rebuildStats(ports, ['bhxh-hn', 'xa-00004']);
    return saved;
  }

  const portsOver = (m: Map<string, Counts>) => ({
    month: async (month: string) =>
      [...m]
        .filter(([k]) => k.endsWith(`#${month}`))
        .map(([k, c]) => ({ agencyId: k.split('#')[0]!, month, counts: c })),
  });

  it('equals the index over the live counters, replays and all', async () => {
    const counted = await live(2);
    const again = await rebuilt();
    expect(again).toEqual(counted);
    for (const period of ['2026-11', '2026-12', '2026-Q4']) {
      const a = await serviceIndex(portsOver(counted), { period });
      const b = await serviceIndex(portsOver(again), { period });
      expect(b).toEqual(a);
    }
    // And the figures are the ones the world holds.
    expect(counted.get('bhxh-hn#2026-11')).toMatchObject({
      received: 2,
      receivedFullyOnline: 2,
      acknowledged: 2,
      acknowledgedOnTime: 1,
      documentsReused: 1,
      documentsAskedTwice: 1,
      feesCharged: 1,
      feesPaidOnline: 1,
      resultsIssued: 1,
      resultsElectronic: 1,
      completed: 2,
      ratings: 1,
    });
    expect(counted.get('bhxh-hn#2026-12')).toMatchObject({
      received: 1,
      receivedFullyOnline: 0,
      feesCharged: 1,
    });
    expect(counted.get('xa-00004#2026-11')).toMatchObject({
      resultsIssued: 1,
      resultsElectronic: 0,
      acknowledged: 1,
    });
  });
});
