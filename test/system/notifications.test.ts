/**
 * Notifications and the SLA watcher against the local portal: the real relay, notifier and watcher
 * over DynamoDB Local, its stream and local SQS, reading what was sent from the dev outbox.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAgency } from '../../functions/registry/agencies.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let token: string;

beforeAll(async () => {
  portal = await startTestPortal({ slaIntervalMs: 0, reconcileIntervalMs: 0 });
  token = await portal.token({ sub: 'citizen-notify' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

async function submit(key: string) {
  const res = await fetch(`${portal.url}/v1/dossiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { dossiers: { code: string; agencyId: string; dueAt: string }[] };
  return body.dossiers[0]!;
}

async function dossierStatus(code: string): Promise<string> {
  const res = await fetch(`${portal.url}/v1/dossiers/${code}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string }).status;
}

async function devOutbox(code: string) {
  const res = await fetch(`${portal.url}/dev/outbox?dossierCode=${encodeURIComponent(code)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { topic: string; channel: string; to: string; text: string }[] })
    .items;
}

describe('citizen notifications', () => {
  it('texts the owner in Vietnamese when the dossier is submitted and received', async () => {
    const d = await submit('notify-0001');
    const items = await until(
      'the receipt notification',
      async () => {
        const got = await devOutbox(d.code);
        // Each notice is its own queue message: wait until both have been sent.
        const sent = (topic: string) => got.some((m) => m.topic === topic);
        return sent('dossier.received') && sent('dossier.submitted') ? got : undefined;
      },
      30_000,
    );
    const received = items.find((m) => m.topic === 'dossier.received')!;
    expect(received.channel).toBe('sms');
    expect(received.to).toBe('+84987654321');
    expect(received.text).toContain(d.code);
    expect(received.text).toContain('đã tiếp nhận hồ sơ');
    expect(items.some((m) => m.topic === 'dossier.submitted')).toBe(true);
    // Newest first.
    expect(items.findIndex((m) => m.topic === 'dossier.received')).toBeLessThan(
      items.findIndex((m) => m.topic === 'dossier.submitted'),
    );
    const all = await fetch(`${portal.url}/dev/outbox?limit=1`).then((r) => r.json());
    expect((all as { items: unknown[] }).items).toHaveLength(1);
  });

  it('lets the dossier go on while notifications cannot be sent, and sends them once they can', async () => {
    const aside = `${portal.outboxFile}.aside`;
    await rename(portal.outboxFile, aside);
    // The outbox path becomes a folder: every send fails.
    await mkdir(portal.outboxFile);
    const failedBefore = portal.pumps.notifications.stats.failed;
    try {
      const d = await submit('notify-0002');
      await until(
        'the agency to receive the dossier',
        async () => ((await dossierStatus(d.code)) !== 'submitted' ? true : undefined),
        30_000,
      );
      await until('a failed notification', () =>
        portal.pumps.notifications.stats.failed > failedBefore ? true : undefined,
      );
      expect(await dossierStatus(d.code)).not.toBe('submitted');
      await rm(portal.outboxFile, { recursive: true });
      await rename(aside, portal.outboxFile);
      const items = await until(
        'the retried notifications',
        async () => {
          const got = await devOutbox(d.code);
          const both = ['dossier.submitted', 'dossier.received'].every((t) => got.some((m) => m.topic === t));
          return both ? got : undefined;
        },
        30_000,
      );
      expect(items.filter((m) => m.topic === 'dossier.received')).toHaveLength(1);
      expect(items.filter((m) => m.topic === 'dossier.submitted')).toHaveLength(1);
    } finally {
      await rm(portal.outboxFile, { recursive: true, force: true }).catch(() => {});
      await rename(aside, portal.outboxFile).catch(() => {});
    }
  }, 60_000);
});

describe('SLA watcher', () => {
  it('notifies the agency and its parent of an overdue dossier once, however often it runs', async () => {
    const d = await submit('notify-0003');
    // The relay keeps the deadline index from the stream; wait for the dossier to be received (indexed by then).
    await until(
      'the agency to receive the dossier',
      async () => ((await dossierStatus(d.code)) !== 'submitted' ? true : undefined),
      30_000,
    );
    const later = new Date(Date.parse(d.dueAt) + 86_400_000);
    // The dossier's deadline and its running step's deadline reach the index from two stream images
    // (submission, then receipt), so the watcher runs until the notices of both have been sent.
    const parent = findAgency(d.agencyId)?.parentId;
    const dueTo = [d.agencyId, ...(parent ? [parent] : [])].sort();
    const slaNotices = async () => (await devOutbox(d.code)).filter((m) => m.topic.startsWith('sla.'));
    const notices = await until(
      'the breaches to be noticed',
      async () => {
        const report = await portal.watchSla(later);
        expect(report.errors).toEqual([]);
        const got = await slaNotices();
        const due = got.filter((m) => m.topic === 'sla.due');
        return due.length >= dueTo.length && got.some((m) => m.topic === 'sla.step') ? got : undefined;
      },
      30_000,
    );
    // However often it ran, each breach reached each recipient once.
    const sent = notices.map((m) => `${m.topic} ${m.to}`).sort();
    expect(sent).toEqual([...dueTo.map((to) => `sla.due ${to}`), `sla.step ${d.agencyId}`].sort());
    expect(notices.find((m) => m.topic === 'sla.due')!.text).toContain('quá hạn');
    const again = await portal.watchSla(later);
    expect(again.notified).toEqual({ ack: 0, due: 0, step: 0, remind: 0 });
    // Nothing more arrives for it after another run.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await slaNotices()).length).toBe(notices.length);
  }, 60_000);
});
