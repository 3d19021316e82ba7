/** An agency's delivery log (one partition, newest first, its own cursors) and redelivery selection. */
import { describe, expect, it } from 'vitest';
import {
  type AttemptRecord,
  type DeliveryLogPorts,
  type LogKey,
  type LogRead,
  MAX_REDELIVERIES,
  type Redelivery,
  type RedeliveryPorts,
  type RedeliveryResult,
  readDeliveryLog,
  requestRedelivery,
  selectRedeliveries,
} from '../../functions/agencies/deliveries.js';
import { encodeCursor } from '../../functions/core/cursor.js';
import { keys } from '../../functions/core/keys.js';
import type { BreakerState } from '../../functions/dispatch/breaker.js';
import { PETITION_DELIVERY_RECORDS } from '../../functions/dispatch/petition-delivery-store.js';
import { deliveryRecords } from '../../functions/dispatch/store.js';
import { SUPPORT_DELIVERY_RECORDS } from '../../functions/dispatch/support-delivery-store.js';
import {
  agencyDeliveriesQuery,
  deliveryLogItem,
  redeliveryRequest,
} from '../../schemas/agency-deliveries.js';
import { appErrorOf } from '../support/rejections.js';

const AGENCY = 'bhxh-hn';
const OTHER = 'cong-an-ha-noi';

type DossierAttempt = AttemptRecord & { dossierCode: string };
const attempt = (i: number, over: Partial<AttemptRecord> = {}): DossierAttempt => ({
  dossierCode: `BHXHHN-260309-${String(1000 + (i % 7)).padStart(4, '0')}`,
  webhookId: `msg_${i % 7}`,
  attempt: 1 + (i % 3),
  at: new Date(Date.UTC(2026, 2, 9, 0, i)).toISOString(),
  status: i % 4 === 0 ? 200 : 503,
  outcome: i % 4 === 0 ? 'delivered' : 'failed',
  ms: 40 + i,
  agencyId: AGENCY,
  eventType: 'dossier.submitted',
  ...(i % 4 === 0 ? {} : { nextRetryAt: new Date(Date.UTC(2026, 2, 9, 0, i, 30)).toISOString() }),
  ...over,
});

/** A petition's delivery attempt, as functions/dispatch/petition-delivery-store.ts records it. */
const petitionAttempt = (minute: number, over: Partial<AttemptRecord> = {}): AttemptRecord => {
  const { dossierCode: _d, ...rest } = attempt(minute, {
    webhookId: `msg_p${minute}`,
    eventType: 'petition.created',
    ...over,
  });
  return { ...rest, petitionCode: 'PAKN-260309-0001', ...over };
};

/** The agency's index partition in memory: sorted by `at`, read newest first, `limit` before the filter. */
class FakeLog implements DeliveryLogPorts {
  reads: LogRead[] = [];
  pageCap = Number.POSITIVE_INFINITY;
  constructor(
    readonly rows: AttemptRecord[],
    readonly owners: Record<string, string> = {},
  ) {}
  now = () => new Date();
  async dossierAgency(code: string) {
    return this.owners[code] ?? AGENCY;
  }
  state: BreakerState | undefined = undefined;
  async deliveryState() {
    return this.state;
  }
  async readLog(q: LogRead) {
    this.reads.push(q);
    const pk = (a: AttemptRecord) =>
      a.petitionCode
        ? keys.petitionPartition(a.petitionCode)
        : a.ticketCode
          ? keys.supportTicket(a.ticketCode).pk
          : keys.dossierPartition(a.dossierCode!);
    const key = (a: AttemptRecord): LogKey =>
      q.dossierCode || q.petitionCode
        ? { pk: pk(a), sk: `DELIVERY#${a.at}` }
        : {
            pk: pk(a),
            sk: `DELIVERY#${a.at}`,
            ...keys.agencyDeliveryIndex(
              AGENCY,
              a.dossierCode ?? a.petitionCode ?? a.ticketCode!,
              a.at,
              a.webhookId,
            ),
          };
    const sorted = this.rows
      .filter((a) => !q.dossierCode || a.dossierCode === q.dossierCode)
      .filter((a) => !q.petitionCode || a.petitionCode === q.petitionCode)
      .filter((a) => (!q.from || a.at >= q.from) && (!q.to || a.at <= q.to))
      .sort((a, b) => b.at.localeCompare(a.at));
    const start = q.after ? sorted.findIndex((a) => key(a).sk === q.after!.sk) + 1 : 0;
    // DynamoDB also stops at 1 MB: `pageCap` plays that.
    const page = sorted.slice(start, start + Math.min(q.limit, this.pageCap));
    const more = start + page.length < sorted.length;
    const filtered = page.filter((a) =>
      q.status === 'waiting'
        ? a.outcome !== 'delivered' && a.nextRetryAt
        : !q.status || a.outcome === q.status,
    );
    return {
      items: filtered.map((a) => ({ key: key(a), attempt: a })),
      ...(more && page.length ? { lastKey: key(page.at(-1)!) } : {}),
    };
  }
}

