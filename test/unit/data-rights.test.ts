/**
 * Personal-data requests: the statutory clocks on the working-day calendar, the state machine, the
 * overdue judgement the SLA watcher and the queue share, the monthly report, and the watcher's flags.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_RIGHTS } from '../../functions/core/resources.js';
import { PublishedAnswers, type StoredPublication } from '../../functions/petitions/search.js';
import {
  type DataRequestRecord,
  dataRequestClock,
  deadlineInForce,
  decideDataRequest,
  lapsedDeadline,
  resetDataRightsPeriods,
} from '../../functions/pii/data-requests.js';
import { reportOf } from '../../functions/rights/requests.js';
import { watchDataRequests } from '../../functions/sla/data-requests.js';

/** 17:00 in Hanoi (close of business) on a local date. */
const closeOf = (day: string) => new Date(`${day}T10:00:00.000Z`).toISOString();

describe('the clocks (Decree 356/2025/NĐ-CP, periods in DATA_RIGHTS)', () => {
  it('acknowledges within 2 working days, skipping the weekend', () => {
    // Thursday 3 December 2026, 09:00 in Hanoi: Friday is day 1, Monday day 2.
    const c = dataRequestClock('deletion', new Date('2026-12-03T02:00:00Z'));
    expect(c.acknowledgeBy).toBe(closeOf('2026-12-07'));
    // 7 working days: Fri 4, Mon 7 … Fri 11, Mon 14.
    expect(c.dueBy).toBe(closeOf('2026-12-14'));
  });

  it('gives objections the longer period and skips public holidays', () => {
    expect(DATA_RIGHTS.actWorkingDays.objection).toBeGreaterThan(DATA_RIGHTS.actWorkingDays.deletion);
    // Friday 28 August 2026; Wednesday 2 September is National Day (the calendar's holiday data).
    const c = dataRequestClock('objection', new Date('2026-08-28T03:00:00Z'));
    expect(c.acknowledgeBy).toBe(closeOf('2026-09-01'));
    // Working days: 31/8, 1/9, 3/9, 4/9, 7/9, 8/9, 9/9, 10/9, 11/9, 14/9.
    expect(c.dueBy).toBe(closeOf('2026-09-14'));
  });

  afterEach(() => {
    delete process.env.CONG_DATA_RIGHTS_PERIODS;
    resetDataRightsPeriods();
  });

  it('takes other periods from CONG_DATA_RIGHTS_PERIODS, and refuses an inconsistent one', () => {
    process.env.CONG_DATA_RIGHTS_PERIODS =
      '{"acknowledgeWorkingDays":1,"actWorkingDays":{"access":3,"correction":3,"objection":3,"deletion":3}}';
    resetDataRightsPeriods();
    const c = dataRequestClock('deletion', new Date('2026-12-03T02:00:00Z'));
    expect(c).toEqual({ acknowledgeBy: closeOf('2026-12-04'), dueBy: closeOf('2026-12-08') });
    process.env.CONG_DATA_RIGHTS_PERIODS =
      '{"acknowledgeWorkingDays":5,"actWorkingDays":{"access":3,"correction":3,"objection":3,"deletion":3}}';
    resetDataRightsPeriods();
    expect(() => dataRequestClock('access', new Date())).toThrow(/CONG_DATA_RIGHTS_PERIODS/);
  });

  it('counts from the local day of receipt: 23:30 in Hanoi is still that day', () => {
    // 16:30 UTC Monday 7 December = 23:30 in Hanoi, Monday.
    expect(dataRequestClock('access', new Date('2026-12-07T16:30:00Z')).acknowledgeBy).toBe(
      closeOf('2026-12-09'),
    );
    // 17:30 UTC = 00:30 Tuesday in Hanoi.
    expect(dataRequestClock('access', new Date('2026-12-07T17:30:00Z')).acknowledgeBy).toBe(
      closeOf('2026-12-10'),
    );
  });
});

describe('the state machine', () => {
  it('allows the documented steps only', () => {
    expect(decideDataRequest('received', 'acknowledge')).toBe('acknowledged');
    expect(decideDataRequest('received', 'complete')).toBe('completed');
    expect(decideDataRequest('acknowledged', 'complete')).toBe('completed');
    expect(decideDataRequest('acknowledged', 'refuse')).toBe('refused');
    expect(decideDataRequest('acknowledged', 'withdraw')).toBe('withdrawn');
    expect(decideDataRequest('acknowledged', 'acknowledge')).toBeUndefined();
    for (const final of ['completed', 'refused', 'withdrawn'] as const)
      for (const step of ['acknowledge', 'complete', 'refuse', 'withdraw'] as const)
        expect(decideDataRequest(final, step), `${final} ${step}`).toBeUndefined();
  });
});

const request = (over: Partial<DataRequestRecord>): DataRequestRecord => ({
  id: '01JD0000000000000000000001',
  ownerSub: 'p-1',
  kind: 'deletion',
  status: 'received',
  details: {},
  receivedAt: '2026-12-03T02:00:00.000Z',
  acknowledgeBy: closeOf('2026-12-07'),
  dueBy: closeOf('2026-12-14'),
  timeline: [],
  version: 1,
  updatedAt: '2026-12-03T02:00:00.000Z',
  ...over,
});

