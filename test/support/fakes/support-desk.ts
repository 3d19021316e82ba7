/** The support desk's ports in memory; test/adapters/contracts/support-tickets.test.ts holds them to the DynamoDB store. */
import type { TicketEvent, TicketRecord } from '../../../functions/support/model.js';
import type { CreateTicketPorts, SupportEventPorts, TicketWrite } from '../../../functions/support/ports.js';
import type { SupportEventResult } from '../../../schemas/support.js';

/** Tickets, timelines and agency records in memory, with the conditional writes the table makes. */
export function memorySupportDesk(now = new Date('2026-12-07T02:00:00Z')) {
  const tickets = new Map<string, TicketRecord>();
  const timelines = new Map<string, TicketEvent[]>();
  const records = new Map<string, SupportEventResult>();
  const idempotent = new Map<string, { requestHash: string; response: never }>();
  const faq = new Map<string, NonNullable<TicketWrite['faq']>>();
  const writes: TicketWrite[] = [];
  /** Answered tickets' quiet timers: when each closes itself. */
  const quiet = new Map<string, string>();
  let seq = 0;
  /** What each asker's profile says about them (name, address, e-mail, phone, citizen ID). */
  const profiles = new Map<string, string[]>([
    ['citizen-1', ['Nguyễn Văn An', 'Số 12 Hàng Bông, phường Hàng Trống, Hà Nội', 'an.nguyen@example.vn']],
  ]);
  const ports: CreateTicketPorts &
    SupportEventPorts & {
      loadTimeline(c: string): Promise<TicketEvent[]>;
      knownPersonalData(ownerSub: string): Promise<string[]>;
      listQuiet(before: string): Promise<string[]>;
    } = {
    now: () => now,
    codes: { next: async (prefix) => `${prefix}-261207-${String(++seq).padStart(4, '0')}` },
    findUpload: async () => undefined,
    inspectObject: async () => undefined,
    copyObject: async () => {},
    deleteObjects: async () => {},
    sealCallerPhone: async (code, phone) => `sealed(${code}:${phone})`,
    findIdempotent: async (owner, key) => idempotent.get(`${owner}#${key}`),
    dossierOwnership: async (code) =>
      code === 'SXDHN-261201-0001' ? { ownerSub: 'citizen-1', agencyId: 'sxd-01' } : undefined,
    loadTicket: async (code) => structuredClone(tickets.get(code)),
    loadTimeline: async (code) => timelines.get(code) ?? [],
    knownPersonalData: async (sub) => profiles.get(sub) ?? [],
    findRecorded: async (agency, id) => records.get(`${agency}#${id}`),
    listQuiet: async (before) =>
      [...quiet.entries()]
        .filter(([, at]) => at < before)
        .sort((a, b) => a[1].localeCompare(b[1]))
        .map(([code]) => code),
    async commit(w) {
      // Every condition is checked before anything is written, and reported in the store's order.
      const current = tickets.get(w.ticket.code);
      const recordKey = w.agencyRecord && `${w.agencyRecord.agencyId}#${w.agencyRecord.result.eventId}`;
      if (w.idempotency && idempotent.has(`${w.idempotency.ownerSub}#${w.idempotency.key}`))
        return 'idempotency-key-taken';
      if (recordKey && records.has(recordKey)) return 'already-recorded';
      if (w.faq && faq.has(w.faq.id)) return 'faq-taken';
      if (w.expectedVersion === undefined ? current : current?.version !== w.expectedVersion)
        return 'version-conflict';
      if (w.agencyRecord && recordKey) records.set(recordKey, w.agencyRecord.result);
      if (w.idempotency)
        idempotent.set(`${w.idempotency.ownerSub}#${w.idempotency.key}`, {
          requestHash: w.idempotency.requestHash,
          response: w.idempotency.response as never,
        });
      if (w.faq) faq.set(w.faq.id, w.faq);
      if (w.quiet === 'set' && w.ticket.closesAt) quiet.set(w.ticket.code, w.ticket.closesAt);
      if (w.quiet === 'clear') quiet.delete(w.ticket.code);
      tickets.set(w.ticket.code, structuredClone(w.ticket));
      timelines.set(w.ticket.code, [...(timelines.get(w.ticket.code) ?? []), ...w.events]);
      writes.push(w);
      return 'committed';
    },
  };
  return { ports, tickets, timelines, faq, writes, profiles, quiet };
}
