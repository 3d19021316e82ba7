/**
 * Petitions without AWS: the state machine (every status × step × actor), routing rules, deadlines
 * across weekends and holidays, agency callbacks (only the routed agency, reassignment restarting the
 * clocks, publishing only with consent, on-time answers), escalation (idempotent, parent then national
 * triage, both agencies told), the transaction's items and the delivery payload.
 */

import { describe, expect, it } from 'vitest';
import { indexTerms, queryTerms } from '../../functions/catalog/search-text.js';
import { reachOf } from '../../functions/core/access.js';
import type { AppError } from '../../functions/core/errors.js';
import { keys } from '../../functions/core/keys.js';
import { onBusinessMetric } from '../../functions/core/metrics.js';
import { PETITIONS } from '../../functions/core/resources.js';
import { newWebhookSecret, verifyWebhook } from '../../functions/core/webhooks.js';
import { type DeliveryAttempt, DeliveryFailed } from '../../functions/dispatch/deliver.js';
import {
  deliverPetition,
  type PetitionDeliveryPorts,
  petitionPayload,
} from '../../functions/dispatch/petition-deliver.js';
import { matches as matchesDeadLetter } from '../../functions/dispatch/redrive.js';
import { type EscalationPorts, escalatePetitions } from '../../functions/petitions/escalation.js';
import {
  PETITION_EVENT_TYPES,
  PETITION_STATUSES,
  type PetitionEvent,
  type PetitionRecord,
  type PetitionStatus,
} from '../../functions/petitions/model.js';
import {
  handlePetitionEvent,
  type PetitionEventPorts,
  type PetitionWrite,
  publicView,
} from '../../functions/petitions/petitions.js';
import {
  escalationTarget,
  petitionClockDays,
  petitionDeadlines,
  resetPetitionClockDays,
  routePetition,
} from '../../functions/petitions/routing.js';
import { matches, PublishedAnswers, publishedEntry } from '../../functions/petitions/search.js';
import { decidePetition, type PetitionActor } from '../../functions/petitions/state.js';
import { petitionWriteItems } from '../../functions/petitions/store.js';
import { findAgency } from '../../functions/registry/agencies.js';
import type { NotificationMessage } from '../../schemas/notification.js';
import type { PetitionAgencyEvent, PetitionEventResult } from '../../schemas/petition.js';
import { petitionAgencyEvent, petitionDelivery } from '../../schemas/petition.js';

describe('petition state machine', () => {
  // Expected decision for an agency per current status (rows) and step (columns); '→x' applies, moving to x.
  const agencyTable: Record<PetitionStatus, Record<string, string>> = {
    received: {
      'petition.assigned': '→assigned',
      'petition.answered': '→answered',
      'petition.rejected': '→rejected',
      'petition.reassigned': '→received',
      'petition.published': 'illegal',
    },
    assigned: {
      'petition.assigned': 'stale',
      'petition.answered': '→answered',
      'petition.rejected': '→rejected',
      'petition.reassigned': '→received',
      'petition.published': 'illegal',
    },
    escalated: {
      'petition.assigned': '→assigned',
      'petition.answered': '→answered',
      'petition.rejected': '→rejected',
      'petition.reassigned': '→received',
      'petition.published': 'illegal',
    },
    answered: {
      'petition.assigned': 'stale',
      'petition.answered': 'illegal',
      'petition.rejected': 'illegal',
      'petition.reassigned': 'illegal',
      'petition.published': '→published',
    },
    published: {
      'petition.assigned': 'stale',
      'petition.answered': 'illegal',
      'petition.rejected': 'illegal',
      'petition.reassigned': 'illegal',
      'petition.published': 'illegal',
    },
    rejected: {
      'petition.assigned': 'stale',
      'petition.answered': 'illegal',
      'petition.rejected': 'illegal',
      'petition.reassigned': 'illegal',
      'petition.published': 'illegal',
    },
  };
  const show = (d: ReturnType<typeof decidePetition>) =>
    d.kind === 'apply'
      ? `→${d.to}`
      : d.kind === 'illegal'
        ? d.reason === 'actor'
          ? 'actor'
          : 'illegal'
        : d.kind;

  it('covers every status, step and actor exactly as the table says', () => {
    const actors: PetitionActor[] = ['citizen', 'agency', 'system'];
    let checked = 0;
    for (const status of PETITION_STATUSES) {
      for (const step of PETITION_EVENT_TYPES) {
        for (const actor of actors) {
          const got = show(decidePetition(status, step, actor));
          let want: string;
          if (step === 'petition.received') want = actor === 'citizen' ? 'illegal' : 'actor';
          else if (step === 'petition.escalated')
            want =
              actor !== 'system'
                ? 'actor'
                : ['received', 'assigned', 'escalated'].includes(status)
                  ? '→escalated'
                  : 'illegal';
          else if (step === 'petition.published' && actor === 'system')
            want = status === 'answered' ? '→published' : 'illegal';
          else if (actor !== 'agency') want = 'actor';
          else want = agencyTable[status][step]!;
          expect(got, `${status} × ${step} × ${actor}`).toBe(want);
          checked++;
        }
      }
    }
    expect(checked).toBe(PETITION_STATUSES.length * PETITION_EVENT_TYPES.length * 3);
  });
});

