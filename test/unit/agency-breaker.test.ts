/**
 * The circuit breaker on an agency's endpoint: closed → open after N failures (or failures for X
 * minutes) → half-open, one probe → closed on a 2xx; concurrent dispatchers agree through the
 * conditional state changes. The fake ports apply each change atomically under the same conditions as
 * the DynamoDB store (functions/dispatch/store.ts breakerStore).
 */
import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../functions/core/dossier.js';
import { newWebhookSecret } from '../../functions/core/webhooks.js';
import { admit, afterAttempt, type BreakerSettings, shouldOpen } from '../../functions/dispatch/breaker.js';
import {
  type DeliveryAttempt,
  DeliveryFailed,
  type DeliveryPorts,
  deliver,
} from '../../functions/dispatch/deliver.js';
import { agencyOpsEmail } from '../../functions/dispatch/endpoint.js';
import { breakerNotices } from '../../functions/dispatch/store.js';
import { notificationMessage } from '../../schemas/notification.js';
import { MemoryBreaker } from '../support/fakes/breaker.js';
import { rejection } from '../support/rejections.js';

const AGENCY = 'bhxh-hn';
const SETTINGS: BreakerSettings = { failures: 3, failingMinutes: 15, cooldownSeconds: 60 };

/** The in-memory breaker (held to the DynamoDB store by its contract suite) with this file's settings. */
class FakeBreaker extends MemoryBreaker {
  constructor() {
    super(SETTINGS);
  }
}

const at = (minutes: number) => new Date(Date.UTC(2026, 2, 9, 7, 0, 0) + minutes * 60_000);

describe('circuit breaker state machine', () => {
  it('stays closed below N failures, opens at the Nth, and only that call opens it', async () => {
    const b = new FakeBreaker();
    const closed = { kind: 'closed', failures: 0 } as const;
    expect(await afterAttempt(b, AGENCY, closed, 'failure', at(0), '500')).toBeUndefined();
    expect(await afterAttempt(b, AGENCY, closed, 'failure', at(1), '500')).toBeUndefined();
    expect((await admit(b, AGENCY, at(1))).kind).toBe('closed');
    expect(await afterAttempt(b, AGENCY, closed, 'failure', at(2), '500')).toBe('opened');
    expect(b.items.get(AGENCY)).toMatchObject({ paused: true, cause: 'breaker', failures: 3 });
    // A failure of a message already in flight when it opened neither opens nor alarms again.
    expect(await afterAttempt(b, AGENCY, closed, 'failure', at(2), '500')).toBeUndefined();
    expect(b.opened).toBe(1);
  });

  it('opens after failures for X minutes however few, and a success between starts counting again', async () => {
    const b = new FakeBreaker();
    // Far more failures than this test makes: only the time rule can open it.
    b.settings = { ...SETTINGS, failures: 100 };
    const closed = { kind: 'closed', failures: 0 } as const;
    await afterAttempt(b, AGENCY, closed, 'failure', at(0), '500');
    // A 2xx between: the run is broken, counting starts again.
    await afterAttempt(b, AGENCY, { kind: 'closed', failures: 1 }, 'ok', at(5), '');
    expect(b.items.get(AGENCY)).toMatchObject({ paused: false, failures: 0 });
    await afterAttempt(b, AGENCY, closed, 'failure', at(6), 'timeout');
    expect(await afterAttempt(b, AGENCY, closed, 'failure', at(20), 'timeout')).toBeUndefined();
    expect(await afterAttempt(b, AGENCY, closed, 'failure', at(6 + 15), 'timeout')).toBe('opened');
  });

  it('holds every message while open, lets one probe through after the cool-down, closes on its 2xx', async () => {
    const b = new FakeBreaker();
    for (let i = 0; i < 3; i++)
      await afterAttempt(b, AGENCY, { kind: 'closed', failures: i }, 'failure', at(0), '500');
    const held = await admit(b, AGENCY, at(0.5));
    expect(held).toEqual({ kind: 'held', cause: 'breaker', retryInSeconds: SETTINGS.cooldownSeconds });

    const probe = await admit(b, AGENCY, at(1));
    expect(probe.kind).toBe('probe');
    // Half-open: one message only.
    expect((await admit(b, AGENCY, at(1))).kind).toBe('held');

    expect(await afterAttempt(b, AGENCY, probe, 'ok', at(1), '')).toBe('resumed');
    expect(b.items.get(AGENCY)).toMatchObject({ paused: false, failures: 0 });
    expect((await admit(b, AGENCY, at(1))).kind).toBe('closed');
  });

  it('a failed probe keeps it open for another cool-down', async () => {
    const b = new FakeBreaker();
    for (let i = 0; i < 3; i++)
      await afterAttempt(b, AGENCY, { kind: 'closed', failures: i }, 'failure', at(0), '500');
    const probe = await admit(b, AGENCY, at(1));
    expect(probe.kind).toBe('probe');
    expect(await afterAttempt(b, AGENCY, probe, 'failure', at(1), '500')).toBeUndefined();
    expect(b.items.get(AGENCY)).toMatchObject({ paused: true, probeAt: at(2).toISOString() });
    expect((await admit(b, AGENCY, at(1.5))).kind).toBe('held');
    expect((await admit(b, AGENCY, at(2))).kind).toBe('probe');
  });

  it('never lifts a 410 pause: a success leaves it to the operator', async () => {
    const b = new FakeBreaker();
    b.items.set(AGENCY, { paused: true, cause: 'gone', failures: 0 });
    expect(await admit(b, AGENCY, at(60))).toEqual({ kind: 'held', cause: 'gone' });
    expect(await afterAttempt(b, AGENCY, { kind: 'probe' }, 'ok', at(60), '')).toBeUndefined();
    expect(b.items.get(AGENCY)).toMatchObject({ paused: true, cause: 'gone' });
  });

  it('concurrent dispatchers: twenty failing at once open it once; twenty at the probe time send one', async () => {
    const b = new FakeBreaker();
    const closed = { kind: 'closed', failures: 0 } as const;
    const changes = await Promise.all(
      Array.from({ length: 20 }, () => afterAttempt(b, AGENCY, closed, 'failure', at(0), '500')),
    );
    expect(changes.filter((c) => c === 'opened')).toHaveLength(1);
    const gates = await Promise.all(Array.from({ length: 20 }, () => admit(b, AGENCY, at(1))));
    expect(gates.filter((g) => g.kind === 'probe')).toHaveLength(1);
    expect(gates.filter((g) => g.kind === 'held')).toHaveLength(19);
  });

  it('shouldOpen needs two failures for the time rule and never reopens a paused agency', () => {
    expect(
      shouldOpen({ paused: false, failures: 1, failingSince: at(0).toISOString() }, SETTINGS, at(30)),
    ).toBe(false);
    expect(
      shouldOpen({ paused: false, failures: 2, failingSince: at(0).toISOString() }, SETTINGS, at(30)),
    ).toBe(true);
    expect(shouldOpen({ paused: true, failures: 99 }, SETTINGS, at(30))).toBe(false);
  });
});

