/**
 * Statistics beyond the month counters: "overdue now" (markers opened by the SLA watcher, closed by the
 * step that ends the period), petition answers and petitions overdue now, the rebuild of both, and the
 * notification relay running the statistics consumer beside its own with failure isolation.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { relayRecord } from '../../functions/notifications/relay.js';
import { isRelayRecord } from '../../functions/notifications/stream-filter.js';
import { type SlaWatchPorts, watchSla } from '../../functions/sla/sla.js';
import { type Contribution, monthOf, tally, zeroCounts } from '../../functions/stats/counters.js';
import {
  DossierChangedError,
  nowStore,
  type OverdueDossier,
  type OverdueMarker,
  type OverduePorts,
  overdueEnded,
  overdueStore,
  settleOverdue,
  zeroNow,
} from '../../functions/stats/overdue.js';
import {
  applyPetitionEvent,
  type CountedPetitionEvent,
  overdueDeltas,
  type PetitionOverduePorts,
  type PetitionOverdueState,
  petitionContribution,
  petitionFigures,
  petitionOverdueAfter,
} from '../../functions/stats/petitions.js';
import { agenciesOfMonth, agencySeries, seriesCsv } from '../../functions/stats/published.js';
import { type RebuildPorts, rebuildStats } from '../../functions/stats/rebuild.js';
import { countRecord } from '../../functions/stats/relay.js';
import { addItems } from '../../functions/stats/store.js';
import { agencyStatsQuery } from '../../schemas/feedback.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

const ddb = mockedDocumentClient();

const DUE = '2026-11-09T10:00:00.000Z';
const dossier = (over: Partial<OverdueDossier> = {}): OverdueDossier => ({
  code: 'BHXHHN-261102-0001',
  agencyId: 'bhxh-hn',
  status: 'in_progress',
  dueAt: DUE,
  version: 4,
  ...over,
});
const marker = (over: Partial<OverdueMarker> = {}): OverdueMarker => ({
  code: 'BHXHHN-261102-0001',
  agencyId: 'bhxh-hn',
  deadline: DUE,
  open: true,
  ...over,
});

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('overdue now: when a period ends', () => {
  it('ends on settling, pausing for a supplement, an extension or a vanished dossier, not on other steps', () => {
    expect(overdueEnded(marker(), dossier())).toBe(false);
    expect(overdueEnded(marker(), dossier({ status: 'supplemented' }))).toBe(false);
    expect(overdueEnded(marker(), dossier({ status: 'result_issued' }))).toBe(true);
    expect(overdueEnded(marker(), dossier({ status: 'rejected' }))).toBe(true);
    expect(overdueEnded(marker(), dossier({ status: 'withdrawn' }))).toBe(true);
    expect(overdueEnded(marker(), dossier({ status: 'supplement_requested' }))).toBe(true);
    expect(overdueEnded(marker(), dossier({ dueAt: '2026-11-16T10:00:00.000Z' }))).toBe(true);
    expect(overdueEnded(marker(), undefined)).toBe(true);
  });

  it('reads the dossier only when the marker is open, and closes only an ended period', async () => {
    let reads = 0;
    const closed: OverdueMarker[] = [];
    const ports = (m: OverdueMarker | undefined): Pick<OverduePorts, 'marker' | 'close'> => ({
      marker: async () => m,
      close: async (x) => {
        closed.push(x);
        return 'closed';
      },
    });
    const load = (d: OverdueDossier) => async () => {
      reads += 1;
      return d;
    };
    const at = '2026-11-12T00:00:00.000Z';
    expect(await settleOverdue(ports(undefined), 'X', load(dossier()), at)).toBe('none');
    expect(await settleOverdue(ports(marker({ open: false })), 'X', load(dossier()), at)).toBe('none');
    expect(reads).toBe(0);
    expect(await settleOverdue(ports(marker()), 'X', load(dossier()), at)).toBe('open');
    expect(closed).toEqual([]);
    expect(await settleOverdue(ports(marker()), 'X', load(dossier({ status: 'result_issued' })), at)).toBe(
      'closed',
    );
    expect(closed).toHaveLength(1);
    expect(reads).toBe(2);
  });
});

describe('overdue now: the markers over DynamoDB', () => {
  const at = '2026-11-12T00:00:00.000Z';

  it('opens with +1 only if closed, and only if the dossier is as read', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await overdueStore().open(dossier(), at)).toBe('opened');
    const items = (ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input as TransactWriteCommandInput)
      .TransactItems!;
    expect(items[0]?.ConditionCheck).toMatchObject({
      Key: { pk: 'DOSSIER#BHXHHN-261102-0001', sk: 'DOSSIER' },
      ExpressionAttributeValues: { ':version': 4 },
    });
    expect(items[1]?.Put).toMatchObject({
      Item: { pk: 'DOSSIER#BHXHHN-261102-0001', sk: 'STATSOVERDUE', open: true, deadline: DUE },
      ConditionExpression: 'attribute_not_exists(pk) OR #open = :closed',
    });
    expect(items[2]?.Update).toMatchObject({
      // Shard 0 of the code's shards: the item and index partition of old.
      Key: { pk: 'STATSNOW#bhxh-hn', sk: 'STATS' },
      ExpressionAttributeNames: { '#c': 'overdueNow' },
      ExpressionAttributeValues: { ':by': 1, ':gpk': 'STATSNOW', ':gsk': 'bhxh-hn' },
    });
  });

  it("counts each dossier in its code's shard of the agency's figures, and takes it off there", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const code = 'BHXHHN-261102-0003';
    await overdueStore().open(dossier({ code }), at);
    await overdueStore().close(marker({ code }), dossier({ code, status: 'completed' }), at);
    const counted = ddb
      .commandCalls(TransactWriteCommand)
      .map((c) => (c.args[0].input as TransactWriteCommandInput).TransactItems![2]!.Update!);
    expect(
      counted.map((u) => [
        u.Key,
        u.ExpressionAttributeValues?.[':gpk'],
        u.ExpressionAttributeValues?.[':by'],
      ]),
    ).toEqual([
      [{ pk: 'STATSNOW#bhxh-hn#2', sk: 'STATS' }, 'STATSNOW#2', 1],
      [{ pk: 'STATSNOW#bhxh-hn#2', sk: 'STATS' }, 'STATSNOW#2', -1],
    ]);
  });

  it('counts an open period once, moves its deadline after a lapsed extension, and retries a changed dossier', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    // The move fails too (same deadline): already counted.
    expect(await overdueStore().open(dossier(), at)).toBe('already');
    ddb.reset();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'ConditionalCheckFailed', 'None'))
      .resolves({});
    expect(await overdueStore().open(dossier({ dueAt: '2026-11-16T10:00:00.000Z' }), at)).toBe('moved');
    const move = ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input as TransactWriteCommandInput;
    expect(move.TransactItems).toHaveLength(2);
    expect(move.TransactItems![1]?.Update?.ConditionExpression).toBe(
      '#open = :open AND deadline <> :deadline',
    );
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    await expect(overdueStore().open(dossier(), at)).rejects.toBeInstanceOf(DossierChangedError);
  });

  it('closes with −1 once, for the deadline it was opened for', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await overdueStore().close(marker(), dossier({ status: 'completed' }), at)).toBe('closed');
    const items = (ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input as TransactWriteCommandInput)
      .TransactItems!;
    expect(items[1]?.Update?.ConditionExpression).toBe('#open = :open AND deadline = :deadline');
    expect(items[2]?.Update?.ExpressionAttributeValues).toMatchObject({ ':by': -1 });
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    expect(await overdueStore().close(marker(), dossier({ status: 'completed' }), at)).toBe('already');
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await overdueStore().close(marker(), undefined, at)).toBe('already');
  });
});

describe('overdue now: the figures read back', () => {
  it('adds up every shard of every agency for the ranking, reading one index partition a shard', async () => {
    const byPartition: Record<string, Record<string, unknown>[]> = {
      STATSNOW: [{ agencyId: 'bhxh-hn', overdueNow: 2, petitionsOverdueNow: 1 }],
      'STATSNOW#1': [
        { agencyId: 'bhxh-hn', overdueNow: 3 },
        { agencyId: 'ca-hn', overdueNow: 1 },
      ],
      // A −1 of a period opened before the shards existed lands on its own shard.
      'STATSNOW#3': [{ agencyId: 'bhxh-hn', overdueNow: -1, petitionsOverdueNow: 0 }],
    };
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => ({
      Items: byPartition[input.ExpressionAttributeValues?.[':pk'] as string] ?? [],
    }));
    const all = await nowStore().allNow();
    expect(Object.fromEntries(all)).toEqual({
      'bhxh-hn': { overdueNow: 4, petitionsOverdueNow: 1 },
      'ca-hn': { overdueNow: 1, petitionsOverdueNow: 0 },
    });
    const read = ddb
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(read.sort()).toEqual(['STATSNOW', 'STATSNOW#1', 'STATSNOW#2', 'STATSNOW#3']);
  });

  it("adds up one agency's shards, read in one batch", async () => {
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      const [table, { Keys }] = Object.entries(input.RequestItems!)[0]!;
      expect(Keys!.map((k) => k.pk)).toEqual([
        'STATSNOW#bhxh-hn',
        'STATSNOW#bhxh-hn#1',
        'STATSNOW#bhxh-hn#2',
        'STATSNOW#bhxh-hn#3',
      ]);
      return {
        Responses: {
          [table]: [
            {
              pk: 'STATSNOW#bhxh-hn',
              sk: 'STATS',
              agencyId: 'bhxh-hn',
              overdueNow: 5,
              petitionsOverdueNow: 2,
            },
            { pk: 'STATSNOW#bhxh-hn#2', sk: 'STATS', agencyId: 'bhxh-hn', overdueNow: 1 },
          ],
        },
      };
    });
    expect(await nowStore().agencyNow('bhxh-hn')).toEqual({ overdueNow: 6, petitionsOverdueNow: 2 });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
  });
});

describe('overdue now: the SLA watcher', () => {
  const lapsed = dossier({ code: 'A', agencyId: 'bhxh-hn' }) as unknown as DossierRecord;
  const ports = (markOverdue: SlaWatchPorts['markOverdue'], cleared: string[]): SlaWatchPorts => ({
    shards: 1,
    listLapsed: async (kind) => ({
      entries: kind === 'due' ? [{ code: 'A', kind: 'due', deadline: DUE, indexKey: `${DUE}#A` }] : [],
    }),
    loadDossier: async () => ({
      ...lapsed,
      agencyName: 'BHXH Hà Nội',
      procedureName: 'Cấp lại thẻ BHYT',
      submittedAt: '2026-11-02T02:00:00.000Z',
      updatedAt: '2026-11-02T02:00:00.000Z',
    }),
    flag: async () => true,
    unflag: async () => {},
    enqueue: async () => {},
    clear: async (e) => void cleared.push(e.code),
    agency: () => undefined,
    markOverdue,
  });

  it('counts a confirmed lapsed due date before flagging it, and keeps the entry when counting fails', async () => {
    const marked: string[] = [];
    const cleared: string[] = [];
    const now = new Date('2026-11-12T00:00:00.000Z');
    const ok = await watchSla(
      ports(async (d) => void marked.push(d.code), cleared),
      now,
    );
    expect(ok.notified.due).toBe(1);
    expect(marked).toEqual(['A']);
    expect(cleared).toEqual(['A']);

    const kept: string[] = [];
    const failed = await watchSla(
      ports(async (d) => {
        throw new DossierChangedError(d.code);
      }, kept),
      now,
    );
    expect(failed.errors).toHaveLength(1);
    expect(failed.notified.due).toBe(0);
    expect(kept).toEqual([]);
  });
});

const petitionEvent = (
  code: string,
  seq: number,
  type: string,
  agencyId: string,
  extra: Partial<CountedPetitionEvent> = {},
): CountedPetitionEvent => ({
  pk: `PETITION#${code}`,
  sk: `EVENT#${String(seq).padStart(5, '0')}`,
  type,
  agencyId,
  at: '2026-11-20T03:00:00.000Z',
  ...extra,
});

/**
 * The marker store's rules in memory: a change applies only from the state it was computed from; the
 * timeline is what has been written so far.
 */