describe('petition routing', () => {
  it('follows the procedure, then the agency named, then the province, else national triage', () => {
    expect(routePetition({ procedureCode: '1.002758', agencyId: 'bca' })).toMatchObject({
      agency: { id: 'bhxh-hn' },
      reason: 'procedure',
    });
    // A procedure decided per province: the named province's competent department.
    expect(routePetition({ procedureCode: '2.000033', provinceCode: '79' }).agency.id).toBe('sct-79');
    // ...and without a province it cannot pick one: the agency named, else triage.
    expect(routePetition({ procedureCode: '2.000033', agencyId: 'stp-01' })).toMatchObject({
      agency: { id: 'sct-01' },
    });
    expect(routePetition({ procedureCode: '2.000033' })).toMatchObject({ reason: 'national' });
    expect(routePetition({ agencyId: 'sxd-48' })).toMatchObject({
      agency: { id: 'sxd-48' },
      reason: 'agency',
    });
    expect(routePetition({ provinceCode: '01' })).toMatchObject({
      agency: { id: 'ttpvhcc-01' },
      reason: 'province',
    });
    expect(routePetition({})).toMatchObject({ agency: { id: PETITIONS.triageAgencyId }, reason: 'national' });
  });

  it('refuses codes it does not know instead of guessing', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as AppError).code;
      }
      return 'none';
    };
    expect(code(() => routePetition({ procedureCode: '9.999999' }))).toBe('UNKNOWN_PROCEDURE');
    expect(code(() => routePetition({ agencyId: 'nope' }))).toBe('VALIDATION_FAILED');
    expect(code(() => routePetition({ provinceCode: '99' }))).toBe('VALIDATION_FAILED');
  });

  it('escalates to the parent agency, and above a top-level agency to national triage', () => {
    expect(escalationTarget(findAgency('sxd-01')!).id).toBe('ubnd-01');
    expect(escalationTarget(findAgency('ubnd-01')!).id).toBe('vpcp');
    expect(escalationTarget(findAgency('evnnpc')!).id).toBe('evn');
    expect(escalationTarget(findAgency('vpcp')!).id).toBe('vpcp');
  });
});

describe('petition deadlines (working days, Vietnam calendar)', () => {
  it('skip the weekend', () => {
    // Friday 20 November 2026, 10:00 in Hà Nội.
    expect(petitionDeadlines(new Date('2026-11-20T03:00:00Z'), {})).toEqual({
      referralDueAt: '2026-11-27T10:00:00.000Z',
      answerDueAt: '2026-12-11T10:00:00.000Z',
    });
  });

  it('skip public holidays (30 April and 1 May) and the weekend after them', () => {
    // Wednesday 29 April 2026: Thursday and Friday are holidays, then a weekend.
    expect(petitionDeadlines(new Date('2026-04-29T03:00:00Z'), {})).toEqual({
      referralDueAt: '2026-05-08T10:00:00.000Z',
      answerDueAt: '2026-05-22T10:00:00.000Z',
    });
  });

  it('follow the days operators set in CONG_PETITION_DEADLINES, and refuse a nonsensical setting', () => {
    try {
      process.env.CONG_PETITION_DEADLINES = '{"referralWorkingDays":3,"answerWorkingDays":10}';
      resetPetitionClockDays();
      expect(petitionDeadlines(new Date('2026-11-20T03:00:00Z'), {})).toEqual({
        referralDueAt: '2026-11-25T10:00:00.000Z',
        answerDueAt: '2026-12-04T10:00:00.000Z',
      });
      process.env.CONG_PETITION_DEADLINES = '{"referralWorkingDays":20,"answerWorkingDays":10}';
      resetPetitionClockDays();
      expect(() => petitionClockDays()).toThrow(/CONG_PETITION_DEADLINES/);
    } finally {
      delete process.env.CONG_PETITION_DEADLINES;
      resetPetitionClockDays();
    }
  });
});

const T0 = new Date('2026-11-20T03:00:00Z');

function petition(over: Partial<PetitionRecord> = {}): PetitionRecord {
  const clocks = petitionDeadlines(T0, {});
  return {
    code: 'PAKN-261120-0001',
    ownerSub: 'owner-1',
    agencyId: 'sxd-01',
    agencyName: findAgency('sxd-01')!.name,
    subject: 'Cấp phép xây dựng chậm',
    content: 'Nội dung',
    attachments: [
      {
        documentType: 'evidence',
        uploadId: 'U1',
        fileName: 'anh.pdf',
        contentType: 'application/pdf',
        size: 9,
        key: 'k',
      },
    ],
    allowPublish: true,
    status: 'received',
    version: 1,
    lastSeq: 1,
    submittedAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    routedAt: T0.toISOString(),
    ...clocks,
    escalations: 0,
    ...over,
  };
}

