import { afterEach, describe, expect, it } from 'vitest';
import { reachOf } from '../../functions/core/access.js';
import { AppError } from '../../functions/core/errors.js';
import { matches as matchesDeadLetter } from '../../functions/dispatch/redrive.js';
import {
  deliverSupport,
  type SupportDeliveryPorts,
  supportPayload,
} from '../../functions/dispatch/support-deliver.js';
import { supportNotifications } from '../../functions/notifications/support-notice.js';
import { maskPersonalData } from '../../functions/pii/personal-data-mask.js';
import {
  dueInForce,
  isTicketOverdue,
  quietCloseAt,
  resetSupportClockHours,
  supportClockHours,
  ticketDeadlines,
} from '../../functions/support/clock.js';
import type { TicketEvent, TicketRecord } from '../../functions/support/model.js';
import { monthRange, supportFigures } from '../../functions/support/stats.js';
import {
  askerActs,
  closeQuietTickets,
  createTicket,
  decideTicket,
  handleSupportEvent,
  publishFaq,
  rateTicket,
  recordCallerRating,
  supportActs,
} from '../../functions/support/tickets.js';
import { memorySupportDesk as memoryPorts } from '../support/fakes/support-desk.js';

const citizen = { sub: 'citizen-1', role: 'citizen' as const };
const agent = { sub: 'agent-1', role: 'support_agent' as const, provinceCode: '01' };
const question = {
  subject: 'Đổi giấy phép lái xe',
  question: 'Tôi ở Hà Nội, gọi 0912 345 678 hoặc email an@example.vn, CCCD 001090000001. Đổi GPLX thế nào?',
  procedureCode: '1.002804',
  provinceCode: '01',
  attachments: [],
};

afterEach(() => {
  delete process.env.CONG_SUPPORT_DEADLINES;
  resetSupportClockHours();
});

describe('support deadlines', () => {
  it('counts office hours of working days: a Friday-afternoon question is due on Monday', () => {
    // Friday 4 Dec 2026, 15:00 in Hà Nội: 2 office hours left that day, 6 more from Monday 08:00
    // (08–12, 13–15): Monday 15:00 local.
    const d = ticketDeadlines(new Date('2026-12-04T08:00:00Z'));
    expect(d.firstAnswerDueAt).toBe('2026-12-07T08:00:00.000Z');
    // 40 working hours: 2 on Friday, 32 from Monday to Thursday, 6 on the next Friday: 15:00 local.
    expect(d.resolutionDueAt).toBe('2026-12-11T08:00:00.000Z');
  });

  it('reads its hours from CONG_SUPPORT_DEADLINES and refuses a first answer after the resolution', () => {
    process.env.CONG_SUPPORT_DEADLINES = '{"firstAnswerWorkingHours":2,"resolutionWorkingHours":16}';
    expect(supportClockHours()).toEqual({ firstAnswerWorkingHours: 2, resolutionWorkingHours: 16 });
    resetSupportClockHours();
    process.env.CONG_SUPPORT_DEADLINES = '{"firstAnswerWorkingHours":20,"resolutionWorkingHours":16}';
    expect(() => supportClockHours()).toThrow(/CONG_SUPPORT_DEADLINES/);
  });

  it('runs the first-answer clock, then the resolution clock only while the desk or agency owes an answer', () => {
    const t = { firstAnswerDueAt: 'A', resolutionDueAt: 'R' };
    expect(dueInForce({ ...t, status: 'open' })).toBe('A');
    expect(dueInForce({ ...t, status: 'open', firstAnsweredAt: 'x' })).toBe('R');
    expect(dueInForce({ ...t, status: 'with_agency', firstAnsweredAt: 'x' })).toBe('R');
    expect(dueInForce({ ...t, status: 'awaiting_citizen', firstAnsweredAt: 'x' })).toBeUndefined();
    expect(dueInForce({ ...t, status: 'closed' })).toBeUndefined();
  });
});

