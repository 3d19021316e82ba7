/**
 * The support desk's ticket store contract (one atomic state change per ticket, and the outcomes that
 * name which condition failed), run against the in-memory fake the unit tests use and the DynamoDB
 * store on the shared DynamoDB Local, so the fake cannot drift from the store.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TicketEvent, TicketRecord } from '../../../functions/support/model.js';
import type {
  CreateTicketPorts,
  QuietTicketPorts,
  SupportEventPorts,
  TicketWrite,
} from '../../../functions/support/ports.js';
import { supportStore } from '../../../functions/support/store.js';
import { memorySupportDesk } from '../../support/fakes/support-desk.js';
import { useSharedStore } from '../support/store.js';

useSharedStore();

type TicketStore = CreateTicketPorts &
  SupportEventPorts &
  QuietTicketPorts & { loadTimeline(c: string): Promise<TicketEvent[]> };

const implementations: [string, () => TicketStore][] = [
  ['in-memory fake', () => memorySupportDesk().ports],
  ['DynamoDB store', () => supportStore()],
];

const AT = '2026-12-07T02:00:00.000Z';
let n = 0;
/** A ticket code no other test (or earlier run on the same store) has used. */
const newCode = () => `HTTT-261207-${Date.now() % 1_000_000}${String(++n).padStart(3, '0')}`;

const ticket = (code: string, over: Partial<TicketRecord> = {}): TicketRecord => ({
  code,
  ownerSub: `citizen-${randomUUID()}`,
  supportDesk: true,
  channel: 'web',
  subject: 'Hỏi về thủ tục cấp thẻ bảo hiểm y tế',
  question: 'Tôi cần chuẩn bị giấy tờ gì?',
  attachments: [],
  status: 'open',
  version: 1,
  lastSeq: 1,
  createdAt: AT,
  updatedAt: AT,
  firstAnswerDueAt: '2026-12-08T02:00:00.000Z',
  resolutionDueAt: '2026-12-14T02:00:00.000Z',
  dueInForce: '2026-12-08T02:00:00.000Z',
  reopens: 0,
  ...over,
});

const event = (seq: number, over: Partial<TicketEvent> = {}): TicketEvent => ({
  seq,
  type: 'support.asked',
  status: 'open',
  at: AT,
  by: 'citizen',
  ...over,
});

const created = (t: TicketRecord): TicketWrite => ({ ticket: t, events: [event(1)] });

/** The next state of a ticket, one event on. */
const answered = (t: TicketRecord, over: Partial<TicketWrite> = {}): TicketWrite => ({
  ticket: { ...t, status: 'answered', version: t.version + 1, lastSeq: t.lastSeq + 1 },
  expectedVersion: t.version,
  events: [
    event(t.lastSeq + 1, { type: 'support.answered', status: 'answered', by: 'support', text: 'Trả lời' }),
  ],
  ...over,
});

