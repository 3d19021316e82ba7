import { describe, expect, it } from 'vitest';
import { DISPATCH } from '../../functions/core/resources.js';
import { retryDelaySeconds } from '../../functions/dispatch/dispatcher.js';
import {
  type ChannelQueues,
  type DeadLetter,
  dlqUrlOf,
  matches,
  type RedrivePorts,
  redrive,
} from '../../functions/dispatch/redrive.js';

const AGENCY = 'bhxh-hn';
const OTHER = 'bhxh-hp';
const T0 = Date.parse('2026-03-09T00:00:00.000Z');

const letter = (n: number, agencyId = AGENCY, sentAt = T0 + n * 60_000): DeadLetter => ({
  receiptHandle: `rh-${n}`,
  sentAt,
  body: JSON.stringify({
    type: 'dossier.submitted',
    dossierCode: `BHXHHN-260309-${String(n).padStart(4, '0')}`,
    agencyId,
    channel: 'bhxh',
    webhookId: `msg_${n}`,
  }),
});

/** A DLQ and its queue in memory, with SQS's receive semantics: received messages are hidden. */
class FakeQueues implements ChannelQueues {
  dead: DeadLetter[] = [];
  hidden = new Set<string>();
  queue: string[] = [];
  refuse = new Set<string>();
  calls: string[] = [];

  async receiveDead() {
    this.calls.push('receive');
    const batch = this.dead.filter((m) => !this.hidden.has(m.receiptHandle)).slice(0, 10);
    for (const m of batch) this.hidden.add(m.receiptHandle);
    return batch;
  }
  async send(bodies: readonly string[]) {
    this.calls.push('send');
    const refused: number[] = [];
    bodies.forEach((b, i) => {
      if ([...this.refuse].some((r) => b.includes(r))) refused.push(i);
      else this.queue.push(b);
    });
    return refused;
  }
  async deleteDead(handles: readonly string[]) {
    this.calls.push('delete');
    this.dead = this.dead.filter((m) => !handles.includes(m.receiptHandle));
  }
  async releaseDead(handles: readonly string[]) {
    for (const h of handles) this.hidden.delete(h);
  }
}

function ports(queues = new FakeQueues()) {
  const paused = new Set([AGENCY]);
  const owners: Record<string, string> = {
    'BHXHHN-260309-0001': AGENCY,
    'BHXHHP-260309-0001': OTHER,
  };
  let n = 0;
  const p: RedrivePorts & { paused: Set<string>; queues: FakeQueues } = {
    paused,
    queues,
    now: () => new Date(T0),
    async resume(agencyId) {
      return paused.delete(agencyId);
    },
    async dossierAgency(code) {
      return owners[code];
    },
    newWebhookId: () => `msg_fresh_${++n}`,
  };
  return p;
}

const sentBody = (b: string) => JSON.parse(b) as { dossierCode: string; webhookId: string; agencyId: string };