describe('the ticket state machine', () => {
  it('allows each step only from its states', () => {
    expect(decideTicket('open', 'support.answered')).toBe('answered');
    expect(decideTicket('answered', 'support.answered')).toBeUndefined();
    expect(decideTicket('awaiting_citizen', 'support.replied')).toBe('open');
    expect(decideTicket('open', 'support.replied')).toBeUndefined();
    expect(decideTicket('closed', 'support.reopened')).toBe('open');
    expect(decideTicket('with_agency', 'support.closed')).toBeUndefined();
    expect(decideTicket('with_agency', 'support.returned')).toBe('open');
  });
});

describe('asking, answering, reopening, rating', () => {
  it('creates a desk ticket with its deadlines, answers it on time, reopens once and rates once', async () => {
    const { ports, tickets } = memoryPorts();
    const created = await createTicket(ports, citizen, 'key-00001', question);
    expect(created.body).toMatchObject({ code: 'HTTT-261207-0001', status: 'open', channel: 'web' });
    expect(created.body).toMatchObject(ticketDeadlines(ports.now()));
    expect(tickets.get(created.body.code)).toMatchObject({ supportDesk: true, provinceCode: '01' });
    // Same key, same body: the same answer; another body: refused.
    expect((await createTicket(ports, citizen, 'key-00001', question)).body).toEqual(created.body);
    await expect(
      createTicket(ports, citizen, 'key-00001', { ...question, subject: 'Khác' }),
    ).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });

    const code = created.body.code;
    const answered = await supportActs(ports, agent, code, { action: 'answer', text: 'Nộp trực tuyến.' });
    expect(answered).toMatchObject({ status: 'answered', firstAnswerOnTime: true });
    expect(answered.dueInForce).toBeUndefined();
    expect(isTicketOverdue(answered, new Date('2030-01-01'))).toBe(false);
    const reopened = await askerActs(ports, code, { action: 'reopen', text: 'Chưa rõ' });
    expect(reopened).toMatchObject({ status: 'open', reopens: 1 });
    await supportActs(ports, agent, code, { action: 'close' });
    await expect(askerActs(ports, code, { action: 'reopen', text: 'Lần hai' })).rejects.toMatchObject({
      code: 'TICKET_ALREADY_REOPENED',
    });
    expect((await rateTicket(ports, code, { score: 4 })).rating).toMatchObject({ score: 4 });
    await expect(rateTicket(ports, code, { score: 5 })).rejects.toMatchObject({
      code: 'TICKET_ALREADY_RATED',
    });
  });

  it('refuses rating an open ticket and answering a closed one', async () => {
    const { ports } = memoryPorts();
    const { code } = (await createTicket(ports, citizen, 'key-00002', question)).body;
    await expect(rateTicket(ports, code, { score: 3 })).rejects.toMatchObject({
      code: 'TICKET_ILLEGAL_TRANSITION',
    });
    await supportActs(ports, agent, code, { action: 'close' });
    await expect(supportActs(ports, agent, code, { action: 'answer', text: 'Muộn' })).rejects.toMatchObject({
      code: 'TICKET_ILLEGAL_TRANSITION',
      details: { currentStatus: 'closed' },
    });
  });

  it('sends a dossier question straight to the agency handling it, and only the owner may ask', async () => {
    const { ports, writes } = memoryPorts();
    const about = { ...question, dossierCode: 'SXDHN-261201-0001' };
    const created = await createTicket(ports, citizen, 'key-00003', about);
    expect(created.body).toMatchObject({ status: 'with_agency', agencyId: 'sxd-01' });
    expect(writes.at(-1)?.ticket.supportDesk).toBe(false);
    expect(writes.at(-1)?.outbox?.messages[0]).toMatchObject({
      type: 'support.handed',
      agencyId: 'sxd-01',
    });
    await expect(
      createTicket(ports, { sub: 'someone-else', role: 'citizen' }, 'key-00004', about),
    ).rejects.toMatchObject({ code: 'DOSSIER_NOT_FOUND' });
  });

  it('takes phone calls from agents only, with the caller’s mobile and never a citizen ID field', async () => {
    const { ports, tickets } = memoryPorts();
    const call = { subject: 'Gọi tổng đài', question: 'Hỏi về lệ phí', caller: { phone: '0987654321' } };
    await expect(createTicket(ports, citizen, 'key-00005', call)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(createTicket(ports, agent, 'key-00006', { ...question })).rejects.toBeInstanceOf(AppError);
    const logged = await createTicket(ports, agent, 'key-00007', call);
    expect(logged.body.channel).toBe('phone');
    // Filed for the agent's own province desk; owned by the call, not by the agent.
    expect(tickets.get(logged.body.code)).toMatchObject({
      provinceCode: '01',
      ownerSub: `caller:${logged.body.code}`,
      filedBy: { sub: 'agent-1', role: 'support_agent' },
    });
    // The caller's mobile is kept sealed, bound to the ticket, never in clear.
    const stored = tickets.get(logged.body.code)!;
    expect(stored.callerPhoneSealed).toBe(`sealed(${logged.body.code}:0987654321)`);
    expect(JSON.stringify(stored)).not.toContain('"0987654321"');
  });
});

