import { describe, expect, it } from 'vitest';
import { onBusinessMetric } from '../../functions/core/metrics.js';
import { SLA } from '../../functions/core/resources.js';
import {
  type AgencyRef,
  breachOf,
  type LapsedEntry,
  openDeadlines,
  type SlaDossier,
  type SlaWatchPorts,
  syncSlaIndex,
  watchLanes,
  watchSla,
} from '../../functions/sla/sla.js';
import type { NotificationMessage } from '../../schemas/notification.js';

const base: SlaDossier = {
  code: 'HNI-STP-251003-0001',
  agencyId: 'hni-stp',
  agencyName: 'Sở Tư pháp Hà Nội',
  procedureName: 'Cấp phiếu lý lịch tư pháp',
  status: 'submitted',
  // Friday 3 October 2025, 16:00 in Hà Nội.
  submittedAt: '2025-10-03T09:00:00.000Z',
  updatedAt: '2025-10-03T09:00:00.000Z',
  dueAt: '2025-10-10T10:00:00.000Z',
  version: 1,
};

describe('SLA deadlines', () => {
  it('counts the 8-hour acknowledgement in working hours over the weekend', () => {
    // Friday 16–17 (1 h), Monday 8–12 (4 h) and 13–16 (3 h): Monday 6 October, 16:00 local.
    expect(openDeadlines(base)).toEqual({ ack: '2025-10-06T09:00:00.000Z', due: base.dueAt });
  });

  it('skips a public holiday', () => {
    // Monday 1 September 2025, 16:00; 2 September is National Day: the clock runs on Wednesday 3rd.
    const d = { ...base, submittedAt: '2025-09-01T09:00:00.000Z' };
    expect(openDeadlines(d).ack).toBe('2025-09-03T09:00:00.000Z');
  });

  it('starts the clock of a fee-paying dossier once it is paid, and stops it on receipt', () => {
    const unpaid = {
      ...base,
      payment: { amount: 50000, currency: 'VND' as const, status: 'pending' as const },
    };
    expect(openDeadlines(unpaid).ack).toBeUndefined();
    const paid = {
      ...unpaid,
      // Paid Monday 08:00 local: a full working day, until 17:00.
      updatedAt: '2025-10-06T01:00:00.000Z',
      payment: { ...unpaid.payment, status: 'succeeded' as const },
    };
    expect(openDeadlines(paid).ack).toBe('2025-10-06T10:00:00.000Z');
    expect(openDeadlines({ ...base, status: 'received' })).toEqual({ due: base.dueAt });
    expect(openDeadlines({ ...base, status: 'result_issued' })).toEqual({});
  });

  it('judges a breach on the dossier as it is now', () => {
    const after = new Date('2025-10-06T09:00:01.000Z');
    expect(breachOf('ack', base, '2025-10-06T09:00:00.000Z', after)).toBe('2025-10-06T09:00:00.000Z');
    expect(
      breachOf('ack', base, '2025-10-06T09:00:00.000Z', new Date('2025-10-06T08:59:00.000Z')),
    ).toBeUndefined();
    expect(
      breachOf('ack', { ...base, status: 'received' }, '2025-10-06T09:00:00.000Z', after),
    ).toBeUndefined();
    const late = new Date('2025-10-10T10:00:01.000Z');
    expect(breachOf('due', { ...base, status: 'in_progress' }, base.dueAt, late)).toBe(base.dueAt);
    expect(breachOf('due', { ...base, status: 'approved' }, base.dueAt, late)).toBeUndefined();
    // Extended: the index still holds the old date, the dossier the new one.
    expect(
      breachOf(
        'due',
        { ...base, status: 'in_progress', dueAt: '2025-10-17T10:00:00.000Z' },
        base.dueAt,
        late,
      ),
    ).toBeUndefined();
  });

  it('keeps the index in step with each dossier image', async () => {
    const calls: string[] = [];
    const ports = {
      putAck: async (d: SlaDossier, at: string) => void calls.push(`ack ${d.code} ${at}`),
      putDue: async (d: SlaDossier, at: string) => void calls.push(`due ${d.code} ${at}`),
      remove: async (code: string, kind: string) => void calls.push(`remove ${kind} ${code}`),
    };
    await syncSlaIndex(ports, base);
    await syncSlaIndex(ports, { ...base, status: 'completed' });
    expect(calls.sort()).toEqual(
      [
        `ack ${base.code} 2025-10-06T09:00:00.000Z`,
        `due ${base.code} ${base.dueAt}`,
        `remove ack ${base.code}`,
        `remove due ${base.code}`,
      ].sort(),
    );
  });

  it('writes only what an image changes in the index it reads first', async () => {
    const index = new Map<string, string>();
    const calls: string[] = [];
    const ports = {
      held: async (code: string) => {
        const held: Record<string, string> = {};
        for (const [key, deadline] of index)
          if (key.startsWith(`${code}/`)) held[key.split('/')[1]!] = deadline;
        return held;
      },
      putAck: async (d: SlaDossier, at: string) => {
        calls.push(`ack ${at}`);
        index.set(`${d.code}/ack`, at);
      },
      putDue: async (d: SlaDossier, at: string) => {
        calls.push(`due ${at}`);
        index.set(`${d.code}/due`, at);
      },
      putStep: async (d: SlaDossier, kind: 'step' | 'remind', at: string) => {
        calls.push(`${kind} ${at}`);
        index.set(`${d.code}/${kind}`, at);
      },
      remove: async (code: string, kind: string) => {
        calls.push(`remove ${kind}`);
        index.delete(`${code}/${kind}`);
      },
    };
    const ack = '2025-10-06T09:00:00.000Z';
    await syncSlaIndex(ports, base);
    expect(calls.sort()).toEqual([`ack ${ack}`, `due ${base.dueAt}`]);
    // The same deadlines in a newer image (the dossier paid, a notice recorded): nothing written.
    calls.length = 0;
    await syncSlaIndex(ports, { ...base, version: 2, updatedAt: '2025-10-03T09:05:00.000Z' });
    expect(calls).toEqual([]);
    // Received with a step under way: the acknowledgement leaves, the step and its reminder come.
    const stepClock = {
      stepId: 'tham-dinh',
      startedAt: '2025-10-06T02:00:00.000Z',
      dueAt: '2025-10-08T10:00:00.000Z',
      remindAt: '2025-10-08T02:00:00.000Z',
    };
    const received = { ...base, status: 'in_progress' as const, version: 3, stepClock };
    calls.length = 0;
    await syncSlaIndex(ports, received);
    expect(calls.sort()).toEqual([
      'remind 2025-10-08T02:00:00.000Z',
      'remove ack',
      'step 2025-10-08T10:00:00.000Z',
    ]);
    // Extended: only the due date moves.
    calls.length = 0;
    await syncSlaIndex(ports, { ...received, version: 4, dueAt: '2025-10-17T10:00:00.000Z' });
    expect(calls).toEqual(['due 2025-10-17T10:00:00.000Z']);
    // Settled: what is left is removed once; a later image of the settled dossier writes nothing.
    calls.length = 0;
    await syncSlaIndex(ports, { ...received, version: 5, status: 'completed' });
    expect(calls.sort()).toEqual(['remove due', 'remove remind', 'remove step']);
    calls.length = 0;
    await syncSlaIndex(ports, { ...received, version: 6, status: 'completed' });
    expect(calls).toEqual([]);
    expect(index.size).toBe(0);
  });
});