function memoryPetitionPorts(written = new Map<string, CountedPetitionEvent[]>()) {
  const markers = new Map<string, PetitionOverdueState>();
  const now = new Map<string, number>();
  const ports: PetitionOverduePorts = {
    marker: async (code) => markers.get(code),
    timeline: async (code) => [...(written.get(code) ?? [])],
    apply: async (code, prev, next) => {
      if (markers.get(code)?.seq !== prev?.seq) throw new Error('marker moved');
      markers.set(code, next);
      for (const [agencyId, by] of overdueDeltas(prev, next))
        now.set(agencyId, (now.get(agencyId) ?? 0) + by);
    },
  };
  const write = (e: CountedPetitionEvent) => {
    const code = e.pk.slice('PETITION#'.length);
    written.set(code, [...(written.get(code) ?? []), e]);
  };
  return { ports, now, write };
}

describe('petitions', () => {
  it('counts an answer in its month for the answering agency, on time or not', () => {
    const answered = petitionEvent('PAKN-1', 4, 'petition.answered', 'bhxh-hn', {
      onTime: true,
      answerDueAt: '2026-11-25T10:00:00.000Z',
    });
    expect(petitionContribution(answered)).toEqual({
      code: 'PAKN-1',
      kind: 'petitionAnswered',
      agencyId: 'bhxh-hn',
      month: '2026-11',
      add: { petitionsAnswered: 1, petitionsAnsweredOnTime: 1 },
    });
    expect(petitionContribution({ ...answered, onTime: false })?.add).toEqual({
      petitionsAnswered: 1,
      petitionsAnsweredOnTime: 0,
    });
    expect(petitionContribution(petitionEvent('PAKN-1', 5, 'petition.published', 'bhxh-hn'))).toBeUndefined();
    const [marker] = addItems('t', petitionContribution(answered)!, '2026-11-20T03:00:00.000Z');
    expect(marker?.Put?.Item).toMatchObject({ pk: 'PETITION#PAKN-1', sk: 'STATS#answered' });
  });

  it('counts a petition against each agency that let it lapse, until it is answered or rejected', () => {
    let s = petitionOverdueAfter(undefined, petitionEvent('P', 1, 'petition.received', 'stp-hn'));
    expect(s).toEqual({ lapsed: [], seq: 1 });
    s = petitionOverdueAfter(
      s,
      petitionEvent('P', 2, 'petition.escalated', 'ubnd-hn', { fromAgencyId: 'stp-hn' }),
    );
    expect(s).toEqual({ lapsed: ['stp-hn'], seq: 2 });
    // Moving on does not undo a lapse; a second lapse counts against the parent too.
    s = petitionOverdueAfter(
      s,
      petitionEvent('P', 3, 'petition.reassigned', 'bhxh-hn', { fromAgencyId: 'ubnd-hn' }),
    );
    expect(s.lapsed).toEqual(['stp-hn']);
    s = petitionOverdueAfter(
      s,
      petitionEvent('P', 4, 'petition.escalated', 'vpcp', { fromAgencyId: 'bhxh-hn' }),
    );
    expect(s.lapsed).toEqual(['stp-hn', 'bhxh-hn']);
    expect(overdueDeltas(undefined, s)).toEqual(
      new Map([
        ['stp-hn', 1],
        ['bhxh-hn', 1],
      ]),
    );
    for (const end of ['petition.answered', 'petition.rejected']) {
      const after = petitionOverdueAfter(s, petitionEvent('P', 5, end, 'vpcp'));
      expect(after.lapsed).toEqual([]);
      expect(overdueDeltas(s, after)).toEqual(
        new Map([
          ['stp-hn', -1],
          ['bhxh-hn', -1],
        ]),
      );
    }
    expect(petitionOverdueAfter(s, petitionEvent('P', 5, 'petition.assigned', 'vpcp')).lapsed).toHaveLength(
      2,
    );
  });

  it('applied live with replays, counts what the timelines fold to', async () => {
    const timelines = [
      [
        petitionEvent('P1', 1, 'petition.received', 'stp-hn'),
        petitionEvent('P1', 2, 'petition.escalated', 'ubnd-hn', { fromAgencyId: 'stp-hn' }),
      ],
      [
        petitionEvent('P2', 1, 'petition.received', 'stp-hn'),
        petitionEvent('P2', 2, 'petition.escalated', 'ubnd-hn', { fromAgencyId: 'stp-hn' }),
        petitionEvent('P2', 3, 'petition.answered', 'ubnd-hn', { onTime: false }),
      ],
      [
        petitionEvent('P3', 1, 'petition.received', 'stp-hn'),
        petitionEvent('P3', 2, 'petition.escalated', 'ubnd-hn', { fromAgencyId: 'stp-hn' }),
        petitionEvent('P3', 3, 'petition.reassigned', 'bhxh-hn', { fromAgencyId: 'ubnd-hn' }),
        petitionEvent('P3', 4, 'petition.escalated', 'bhxh-hn-parent', { fromAgencyId: 'bhxh-hn' }),
      ],
      [
        petitionEvent('P4', 1, 'petition.received', 'stp-hn'),
        petitionEvent('P4', 2, 'petition.answered', 'stp-hn', { onTime: true }),
      ],
    ];
    const { ports, now, write } = memoryPetitionPorts();
    const added: Contribution[] = [];
    // Stream records handled late, out of order and twice: each folds the timeline written by then.
    const records = timelines.flat();
    const order = [5, 0, 9, 2, 7, 1, 10, 3, 8, 4, 6, 2, 9];
    let next = 0;
    for (const i of order) {
      while (next <= Math.min(i + 2, records.length - 1)) write(records[next++]!);
      const e = records[i]!;
      await applyPetitionEvent(ports, e, '2026-11-20T04:00:00.000Z');
      // Replayed answers too: the markers (tally here) count each once.
      const c = petitionContribution(e);
      if (c) added.push(c);
    }
    while (next < records.length) write(records[next++]!);
    // A record of each petition after everything is written: the count settles on the full timelines.
    for (const t of timelines) await applyPetitionEvent(ports, t[0]!, '2026-11-20T05:00:00.000Z');
    const folded = petitionFigures(timelines);
    expect(Object.fromEntries([...now].filter(([, n]) => n !== 0))).toEqual(
      Object.fromEntries(folded.overdueNow),
    );
    expect(Object.fromEntries(folded.overdueNow)).toEqual({ 'stp-hn': 2, 'bhxh-hn': 1 });
    expect(tally(added)).toEqual(tally(folded.contributions));
    const stp = tally(folded.contributions).get('stp-hn#2026-11');
    expect(stp).toMatchObject({ petitionsAnswered: 1, petitionsAnsweredOnTime: 1 });
    // Once counted, a replay changes nothing.
    expect(await applyPetitionEvent(ports, timelines[0]![0]!, '2026-11-20T06:00:00.000Z')).toBe('unchanged');
  });

  it('counts a petition event from the stream: its answer and its overdue period', async () => {
    const added: Contribution[] = [];
    const { ports: petitionsOverdue, now, write } = memoryPetitionPorts();
    const ports = {
      loadDossier: async () => undefined,
      stats: {
        add: async (c: Contribution) => {
          added.push(c);
          return 'added' as const;
        },
      },
      petitionsOverdue,
    };
    const record = (e: CountedPetitionEvent): DynamoDBRecord => ({
      eventName: 'INSERT',
      dynamodb: {
        NewImage: {
          pk: { S: e.pk },
          sk: { S: e.sk },
          kind: { S: 'petitionEvent' },
          type: { S: e.type },
          agencyId: { S: e.agencyId },
          at: { S: e.at },
          ...(e.onTime === undefined ? {} : { onTime: { BOOL: e.onTime } }),
          ...(e.fromAgencyId ? { fromAgencyId: { S: e.fromAgencyId } } : {}),
        } as Record<string, AttributeValue>,
      },
    });
    const escalated = petitionEvent('P9', 1, 'petition.escalated', 'ubnd-hn', { fromAgencyId: 'stp-hn' });
    write(escalated);
    await countRecord(ports, record(escalated));
    expect(now.get('stp-hn')).toBe(1);
    const answered = petitionEvent('P9', 2, 'petition.answered', 'ubnd-hn', { onTime: false });
    write(answered);
    expect(await countRecord(ports, record(answered))).toMatchObject({
      kind: 'petitionAnswered',
      add: { petitionsAnswered: 1, petitionsAnsweredOnTime: 0 },
    });
    expect(now.get('stp-hn')).toBe(0);
    expect(added).toHaveLength(1);
  });
});