describe('redrive', () => {
  it('moves only the agency’s dead letters back, deleting each after its send, and leaves the rest', async () => {
    const p = ports();
    p.queues.dead = [
      letter(1),
      letter(2, OTHER),
      letter(3),
      ...Array.from({ length: 12 }, (_, i) => letter(10 + i)),
    ];
    const report = await redrive(p, { agencyId: AGENCY, channel: 'bhxh' });
    expect(report).toMatchObject({ scanned: 15, redriven: 14, left: 1, failed: 0 });
    expect(p.queues.queue.map((b) => sentBody(b).webhookId)).toContain('msg_1');
    expect(p.queues.dead.map((m) => m.receiptHandle)).toEqual(['rh-2']);
    // The other agency's message is visible again for its own redrive.
    expect(p.queues.hidden.has('rh-2')).toBe(false);
    expect(p.queues.calls.indexOf('send')).toBeLessThan(p.queues.calls.indexOf('delete'));
  });

  it('filters by first send time and by dossier', async () => {
    const p = ports();
    p.queues.dead = [letter(1), letter(2), letter(3)];
    const since = new Date(T0 + 2 * 60_000);
    expect(await redrive(p, { agencyId: AGENCY, channel: 'bhxh', since })).toMatchObject({
      redriven: 2,
      left: 1,
    });
    const q = ports();
    q.queues.dead = [letter(1), letter(2), letter(3)];
    const report = await redrive(q, {
      agencyId: AGENCY,
      channel: 'bhxh',
      dossierCodes: ['BHXHHN-260309-0002'],
    });
    expect(report).toMatchObject({ redriven: 1, left: 2 });
    expect(q.queues.queue.map((b) => sentBody(b).dossierCode)).toEqual(['BHXHHN-260309-0002']);
  });

  it('a message whose send was refused stays in the DLQ and is counted as failed', async () => {
    const p = ports();
    p.queues.dead = [letter(1), letter(2)];
    p.queues.refuse.add('msg_2');
    const report = await redrive(p, { agencyId: AGENCY, channel: 'bhxh' });
    expect(report).toMatchObject({ redriven: 1, failed: 1, left: 0 });
    expect(p.queues.dead.map((m) => m.receiptHandle)).toEqual(['rh-2']);
    expect(p.queues.hidden.has('rh-2')).toBe(false);
  });

  it('unreadable dead letters are left for an operator', async () => {
    const p = ports();
    p.queues.dead = [{ receiptHandle: 'junk', body: 'not json', sentAt: T0 }, letter(1)];
    expect(await redrive(p, { agencyId: AGENCY, channel: 'bhxh' })).toMatchObject({ redriven: 1, left: 1 });
    expect(matches({ receiptHandle: 'x', body: '{"type":"other"}', sentAt: T0 }, { agencyId: AGENCY })).toBe(
      false,
    );
  });

  it('stops after maxMessages', async () => {
    const p = ports();
    p.queues.dead = Array.from({ length: 30 }, (_, i) => letter(i + 1));
    const report = await redrive(p, { agencyId: AGENCY, channel: 'bhxh', maxMessages: 10 });
    expect(report).toMatchObject({ scanned: 10, redriven: 10 });
    expect(p.queues.dead).toHaveLength(20);
  });

  it('--resume clears the pause before moving messages back, and says whether it was paused', async () => {
    const p = ports();
    p.queues.dead = [letter(1)];
    const report = await redrive(p, { agencyId: AGENCY, channel: 'bhxh', resume: true });
    expect(report).toMatchObject({ resumed: true, redriven: 1 });
    expect(p.paused.has(AGENCY)).toBe(false);
    expect((await redrive(p, { agencyId: AGENCY, channel: 'bhxh', resume: true })).resumed).toBe(false);
  });

  it('--resend queues the chosen dossiers under fresh webhook ids and refuses other agencies’ dossiers', async () => {
    const p = ports();
    p.queues.dead = [letter(5)];
    const report = await redrive(p, {
      agencyId: AGENCY,
      channel: 'bhxh',
      resend: true,
      dossierCodes: ['BHXHHN-260309-0001', 'BHXHHN-260309-0001', 'BHXHHP-260309-0001', 'NOPE-1'],
    });
    expect(report.resent).toEqual([{ dossierCode: 'BHXHHN-260309-0001', webhookId: 'msg_fresh_1' }]);
    expect(report.refused).toEqual([
      { dossierCode: 'BHXHHP-260309-0001', reason: `belongs to ${OTHER}` },
      { dossierCode: 'NOPE-1', reason: 'no such dossier' },
    ]);
    expect(p.queues.queue.map(sentBody)).toEqual([
      expect.objectContaining({
        dossierCode: 'BHXHHN-260309-0001',
        agencyId: AGENCY,
        webhookId: 'msg_fresh_1',
      }),
    ]);
    // A resend touches no dead letters.
    expect(p.queues.dead).toHaveLength(1);
  });

  it('--resend without dossiers is refused', async () => {
    await expect(redrive(ports(), { agencyId: AGENCY, channel: 'bhxh', resend: true })).rejects.toThrow(
      /--dossier/,
    );
  });

  it('the DLQ is found by the naming rule shared with CDK', () => {
    expect(dlqUrlOf('http://127.0.0.1:9324/000000000000/cong-local-agency-bhxh')).toBe(
      'http://127.0.0.1:9324/000000000000/cong-local-agency-bhxh-dlq',
    );
  });
});

describe('retryDelaySeconds', () => {
  const HIGH = () => 0.999999;
  it('honours Retry-After up to the cap, unscaled', () => {
    expect(retryDelaySeconds('failed', 1, '7', 0.01, HIGH)).toBe(7);
    expect(retryDelaySeconds('failed', 1, '99999', 1, HIGH)).toBe(DISPATCH.backoffCapSeconds);
  });
  it('scales the jittered backoff for local runs', () => {
    expect(retryDelaySeconds('failed', 3, null, 1, HIGH)).toBe(19);
    expect(retryDelaySeconds('failed', 3, null, 0, HIGH)).toBe(0);
  });
  it('a paused or gone agency waits at the cap', () => {
    expect(retryDelaySeconds('paused', 1, '5', 1)).toBe(DISPATCH.backoffCapSeconds);
    expect(retryDelaySeconds('gone', 1, null, 0.01)).toBe(9);
  });
});