/** An in-memory table of index entries, flags and the notifications queue. */
function fakeWatch(dossiers: SlaDossier[], failEnqueue = 0, pageSize = 200) {
  const entries = new Map<string, LapsedEntry>();
  for (const d of dossiers) {
    for (const [kind, deadline] of Object.entries(openDeadlines(d)) as [LapsedEntry['kind'], string][]) {
      entries.set(`${d.code}/${kind}`, { code: d.code, kind, deadline, indexKey: `${deadline}#${d.code}` });
    }
  }
  const flags = new Set<string>();
  const queue: NotificationMessage[] = [];
  let failures = failEnqueue;
  const agencies: Record<string, AgencyRef> = {
    'hni-stp': { id: 'hni-stp', name: 'Sở Tư pháp Hà Nội', parentId: 'hni' },
    hni: { id: 'hni', name: 'UBND thành phố Hà Nội', parentId: null },
  };
  const ports: SlaWatchPorts = {
    shards: 1,
    // Pages of `pageSize`, oldest first, resuming after the last index key handed out (as DynamoDB does).
    listLapsed: async (kind, _shard, before, after) => {
      const lapsed = [...entries.values()]
        .filter((e) => e.kind === kind && e.indexKey < before && (!after || e.indexKey > after.indexKey!))
        .sort((a, b) => a.indexKey.localeCompare(b.indexKey));
      const page = lapsed.slice(0, pageSize);
      return {
        entries: page,
        ...(page.length === pageSize ? { next: { indexKey: page.at(-1)!.indexKey } } : {}),
      };
    },
    loadDossier: async (code) => dossiers.find((d) => d.code === code),
    flag: async (code, kind, deadline) => {
      const key = `${code}/${kind}/${deadline}`;
      if (flags.has(key)) return false;
      flags.add(key);
      return true;
    },
    unflag: async (code, kind, deadline) => void flags.delete(`${code}/${kind}/${deadline}`),
    enqueue: async (messages) => {
      if (failures-- > 0) throw new Error('queue unavailable');
      queue.push(...messages);
    },
    clear: async (entry) => {
      const current = entries.get(`${entry.code}/${entry.kind}`);
      if (current?.indexKey === entry.indexKey) entries.delete(`${entry.code}/${entry.kind}`);
    },
    agency: (id) => agencies[id],
  };
  return { ports, queue, flags, entries };
}