describe('published figures of now', () => {
  const month = monthOf(new Date().toISOString());

  it('join every listed agency’s current figures, and list this month an agency with only overdue dossiers', async () => {
    const ports = {
      month: async () => [{ agencyId: 'bhxh-hn', month, counts: { ...zeroCounts(), received: 2 } }],
      allNow: async () =>
        new Map([
          ['bhxh-hn', { overdueNow: 1, petitionsOverdueNow: 0 }],
          ['ca-hn', { overdueNow: 3, petitionsOverdueNow: 1 }],
          ['stp-hn', zeroNow()],
        ]),
    };
    const list = await agenciesOfMonth(ports, { month, order: 'best' });
    expect(list.items.map((x) => [x.agencyId, x.overdueNow, x.petitionsOverdueNow])).toEqual([
      ['bhxh-hn', 1, 0],
      ['ca-hn', 3, 1],
    ]);
    const past = await agenciesOfMonth(ports, { month: '2020-01', order: 'best' });
    expect(past.items.map((x) => x.agencyId)).toEqual(['bhxh-hn']);
  });

  it('default to the month under way in Vietnam, which starts at 17:00 UTC on the last day of the month before', async () => {
    const asked: string[] = [];
    const ports = {
      month: async (m: string) => {
        asked.push(m);
        return [{ agencyId: 'bhxh-hn', month: m, counts: { ...zeroCounts(), received: 1 } }];
      },
      allNow: async () => new Map([['ca-hn', { overdueNow: 2, petitionsOverdueNow: 0 }]]),
    };
    // 00:30 on 1 December in Hà Nội; still 30 November in UTC.
    const list = await agenciesOfMonth(ports, { order: 'best' }, new Date('2026-11-30T17:30:00Z'));
    expect(list.month).toBe('2026-12');
    expect(asked).toEqual(['2026-12']);
    // It is the current month, so an agency with only overdue dossiers is listed too.
    expect(list.items.map((x) => x.agencyId).sort()).toEqual(['bhxh-hn', 'ca-hn']);
    const before = await agenciesOfMonth(ports, { order: 'best' }, new Date('2026-11-30T16:59:59Z'));
    expect(before.month).toBe('2026-11');
    expect(agencyStatsQuery.safeParse({}).success).toBe(true);
    expect(agencyStatsQuery.safeParse({ month: '2026-13' }).success).toBe(false);
  });

  it('give a series its current figures, on the current month’s CSV row only', async () => {
    const series = await agencySeries(
      {
        agencyMonths: async () => [],
        agencyNow: async () => ({ overdueNow: 4, petitionsOverdueNow: 2 }),
      },
      'bhxh-hn',
      { from: '2026-10', to: '2026-11' },
    );
    expect(series).toMatchObject({ overdueNow: 4, petitionsOverdueNow: 2 });
    const lines = seriesCsv(series, new Date('2026-11-20T00:00:00.000Z')).slice(1).trim().split('\r\n');
    expect(
      lines[0]!.endsWith(
        ',petitionsAnswered,petitionsAnsweredOnTime,petitionsOnTimeRate,documentsAskedTwice,overdueNow,petitionsOverdueNow',
      ),
    ).toBe(true);
    expect(lines[1]!.endsWith(',,')).toBe(true);
    expect(lines[2]!.endsWith(',4,2')).toBe(true);
  });
});