describe('deliveries through the breaker', () => {
  const CODE = 'BHXHHN-260309-0001';
  const dossier = { code: CODE, agencyId: AGENCY, attachments: [], form: {} } as unknown as DossierRecord;
  const message = {
    type: 'dossier.withdrawn' as const,
    dossierCode: CODE,
    agencyId: AGENCY,
    webhookId: 'msg_01JQ000000000000000000WH',
  };

  function ports(status: () => number) {
    const breaker = new FakeBreaker();
    const attempts: DeliveryAttempt[] = [];
    const delivered = new Set<string>();
    const posts: string[] = [];
    const told: string[] = [];
    const p: DeliveryPorts = {
      now: () => new Date(),
      loadDossier: async () => dossier,
      isDelivered: async (code, id) => delivered.has(`${code}|${id}`),
      markDelivered: async (code, id) => {
        delivered.add(`${code}|${id}`);
      },
      isPaused: async () => {
        throw new Error('the breaker decides');
      },
      pauseAgency: async () => true,
      recordAttempt: async (_code, a) => {
        attempts.push(a);
      },
      breaker,
      retryDelaySeconds: () => 7,
      announce: async (agencyId, change) => {
        told.push(`${agencyId} ${change}`);
      },
      endpointFor: () => 'https://agency.example/webhook',
      secretsFor: async () => [newWebhookSecret()],
      post: async (_url, headers) => {
        posts.push(headers['webhook-id']!);
        return { status: status() };
      },
    };
    return { p, breaker, attempts, delivered, posts, told };
  }

  it('N failures open it (the last says so for the alarm); held messages are recorded paused and wait the cool-down', async () => {
    const { p, breaker, attempts, posts } = ports(() => 503);
    for (let i = 1; i <= 2; i++) {
      const err = await rejection(deliver(p, message, i), DeliveryFailed);
      expect(err.extra).toEqual({ retryInSeconds: 7 });
    }
    const third = await rejection(deliver(p, message, 3), DeliveryFailed);
    expect(third.extra).toEqual({
      retryInSeconds: SETTINGS.cooldownSeconds,
      breakerOpened: true,
      held: true,
    });
    expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(attempts[0]).toMatchObject({ status: 503, eventType: 'dossier.withdrawn', agencyId: AGENCY });
    expect(attempts[0]!.nextRetryAt).toBeDefined();

    const held = await rejection(deliver(p, { ...message, webhookId: 'msg_other' }, 1), DeliveryFailed);
    expect(held.kind).toBe('paused');
    expect(held.extra.retryInSeconds).toBe(SETTINGS.cooldownSeconds);
    expect(posts).toHaveLength(3);
    expect(attempts.at(-1)).toMatchObject({ outcome: 'paused', status: null, webhookId: 'msg_other' });
    expect(breaker.items.get(AGENCY)?.paused).toBe(true);
  });

  it('after the cool-down one message probes; its 2xx resumes the agency and it is delivered once', async () => {
    let answer = 503;
    const { p, breaker, delivered, posts, told } = ports(() => answer);
    for (let i = 1; i <= 3; i++) await rejection(deliver(p, message, i), DeliveryFailed);
    // The cool-down has passed.
    breaker.items.get(AGENCY)!.probeAt = new Date(Date.now() - 1000).toISOString();
    answer = 200;
    expect(await deliver(p, message, 4)).toBe('delivered');
    expect(breaker.items.get(AGENCY)).toMatchObject({ paused: false, failures: 0 });
    expect(delivered.has(`${CODE}|${message.webhookId}`)).toBe(true);
    // The same message offered again is not sent twice.
    expect(await deliver(p, message, 5)).toBe('already-delivered');
    expect(posts.filter((id) => id === message.webhookId)).toHaveLength(4);
    // The agency was told when it was paused and when it resumed, once each.
    expect(told).toEqual([`${AGENCY} opened`, `${AGENCY} resumed`]);
  });

  it('a 429 is honoured but not counted as a failure of the endpoint', async () => {
    const { p, breaker } = ports(() => 429);
    for (let i = 1; i <= 5; i++) await rejection(deliver(p, message, i), DeliveryFailed);
    expect(breaker.items.get(AGENCY)).toBeUndefined();
  });

  it('a redelivery is sent again under the same webhook-id, once per redelivery request', async () => {
    const { p, delivered, posts } = ports(() => 200);
    expect(await deliver(p, message, 1)).toBe('delivered');
    const again = { ...message, redeliveryId: '01KJR7C4A7N2X9F3R5V6W8Y0ZB' };
    expect(await deliver(p, again, 1)).toBe('delivered');
    expect(await deliver(p, again, 2)).toBe('already-delivered');
    expect(posts).toEqual([message.webhookId, message.webhookId]);
    expect(delivered.size).toBe(2);
  });
});