describe('SLA watcher', () => {
  const overdue = { ...base, status: 'in_progress' as const };
  const late = new Date('2025-10-13T02:00:00.000Z');

  it('notifies the agency and its parent once, however often it runs', async () => {
    const w = fakeWatch([overdue]);
    const first = await watchSla(w.ports, late);
    expect(first.notified).toEqual({ ack: 0, due: 1, step: 0, remind: 0 });
    expect(w.queue.map((m) => [m.channel, m.to, m.topic])).toEqual([
      ['agency', 'hni-stp', 'sla.due'],
      ['agency', 'hni', 'sla.due'],
    ]);
    expect(w.queue[0]!.text).toContain(base.code);
    expect(w.queue[0]!.text).toContain('quá hạn');
    expect(w.queue[1]!.text).toContain('đơn vị trực thuộc Sở Tư pháp Hà Nội');

    // The index entry survives (a replayed stream record wrote it back): still only one notice.
    const again = fakeWatch([overdue]);
    for (const f of w.flags) again.flags.add(f);
    const second = await watchSla(again.ports, late);
    expect(second.notified).toEqual({ ack: 0, due: 0, step: 0, remind: 0 });
    expect(second.alreadyNotified).toBe(1);
    expect(again.queue).toEqual([]);
    expect(await watchSla(w.ports, late)).toMatchObject({ checked: 0, notified: { ack: 0, due: 0 } });
  });

  it('counts each breach once as a business metric (Overdue, AcknowledgedLate)', async () => {
    const seen: string[] = [];
    const stop = onBusinessMetric((name, count) => seen.push(`${name}:${count}`));
    try {
      const due = fakeWatch([overdue]);
      await watchSla(due.ports, late);
      await watchSla(due.ports, late);
      const ack = fakeWatch([base]);
      const lapsed = new Date('2025-10-06T09:30:00.000Z');
      await watchSla(ack.ports, lapsed);
      await watchSla(ack.ports, lapsed);
    } finally {
      stop();
    }
    expect(seen.sort()).toEqual(['AcknowledgedLate:1', 'Overdue:1']);
  });

  it('flags an unacknowledged dossier and leaves one still on time alone', async () => {
    const w = fakeWatch([base]);
    const early = await watchSla(w.ports, new Date('2025-10-06T08:00:00.000Z'));
    expect(early.checked).toBe(0);
    const lapsed = await watchSla(w.ports, new Date('2025-10-06T09:30:00.000Z'));
    expect(lapsed.notified).toEqual({ ack: 1, due: 0, step: 0, remind: 0 });
    expect(w.queue[0]!.text).toContain('chưa được tiếp nhận trong 8 giờ làm việc');
  });

  it('takes a settled dossier out of the index without notifying', async () => {
    const w = fakeWatch([overdue]);
    const settled = { ...overdue, status: 'approved' as const };
    w.ports.loadDossier = async () => settled;
    const report = await watchSla(w.ports, late);
    expect(report).toMatchObject({ cleared: 1, notified: { ack: 0, due: 0 } });
    expect(w.entries.size).toBe(0);
  });

  it('tries again next run when the notice could not be queued', async () => {
    const w = fakeWatch([overdue], 1);
    const failed = await watchSla(w.ports, late);
    expect(failed.errors).toHaveLength(1);
    expect(w.flags.size).toBe(0);
    const retried = await watchSla(w.ports, late);
    expect(retried.notified.due).toBe(1);
    expect(w.queue).toHaveLength(2);
  });
});