describe('agency answers by signed callback', () => {
  it('is applied once for the agency it is with; replays answer the same; others get 404', async () => {
    const { ports } = memoryPorts();
    const { code } = (await createTicket(ports, citizen, 'key-00008', question)).body;
    const handed = await supportActs(ports, agent, code, { action: 'hand_to_agency', agencyId: 'sxd-01' });
    expect(handed).toMatchObject({ status: 'with_agency', agencyId: 'sxd-01' });
    const event = {
      type: 'support.answered' as const,
      eventId: 'evt-000001',
      ticketCode: code,
      answer: 'Sở GTVT trả lời',
    };
    await expect(handleSupportEvent(ports, 'bca', event)).rejects.toMatchObject({ code: 'TICKET_NOT_FOUND' });
    expect(await handleSupportEvent(ports, 'sxd-01', event)).toMatchObject({
      applied: true,
      status: 'answered',
    });
    expect(await handleSupportEvent(ports, 'sxd-01', event)).toMatchObject({
      applied: false,
      reason: 'replay',
    });
    const again = { ...event, eventId: 'evt-000002' };
    await expect(handleSupportEvent(ports, 'sxd-01', again)).rejects.toMatchObject({
      code: 'TICKET_ILLEGAL_TRANSITION',
    });
  });

  it('returns a desk ticket to the desk, which may then answer it', async () => {
    const { ports } = memoryPorts();
    const { code } = (await createTicket(ports, citizen, 'key-00009', question)).body;
    await supportActs(ports, agent, code, { action: 'hand_to_agency', agencyId: 'sxd-01' });
    const back = await handleSupportEvent(ports, 'sxd-01', {
      type: 'support.returned',
      eventId: 'evt-000003',
      ticketCode: code,
      reason: 'Không thuộc thẩm quyền',
    });
    expect(back.status).toBe('open');
    expect((await ports.loadTicket(code))?.agencyId).toBeUndefined();
  });
});