describe('rebuild of what is overdue now', () => {
  const asOf = new Date('2026-11-12T00:00:00.000Z');
  const ports = (live: Map<string, { overdueNow: number; petitionsOverdueNow: number }>) => {
    const saved: string[] = [];
    const p: RebuildPorts = {
      agencyRecords: async (agencyId) => ({
        dossiers:
          agencyId === 'bhxh-hn'
            ? ([
                { code: 'A', agencyId, status: 'in_progress', dueAt: DUE, submittedAt: DUE },
                { code: 'B', agencyId, status: 'supplement_requested', dueAt: DUE, submittedAt: DUE },
                {
                  code: 'C',
                  agencyId,
                  status: 'in_progress',
                  dueAt: '2026-12-01T00:00:00.000Z',
                  submittedAt: DUE,
                },
              ] as DossierRecord[])
            : [],
        ratings: [],
        petitions: [],
      }),
      timeline: async () => [],
      liveMonth: async () => [],
      saveRebuilt: async () => {},
      liveNow: async () => live,
      saveRebuiltNow: async (agencyId) => void saved.push(agencyId),
      now: () => asOf,
    };
    return { p, saved };
  };

  it('counts open dossiers past due as of the instant, and reports a live figure that differs', async () => {
    const agreeing = ports(new Map([['bhxh-hn', { overdueNow: 1, petitionsOverdueNow: 0 }]]));
    const ok = await rebuildStats(agreeing.p, ['bhxh-hn', 'ca-hn']);
    expect(ok.differences).toEqual([]);
    expect(agreeing.saved).toEqual(['bhxh-hn']);
    const lagging = ports(new Map());
    const off = await rebuildStats(lagging.p, ['bhxh-hn']);
    expect(off.differences).toEqual([
      { agencyId: 'bhxh-hn', month: 'now', counter: 'overdueNow', live: 0, rebuilt: 1 },
    ]);
  });
});