describe('SLA watcher: many deadlines lapsed at once', () => {
  const late = new Date('2025-10-13T02:00:00.000Z');
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      ...base,
      status: 'in_progress' as const,
      code: `HNI-STP-251003-${String(i + 1).padStart(4, '0')}`,
    }));

  it('reads a shard page after page in one run, and a failing entry does not hold back the rest', async () => {
    const w = fakeWatch(many(7), 0, 2);
    const load = w.ports.loadDossier;
    w.ports.loadDossier = async (code) => {
      if (code.endsWith('0003')) throw new Error('table unavailable');
      return load(code);
    };
    const report = await watchSla(w.ports, late);
    expect(report).toMatchObject({ checked: 7, notified: { due: 6 }, unfinished: 0 });
    expect(report.errors.map((e) => e.code)).toEqual(['HNI-STP-251003-0003']);
    // The failed entry stays indexed and the next run takes it.
    expect([...w.entries.keys()]).toEqual(['HNI-STP-251003-0003/due']);
    w.ports.loadDossier = load;
    expect((await watchSla(w.ports, late)).notified.due).toBe(1);
  });

  it('works on several shards at once, never more than its concurrency', async () => {
    const w = fakeWatch(many(24), 0, 1);
    let inFlight = 0;
    let most = 0;
    const load = w.ports.loadDossier;
    w.ports.shards = 6;
    // Each shard holds the entries whose number falls on it, a page of one at a time.
    w.ports.listLapsed = async (kind, shard, before, after) => {
      const mine = [...w.entries.values()]
        .filter((e) => e.kind === kind && e.indexKey < before && Number(e.code.slice(-4)) % 6 === shard)
        .filter((e) => !after || e.indexKey > after.indexKey!)
        .sort((a, b) => a.indexKey.localeCompare(b.indexKey));
      const page = mine.slice(0, 1);
      return { entries: page, ...(mine.length > 1 ? { next: { indexKey: page[0]!.indexKey } } : {}) };
    };
    w.ports.loadDossier = async (code) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return load(code);
    };
    const report = await watchSla(w.ports, late, { concurrency: 3 });
    expect(report.notified.due).toBe(24);
    expect(most).toBe(3);
  });

  it('reaches a due date behind a deep backlog of lapsed acknowledgements in the same run', async () => {
    const unacknowledged = many(30).map((d) => ({ ...d, status: 'submitted' as const }));
    const overdue = {
      ...base,
      code: 'HNI-STP-251001-0001',
      status: 'in_progress' as const,
      dueAt: '2025-10-06T00:00:00.000Z',
    };
    const w = fakeWatch([...unacknowledged, overdue], 0, 5);
    let left = 100;
    const load = w.ports.loadDossier;
    w.ports.loadDossier = async (code) => {
      left -= 10;
      return load(code);
    };
    // Monday 7 October: the acknowledgements lapsed on the 6th, the one due date on the 6th too.
    const report = await watchSla(w.ports, new Date('2025-10-07T02:00:00.000Z'), {
      timeLeftMs: () => left,
      reserveMs: 5,
      concurrency: 1,
    });
    // A page of acknowledgements, then the due date's turn, then acknowledgements again until the time is spent.
    expect(report.notified.due).toBe(1);
    expect(report.notified.ack).toBe(9);
    expect(report.unfinished).toBe(1);
  });

  it('stops before its time runs out and leaves the rest indexed for the next run', async () => {
    const w = fakeWatch(many(5));
    let left = 100;
    const load = w.ports.loadDossier;
    w.ports.loadDossier = async (code) => {
      left -= 30;
      return load(code);
    };
    const seen: string[] = [];
    const stop = onBusinessMetric((name, count) => seen.push(`${name}:${count}`));
    const first = await watchSla(w.ports, late, {
      timeLeftMs: () => left,
      reserveMs: 15,
      concurrency: 1,
    }).finally(stop);
    // Operators hear that the watcher is behind (the SlaWatchBehind alarm).
    expect(seen).toContain('SlaWatchUnfinished:3');
    // 100 → 70 → 40 → 10: the fourth entry would start with 10 ms left, under the 15 kept back. The
    // acknowledgement shard was read; the due shard and the two step shards are left.
    expect(first).toMatchObject({ checked: 3, notified: { due: 3 }, unfinished: 3 });
    expect(w.entries.size).toBe(2);
    left = 1_000;
    const second = await watchSla(w.ports, late, { timeLeftMs: () => left, reserveMs: 15 });
    expect(second).toMatchObject({ checked: 2, notified: { due: 2 }, unfinished: 0 });
    expect(w.queue.filter((m) => m.to === 'hni-stp')).toHaveLength(5);
  });
});