describe('every closed ticket can be rated', () => {
  const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

  it('closes an answered ticket by itself after the quiet working days, and the asker may then rate it', async () => {
    const { ports, quiet, timelines } = memoryPorts();
    const { code } = (await createTicket(ports, citizen, 'key-00020', question)).body;
    const answered = await supportActs(ports, agent, code, { action: 'answer', text: 'Nộp trực tuyến.' });
    // Monday 7 December 2026, 09:00 in Hà Nội + 5 working days: Monday 14th at close of business.
    expect(answered.closesAt).toBe(quietCloseAt(ports.now()));
    expect(answered.closesAt).toBe('2026-12-14T10:00:00.000Z');
    expect(quiet.get(code)).toBe(answered.closesAt);
    await expect(rateTicket(ports, code, { score: 4 })).rejects.toMatchObject({
      code: 'TICKET_ILLEGAL_TRANSITION',
    });
    // Not before its time.
    expect(await closeQuietTickets(ports, later(answered.closesAt!, -60_000))).toEqual({
      closed: 0,
      skipped: 0,
    });
    expect((await ports.loadTicket(code))?.status).toBe('answered');
    expect(await closeQuietTickets(ports, later(answered.closesAt!, 60_000))).toEqual({
      closed: 1,
      skipped: 0,
    });
    const closed = (await ports.loadTicket(code))!;
    expect(closed).toMatchObject({
      status: 'closed',
      closedAt: later(answered.closesAt!, 60_000).toISOString(),
    });
    expect(closed.closesAt).toBeUndefined();
    expect(quiet.has(code)).toBe(false);
    expect(timelines.get(code)?.at(-1)).toMatchObject({ type: 'support.closed', by: 'system' });
    expect((await rateTicket(ports, code, { score: 4 })).rating).toMatchObject({ score: 4 });
    // A second run finds nothing left to close.
    expect(await closeQuietTickets(ports, later(answered.closesAt!, 120_000))).toEqual({
      closed: 0,
      skipped: 0,
    });
  });

  it('leaves a ticket alone once its asker reopened or closed it, and restarts the period on a new answer', async () => {
    const { ports, quiet } = memoryPorts();
    const { code } = (await createTicket(ports, citizen, 'key-00021', question)).body;
    const first = await supportActs(ports, agent, code, { action: 'answer', text: 'Nộp trực tuyến.' });
    await askerActs(ports, code, { action: 'reopen', text: 'Chưa rõ' });
    expect(quiet.has(code)).toBe(false);
    expect((await ports.loadTicket(code))?.closesAt).toBeUndefined();
    expect(await closeQuietTickets(ports, later(first.closesAt!, 60_000))).toEqual({ closed: 0, skipped: 0 });
    expect((await ports.loadTicket(code))?.status).toBe('open');
    await supportActs(ports, agent, code, { action: 'answer', text: 'Nộp tại Sở.' });
    expect(quiet.has(code)).toBe(true);
    await askerActs(ports, code, { action: 'close' });
    expect(quiet.has(code)).toBe(false);
  });

  it('closes a dossier question the agency answered, which has no desk to close it', async () => {
    const { ports } = memoryPorts();
    const about = { ...question, dossierCode: 'SXDHN-261201-0001' };
    const { code } = (await createTicket(ports, citizen, 'key-00022', about)).body;
    await handleSupportEvent(ports, 'sxd-01', {
      type: 'support.answered',
      eventId: 'evt-000020',
      ticketCode: code,
      answer: 'Giấy phép gửi qua bưu chính.',
    });
    const { closesAt } = (await ports.loadTicket(code))!;
    expect(closesAt).toBe('2026-12-14T10:00:00.000Z');
    expect((await closeQuietTickets(ports, later(closesAt!, 1))).closed).toBe(1);
    expect((await rateTicket(ports, code, { score: 5 })).rating).toMatchObject({ score: 5 });
  });

  it('reads the quiet period from CONG_SUPPORT_DEADLINES', () => {
    process.env.CONG_SUPPORT_DEADLINES =
      '{"firstAnswerWorkingHours":4,"resolutionWorkingHours":24,"quietWorkingDays":2}';
    // Friday 4 December 2026, 15:00 in Hà Nội: two working days on is Tuesday 8th at close of business.
    expect(quietCloseAt(new Date('2026-12-04T08:00:00Z'))).toBe('2026-12-08T10:00:00.000Z');
    resetSupportClockHours();
    process.env.CONG_SUPPORT_DEADLINES =
      '{"firstAnswerWorkingHours":4,"resolutionWorkingHours":24,"quietWorkingDays":0}';
    expect(() => supportClockHours()).toThrow(/CONG_SUPPORT_DEADLINES/);
  });

  it("records a phone caller's score given on the phone, with the agent who recorded it", async () => {
    const { ports, timelines } = memoryPorts();
    const call = { subject: 'Gọi tổng đài', question: 'Hỏi về lệ phí', caller: { phone: '0987654321' } };
    const { code } = (await createTicket(ports, agent, 'key-00023', call)).body;
    await supportActs(ports, agent, code, { action: 'answer', text: 'Lệ phí 135.000 đồng.' });
    // Not before the call's ticket is closed; never by the caller's account (there is none).
    await expect(recordCallerRating(ports, agent, code, { score: 5 })).rejects.toMatchObject({
      code: 'TICKET_ILLEGAL_TRANSITION',
    });
    await supportActs(ports, agent, code, { action: 'close' });
    await expect(rateTicket(ports, code, { score: 5 })).rejects.toMatchObject({
      code: 'TICKET_ILLEGAL_TRANSITION',
    });
    const rated = await recordCallerRating(ports, agent, code, { score: 5, comment: 'Hài lòng' });
    expect(rated.rating).toMatchObject({
      score: 5,
      comment: 'Hài lòng',
      recordedBy: { sub: 'agent-1', role: 'support_agent' },
    });
    expect(timelines.get(code)?.at(-1)).toMatchObject({
      type: 'support.rated',
      by: 'support',
      source: 'support:agent-1',
    });
    await expect(recordCallerRating(ports, agent, code, { score: 1 })).rejects.toMatchObject({
      code: 'TICKET_ALREADY_RATED',
    });
    // A web question is its asker's to rate, never the agent's.
    const { code: web } = (await createTicket(ports, citizen, 'key-00024', question)).body;
    await supportActs(ports, agent, web, { action: 'close' });
    await expect(recordCallerRating(ports, agent, web, { score: 5 })).rejects.toMatchObject({
      code: 'TICKET_ILLEGAL_TRANSITION',
      details: { currentStatus: 'closed', step: 'support.caller_rated' },
    });
  });

  it('tells the asker a quiet ticket closed itself and that they may still rate it; a caller to call again', () => {
    const ticket = {
      code: 'HTTT-261207-0009',
      subject: 'Đổi GPLX',
      reopens: 0,
      channel: 'web',
    } as TicketRecord;
    const closed: TicketEvent = { seq: 3, type: 'support.closed', status: 'closed', at: 'x', by: 'system' };
    const [sms] = supportNotifications(closed, ticket, { phone: '+84912345678' }, (id) => id, 'now');
    expect(sms?.text).toContain('đã tự động đóng vì bạn chưa phản hồi trong 5 ngày làm việc');
    expect(sms?.text).toContain('vẫn có thể đánh giá');
    const call = { ...ticket, channel: 'phone' } as TicketRecord;
    const [text] = supportNotifications(
      { ...closed, by: 'support' },
      call,
      { phone: '+84987654321' },
      (id) => id,
      'now',
    );
    expect(text?.text).toContain('gọi lại tổng đài');
    expect(text?.text).not.toContain('đánh giá');
  });
});

