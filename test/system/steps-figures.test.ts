/**
 * Every step on the clock and officers' figures against the local portal: the agency simulator names
 * the step and officer in its callbacks (from the delivery's `steps`), the owner sees each step with the
 * officer's name, public tracking the same without names, a rating names the steps it concerns, and the
 * agency's own officers — no one else — read the figures per officer and per step, in JSON and CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalApi } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let owner: string;
let stranger: string;
let officer: string;
let otherOfficer: string;
let deskOfficer: string;
const api = portalApi(() => portal.url);
// The month under way in Vietnam (UTC+7), as the figures count it.
const month = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7);

async function devToken(body: Json): Promise<string> {
  const res = await fetch(`${portal.url}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as Json).token;
}

beforeAll(async () => {
  portal = await startTestPortal();
  portal.simulator.setMode('bhxh-hn', 'approve_and_result');
  owner = await portal.token({ sub: 'steps-owner' });
  stranger = await portal.token({ sub: 'steps-stranger' });
  officer = await devToken({ sub: 'steps-officer-1', role: 'agency_officer', agencyId: 'bhxh-hn' });
  otherOfficer = await devToken({ sub: 'steps-officer-2', role: 'agency_officer', agencyId: 'ca-hn' });
  deskOfficer = await devToken({ sub: 'steps-desk-1', role: 'desk_officer', agencyId: 'bhxh-hn' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

describe('every step on the clock', () => {
  let code: string;
  let trackingKey: string;

  it('shows the owner each step of the procedure, finished on time, with the officer who acted', async () => {
    // 1.002758 (thẻ BHYT): Tiếp nhận tờ khai TK1-TS 0.5 day · In và trả thẻ 2.5 days.
    const res = await api('POST', '/v1/dossiers', {
      token: owner,
      key: `steps-${Date.now()}`,
      body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    });
    expect(res.status).toBe(201);
    code = res.body.dossiers[0].code;
    trackingKey = res.body.dossiers[0].trackingKey;
    const view = await until(`${code} with its result`, async () => {
      const r = await api('GET', `/v1/dossiers/${code}`, { token: owner });
      return r.body?.status === 'result_issued' ? r.body : undefined;
    });
    expect(view.steps.map((s: Json) => s.id)).toEqual(['reception', 'step-1', 'step-2']);
    expect(view.steps[1]).toMatchObject({
      name: 'Tiếp nhận tờ khai TK1-TS',
      nameEn: 'Receiving the TK1-TS declaration',
      budget: { unit: 'working_days', amount: 0.5 },
      state: 'on_time',
      lateByWorkingDays: 0,
      apologyRequired: false,
      officer: 'Chuyên viên Trần Văn Minh',
    });
    expect(view.steps[0]).toMatchObject({
      budget: { unit: 'working_hours', amount: 8 },
      officer: 'Cán bộ một cửa Nguyễn Thị Lan',
    });
    for (const s of view.steps) {
      expect(s.finishedAt).toEqual(expect.any(String));
      expect(Date.parse(s.dueAt)).toBeGreaterThan(Date.parse(s.finishedAt));
    }
    // The last step ended with the result, which the desk officer returned.
    expect(view.steps[2].officer).toBe('Cán bộ một cửa Nguyễn Thị Lan');
  });

  it('shows public tracking the same steps without who acted, and a stranger nothing', async () => {
    const tracked = await api('GET', `/v1/track/${code}?key=${trackingKey}`);
    expect(tracked.status).toBe(200);
    expect(tracked.body.steps.map((s: Json) => [s.id, s.state])).toEqual([
      ['reception', 'on_time'],
      ['step-1', 'on_time'],
      ['step-2', 'on_time'],
    ]);
    expect(tracked.text).not.toContain('Nguyễn Thị Lan');
    expect(tracked.body.steps.some((s: Json) => 'officer' in s)).toBe(false);
    const wrongKey = await api('GET', `/v1/track/${code}?key=${'Z'.repeat(12)}`);
    expect(wrongKey.status).toBe(404);
    const theirs = await api('GET', `/v1/dossiers/${code}`, { token: stranger });
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain('Trần Văn Minh');
  });

  it('takes a rating of reception and handling that names the steps it concerns', async () => {
    expect((await api('POST', `/v1/dossiers/${code}/received-result`, { token: owner })).status).toBe(200);
    const unknown = await api('POST', `/v1/dossiers/${code}/rating`, {
      token: owner,
      body: { overall: 4, steps: ['step-9'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    const rated = await api('POST', `/v1/dossiers/${code}/rating`, {
      token: owner,
      body: { overall: 5, criteria: { reception: 5, handling: 4 }, steps: ['reception'] },
    });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ steps: ['reception'], criteria: { reception: 5, handling: 4 } });
    expect(rated.text).not.toContain('bhxh-hn-mc-01');
  });
});

describe("officers' figures", () => {
  it("give the agency's own officers their figures per officer and per step", async () => {
    const res = await api('GET', `/v1/agency/figures?period=${month}`, { token: officer });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ agencyId: 'bhxh-hn', period: month });
    const desk = res.body.officers.find((o: Json) => o.officerId === 'bhxh-hn-mc-01');
    // Reception and returning the result; the rating named reception, which the desk officer did.
    expect(desk).toMatchObject({
      displayName: 'Cán bộ một cửa Nguyễn Thị Lan',
      steps: 2,
      onTime: 2,
      late: 0,
    });
    expect(desk).toMatchObject({ ratings: 1, averageRating: 5, satisfactionRate: 100 });
    const specialist = res.body.officers.find((o: Json) => o.officerId === 'bhxh-hn-cv-01');
    expect(specialist).toMatchObject({ steps: 1, ratings: 0 });
    const step1 = res.body.steps.find((s: Json) => s.procedureCode === '1.002758' && s.stepId === 'step-1');
    expect(step1).toMatchObject({ steps: 1, onTime: 1, dossiersHandled: 1 });
    // Per officer and per step: the desk officer's two steps apart, the rating on the one it named.
    const deskSteps = res.body.officerSteps.filter((p: Json) => p.officerId === 'bhxh-hn-mc-01');
    expect(deskSteps).toHaveLength(2);
    for (const p of deskSteps)
      expect(p).toMatchObject({ procedureCode: '1.002758', steps: 1, onTime: 1, late: 0 });
    expect(deskSteps.map((p: Json) => p.ratings).sort()).toEqual([0, 1]);
    expect(
      res.body.officerSteps.find((p: Json) => p.officerId === 'bhxh-hn-cv-01' && p.stepId === 'step-1'),
    ).toMatchObject({ steps: 1, onTime: 1, dossiersHandled: 1, ratings: 0 });

    const quarter = `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
    const q = await api('GET', `/v1/agency/figures?period=${quarter}`, { token: officer });
    expect(q.body.officers).toEqual(res.body.officers);
  });

  it('answer CSV with format=csv', async () => {
    const res = await api('GET', `/v1/agency/figures?period=${month}&format=csv`, { token: officer });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    expect(res.text).toContain('officer,bhxh-hn-mc-01,Cán bộ một cửa Nguyễn Thị Lan');
    expect(res.text).toContain('step,,,1.002758,step-1,Tiếp nhận tờ khai TK1-TS');
    expect(res.text).toMatch(
      /\r\nofficer_step,bhxh-hn-cv-01,[^,]*,1\.002758,step-1,Tiếp nhận tờ khai TK1-TS,1,1,1,0,/,
    );
  });

  it("show no one else an agency's officers", async () => {
    const other = await api('GET', `/v1/agency/figures?period=${month}`, { token: otherOfficer });
    expect(other.status).toBe(200);
    expect(other.body.agencyId).toBe('ca-hn');
    expect(other.text).not.toContain('bhxh-hn-mc-01');
    for (const token of [owner, deskOfficer]) {
      const refused = await api('GET', `/v1/agency/figures?period=${month}`, { token });
      expect(refused.status).toBe(403);
      expect(refused.text).not.toContain('bhxh-hn-mc-01');
    }
    expect((await api('GET', `/v1/agency/figures?period=${month}`)).status).toBe(401);
    const bad = await api('GET', '/v1/agency/figures?period=2026-Q5', { token: officer });
    expect(bad.status).toBe(400);
  });
});

describe('the SLA watcher and the running step', () => {
  it('reminds the agency before the running step is due and flags it after, naming the step', async () => {
    // The desk receives and hands the dossier to step 1 (normal mode), then lets it run.
    portal.simulator.setMode('bhxh-hn', 'normal');
    const res = await api('POST', '/v1/dossiers', {
      token: owner,
      key: `steps-sla-${Date.now()}`,
      body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    });
    expect(res.status).toBe(201);
    const code = res.body.dossiers[0].code as string;
    const step = await until(`${code}'s step 1 under way`, async () => {
      const d = (await api('GET', `/v1/dossiers/${code}`, { token: owner })).body;
      const s = d?.steps?.[1];
      return d?.status === 'in_progress' && s?.startedAt ? s : undefined;
    });
    expect(step).toMatchObject({ id: 'step-1', finishedAt: null, officer: 'Chuyên viên Trần Văn Minh' });
    const outbox = async () =>
      ((await (await fetch(`${portal.url}/dev/outbox?dossierCode=${code}`)).json()) as Json).items as Json[];
    const sent = async (topic: string) => (await outbox()).filter((m) => m.topic === topic);
    // Half a working day: the reminder comes at three quarters of it, the flag after it.
    const beforeDue = new Date(Date.parse(step.dueAt) - 60_000);
    const reminders = await until('the reminder', async () => {
      await portal.watchSla(beforeDue);
      const got = await sent('sla.remind');
      return got.length ? got : undefined;
    });
    expect(reminders.map((m: Json) => m.to)).toEqual(['bhxh-hn']);
    expect(reminders[0].text).toContain('Tiếp nhận tờ khai TK1-TS');
    const afterDue = new Date(Date.parse(step.dueAt) + 60_000);
    const flags = await until('the lapsed step', async () => {
      await portal.watchSla(afterDue);
      const got = await sent('sla.step');
      return got.length ? got : undefined;
    });
    expect(flags[0].text).toContain('mẫu 04');
    await portal.watchSla(afterDue);
    expect(await sent('sla.step')).toHaveLength(1);
  });
});