describe.each(implementations)('support tickets (%s)', (_name, make) => {
  it('creates a ticket once and reads it back with its timeline', async () => {
    const ports = make();
    const t = ticket(newCode());
    expect(await ports.loadTicket(t.code)).toBeUndefined();
    expect(await ports.commit(created(t))).toBe('committed');
    expect(await ports.loadTicket(t.code)).toEqual(t);
    expect(await ports.loadTimeline(t.code)).toEqual([expect.objectContaining(event(1))]);
    expect(await ports.commit(created(ticket(t.code)))).toBe('version-conflict');
  });

  it('changes a ticket only from the version read', async () => {
    const ports = make();
    const t = ticket(newCode());
    await ports.commit(created(t));
    const next = answered(t);
    expect(await ports.commit({ ...next, expectedVersion: 7 })).toBe('version-conflict');
    expect(await ports.commit(next)).toBe('committed');
    expect(await ports.commit(answered(t))).toBe('version-conflict');
    expect(await ports.loadTicket(t.code)).toEqual(next.ticket);
    expect((await ports.loadTimeline(t.code)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('records an idempotency key with the first ticket, and refuses it for another', async () => {
    const ports = make();
    const t = ticket(newCode());
    const key = `key-${randomUUID()}`;
    const response = {
      code: t.code,
      status: 'open' as const,
      channel: 'web' as const,
      firstAnswerDueAt: t.firstAnswerDueAt,
      resolutionDueAt: t.resolutionDueAt,
    };
    const idempotency = { ownerSub: t.ownerSub, key, requestHash: 'hash-1', response };
    expect(await ports.findIdempotent(t.ownerSub, key)).toBeUndefined();
    expect(await ports.commit({ ...created(t), idempotency })).toBe('committed');
    expect(await ports.findIdempotent(t.ownerSub, key)).toMatchObject({ requestHash: 'hash-1', response });
    const other = ticket(newCode(), { ownerSub: t.ownerSub });
    expect(await ports.commit({ ...created(other), idempotency })).toBe('idempotency-key-taken');
    expect(await ports.loadTicket(other.code)).toBeUndefined();
  });

  it("records an agency's event once: a replay is told so even after the ticket moved on", async () => {
    const ports = make();
    const t = ticket(newCode(), { status: 'with_agency', agencyId: 'sxd-01' });
    await ports.commit(created(t));
    const eventId = `evt-${randomUUID()}`;
    const result = {
      eventId,
      ticketCode: t.code,
      applied: true,
      status: 'answered' as const,
      reason: 'applied' as const,
    };
    const agencyRecord = { agencyId: 'sxd-01', result };
    expect(await ports.findRecorded('sxd-01', eventId)).toBeUndefined();
    expect(await ports.commit(answered(t, { agencyRecord }))).toBe('committed');
    expect(await ports.findRecorded('sxd-01', eventId)).toEqual(result);
    // The same event again, written against the version it was first applied to.
    expect(await ports.commit(answered(t, { agencyRecord }))).toBe('already-recorded');
    expect(await ports.findRecorded('other-agency', eventId)).toBeUndefined();
  });

  it('publishes a question to the FAQ under one id only', async () => {
    const ports = make();
    const first = ticket(newCode());
    const second = ticket(newCode());
    await ports.commit(created(first));
    await ports.commit(created(second));
    const faq = {
      id: `faq-${randomUUID()}`,
      procedureCode: '1.002758',
      question: 'Tôi cần chuẩn bị giấy tờ gì?',
      answer: 'Tờ khai và giấy khai sinh.',
      keywords: ['bảo hiểm'],
    };
    expect(await ports.commit(answered(first, { faq }))).toBe('committed');
    expect(await ports.commit(answered(second, { faq }))).toBe('faq-taken');
    expect((await ports.loadTicket(second.code))?.version).toBe(1);
  });

  it("keeps an answered ticket's quiet timer with it, listed once lapsed and gone once it moves on", async () => {
    const ports = make();
    const t = ticket(newCode());
    await ports.commit(created(t));
    // Long past, so that it sorts before any other timer the shared table may hold.
    const closesAt = new Date(Date.UTC(2001, 0, 1) + (Date.now() % 86_400_000)).toISOString();
    const w = answered(t, { quiet: 'set' });
    w.ticket.closesAt = closesAt;
    expect(await ports.commit(w)).toBe('committed');
    expect(await ports.listQuiet(closesAt)).not.toContain(t.code);
    expect(await ports.listQuiet('2001-01-02T00:00:00.000Z')).toContain(t.code);
    const { closesAt: _gone, ...open } = w.ticket;
    const reopened: TicketWrite = {
      ticket: { ...open, status: 'open', version: w.ticket.version + 1, lastSeq: w.ticket.lastSeq + 1 },
      expectedVersion: w.ticket.version,
      events: [event(w.ticket.lastSeq + 1, { type: 'support.reopened' })],
      quiet: 'clear',
    };
    expect(await ports.commit(reopened)).toBe('committed');
    expect(await ports.listQuiet('2001-01-02T00:00:00.000Z')).not.toContain(t.code);
  });
});