describe('an answer kept as FAQ', () => {
  it('masks citizen IDs, phones and e-mails in what the agent keeps, and is kept once', async () => {
    const { ports, faq } = memoryPorts();
    const { code } = (await createTicket(ports, citizen, 'key-00010', question)).body;
    await expect(publishFaq(ports, code, {}, maskPersonalData)).rejects.toMatchObject({
      code: 'TICKET_ILLEGAL_TRANSITION',
    });
    await supportActs(ports, agent, code, {
      action: 'answer',
      text: 'Gọi 1900 1234 hoặc 0987.654.321 để hỏi.',
    });
    const kept = await publishFaq(ports, code, { keywords: ['GPLX'] }, maskPersonalData);
    const entry = faq.get(kept.faqId!)!;
    expect(entry).toMatchObject({ id: `hoi-dap-${code.toLowerCase()}`, procedureCode: '1.002804' });
    for (const personal of ['0912 345 678', 'an@example.vn', '001090000001', '0987.654.321'])
      expect(`${entry.question} ${entry.answer}`).not.toContain(personal);
    // A hotline stays: it is the agency's, not a person's.
    expect(entry.answer).toContain('1900 1234');
    // The agent's own wording is masked too.
    const { code: other } = (await createTicket(ports, citizen, 'key-00011', question)).body;
    await supportActs(ports, agent, other, { action: 'answer', text: 'Được.' });
    await publishFaq(ports, other, { question: 'Liên hệ ai@example.vn được không?' }, maskPersonalData);
    expect([...faq.values()].at(-1)?.question).not.toContain('ai@example.vn');
    await expect(publishFaq(ports, other, {}, maskPersonalData)).rejects.toMatchObject({
      code: 'FAQ_ALREADY_PUBLISHED',
    });
  });
});