/** In-memory petition store: commits are conditional on the version, as the table's are. */
function memory(initial: PetitionRecord, now: () => Date) {
  const state = {
    petition: initial,
    writes: [] as PetitionWrite[],
    records: new Map<string, PetitionEventResult>(),
  };
  const ports: PetitionEventPorts & EscalationPorts & { notices: NotificationMessage[] } = {
    notices: [],
    now,
    loadPetition: async (code) =>
      code === state.petition.code ? structuredClone(state.petition) : undefined,
    async commit(w) {
      if (w.expectedVersion !== state.petition.version) return 'version-conflict';
      if (w.agencyRecord && state.records.has(w.agencyRecord.result.eventId)) return 'already-recorded';
      state.petition = w.petition;
      state.writes.push(w);
      if (w.agencyRecord) state.records.set(w.agencyRecord.result.eventId, w.agencyRecord.result);
      return 'committed';
    },
    findRecorded: async (_agency, id) => state.records.get(id),
    // The petitioner's profile: what must never be published.
    knownPersonalData: async (sub) =>
      sub === initial.ownerSub ? ['Trần Thị Bình', 'Số 5 ngõ 12 phố Huế, Hai Bà Trưng, Hà Nội'] : [],
    recordOnly: async (_agency, result) => {
      state.records.set(result.eventId, result);
    },
    // The index lags: it still lists the deadline it held before the last change.
    deadlineShards: 1,
    listLapsed: async () => ({ entries: [{ code: initial.code, deadline: initial.referralDueAt }] }),
    enqueue: async (messages) => {
      ports.notices.push(...messages);
    },
  };
  return { state, ports };
}

/** What an agency publishes: its own edited version of the petition and the answer. */
const PUBLIC_VERSION = {
  publicSubject: 'Cấp phép xây dựng chậm',
  publicContent: 'Người dân phản ánh hồ sơ cấp phép xây dựng quá hạn.',
  publicAnswer: 'Sở đã chỉ đạo giải quyết hồ sơ trong tuần.',
};

const event = (e: Record<string, unknown>) =>
  ({ eventId: `evt-${Math.random()}`, petitionCode: 'PAKN-261120-0001', ...e }) as PetitionAgencyEvent;

describe('agency callbacks on a petition', () => {
  it('only the agency it is routed to may act; others are told it does not exist', async () => {
    const { ports } = memory(petition(), () => T0);
    await expect(
      handlePetitionEvent(ports, 'stp-01', event({ type: 'petition.assigned' })),
    ).rejects.toMatchObject({
      code: 'PETITION_NOT_FOUND',
    });
  });

  it('reassignment moves it to the new agency with fresh clocks and a delivery to it', async () => {
    const later = new Date('2026-11-25T02:00:00Z');
    const { ports, state } = memory(petition(), () => later);
    const result = await handlePetitionEvent(
      ports,
      'sxd-01',
      event({ type: 'petition.reassigned', toAgencyId: 'stc-01', reason: 'Thuộc thẩm quyền Sở Tài chính' }),
    );
    expect(result).toMatchObject({ applied: true, status: 'received', agencyId: 'stc-01' });
    const clocks = petitionDeadlines(later);
    expect(state.petition).toMatchObject({
      agencyId: 'stc-01',
      routedAt: later.toISOString(),
      ...clocks,
      version: 2,
    });
    expect(clocks.referralDueAt).not.toBe(petition().referralDueAt);
    const w = state.writes[0]!;
    expect(w.deadline).toEqual({ clock: 'referral', at: clocks.referralDueAt });
    expect(w.outbox?.messages).toEqual([
      expect.objectContaining({
        type: 'petition.created',
        agencyId: 'stc-01',
        routing: 'reassigned',
        fromAgencyId: 'sxd-01',
        channel: 'p01',
      }),
    ]);
    expect(w.events[0]).toMatchObject({
      type: 'petition.reassigned',
      agencyId: 'stc-01',
      fromAgencyId: 'sxd-01',
      at: later.toISOString(),
    });
    // The agency it left is now a stranger to it.
    await expect(
      handlePetitionEvent(ports, 'sxd-01', event({ type: 'petition.assigned' })),
    ).rejects.toMatchObject({
      code: 'PETITION_NOT_FOUND',
    });
  });

  it("an answer records whether it met the deadline; publishing needs the petitioner's consent", async () => {
    const late = new Date(Date.parse(petition().answerDueAt) + 1000);
    const consent = memory(petition({ status: 'assigned' }), () => late);
    await handlePetitionEvent(
      consent.ports,
      'sxd-01',
      event({ type: 'petition.answered', answer: 'Trả lời', publish: true, ...PUBLIC_VERSION }),
    );
    const w = consent.state.writes[0]!;
    expect(w.events.map((e) => e.type)).toEqual(['petition.answered', 'petition.published']);
    expect(w.events[0]).toMatchObject({
      onTime: false,
      answerDueAt: petition().answerDueAt,
      agencyId: 'sxd-01',
    });
    expect(w.deadline).toBeNull();
    expect(consent.state.petition.status).toBe('published');
    expect(JSON.stringify(w.published)).not.toContain('owner-1');
    expect(JSON.stringify(w.published)).not.toContain('anh.pdf');

    const refused = memory(petition({ allowPublish: false }), () => T0);
    const r = await handlePetitionEvent(
      refused.ports,
      'sxd-01',
      event({ type: 'petition.answered', answer: 'Trả lời', publish: true, ...PUBLIC_VERSION }),
    );
    expect(r.status).toBe('answered');
    expect(refused.state.writes[0]!.events).toEqual([
      expect.objectContaining({ type: 'petition.answered', onTime: true }),
    ]);
    expect(refused.state.writes[0]!.published).toBeUndefined();
  });

  it('a replayed event id answers as the first time; an outcome contradicting another is 409', async () => {
    const { ports, state } = memory(petition(), () => T0);
    const e = event({ type: 'petition.rejected', reason: 'Không thuộc phạm vi' });
    await handlePetitionEvent(ports, 'sxd-01', e);
    expect(await handlePetitionEvent(ports, 'sxd-01', e)).toMatchObject({
      reason: 'replay',
      status: 'rejected',
    });
    expect(state.writes).toHaveLength(1);
    await expect(
      handlePetitionEvent(ports, 'sxd-01', event({ type: 'petition.answered', answer: 'x' })),
    ).rejects.toMatchObject({ code: 'PETITION_ILLEGAL_TRANSITION', status: 409 });
  });
});