describe("telling the agency's people that its deliveries paused or resumed", () => {
  const cfg = { AGENCY_OPS_EMAILS: { bhxh: 'vanhanh@bhxh.gov.vn', 'bhxh-hn': 'ktv@hanoi.vss.gov.vn' } };

  it("names the agency's own operations e-mail before its channel's, and none when neither is set", () => {
    expect(agencyOpsEmail(cfg, 'bhxh-hn')).toBe('ktv@hanoi.vss.gov.vn');
    // Another agency of the same channel (bhxh) falls back to the channel's contact.
    expect(agencyOpsEmail(cfg, 'bhxh-04')).toBe('vanhanh@bhxh.gov.vn');
    expect(agencyOpsEmail(cfg, 'cahn')).toBeUndefined();
    expect(agencyOpsEmail({ AGENCY_OPS_EMAILS: {} }, 'bhxh-hn')).toBeUndefined();
  });

  it('sends an e-mail to the contact beside the channel notice, each under its own id', () => {
    const at = '2026-03-09T07:00:00.000Z';
    const [notice, email, ...rest] = breakerNotices(
      'bhxh-hn',
      'opened',
      'BHXHHN-260309-0001',
      at,
      'ktv@x.vn',
    );
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({ channel: 'agency', to: 'bhxh-hn', topic: 'delivery.paused' });
    expect(email).toMatchObject({
      audience: 'agency',
      channel: 'email',
      to: 'ktv@x.vn',
      topic: 'delivery.paused',
      subject: expect.stringContaining('[bhxh-hn]'),
    });
    expect(email!.id).not.toBe(notice!.id);
    expect(email!.text).toContain(at);
    for (const m of [notice, email]) expect(notificationMessage.parse(m)).toEqual(m);
    const resumed = breakerNotices('bhxh-hn', 'resumed', 'BHXHHN-260309-0001', at, 'ktv@x.vn');
    expect(resumed.map((m) => m.topic)).toEqual(['delivery.resumed', 'delivery.resumed']);
    // Without a contact only the channel notice goes out, as before.
    expect(breakerNotices('bhxh-hn', 'opened', 'BHXHHN-260309-0001', at).map((m) => m.channel)).toEqual([
      'agency',
    ]);
  });
});