describe('SLA watcher: the runs one schedule starts', () => {
  const late = new Date('2025-10-13T02:00:00.000Z');

  it('gives every lane of every kind to exactly one part, a quarter each', () => {
    const all = watchLanes(SLA.shards).map((l) => `${l.kind}/${l.shard}`);
    expect(all).toHaveLength(4 * SLA.shards);
    const parts = Array.from({ length: SLA.watchParts }, (_, index) =>
      watchLanes(SLA.shards, { index, of: SLA.watchParts }).map((l) => `${l.kind}/${l.shard}`),
    );
    for (const lanes of parts) expect(lanes).toHaveLength((4 * SLA.shards) / SLA.watchParts);
    expect(parts.flat().sort()).toEqual([...all].sort());
  });

  it('reads only its own shards, and the parts together handle every lapsed entry once', async () => {
    const dossiers = Array.from({ length: 12 }, (_, i) => ({
      ...base,
      status: 'in_progress' as const,
      code: `HNI-STP-251003-${String(i + 1).padStart(4, '0')}`,
    }));
    const w = fakeWatch(dossiers);
    w.ports.shards = 4;
    const read: number[][] = [[], []];
    const list = w.ports.listLapsed;
    const byShard =
      (index: number): SlaWatchPorts['listLapsed'] =>
      async (kind, shard, before, after) => {
        read[index]!.push(shard);
        const page = await list(kind, shard, before, after);
        // Each shard holds the entries whose number falls on it.
        return { ...page, entries: page.entries.filter((e) => Number(e.code.slice(-4)) % 4 === shard) };
      };
    const reports = await Promise.all(
      [0, 1].map((index) => watchSla({ ...w.ports, listLapsed: byShard(index) }, late, {}, { index, of: 2 })),
    );
    expect(new Set(read[0])).toEqual(new Set([0, 2]));
    expect(new Set(read[1])).toEqual(new Set([1, 3]));
    expect(reports.map((r) => r.part)).toEqual([
      { index: 0, of: 2 },
      { index: 1, of: 2 },
    ]);
    expect(reports.map((r) => r.notified.due)).toEqual([6, 6]);
    expect(new Set(w.queue.filter((m) => m.to === 'hni-stp').map((m) => m.dossierCode)).size).toBe(12);
  });
});