describe('escalation of overdue petitions', () => {
  it('escalates once however often it runs, to the parent, telling both agencies', async () => {
    const { ports, state } = memory(petition(), () => T0);
    const asOf = new Date(Date.parse(petition().referralDueAt) + 60_000);
    const first = await escalatePetitions(ports, asOf);
    const second = await escalatePetitions(ports, asOf);
    expect(first).toMatchObject({ checked: 1, escalated: 1, errors: [] });
    expect(second).toMatchObject({ checked: 1, escalated: 0, skipped: 1 });
    expect(state.writes).toHaveLength(1);
    expect(state.petition).toMatchObject({
      status: 'escalated',
      agencyId: 'ubnd-01',
      escalations: 1,
      routedAt: asOf.toISOString(),
      ...petitionDeadlines(asOf),
    });
    expect(state.writes[0]!.events[0]).toMatchObject({
      type: 'petition.escalated',
      agencyId: 'ubnd-01',
      fromAgencyId: 'sxd-01',
      reason: 'referral_deadline_lapsed',
    });
    expect(state.writes[0]!.outbox?.messages[0]).toMatchObject({ agencyId: 'ubnd-01', routing: 'escalated' });
    expect(ports.notices.map((n) => n.to).sort()).toEqual(['sxd-01', 'ubnd-01']);
    expect(new Set(ports.notices.map((n) => n.id)).size).toBe(2);
  });

  it('counts an escalation once in the PetitionsEscalated metric, however often it runs', async () => {
    const { ports } = memory(petition(), () => T0);
    const asOf = new Date(Date.parse(petition().referralDueAt) + 60_000);
    const seen: string[] = [];
    const stop = onBusinessMetric((name, count) => seen.push(`${name}:${count}`));
    try {
      await escalatePetitions(ports, asOf);
      await escalatePetitions(ports, asOf);
    } finally {
      stop();
    }
    expect(seen).toEqual(['PetitionsEscalated:1']);
  });

  it('two runs at once escalate once (the write is conditional on the version read)', async () => {
    const { ports, state } = memory(petition(), () => T0);
    const asOf = new Date(Date.parse(petition().referralDueAt) + 60_000);
    const [a, b] = await Promise.all([escalatePetitions(ports, asOf), escalatePetitions(ports, asOf)]);
    expect(a.escalated + b.escalated).toBe(1);
    expect(state.writes).toHaveLength(1);
  });

  it('an assigned petition escalates on its answer deadline, not before; an answered one never', async () => {
    const assigned = memory(petition({ status: 'assigned' }), () => T0);
    const afterReferral = new Date(Date.parse(petition().referralDueAt) + 60_000);
    expect((await escalatePetitions(assigned.ports, afterReferral)).escalated).toBe(0);
    const afterAnswer = new Date(Date.parse(petition().answerDueAt) + 60_000);
    expect((await escalatePetitions(assigned.ports, afterAnswer)).escalated).toBe(1);
    expect(assigned.state.writes[0]!.events[0]!.reason).toBe('answer_deadline_lapsed');

    const answered = memory(petition({ status: 'answered' }), () => T0);
    expect((await escalatePetitions(answered.ports, afterAnswer)).escalated).toBe(0);
  });

  it('a notifications queue that refuses the notices does not undo or repeat the escalation', async () => {
    const { ports, state } = memory(petition(), () => T0);
    ports.enqueue = async () => {
      throw new Error('queue unavailable');
    };
    const asOf = new Date(Date.parse(petition().referralDueAt) + 60_000);
    expect(await escalatePetitions(ports, asOf)).toMatchObject({ escalated: 1, errors: [] });
    expect(await escalatePetitions(ports, asOf)).toMatchObject({ escalated: 0 });
    expect(state.petition.agencyId).toBe('ubnd-01');
  });

  it('above a top-level agency it goes to national triage', async () => {
    const { ports, state } = memory(petition({ agencyId: 'ubnd-01', agencyName: 'UBND' }), () => T0);
    await escalatePetitions(ports, new Date(Date.parse(petition().referralDueAt) + 60_000));
    expect(state.petition.agencyId).toBe(PETITIONS.triageAgencyId);
  });
});