describe('deadlines in force and lapses', () => {
  it('runs the acknowledgement clock, then the legal period, then none', () => {
    const r = request({});
    expect(deadlineInForce(r)).toBe(r.acknowledgeBy);
    expect(deadlineInForce({ ...r, status: 'acknowledged' })).toBe(r.dueBy);
    expect(deadlineInForce({ ...r, status: 'completed' })).toBeUndefined();
  });

  it('names the lapsed deadline: acknowledgement first, the period once past it, none when final', () => {
    const r = request({});
    expect(lapsedDeadline(r, new Date('2026-12-07T09:59:59Z'))).toBeUndefined();
    expect(lapsedDeadline(r, new Date('2026-12-07T10:00:01Z'))).toEqual({
      kind: 'ack',
      deadline: r.acknowledgeBy,
    });
    expect(
      lapsedDeadline({ ...r, status: 'acknowledged' }, new Date('2026-12-08T00:00:00Z')),
    ).toBeUndefined();
    expect(lapsedDeadline(r, new Date('2026-12-15T00:00:00Z'))).toEqual({ kind: 'due', deadline: r.dueBy });
    expect(lapsedDeadline({ ...r, status: 'withdrawn' }, new Date('2027-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('the monthly report', () => {
  it('counts on time and late against each request’s own deadlines', () => {
    const now = new Date('2026-12-10T00:00:00Z');
    const report = reportOf(
      '2026-12',
      [
        request({
          status: 'completed',
          acknowledgedAt: '2026-12-04T00:00:00Z',
          closedAt: '2026-12-08T00:00:00Z',
        }),
        request({
          status: 'completed',
          acknowledgedAt: '2026-12-08T00:00:00Z',
          closedAt: '2026-12-20T00:00:00Z',
        }),
        request({
          status: 'refused',
          acknowledgedAt: '2026-12-04T00:00:00Z',
          closedAt: '2026-12-04T00:00:00Z',
        }),
        request({}),
        request({ status: 'acknowledged', acknowledgedAt: '2026-12-04T00:00:00Z' }),
        request({ kind: 'access', status: 'withdrawn', closedAt: '2026-12-03T03:00:00Z' }),
      ],
      now,
    );
    expect(report.kinds.deletion).toEqual({
      received: 5,
      acknowledgedOnTime: 3,
      acknowledgedLate: 1,
      completedOnTime: 1,
      completedLate: 1,
      refused: 1,
      withdrawn: 0,
      open: 2,
      // The unacknowledged one is past its 7 December acknowledgement; the acknowledged one is not late.
      overdueNow: 1,
    });
    expect(report.kinds.access).toMatchObject({ received: 1, withdrawn: 1, open: 0 });
    expect(report.kinds.correction.received).toBe(0);
  });
});

describe('the SLA watcher', () => {
  it('flags each lapsed request once, and none that is not lapsed', async () => {
    const flags = new Set<string>();
    const ports = {
      flag: async (code: string, kind: string, deadline: string) => {
        const k = `${code}:${kind}:${deadline}`;
        if (flags.has(k)) return false;
        flags.add(k);
        return true;
      },
      listLapsedRequests: async () => [
        request({}),
        request({ id: '01JD0000000000000000000002', status: 'acknowledged' }),
      ],
    };
    const now = new Date('2026-12-08T00:00:00Z');
    expect(await watchDataRequests(ports, now)).toEqual({
      checked: 2,
      flagged: { ack: 1, due: 0 },
      alreadyFlagged: 0,
      errors: 0,
    });
    expect([...flags]).toEqual([`DATAREQ-01JD0000000000000000000001:ack:${closeOf('2026-12-07')}`]);
    expect((await watchDataRequests(ports, now)).alreadyFlagged).toBe(1);
  });
});

describe('an objection to publishing', () => {
  it('drops a withdrawn answer from every search that already held it', async () => {
    const view = {
      code: 'PAKN-261120-0001',
      subject: 'Chậm chứng thực bản sao',
      content: 'Công dân phản ánh hồ sơ chậm.',
      agencyId: 'stp-01',
      agencyName: 'Sở Tư pháp',
      answer: { text: 'Đã có kết quả.', at: '2026-11-25T03:00:00.000Z' },
      submittedAt: '2026-11-20T03:00:00.000Z',
      publishedAt: '2026-11-25T03:00:00.000Z',
    };
    let stored: StoredPublication[] = [{ view, indexKey: `${view.publishedAt}#${view.code}`, masked: true }];
    const answers = new PublishedAnswers({ since: async () => stored });
    expect((await answers.search(undefined, 10, undefined)).items.map((i) => i.code)).toEqual([view.code]);
    // The withdrawal re-indexes the entry at its own time, so the next incremental read sees it.
    stored = [{ view, indexKey: `2026-12-01T03:00:00.000Z#${view.code}`, masked: true, withdrawn: true }];
    expect((await answers.search(undefined, 10, undefined)).items).toEqual([]);
    expect((await answers.search('chung thuc', 10, undefined)).items).toEqual([]);
  });
});
