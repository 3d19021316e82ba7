import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AgencyEventPorts,
  type AgencyEventResult,
  handleAgencyEvent,
} from '../../functions/agencies/events.js';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { AppError } from '../../functions/core/errors.js';
import { GENESIS_HASH, sealEvent, type TimelineEvent, verifyChain } from '../../functions/core/timeline.js';
import type { AgencyEvent } from '../../schemas/agency.js';
import { testSigner } from '../support/result-signer.js';

const CODE = 'CAHN-261120-0001';

function dossier(): DossierRecord {
  const first = sealEvent({
    seq: 1,
    at: '2026-11-20T03:00:00.000Z',
    type: 'dossier.submitted',
    status: 'submitted',
    actor: 'citizen',
    prevHash: GENESIS_HASH,
  });
  return {
    code: CODE,
    submissionId: '01KAAAAAAAAAAAAAAAAAAAAAA1',
    procedureCode: '1.002804',
    procedureVersion: 1,
    procedureName: 'Đổi giấy phép lái xe',
    agencyId: 'cahn',
    agencyName: 'Công an thành phố Hà Nội',
    ownerSub: 'citizen-a',
    status: 'submitted',
    version: 1,
    lastSeq: 1,
    lastHash: first.hash,
    submittedAt: first.at,
    updatedAt: first.at,
    dueAt: '2026-11-27T10:00:00.000Z',
    form: {},
    attachments: [],
  };
}

class FakeStore implements AgencyEventPorts {
  current = dossier();
  events: TimelineEvent[] = [
    sealEvent({
      seq: 1,
      at: '2026-11-20T03:00:00.000Z',
      type: 'dossier.submitted',
      status: 'submitted',
      actor: 'citizen',
      prevHash: GENESIS_HASH,
    }),
  ];
  recorded = new Map<string, AgencyEventResult>();
  /** Simulates another writer changing the dossier between our read and our write. */
  interleave = 0;
  now = () => new Date('2026-11-21T02:00:00Z');
  findRecorded = async (agencyId: string, eventId: string) => this.recorded.get(`${agencyId}/${eventId}`);
  loadDossier = async (code: string) =>
    code === this.current.code ? structuredClone(this.current) : undefined;
  putResult = async () => {};
  signer = testSigner();
  loadDocument = async () => undefined;
  recordOnly = async (agencyId: string, result: AgencyEventResult) => {
    if (!this.recorded.has(`${agencyId}/${result.eventId}`))
      this.recorded.set(`${agencyId}/${result.eventId}`, result);
  };
  apply: AgencyEventPorts['apply'] = async ({ agencyId, dossier: read, event, result, newDueAt }) => {
    if (this.interleave > 0) {
      this.interleave--;
      this.current.version++;
    }
    if (this.recorded.has(`${agencyId}/${result.eventId}`)) return 'already-recorded';
    if (read.version !== this.current.version) return 'version-conflict';
    this.current = {
      ...this.current,
      ...(newDueAt ? { dueAt: newDueAt } : {}),
      status: event.status,
      version: read.version + 1,
      lastSeq: event.seq,
      lastHash: event.hash,
    };
    this.events.push(event);
    this.recorded.set(`${agencyId}/${result.eventId}`, result);
    return 'applied';
  };
}

const ev = (type: AgencyEvent['type'], eventId: string, extra: Record<string, unknown> = {}) =>
  ({ type, eventId, dossierCode: CODE, ...extra }) as AgencyEvent;

let store: FakeStore;
beforeEach(() => {
  store = new FakeStore();
});