describe('publishing an answer without personal data', () => {
  const personal = {
    subject: 'Ông Trần Thị Bình, SĐT 0912 345 678, phản ánh cấp phép chậm',
    content:
      'Tôi là Trần Thị Bình, CCCD 001099012345, ở số 5 ngõ 12 phố Huế. Liên hệ binh.tran@gmail.com hoặc +84 912.345.678.',
  };

  it('an agency that publishes must send the public version; one that does not, need not', () => {
    const base = { type: 'petition.answered', eventId: 'evt-12345678', petitionCode: 'PAKN-261120-0001' };
    const refused = petitionAgencyEvent.safeParse({ ...base, answer: 'Trả lời', publish: true });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'publicAnswer',
      'publicContent',
      'publicSubject',
    ]);
    expect(
      petitionAgencyEvent.safeParse({ ...base, answer: 'Trả lời', publish: true, ...PUBLIC_VERSION }).success,
    ).toBe(true);
    expect(petitionAgencyEvent.safeParse({ ...base, answer: 'Trả lời' }).success).toBe(true);
  });

  it("the public sees the agency's version, masked, never the petitioner's words, name or address", async () => {
    const { ports, state } = memory(petition({ status: 'assigned', ...personal }), () => T0);
    const answer =
      'Trả lời bà Trần Thị Bình (0912345678): hồ sơ 000.00.00.H01-260101-0001 sẽ được giải quyết.';
    await handlePetitionEvent(
      ports,
      'sxd-01',
      event({
        type: 'petition.answered',
        answer,
        publish: true,
        // The agency's edit slipped: the name, a phone and the address are still in it.
        publicSubject: 'Phản ánh cấp phép chậm (SĐT 0912 345 678)',
        publicContent: 'Bà Trần Thị Bình ở số 5 ngõ 12 phố Huế phản ánh hồ sơ quá hạn.',
        publicAnswer:
          'Hồ sơ 000.00.00.H01-260101-0001 được giải quyết; lệ phí 1.500.000 đồng. Gọi 0912.345.678.',
      }),
    );
    const view = state.writes[0]!.published!.view;
    expect(view).toMatchObject({
      subject: 'Phản ánh cấp phép chậm (SĐT [đã ẩn])',
      content: 'Bà [đã ẩn] ở [đã ẩn] phản ánh hồ sơ quá hạn.',
      answer: {
        text: 'Hồ sơ 000.00.00.H01-260101-0001 được giải quyết; lệ phí 1.500.000 đồng. Gọi [đã ẩn].',
      },
    });
    const text = JSON.stringify(state.writes[0]!.published);
    for (const secret of ['Bình', '0912', '345', '001099012345', 'binh.tran', 'ngõ 12', answer])
      expect(text).not.toContain(secret);
    // The petitioner still sees their own words, and what was published of them.
    expect(state.petition).toMatchObject({ ...personal, answer: { text: answer } });
    expect(state.petition.publicVersion).toEqual({
      subject: view.subject,
      content: view.content,
      answer: view.answer.text,
    });
  });

  it('the search index holds the public words only: a phone, an ID or a name finds nothing', async () => {
    const p = petition({
      ...personal,
      status: 'published',
      publishedAt: T0.toISOString(),
      answer: { text: 'Đã giải quyết', at: T0.toISOString(), agencyId: 'sxd-01', agencyName: 'Sở Xây dựng' },
      publicVersion: {
        subject: 'Cấp phép xây dựng chậm',
        content: 'Hồ sơ quá hạn',
        answer: 'Đã giải quyết',
      },
    });
    const entry = publishedEntry(publicView(p));
    expect(matches(entry, 'cap phep')).toBe(true);
    for (const q of ['0912345678', '0912', 'binh', 'Trần Thị Bình', '001099012345', 'binh.tran@gmail.com'])
      expect(matches(entry, q), q).toBe(false);
  });

  it('an entry published before masking is masked as it is loaded, and indexed from the masked text', async () => {
    const legacy = {
      code: 'PAKN-261120-0009',
      subject: 'Gọi 0912 345 678 giúp tôi',
      content: 'CCCD 001099012345, e-mail binh.tran@gmail.com',
      agencyId: 'sxd-01',
      agencyName: 'Sở Xây dựng',
      answer: { text: 'Đã trả lời qua 0912345678', at: T0.toISOString() },
      submittedAt: T0.toISOString(),
      publishedAt: T0.toISOString(),
    };
    const answers = new PublishedAnswers({
      since: async () => [{ view: legacy, indexKey: `${legacy.publishedAt}#${legacy.code}`, masked: false }],
    });
    const all = await answers.search(undefined, 10, undefined);
    expect(all.items).toEqual([
      {
        ...legacy,
        subject: 'Gọi [đã ẩn] giúp tôi',
        content: 'CCCD [đã ẩn], e-mail [đã ẩn]',
        answer: { ...legacy.answer, text: 'Đã trả lời qua [đã ẩn]' },
      },
    ]);
    for (const q of ['0912', '001099012345', 'binh.tran'])
      expect((await answers.search(q, 10, undefined)).items, q).toEqual([]);
    expect((await answers.search('goi giup', 10, undefined)).items).toHaveLength(1);
  });
});