const query = (q: Record<string, unknown>) => agencyDeliveriesQuery.parse(q);

describe('delivery log', () => {
  const rows = Array.from({ length: 50 }, (_, i) => attempt(i));

  it('lists newest first, page by page with opaque cursors, every row once', async () => {
    const log = new FakeLog(rows);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await readDeliveryLog(log, AGENCY, query({ limit: 7, ...(cursor ? { cursor } : {}) }));
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((i) => i.at));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(
      rows
        .map((r) => r.at)
        .sort()
        .reverse(),
    );
    const first = (await readDeliveryLog(log, AGENCY, query({ limit: 1 }))).items[0]!;
    expect(first).toEqual({
      dossierCode: rows[49]!.dossierCode,
      eventType: 'dossier.submitted',
      webhookId: rows[49]!.webhookId,
      attempt: rows[49]!.attempt,
      at: rows[49]!.at,
      httpStatus: 503,
      latencyMs: 89,
      outcome: 'failed',
      nextRetryAt: rows[49]!.nextRetryAt,
    });
  });

  it('filters by outcome, waiting, time range and dossier, filling pages across short reads', async () => {
    const log = new FakeLog(rows);
    const delivered = await readDeliveryLog(log, AGENCY, query({ status: 'delivered', limit: 100 }));
    expect(delivered.items.map((i) => i.outcome)).toEqual(Array(13).fill('delivered'));
    const waiting = await readDeliveryLog(log, AGENCY, query({ status: 'waiting', limit: 100 }));
    expect(waiting.items).toHaveLength(37);
    expect(waiting.items.every((i) => i.nextRetryAt !== null)).toBe(true);
    // Short reads (a 1 MB page), but a page of five delivered rows is still filled.
    log.pageCap = 4;
    const five = await readDeliveryLog(log, AGENCY, query({ status: 'delivered', limit: 5 }));
    log.pageCap = Number.POSITIVE_INFINITY;
    expect(five.items).toHaveLength(5);
    expect(five.nextCursor).not.toBeNull();

    const window = await readDeliveryLog(
      log,
      AGENCY,
      // 07:10+07:00 is 00:10Z: minutes 10 to 19 inclusive.
      query({ from: '2026-03-09T07:10:00+07:00', to: '2026-03-09T00:19:00Z', limit: 100 }),
    );
    expect(window.items).toHaveLength(10);
    expect(log.reads.at(-1)).toMatchObject({
      from: '2026-03-09T00:10:00.000Z',
      to: '2026-03-09T00:19:00.000Z',
    });

    const code = rows[3]!.dossierCode;
    const one = await readDeliveryLog(log, AGENCY, query({ dossierCode: code, limit: 100 }));
    expect(one.items.length).toBeGreaterThan(0);
    expect(one.items.every((i) => i.dossierCode === code)).toBe(true);
  });

  it("lists petition deliveries with their petition code, and filters by it to this agency's rows", async () => {
    const mixed = [
      ...rows.slice(0, 10),
      petitionAttempt(3),
      petitionAttempt(4, { outcome: 'delivered', status: 200 }),
      petitionAttempt(5, { agencyId: OTHER }),
    ];
    const log = new FakeLog(mixed);
    const all = await readDeliveryLog(log, AGENCY, query({ limit: 100 }));
    const petitionRows = all.items.filter((i) => i.eventType === 'petition.created');
    expect(petitionRows.map((i) => i.webhookId)).toEqual(['msg_p4', 'msg_p3']);
    for (const item of petitionRows) {
      expect(item.petitionCode).toBe('PAKN-260309-0001');
      expect(item).not.toHaveProperty('dossierCode');
      expect(deliveryLogItem.parse(item)).toEqual(item);
    }
    expect(all.items.filter((i) => i.dossierCode)).toHaveLength(10);

    const one = await readDeliveryLog(log, AGENCY, query({ petitionCode: 'PAKN-260309-0001' }));
    expect(one.items.map((i) => i.webhookId)).toEqual(['msg_p4', 'msg_p3']);
    expect(log.reads.at(-1)).toMatchObject({ petitionCode: 'PAKN-260309-0001' });
    expect(
      agencyDeliveriesQuery.safeParse({ dossierCode: rows[0]!.dossierCode, petitionCode: 'PAKN-260309-0001' })
        .success,
    ).toBe(false);
  });

  it("a petition attempt is written to the agency's log index under its petition code", async () => {
    const written: Record<string, unknown>[] = [];
    const db = {
      send: async (cmd: { input: { Item?: Record<string, unknown> } }) => {
        if (cmd.input.Item) written.push(cmd.input.Item);
        return {};
      },
    } as unknown as Parameters<typeof deliveryRecords>[0];
    const records = deliveryRecords(db, 'cong-test', PETITION_DELIVERY_RECORDS);
    const { petitionCode: _p, ...tried } = petitionAttempt(3);
    await records.recordAttempt('PAKN-260309-0001', tried);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      ...keys.petitionDeliveryAttempt(
        'PAKN-260309-0001',
        written[0]!.sk!.toString().slice('DELIVERY#'.length),
      ),
      gsi2pk: keys.agencyDeliveryIndex(AGENCY, 'PAKN-260309-0001', '', '').gsi2pk,
      petitionCode: 'PAKN-260309-0001',
      eventType: 'petition.created',
    });
    expect(written[0]).not.toHaveProperty('dossierCode');
  });

  it("a support question's attempt is in the agency's log under its ticket code, and listed as such", async () => {
    const written: Record<string, unknown>[] = [];
    const db = {
      send: async (cmd: { input: { Item?: Record<string, unknown> } }) => {
        if (cmd.input.Item) written.push(cmd.input.Item);
        return {};
      },
    } as unknown as Parameters<typeof deliveryRecords>[0];
    const records = deliveryRecords(db, 'cong-test', SUPPORT_DELIVERY_RECORDS);
    const { dossierCode: _d, ...tried } = attempt(4, { eventType: 'support.handed', webhookId: 'msg_t1' });
    await records.recordAttempt('HTTT-260309-0001', tried);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      gsi2pk: keys.agencyDeliveryIndex(AGENCY, 'HTTT-260309-0001', '', '').gsi2pk,
      ticketCode: 'HTTT-260309-0001',
      eventType: 'support.handed',
    });
    expect(written[0]).not.toHaveProperty('dossierCode');

    const log = new FakeLog([...rows.slice(0, 3), written[0] as unknown as AttemptRecord]);
    const all = await readDeliveryLog(log, AGENCY, query({ limit: 100 }));
    const ticketRow = all.items.find((i) => i.eventType === 'support.handed');
    expect(ticketRow).toMatchObject({ ticketCode: 'HTTT-260309-0001', webhookId: 'msg_t1' });
    expect(ticketRow).not.toHaveProperty('dossierCode');
    expect(deliveryLogItem.parse(ticketRow)).toEqual(ticketRow);
    // Not a dossier's webhook: a redelivery by window leaves it out.
    expect(selectRedeliveries(AGENCY, [written[0] as unknown as AttemptRecord])).toEqual([]);
  });

  it("refuses another agency's cursor, and shows nothing of another agency's dossier", async () => {
    const log = new FakeLog(rows, { 'CAHN-260309-0001': OTHER });
    const foreign = encodeCursor({
      pk: 'DOSSIER#CAHN-260309-0001',
      sk: 'DELIVERY#x',
      ...keys.agencyDeliveryIndex(OTHER, 'CAHN-260309-0001', '2026-03-09T00:00:00.000Z', 'x'),
    })!;
    await appErrorOf(readDeliveryLog(log, AGENCY, query({ cursor: foreign })), 'VALIDATION_FAILED');
    const theirs = await readDeliveryLog(log, AGENCY, query({ dossierCode: 'CAHN-260309-0001' }));
    expect(theirs).toMatchObject({ items: [], nextCursor: null });
    expect(log.reads).toHaveLength(0);
  });

  it('says whether the agency is paused, why, and when the next probe goes', async () => {
    const log = new FakeLog(rows);
    expect((await readDeliveryLog(log, AGENCY, query({ limit: 1 }))).delivery).toEqual({
      paused: false,
      cause: null,
      since: null,
      consecutiveFailures: 0,
      nextProbeAt: null,
    });
    log.state = {
      paused: true,
      cause: 'breaker',
      since: '2026-03-09T07:00:00.000Z',
      failures: 20,
      probeAt: '2026-03-09T07:05:00.000Z',
    };
    expect((await readDeliveryLog(log, AGENCY, query({ limit: 1 }))).delivery).toEqual({
      paused: true,
      cause: 'breaker',
      since: '2026-03-09T07:00:00.000Z',
      consecutiveFailures: 20,
      nextProbeAt: '2026-03-09T07:05:00.000Z',
    });
  });

  it('looks at a bounded number of rows per answer when a filter matches rarely, and the cursor goes on', async () => {
    const long = Array.from({ length: 3000 }, (_, i) =>
      attempt(i, { outcome: i === 10 ? 'gone' : 'failed' }),
    );
    const log = new FakeLog(long);
    const first = await readDeliveryLog(log, AGENCY, query({ status: 'gone' }));
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    expect(log.reads).toHaveLength(10);
    let cursor = first.nextCursor;
    const found: string[] = [];
    while (cursor) {
      const page = await readDeliveryLog(log, AGENCY, query({ status: 'gone', cursor }));
      found.push(...page.items.map((i) => i.at));
      cursor = page.nextCursor;
    }
    expect(found).toEqual([long[10]!.at]);
  });

  it('refuses a window that ends before it starts and an unknown status', () => {
    expect(
      agencyDeliveriesQuery.safeParse({ from: '2026-03-09T10:00:00Z', to: '2026-03-09T09:00:00Z' }).success,
    ).toBe(false);
    expect(agencyDeliveriesQuery.safeParse({ status: 'lost' }).success).toBe(false);
  });
});