describe('an answer kept as FAQ, without what the asker is known by', () => {
  it("masks a web asker's own name, address and e-mail from their profile, and the ID by shape", async () => {
    const { ports, faq } = memoryPorts();
    const { code } = (
      await createTicket(ports, citizen, 'key-00012', {
        ...question,
        question:
          'Tôi là Nguyễn Văn An, nhà số 12 Hàng Bông, CCCD 001090123456, thư an.nguyen@example.vn. Đổi GPLX ở đâu?',
      })
    ).body;
    await supportActs(ports, agent, code, {
      action: 'answer',
      text: 'Chào anh Nguyễn Văn An: anh nộp hồ sơ đổi GPLX trực tuyến, không cần đến Hàng Bông.',
    });
    const entry = faq.get((await publishFaq(ports, code, {}, maskPersonalData)).faqId!)!;
    const published = `${entry.question} ${entry.answer}`;
    for (const personal of ['Nguyễn Văn An', 'số 12 Hàng Bông', '001090123456', 'an.nguyen@example.vn'])
      expect(published).not.toContain(personal);
    expect(entry.question).toContain('[đã ẩn]');
    // What is not theirs stays: the street alone, without the house number, is not an address.
    expect(entry.answer).toContain('đổi GPLX trực tuyến');
  });

  it("masks a phone caller's name", async () => {
    const { ports, faq } = memoryPorts();
    const { code } = (
      await createTicket(ports, agent, 'key-00013', {
        ...question,
        question: 'Bà Trần Thị Bình hỏi đổi GPLX.',
        caller: { phone: '0912345678', name: 'Trần Thị Bình' },
      })
    ).body;
    await supportActs(ports, agent, code, { action: 'answer', text: 'Bà Trần Thị Bình nộp trực tuyến.' });
    const entry = faq.get((await publishFaq(ports, code, {}, maskPersonalData)).faqId!)!;
    expect(`${entry.question} ${entry.answer}`).not.toContain('Trần Thị Bình');
  });
});

describe('who reaches a ticket', () => {
  const desk = { ownerSub: 'citizen-1', provinceCode: '01', supportDesk: true };
  it('lets the national desk and the province’s own desk in, never another province’s', () => {
    expect(reachOf({ sub: 'a', role: 'support_agent' }, desk, false, true)).toBe('support');
    expect(reachOf({ sub: 'a', role: 'support_agent', provinceCode: '01' }, desk, false, true)).toBe(
      'support',
    );
    expect(
      reachOf({ sub: 'a', role: 'support_agent', provinceCode: '79' }, desk, false, true),
    ).toBeUndefined();
    // A dossier question is the handling agency's alone; on routes without agents, agents reach nothing.
    expect(reachOf({ sub: 'a', role: 'support_agent' }, { ...desk, supportDesk: false }, false, true)).toBe(
      undefined,
    );
    expect(reachOf({ sub: 'a', role: 'support_agent' }, desk, false, false)).toBeUndefined();
  });
});

describe('published figures', () => {
  it('takes the Vietnam month and counts first answers on time, resolution hours and satisfaction', () => {
    expect(monthRange('2026-12')).toEqual({
      from: '2026-11-30T17:00:00.000Z',
      to: '2026-12-31T17:00:00.000Z',
    });
    const base = {
      channel: 'web',
      createdAt: '2026-12-01T02:00:00.000Z',
    } as TicketRecord;
    const figures = supportFigures('2026-12', [
      {
        ...base,
        firstAnsweredAt: '2026-12-01T03:00:00.000Z',
        firstAnswerOnTime: true,
        closedAt: '2026-12-01T12:00:00.000Z',
        rating: { score: 5, at: 'x' },
      },
      {
        ...base,
        channel: 'phone',
        firstAnsweredAt: '2026-12-03T03:00:00.000Z',
        firstAnswerOnTime: false,
        closedAt: '2026-12-02T02:00:00.000Z',
        rating: { score: 2, at: 'x' },
      },
      { ...base },
    ]);
    expect(figures).toEqual({
      month: '2026-12',
      tickets: 3,
      byChannel: { web: 2, phone: 1 },
      answered: 2,
      firstAnswerOnTime: 1,
      firstAnswerOnTimeRate: 0.5,
      closed: 2,
      averageResolutionHours: 17,
      medianResolutionHours: 17,
      ratings: 2,
      averageRating: 3.5,
      satisfaction: 0.5,
    });
    expect(supportFigures('2026-11', [])).toMatchObject({
      tickets: 0,
      firstAnswerOnTimeRate: null,
      satisfaction: null,
    });
  });
});