describe('petition storage and delivery', () => {
  it('one transaction holds the petition (conditional on its version), its events, deadline, outbox and callback record', () => {
    const p = petition({ version: 3, status: 'assigned' });
    const { items, index } = petitionWriteItems('T', {
      petition: p,
      expectedVersion: 2,
      events: [
        {
          seq: 2,
          type: 'petition.assigned',
          agencyId: 'sxd-01',
          at: p.updatedAt,
          status: 'assigned',
          actor: 'agency',
        } as PetitionEvent,
      ],
      deadline: { clock: 'answer', at: p.answerDueAt },
      outbox: {
        id: 'O1',
        messages: [{ type: 'petition.created', petitionCode: p.code, agencyId: 'sxd-01', webhookId: 'w' }],
      },
      agencyRecord: {
        agencyId: 'sxd-01',
        result: {
          eventId: 'e1',
          petitionCode: p.code,
          applied: true,
          status: 'assigned',
          agencyId: 'sxd-01',
          reason: 'applied',
        },
      },
    });
    const puts = items.map(
      (i) => (i as { Put?: { Item: Record<string, unknown>; ConditionExpression?: string } }).Put,
    );
    expect(puts[index.petition]).toMatchObject({
      Item: { ...keys.petition(p.code), kind: 'petition', gsi2pk: 'AGENCY#sxd-01', gsi1pk: 'OWNER#owner-1' },
      ConditionExpression: '#version = :expected',
    });
    expect(puts[1]!.Item).toMatchObject({
      ...keys.petitionEvent(p.code, 2),
      kind: 'petitionEvent',
      type: 'petition.assigned',
      agencyId: 'sxd-01',
    });
    expect(puts[2]!.Item).toMatchObject({
      ...keys.petitionDeadline(p.code),
      clock: 'answer',
      deadline: p.answerDueAt,
    });
    expect(String(puts[2]!.Item.gsi2sk)).toBe(`${p.answerDueAt}#${p.code}`);
    expect(puts[3]!.Item.pk).toBe('OUTBOX#O1');
    expect(puts[index.record!]!.Item).toMatchObject(keys.agencyEvent('sxd-01', 'e1'));
    expect(items).toHaveLength(5);
    // Settled: the deadline leaves the index in the same transaction.
    const settled = petitionWriteItems('T', { petition: p, expectedVersion: 2, events: [], deadline: null });
    expect(settled.items[1]).toEqual({ Delete: { TableName: 'T', Key: keys.petitionDeadline(p.code) } });
  });

  it('the agency receives the petition and its deadlines, never who sent it', () => {
    const p = petition({ enterpriseTaxCode: '0101234567' });
    const payload = petitionPayload(p, {
      type: 'petition.created',
      petitionCode: p.code,
      agencyId: p.agencyId,
      webhookId: 'w',
    });
    expect(payload).toMatchObject({
      petitionCode: p.code,
      referralDueAt: p.referralDueAt,
      routing: 'submitted',
    });
    const text = JSON.stringify(payload);
    for (const secret of ['owner-1', '0101234567', 'ownerSub']) expect(text).not.toContain(secret);
  });

  it('the petitioner, the business that filed it and the agency it is with may read it, nobody else', () => {
    // The one access rule (functions/core/access.ts) over the petition's ownership fields.
    const p = petition({ enterpriseTaxCode: '0101234567' });
    const canRead = (person: Parameters<typeof reachOf>[0]) => reachOf(person, p, true) !== undefined;
    expect(canRead({ sub: 'owner-1', role: 'citizen' })).toBe(true);
    expect(canRead({ sub: 'colleague', role: 'business', taxCode: '0101234567' })).toBe(true);
    expect(canRead({ sub: 'other', role: 'business', taxCode: '0309999999' })).toBe(false);
    expect(reachOf({ sub: 'other', role: 'citizen' }, petition(), true)).toBeUndefined();
    expect(canRead({ sub: 'officer', role: 'agency_officer', agencyId: 'sxd-01' })).toBe(true);
    expect(canRead({ sub: 'officer', role: 'agency_officer', agencyId: 'stc-01' })).toBe(false);
    expect(canRead({ sub: 'officer', role: 'citizen', agencyId: 'sxd-01' })).toBe(false);
  });
});