describe('redelivery selection', () => {
  it('each webhook once, with its event type and supplement seq; unknown types and other agencies skipped', () => {
    const picked = selectRedeliveries(AGENCY, [
      attempt(1, { webhookId: 'msg_a', dossierCode: 'BHXHHN-260309-0001' }),
      attempt(2, { webhookId: 'msg_a', dossierCode: 'BHXHHN-260309-0001', outcome: 'delivered' }),
      attempt(3, {
        webhookId: 'msg_b',
        dossierCode: 'BHXHHN-260309-0001',
        eventType: 'dossier.supplemented',
        seq: 4,
      }),
      attempt(4, { webhookId: 'msg_c', eventType: undefined }),
      attempt(5, { webhookId: 'msg_d', eventType: 'petition.created' }),
      attempt(6, { webhookId: 'msg_e', agencyId: OTHER }),
    ]);
    expect(picked).toEqual([
      { type: 'dossier.submitted', dossierCode: 'BHXHHN-260309-0001', agencyId: AGENCY, webhookId: 'msg_a' },
      {
        type: 'dossier.supplemented',
        dossierCode: 'BHXHHN-260309-0001',
        agencyId: AGENCY,
        webhookId: 'msg_b',
        seq: 4,
      },
    ]);
  });

  it('the body is exactly one of dossier, window or dead letters', () => {
    expect(redeliveryRequest.safeParse({ dossierCode: 'BHXHHN-260309-0001' }).success).toBe(true);
    expect(redeliveryRequest.safeParse({ deadLetters: true, requestId: 'req-00000001' }).success).toBe(true);
    expect(
      redeliveryRequest.safeParse({ dossierCode: 'BHXHHN-260309-0001', deadLetters: true }).success,
    ).toBe(false);
    expect(
      redeliveryRequest.safeParse({ from: '2026-03-01T00:00:00Z', to: '2026-04-15T00:00:00Z' }).success,
    ).toBe(false);
    expect(redeliveryRequest.safeParse({ deadLetters: false }).success).toBe(false);
  });
});