describe('agency events', () => {
  it('moves the dossier and extends the hash chain', async () => {
    const r1 = await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    const r2 = await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.in_progress', 'evt-00000002', { step: 'Thẩm định' }),
    );
    expect([r1.status, r2.status]).toEqual(['received', 'in_progress']);
    expect(r2).toMatchObject({ applied: true, reason: 'applied' });
    expect(store.current.status).toBe('in_progress');
    expect(verifyChain(store.events)).toBe(true);
    expect(store.events.at(-1)?.details).toEqual({ step: 'Thẩm định' });
  });

  it('answers a replayed event id as the first time without applying it again', async () => {
    await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    const again = await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    expect(again).toMatchObject({ applied: false, reason: 'replay', status: 'received' });
    expect(store.events).toHaveLength(2);
  });

  it('acknowledges a late event without moving the dossier back', async () => {
    await handleAgencyEvent(store, 'cahn', ev('dossier.in_progress', 'evt-00000002'));
    const late = await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    expect(late).toMatchObject({ applied: false, reason: 'stale', status: 'in_progress' });
    expect(store.current.status).toBe('in_progress');
  });

  it('refuses a step that skips the process with 409 and the current state', async () => {
    const err = await handleAgencyEvent(store, 'cahn', ev('dossier.completed', 'evt-00000009')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(409);
    expect((err as AppError).details).toMatchObject({ currentStatus: 'submitted' });
    expect(store.events).toHaveLength(1);
  });

  it("treats another agency's dossier as not found", async () => {
    const err = await handleAgencyEvent(store, 'bhxh-hn', ev('dossier.received', 'evt-00000001')).catch(
      (e: unknown) => e,
    );
    expect((err as AppError).code).toBe('DOSSIER_NOT_FOUND');
    expect(store.current.status).toBe('submitted');
  });

  it('treats a dossier not yet sent to the agency as not found: fee unpaid, or a bundle step not handed over', async () => {
    const refused = async () => {
      const err = await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001')).catch(
        (e: unknown) => e,
      );
      expect((err as AppError).code).toBe('DOSSIER_NOT_FOUND');
      expect(store.current.status).toBe('submitted');
      expect(store.recorded.size).toBe(0);
    };
    for (const status of ['unpaid', 'pending', 'failed', 'expired'] as const) {
      store.current.payment = { amount: 135_000, currency: 'VND', status };
      await refused();
    }
    store.current.payment = undefined;
    store.current.bundle = { procedureCode: '2.000986', step: 2, steps: 3, previous: 'UBX00070-261120-0001' };
    await refused();
  });

  it('accepts events for a dossier once its fee is paid, or its bundle step handed over', async () => {
    store.current.payment = { amount: 135_000, currency: 'VND', status: 'succeeded', paymentId: 'p1' };
    expect((await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'))).applied).toBe(
      true,
    );
    store = new FakeStore();
    store.current.bundle = {
      procedureCode: '2.000986',
      step: 2,
      steps: 3,
      previous: 'UBX00070-261120-0001',
      handedOffAt: '2026-11-20T05:00:00.000Z',
    };
    expect((await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'))).applied).toBe(
      true,
    );
  });

  it('reads the event record and the dossier in one read when the store can, retrying with fresh reads', async () => {
    const reads: string[] = [];
    const findRecorded = store.findRecorded;
    const loadDossier = store.loadDossier;
    store.findRecorded = async (a, e) => {
      reads.push('findRecorded');
      return findRecorded(a, e);
    };
    store.loadDossier = async (c) => {
      reads.push('loadDossier');
      return loadDossier(c);
    };
    const batched: AgencyEventPorts = {
      ...store,
      apply: (change) => store.apply(change),
      findRecordedWithDossier: async (a, e, c) => {
        reads.push('batch');
        return { recorded: await findRecorded(a, e), dossier: await loadDossier(c) };
      },
    };
    store.interleave = 1;
    const r = await handleAgencyEvent(batched, 'cahn', ev('dossier.received', 'evt-00000001'));
    expect(r).toMatchObject({ applied: true, status: 'received' });
    // The first look is one read; the retry after the concurrent change reads the dossier again.
    expect(reads).toEqual(['batch', 'loadDossier']);
    reads.length = 0;
    const again = await handleAgencyEvent(batched, 'cahn', ev('dossier.received', 'evt-00000001'));
    expect(again).toMatchObject({ applied: false, reason: 'replay', status: 'received' });
    expect(reads).toEqual(['batch']);
  });

  it('retries on a concurrent change and applies exactly once', async () => {
    store.interleave = 2;
    const r = await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    expect(r.applied).toBe(true);
    expect(store.events).toHaveLength(2);
  });

  it('gives up with 409 CONFLICT when the dossier keeps changing', async () => {
    store.interleave = 100;
    const err = await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001')).catch(
      (e: unknown) => e,
    );
    expect((err as AppError).code).toBe('CONFLICT');
    expect(store.events).toHaveLength(1);
  });

  it('records a refusal reason on the timeline', async () => {
    await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.rejected', 'evt-00000002', { reason: 'Giấy khám sức khỏe đã hết hạn' }),
    );
    expect(store.current.status).toBe('rejected');
    expect(store.events.at(-1)?.details).toEqual({ reason: 'Giấy khám sức khỏe đã hết hạn' });
  });

  it('records named steps without leaving in_progress', async () => {
    await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    const started = await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.step_started', 'evt-00000002', { step: 'Thẩm định hồ sơ' }),
    );
    const done = await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.step_completed', 'evt-00000003', { step: 'Thẩm định hồ sơ' }),
    );
    expect([started.status, done.status]).toEqual(['in_progress', 'in_progress']);
    expect(store.events.map((e) => e.type)).toEqual([
      'dossier.submitted',
      'dossier.received',
      'dossier.step_started',
      'dossier.step_completed',
    ]);
  });

  it('moves the due date on an extension (form 04) and keeps the status', async () => {
    await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    const res = await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.extended', 'evt-00000002', {
        reason: 'Cần xác minh thêm với cơ quan cấp',
        newDueAt: '2026-12-04T10:00:00.000Z',
      }),
    );
    expect(res).toMatchObject({ applied: true, status: 'received' });
    expect(store.current.dueAt).toBe('2026-12-04T10:00:00.000Z');
    expect(store.events.at(-1)).toMatchObject({
      dueAt: '2026-12-04T10:00:00.000Z',
      details: { reason: 'Cần xác minh thêm với cơ quan cấp' },
    });
  });

  it('refuses an extension that does not move the date later, or before receipt', async () => {
    await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    const early = await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.extended', 'evt-00000002', {
        reason: 'Lý do gia hạn',
        newDueAt: '2026-11-26T10:00:00.000Z',
      }),
    ).catch((e: unknown) => e);
    expect((early as AppError).code).toBe('VALIDATION_FAILED');
    store = new FakeStore();
    const tooSoon = await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.extended', 'evt-00000003', {
        reason: 'Lý do gia hạn',
        newDueAt: '2026-12-04T10:00:00.000Z',
      }),
    ).catch((e: unknown) => e);
    expect((tooSoon as AppError).code).toBe('ILLEGAL_TRANSITION');
    expect(store.current.dueAt).toBe('2026-11-27T10:00:00.000Z');
  });
});