/** A published petition as the index stores it. */
const published = (code: string, subject: string, at: string) => {
  const p = petition({
    code,
    subject,
    status: 'published',
    publishedAt: at,
    answer: { text: 'Ủy ban nhân dân đã chỉ đạo khắc phục', at, agencyId: 'ubnd-01', agencyName: 'UBND' },
    publicVersion: { subject, content: 'Nội dung', answer: 'Ủy ban nhân dân đã chỉ đạo khắc phục' },
  });
  return { view: publicView(p), indexKey: `${at}#${code}`, masked: true };
};

describe('searching published answers', () => {
  it('folds tone marks and abbreviations like the catalog', () => {
    const e = publishedEntry(
      published('PAKN-261120-0001', 'Đường Láng ngập úng', '2026-11-21T00:00:00.000Z').view,
    );
    expect(matches(e, 'duong lang')).toBe(true);
    expect(matches(e, 'ĐƯỜNG NGẬP')).toBe(true);
    expect(matches(e, 'UBND')).toBe(true);
    expect(matches(e, 'cau giay')).toBe(false);
  });

  it('finds a published petition by its code, the public page of one petition', async () => {
    const entries = [
      published('PAKN-261120-0001', 'Đường Láng ngập úng', '2026-11-21T00:00:00.000Z'),
      published('PAKN-261120-0002', 'Ngập úng phố Huế', '2026-11-21T01:00:00.000Z'),
    ];
    const answers = new PublishedAnswers({ since: async () => entries }, { minRefreshMs: 0 });
    const found = await answers.search('pakn-261120-0001', 10, undefined);
    expect(found.items.map((i) => i.code)).toEqual(['PAKN-261120-0001']);
    expect(found.last).toBeUndefined();
    expect((await answers.search('PAKN-261120-0009', 10, undefined)).items).toEqual([]);
  });

  it('pages newest first over what the index returns, refreshing only what is new', async () => {
    const entries = [
      published('PAKN-261120-0001', 'Đường Láng ngập úng', '2026-11-21T00:00:00.000Z'),
      published('PAKN-261120-0002', 'Ngập úng phố Huế', '2026-11-21T01:00:00.000Z'),
      published('PAKN-261120-0003', 'Cấp phép chậm', '2026-11-21T02:00:00.000Z'),
    ];
    const asked: (string | undefined)[] = [];
    const answers = new PublishedAnswers(
      {
        since: async (since) => {
          asked.push(since);
          return entries.filter((e) => !since || e.indexKey >= since);
        },
      },
      { minRefreshMs: 0 },
    );
    const page1 = await answers.search('ngap ung', 1, undefined);
    expect(page1.items.map((i) => i.code)).toEqual(['PAKN-261120-0002']);
    const page2 = await answers.search('ngap ung', 1, page1.last);
    expect(page2.items.map((i) => i.code)).toEqual(['PAKN-261120-0001']);
    expect(page2.last).toBeUndefined();
    expect(asked[0]).toBeUndefined();
    expect(asked[1]).toBe('2026-11-21T01:55:00.000Z');
    for (const item of page1.items) expect(Object.keys(item)).not.toContain('ownerSub');
  });
});

describe('delivering a petition through the agency pipeline', () => {
  const secret = newWebhookSecret();
  function ports(p: PetitionRecord | undefined, status = 202) {
    const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
    const delivered = new Set<string>();
    const attempts: DeliveryAttempt[] = [];
    const paused = new Set<string>();
    const deliveryPorts: PetitionDeliveryPorts = {
      // Signatures carry the time they were made; the agency refuses one outside its tolerance.
      now: () => new Date(),
      loadPetition: async () => p,
      isDelivered: async (code, id) => delivered.has(`${code}:${id}`),
      markDelivered: async (code, id) => {
        delivered.add(`${code}:${id}`);
      },
      isPaused: async (id) => paused.has(id),
      pauseAgency: async (id) => {
        paused.add(id);
        return true;
      },
      recordAttempt: async (_code, a) => {
        attempts.push(a);
      },
      endpointFor: () => 'https://agency.example/webhook',
      secretsFor: async () => [secret],
      post: async (url, headers, body) => {
        sent.push({ url, headers, body });
        return { status };
      },
    };
    return { deliveryPorts, sent, attempts, paused };
  }
  const message = {
    type: 'petition.created' as const,
    petitionCode: 'PAKN-261120-0001',
    agencyId: 'sxd-01',
    webhookId: 'msg_1',
  };

  it('signs the POST with the agency secret and sends a redelivered message once', async () => {
    const { deliveryPorts, sent, attempts } = ports(petition());
    expect(await deliverPetition(deliveryPorts, message, 1)).toBe('delivered');
    expect(await deliverPetition(deliveryPorts, message, 2)).toBe('already-delivered');
    expect(sent).toHaveLength(1);
    expect(verifyWebhook([secret], sent[0]!.body, sent[0]!.headers)).toBe(true);
    expect(petitionDelivery.parse(JSON.parse(sent[0]!.body))).toMatchObject({
      petitionCode: message.petitionCode,
    });
    expect(attempts).toEqual([expect.objectContaining({ outcome: 'delivered', status: 202 })]);
  });

  it("redelivers on the agency's request under the same webhook-id, once per request, with its routing", async () => {
    const { deliveryPorts, sent, attempts } = ports(petition());
    const reassigned = { ...message, routing: 'reassigned' as const, fromAgencyId: 'stc-01' };
    expect(await deliverPetition(deliveryPorts, reassigned, 1)).toBe('delivered');
    // The attempt keeps how it came, so a redelivery built from the log sends the same body.
    expect(attempts[0]).toMatchObject({ routing: 'reassigned', fromAgencyId: 'stc-01' });
    const again = { ...reassigned, redeliveryId: '01KJR7C4A7N2X9F3R5V6W8Y0ZB' };
    expect(await deliverPetition(deliveryPorts, again, 1)).toBe('delivered');
    expect(await deliverPetition(deliveryPorts, again, 2)).toBe('already-delivered');
    expect(sent.map((p) => p.headers['webhook-id'])).toEqual(['msg_1', 'msg_1']);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(attempts.at(-1)).toMatchObject({ redeliveryId: again.redeliveryId, outcome: 'delivered' });
  });

  it('drops a message for an agency the petition has left; retries a failure; pauses on 410', async () => {
    expect(await deliverPetition(ports(petition({ agencyId: 'stc-01' })).deliveryPorts, message, 1)).toBe(
      'petition-moved',
    );
    await expect(deliverPetition(ports(petition(), 503).deliveryPorts, message, 1)).rejects.toBeInstanceOf(
      DeliveryFailed,
    );
    const gone = ports(petition(), 410);
    await expect(deliverPetition(gone.deliveryPorts, message, 1)).rejects.toMatchObject({ kind: 'gone' });
    expect(gone.paused.has('sxd-01')).toBe(true);
  });
});