describe('handing over and notifying', () => {
  it('lets an operator redrive a ticket handed to an agency with its dead letters', () => {
    const letter = {
      receiptHandle: 'r',
      sentAt: 0,
      body: JSON.stringify({
        type: 'support.handed',
        ticketCode: 'HTTT-261207-0001',
        agencyId: 'sxd-01',
        webhookId: 'msg_x_HTTT-261207-0001',
      }),
    };
    expect(matchesDeadLetter(letter, { agencyId: 'sxd-01' })).toBe(true);
    expect(matchesDeadLetter(letter, { agencyId: 'sxd-01', dossierCodes: ['HTTT-261207-0001'] })).toBe(true);
    expect(matchesDeadLetter(letter, { agencyId: 'bca' })).toBe(false);
  });

  it('tells the asker of every answer by SMS and e-mail, a caller by SMS, and says nothing of a rating', () => {
    const ticket = {
      code: 'HTTT-261207-0001',
      subject: 'Đổi GPLX',
      reopens: 0,
      channel: 'web',
    } as TicketRecord;
    const answered: TicketEvent = {
      seq: 2,
      type: 'support.answered',
      status: 'answered',
      at: 'x',
      by: 'agency',
      agencyId: 'sxd-01',
    };
    const agency = (id: string) => (id === 'sxd-01' ? 'Sở Xây dựng thành phố Hà Nội' : id);
    const sent = supportNotifications(
      answered,
      ticket,
      { phone: '+84912345678', email: 'a@b.vn' },
      agency,
      'now',
    );
    expect(sent.map((m) => [m.id, m.channel, m.topic])).toEqual([
      ['HTTT-261207-0001:2:sms', 'sms', 'support.answered'],
      ['HTTT-261207-0001:2:email', 'email', 'support.answered'],
    ]);
    expect(sent[0]?.text).toContain('Sở Xây dựng thành phố Hà Nội đã trả lời câu hỏi HTTT-261207-0001');
    expect(sent[0]?.text).toContain('mở lại câu hỏi một lần');
    const rated = { ...answered, type: 'support.rated' as const, seq: 5 };
    expect(supportNotifications(rated, ticket, { phone: '+84912345678' }, agency, 'now')).toEqual([]);
  });

  it('delivers the question to the agency it is with, never the asker, and drops it once it has moved', async () => {
    const t = {
      code: 'HTTT-261207-0001',
      ownerSub: 'citizen-1',
      agencyId: 'sxd-01',
      status: 'with_agency',
      subject: 'Đổi GPLX',
      question: 'Hỏi',
      updatedAt: '2026-12-07T02:00:00.000Z',
      resolutionDueAt: '2026-12-11T08:00:00.000Z',
    } as TicketRecord;
    expect(supportPayload(t)).toEqual({
      type: 'support.handed',
      ticketCode: t.code,
      agencyId: 'sxd-01',
      subject: 'Đổi GPLX',
      question: 'Hỏi',
      handedAt: t.updatedAt,
      resolutionDueAt: t.resolutionDueAt,
    });
    const ports = {
      isDelivered: async () => false,
      isPaused: async () => false,
      recordAttempt: async () => {},
      now: () => new Date(),
      loadTicket: async () => ({ ...t, agencyId: 'bca' }),
    } as unknown as SupportDeliveryPorts;
    const message = {
      type: 'support.handed' as const,
      ticketCode: t.code,
      agencyId: 'sxd-01',
      webhookId: 'msg_1_HTTT-261207-0001',
    };
    expect(await deliverSupport(ports, message, 1)).toBe('ticket-moved');
  });
});