describe('the notification relay runs the statistics consumer beside its own', () => {
  const timelineInsert: DynamoDBRecord = {
    eventName: 'INSERT',
    dynamodb: {
      NewImage: {
        pk: { S: 'DOSSIER#BHXHHN-261102-0001' },
        sk: { S: 'EVENT#00002' },
        kind: { S: 'event' },
        type: { S: 'dossier.in_progress' },
      },
    },
  };
  const ratingInsert: DynamoDBRecord = {
    eventName: 'INSERT',
    dynamodb: { NewImage: { pk: { S: 'DOSSIER#X' }, sk: { S: 'RATING' }, kind: { S: 'rating' } } },
  };
  const petitionInsert: DynamoDBRecord = {
    eventName: 'INSERT',
    dynamodb: {
      NewImage: { pk: { S: 'PETITION#P1' }, sk: { S: 'EVENT#00001' }, kind: { S: 'petitionEvent' } },
    },
  };
  const outbox: DynamoDBRecord = {
    eventName: 'INSERT',
    dynamodb: { NewImage: { pk: { S: 'OUTBOX#1' }, sk: { S: 'OUTBOX' } } },
  };

  it('takes ratings and petition events as well as its own records, and no outbox items', () => {
    expect([timelineInsert, ratingInsert, petitionInsert, outbox].map(isRelayRecord)).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('runs both halves even when one fails, and fails the record if either failed', async () => {
    const ran: string[] = [];
    const consumers = (fail: 'notify' | 'count' | 'both' | 'none') => ({
      notify: async () => {
        ran.push('notify');
        if (fail === 'notify' || fail === 'both') throw new Error('queue unavailable');
      },
      count: async () => {
        ran.push('count');
        if (fail === 'count' || fail === 'both') throw new Error('table throttled');
      },
    });
    await relayRecord(timelineInsert, consumers('none'));
    expect(ran).toEqual(['notify', 'count']);
    ran.length = 0;
    await expect(relayRecord(timelineInsert, consumers('count'))).rejects.toThrow('table throttled');
    expect(ran).toEqual(['notify', 'count']);
    ran.length = 0;
    await expect(relayRecord(timelineInsert, consumers('notify'))).rejects.toThrow('queue unavailable');
    expect(ran).toEqual(['notify', 'count']);
    ran.length = 0;
    await expect(relayRecord(timelineInsert, consumers('both'))).rejects.toBeInstanceOf(AggregateError);
    ran.length = 0;
    // A rating is only the statistics consumer's: a failing notifier is never asked.
    await relayRecord(ratingInsert, consumers('notify'));
    expect(ran).toEqual(['count']);
  });
});