describe('petition dead letters', () => {
  it('are redriven with the agency they were for, and chosen by petition code', () => {
    const letter = {
      receiptHandle: 'r',
      sentAt: Date.parse('2026-11-20T03:00:00Z'),
      body: JSON.stringify({
        type: 'petition.created',
        petitionCode: 'PAKN-261120-0001',
        agencyId: 'sxd-01',
        webhookId: 'msg_1',
      }),
    };
    expect(matchesDeadLetter(letter, { agencyId: 'sxd-01' })).toBe(true);
    expect(matchesDeadLetter(letter, { agencyId: 'stc-01' })).toBe(false);
    expect(matchesDeadLetter(letter, { agencyId: 'sxd-01', dossierCodes: ['PAKN-261120-0001'] })).toBe(true);
    expect(matchesDeadLetter(letter, { agencyId: 'sxd-01', dossierCodes: ['PAKN-261120-0002'] })).toBe(false);
  });
});

describe('public search under a burst of readers', () => {
  it('reads what is new once for concurrent searches and at most once per interval', async () => {
    const entries = [published('PAKN-261120-0001', 'Đường Láng ngập úng', '2026-11-21T00:00:00.000Z')];
    let reads = 0;
    let clock = 0;
    const answers = new PublishedAnswers(
      {
        since: async () => {
          reads++;
          await new Promise((r) => setTimeout(r, 5));
          return entries;
        },
      },
      { minRefreshMs: 1_000, now: () => clock },
    );
    const pages = await Promise.all(Array.from({ length: 50 }, () => answers.search('ngap', 10, undefined)));
    expect(pages.every((p) => p.items.length === 1)).toBe(true);
    expect(reads).toBe(1);
    clock = 999;
    await answers.search(undefined, 10, undefined);
    expect(reads).toBe(1);
    clock = 1_000;
    await answers.search(undefined, 10, undefined);
    expect(reads).toBe(2);
  });

  it('reads again at the next search when a read failed', async () => {
    let fail = true;
    let reads = 0;
    const answers = new PublishedAnswers(
      {
        since: async () => {
          reads++;
          if (fail) throw new Error('throttled');
          return [];
        },
      },
      { minRefreshMs: 60_000, now: () => 0 },
    );
    await expect(answers.search(undefined, 10, undefined)).rejects.toThrow('throttled');
    fail = false;
    await answers.search(undefined, 10, undefined);
    expect(reads).toBe(2);
  });
});

describe('words that name what every object has', () => {
  it('indexes and finds "constructor", "__proto__" and "toString" as plain words', async () => {
    const entry = published(
      'PAKN-261120-0042',
      'constructor __proto__ toString hasOwnProperty',
      '2026-11-21T00:00:00.000Z',
    );
    const answers = new PublishedAnswers({ since: async () => [entry] }, { minRefreshMs: 0 });
    for (const q of ['constructor', '__proto__', 'tostring', 'valueOf', '0']) {
      const found = await answers.search(q, 1, undefined);
      expect(found.items.length, q).toBe(q === 'valueOf' || q === '0' ? 0 : 1);
    }
    expect(indexTerms('constructor ki')).toEqual(['constructor', 'ky']);
    expect(queryTerms('__proto__ constructor')).toEqual(['proto', 'constructor']);
  });
});