describe('SLA watcher: the running step', () => {
  // Step 2 of 1.002804 runs; reminder at three quarters of its budget, due Thursday 17:00.
  const running: SlaDossier = {
    ...base,
    status: 'in_progress',
    procedureCode: '1.002804',
    procedureVersion: 1,
    stepClock: {
      stepId: 'step-2',
      startedAt: '2025-10-07T03:00:00.000Z',
      dueAt: '2025-10-09T10:00:00.000Z',
      remindAt: '2025-10-08T08:00:00.000Z',
    },
  };

  it('indexes the step due time and its reminder while the step runs, not while the citizen supplements', () => {
    expect(openDeadlines(running)).toMatchObject({
      step: '2025-10-09T10:00:00.000Z',
      remind: '2025-10-08T08:00:00.000Z',
    });
    expect(openDeadlines({ ...running, status: 'supplement_requested' }).step).toBeUndefined();
    expect(openDeadlines({ ...running, status: 'approved' }).remind).toBeUndefined();
  });

  it('reminds the agency before the step is due and flags it after, once each, naming the step', async () => {
    const w = fakeWatch([running]);
    const reminded = await watchSla(w.ports, new Date('2025-10-08T09:00:00.000Z'));
    expect(reminded.notified).toEqual({ ack: 0, due: 0, step: 0, remind: 1 });
    // The reminder goes to the agency alone, and names the step.
    expect(w.queue.map((m) => [m.to, m.topic])).toEqual([['hni-stp', 'sla.remind']]);
    expect(w.queue[0]!.text).toContain('Xác minh dữ liệu giấy phép lái xe');
    const lapsed = await watchSla(w.ports, new Date('2025-10-09T10:30:00.000Z'));
    expect(lapsed.notified).toEqual({ ack: 0, due: 0, step: 1, remind: 0 });
    expect(w.queue.at(-1)!.text).toContain('mẫu 04');
    const again = await watchSla(w.ports, new Date('2025-10-09T11:00:00.000Z'));
    expect(again.notified.step).toBe(0);
  });

  it('sends only the lapse when the watcher first runs after the step was already due', async () => {
    const w = fakeWatch([running]);
    const report = await watchSla(w.ports, new Date('2025-10-09T10:30:00.000Z'));
    expect(report.notified).toEqual({ ack: 0, due: 0, step: 1, remind: 0 });
    expect(w.queue.map((m) => m.topic)).toEqual(['sla.step']);
  });

  it('leaves alone a step the agency has moved past', async () => {
    const w = fakeWatch([running]);
    // The index still holds step 2; the dossier now runs step 3.
    running.stepClock = { ...running.stepClock!, stepId: 'step-3', dueAt: '2025-10-13T10:00:00.000Z' };
    const report = await watchSla(w.ports, new Date('2025-10-09T10:30:00.000Z'));
    expect(report.notified.step).toBe(0);
    expect(breachOf('step', running, '2025-10-09T10:00:00.000Z', new Date('2025-10-09T10:30:00.000Z'))).toBe(
      undefined,
    );
  });
});