describe('agency events naming steps and officers', () => {
  const officer = { id: 'cb-017', displayName: 'Chuyên viên Trần Thị B' };
  beforeEach(() => {
    Object.assign(store, {
      loadTimeline: async () => structuredClone(store.events),
      clock: undefined as unknown,
    });
    const apply = store.apply;
    store.apply = async (change) => {
      (store as unknown as { clock: unknown }).clock = change.stepClock;
      return apply(change);
    };
  });

  it('keeps the step and officer on the timeline and the running step on the dossier', async () => {
    await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001', { officer }));
    await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.step_started', 'evt-00000002', { step: 'step-2', officer }),
    );
    expect(store.events.at(-1)?.details).toEqual({ step: 'step-2', officer });
    expect((store as unknown as { clock: { stepId: string } }).clock).toMatchObject({ stepId: 'step-2' });
  });

  it('ties an apology with a new date to a step, moving the dossier only when the date falls after it', async () => {
    await handleAgencyEvent(store, 'cahn', ev('dossier.received', 'evt-00000001'));
    // The dossier is due 27 November; step 1 (1 working day from the receipt) is due 23 November.
    await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.extended', 'evt-00000002', {
        step: 'step-1',
        reason: 'Cần xác minh thêm với cơ quan cấp',
        newDueAt: '2026-11-25T10:00:00.000Z',
      }),
    );
    expect(store.current.dueAt).toBe('2026-11-27T10:00:00.000Z');
    expect(store.events.at(-1)).toMatchObject({
      details: { step: 'step-1', newDueAt: '2026-11-25T10:00:00.000Z' },
    });
    expect(store.events.at(-1)?.dueAt).toBeUndefined();
    // Not later than the step's own due time: refused.
    const early = await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.extended', 'evt-00000003', {
        step: 'step-1',
        reason: 'Cần xác minh thêm với cơ quan cấp',
        newDueAt: '2026-11-24T10:00:00.000Z',
      }),
    ).catch((e: unknown) => e);
    expect(early).toMatchObject({ code: 'VALIDATION_FAILED' });
    const unknown = await handleAgencyEvent(
      store,
      'cahn',
      ev('dossier.extended', 'evt-00000004', {
        step: 'step-9',
        reason: 'Không rõ bước',
        newDueAt: '2026-12-24T10:00:00.000Z',
      }),
    ).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