class FakeRedelivery extends FakeLog implements RedeliveryPorts {
  requests = new Map<string, { requestHash: string; redeliveryId: string; response?: RedeliveryResult }>();
  queued: { redeliveryId: string; messages: readonly Redelivery[] }[] = [];
  dead = 0;
  ids = 0;
  newId = () => `01KJR7C4A7N2X9F3R5V6W8Y0Z${String.fromCharCode(65 + this.ids++)}`;
  async findRequest(agencyId: string, key: string) {
    return this.requests.get(`${agencyId}|${key}`);
  }
  async claimRequest(agencyId: string, key: string, requestHash: string, redeliveryId: string) {
    if (this.requests.has(`${agencyId}|${key}`)) return false;
    this.requests.set(`${agencyId}|${key}`, { requestHash, redeliveryId });
    return true;
  }
  async completeRequest(agencyId: string, key: string, response: RedeliveryResult) {
    this.requests.get(`${agencyId}|${key}`)!.response = response;
  }
  async enqueue(_agencyId: string, redeliveryId: string, messages: readonly Redelivery[]) {
    this.queued.push({ redeliveryId, messages });
    return messages.length;
  }
  async redriveDeadLetters() {
    return this.dead;
  }
}

describe('requestRedelivery', () => {
  const rows = Array.from({ length: 30 }, (_, i) => attempt(i));

  it('one dossier: its webhooks under their own ids; the same key and body answer the same, another body is 422', async () => {
    const ports = new FakeRedelivery(rows);
    const code = rows[3]!.dossierCode;
    const first = await requestRedelivery(ports, AGENCY, 'key-00000001', { dossierCode: code });
    const ids = new Set(rows.filter((r) => r.dossierCode === code).map((r) => r.webhookId));
    expect(first.count).toBe(ids.size);
    expect(ports.queued[0]!.messages.map((m) => m.webhookId).sort()).toEqual([...ids].sort());
    expect(ports.queued[0]!.redeliveryId).toBe(first.redeliveryId);

    expect(await requestRedelivery(ports, AGENCY, 'key-00000001', { dossierCode: code })).toEqual(first);
    expect(ports.queued).toHaveLength(1);
    await appErrorOf(
      requestRedelivery(ports, AGENCY, 'key-00000001', { dossierCode: rows[4]!.dossierCode }),
      'IDEMPOTENCY_KEY_REUSED',
    );
    // The body's requestId is the key when there is no header.
    const byBody = await requestRedelivery(ports, AGENCY, undefined, {
      dossierCode: code,
      requestId: 'key-00000001',
    });
    expect(byBody).toEqual(first);
  });

  it("refuses another agency's dossier with 404 and a request without a key with 400", async () => {
    const ports = new FakeRedelivery(rows, { 'CAHN-260309-0001': OTHER });
    await appErrorOf(
      requestRedelivery(ports, AGENCY, 'key-00000002', { dossierCode: 'CAHN-260309-0001' }),
      'DOSSIER_NOT_FOUND',
    );
    expect(ports.queued).toHaveLength(0);
    await appErrorOf(
      requestRedelivery(ports, AGENCY, undefined, { dossierCode: rows[0]!.dossierCode }),
      'IDEMPOTENCY_KEY_REQUIRED',
    );
  });

  it('a window takes every webhook tried in it once; dead letters count what moved', async () => {
    const ports = new FakeRedelivery(rows);
    const res = await requestRedelivery(ports, AGENCY, 'key-00000003', {
      from: '2026-03-09T00:00:00Z',
      to: '2026-03-09T00:06:00Z',
    });
    expect(res.count).toBe(7);
    ports.dead = 4;
    expect((await requestRedelivery(ports, AGENCY, 'key-00000004', { deadLetters: true })).count).toBe(4);
    expect(MAX_REDELIVERIES).toBeGreaterThan(0);
  });

  it('a window takes the petition rows too, each with the routing it was sent with; support rows stay out', async () => {
    const ticketRow: AttemptRecord = (() => {
      const { dossierCode: _d, ...rest } = attempt(4, { webhookId: 'msg_t4', eventType: 'support.handed' });
      return { ...rest, ticketCode: 'HTTT-260309-0001' };
    })();
    const ports = new FakeRedelivery([
      ...rows,
      petitionAttempt(2, { routing: 'reassigned', fromAgencyId: OTHER }),
      petitionAttempt(3),
      ticketRow,
    ]);
    const res = await requestRedelivery(ports, AGENCY, 'key-00000005', {
      from: '2026-03-09T00:00:00Z',
      to: '2026-03-09T00:06:00Z',
    });
    expect(res.count).toBe(9);
    const messages = ports.queued[0]!.messages;
    expect(messages.filter((m) => m.type === 'petition.created')).toEqual([
      { type: 'petition.created', petitionCode: 'PAKN-260309-0001', agencyId: AGENCY, webhookId: 'msg_p3' },
      {
        type: 'petition.created',
        petitionCode: 'PAKN-260309-0001',
        agencyId: AGENCY,
        webhookId: 'msg_p2',
        routing: 'reassigned',
        fromAgencyId: OTHER,
      },
    ]);
    expect(
      messages.filter((m) => m.type !== 'petition.created').every((m) => m.type.startsWith('dossier.')),
    ).toBe(true);
  });

  it('one petition: only while it is with this agency; another agency gets the 404 of a missing petition', async () => {
    const ports = Object.assign(new FakeRedelivery([...rows, petitionAttempt(2), petitionAttempt(3)]), {
      petitionAgency: async (code: string) => (code === 'PAKN-260309-0001' ? AGENCY : OTHER),
    });
    const res = await requestRedelivery(ports, AGENCY, 'key-00000006', { petitionCode: 'PAKN-260309-0001' });
    expect(res.count).toBe(2);
    expect(ports.reads.at(-1)).toMatchObject({ petitionCode: 'PAKN-260309-0001' });
    expect(ports.queued[0]!.messages.map((m) => m.webhookId)).toEqual(['msg_p3', 'msg_p2']);
    const moved = requestRedelivery(ports, AGENCY, 'key-00000007', { petitionCode: 'PAKN-260309-0002' });
    expect((await appErrorOf(moved)).code).toBe('PETITION_NOT_FOUND');
    expect(
      redeliveryRequest.safeParse({ petitionCode: 'PAKN-260309-0001', from: '2026-03-09T00:00:00Z' }).success,
    ).toBe(false);
  });

  it('a request interrupted after its claim is finished by its retry under the same redelivery id', async () => {
    const ports = new FakeRedelivery(rows);
    const hashOf = async () => {
      await requestRedelivery(ports, AGENCY, 'probe-key-01', { dossierCode: rows[0]!.dossierCode });
      return ports.requests.get(`${AGENCY}|probe-key-01`)!.requestHash;
    };
    ports.requests.set(`${AGENCY}|key-00000005`, {
      requestHash: await hashOf(),
      redeliveryId: 'claimed-earlier',
    });
    const res = await requestRedelivery(ports, AGENCY, 'key-00000005', { dossierCode: rows[0]!.dossierCode });
    expect(res.redeliveryId).toBe('claimed-earlier');
    expect(ports.queued.at(-1)!.redeliveryId).toBe('claimed-earlier');
  });
});
