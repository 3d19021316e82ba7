import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonical,
  GENESIS_HASH,
  sealEvent,
  type TimelineEvent,
  verifyChain,
} from '../../functions/core/timeline.js';

type Draft = Omit<TimelineEvent, 'seq' | 'prevHash' | 'hash'>;

function chain(drafts: readonly Draft[]): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  let prev = GENESIS_HASH;
  for (const [i, d] of drafts.entries()) {
    const e = sealEvent({ ...d, seq: i + 1, prevHash: prev });
    out.push(e);
    prev = e.hash;
  }
  return out;
}

const DRAFTS: Draft[] = [
  { at: '2026-03-09T03:00:00.000Z', type: 'dossier.submitted', status: 'submitted', actor: 'citizen' },
  {
    at: '2026-03-09T04:00:00.000Z',
    type: 'dossier.received',
    status: 'received',
    actor: 'agency',
    source: 'H01:evt-1',
    note: 'Đã tiếp nhận hồ sơ',
  },
  {
    at: '2026-03-10T02:00:00.000Z',
    type: 'dossier.supplement_requested',
    status: 'supplement_requested',
    actor: 'agency',
    source: 'H01:evt-2',
    dueAt: '2026-03-17T10:00:00.000Z',
    details: { missing: ['ban_sao_cccd'], count: 1 },
  },
  { at: '2026-03-11T02:00:00.000Z', type: 'dossier.supplemented', status: 'supplemented', actor: 'citizen' },
];

const build = () => chain(DRAFTS);

describe('timeline hash chain', () => {
  it('seals each event with the SHA-256 of its canonical form, linked to the one before', () => {
    const events = build();
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    for (const [i, e] of events.entries()) {
      const { hash, ...rest } = e;
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).toBe(createHash('sha256').update(canonical(rest)).digest('hex'));
      if (i > 0) expect(e.prevHash).toBe(events[i - 1]!.hash);
    }
    expect(new Set(events.map((e) => e.hash)).size).toBe(events.length);
  });

  it('an untouched chain verifies, and so does an empty one', () => {
    expect(verifyChain(build())).toBe(true);
    expect(verifyChain([])).toBe(true);
  });

  it('changing a note is detected', () => {
    const events = build();
    events[1] = { ...events[1]!, note: 'Hồ sơ bị từ chối' };
    expect(verifyChain(events)).toBe(false);
  });

  it('adding a note where there was none is detected', () => {
    const events = build();
    events[0] = { ...events[0]!, note: 'x' };
    expect(verifyChain(events)).toBe(false);
  });

  it('changing nested details is detected', () => {
    const events = build();
    events[2] = { ...events[2]!, details: { missing: ['giay_khai_sinh'], count: 1 } };
    expect(verifyChain(events)).toBe(false);
  });

  it('changing a status is detected', () => {
    const events = build();
    events[3] = { ...events[3]!, status: 'approved' };
    expect(verifyChain(events)).toBe(false);
  });

  it('deleting a middle event is detected', () => {
    const events = build();
    events.splice(1, 1);
    expect(verifyChain(events)).toBe(false);
  });

  it('deleting a middle event and renumbering is still detected', () => {
    const events = build();
    events.splice(1, 1);
    const renumbered = events.map((e, i) => ({ ...e, seq: i + 1 }));
    expect(verifyChain(renumbered)).toBe(false);
  });

  it('reordering events is detected', () => {
    const events = build();
    const swapped = [events[0]!, events[2]!, events[1]!, events[3]!];
    expect(verifyChain(swapped)).toBe(false);
    // Even with the sequence numbers swapped back into order.
    expect(verifyChain(swapped.map((e, i) => ({ ...e, seq: i + 1 })))).toBe(false);
  });

  it('changing a stored hash is detected', () => {
    for (const i of [0, 1, 3]) {
      const events = build();
      const h = events[i]!.hash;
      events[i] = { ...events[i]!, hash: `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}` };
      expect(verifyChain(events), `event ${i}`).toBe(false);
    }
  });

  it('re-sealing an edited event alone breaks the link to the next one', () => {
    const events = build();
    const { hash: _hash, ...rest } = events[1]!;
    events[1] = sealEvent({ ...rest, note: 'forged' });
    expect(verifyChain(events)).toBe(false);
  });

  it('a chain that does not start at genesis is rejected', () => {
    const events = build();
    expect(verifyChain(events.slice(1))).toBe(false);
  });
});

describe('canonical', () => {
  it('is independent of key order, at every depth', () => {
    const a = { b: 1, a: { y: [1, { q: 'x', p: null }], x: 'é' }, c: true };
    const b = { c: true, a: { x: 'é', y: [1, { p: null, q: 'x' }] }, b: 1 };
    expect(canonical(a)).toBe(canonical(b));
    expect(canonical(a)).toBe('{"a":{"x":"é","y":[1,{"p":null,"q":"x"}]},"b":1,"c":true}');
  });

  it('keeps array order significant', () => {
    expect(canonical([1, 2])).not.toBe(canonical([2, 1]));
  });

  it('omits undefined properties', () => {
    expect(canonical({ a: 1, b: undefined })).toBe(canonical({ a: 1 }));
  });

  it('distinguishes values that differ only in type', () => {
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: '1' }));
    expect(canonical({ a: null })).not.toBe(canonical({}));
  });

  it('makes the seal independent of property order', () => {
    const e1 = sealEvent({
      seq: 1,
      at: '2026-03-09T03:00:00.000Z',
      type: 'dossier.submitted',
      status: 'submitted',
      actor: 'citizen',
      prevHash: GENESIS_HASH,
    });
    const e2 = sealEvent({
      prevHash: GENESIS_HASH,
      actor: 'citizen',
      status: 'submitted',
      type: 'dossier.submitted',
      at: '2026-03-09T03:00:00.000Z',
      seq: 1,
    });
    expect(e1.hash).toBe(e2.hash);
    expect(verifyChain([e2])).toBe(true);
  });
});
