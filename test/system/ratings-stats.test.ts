/**
 * Ratings and published statistics against the local portal: who may rate and when, agency officers'
 * ratings list, counters kept from the table stream (JSON and CSV), and the rebuild from timelines
 * agreeing with the live counters after duplicate and out-of-order agency events.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAgencies } from '../../functions/registry/agencies.js';
import { monthOf } from '../../functions/stats/counters.js';
import { rebuildStats, rebuildStore } from '../../functions/stats/rebuild.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalApi } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let owner: string;
let stranger: string;
let officer: string;
let otherOfficer: string;
let secrets: AgencySecrets;
const month = monthOf(new Date().toISOString());

async function devToken(body: Json) {
  const res = await fetch(`${portal.url}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

beforeAll(async () => {
  portal = await startTestPortal();
  owner = await portal.token({ sub: 'rating-owner' });
  stranger = await portal.token({ sub: 'rating-stranger' });
  officer = (await devToken({ sub: 'officer-1', role: 'agency_officer', agencyId: 'bhxh-hn' })).body.token;
  otherOfficer = (await devToken({ sub: 'officer-2', role: 'agency_officer', agencyId: 'ca-hn' })).body.token;
  secrets = await readAgencySecrets(portal);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const api = portalApi(() => portal.url);

/** A signed event from bhxh-hn (a fresh eventId unless given); its status. */
const agency = async (event: Json, eventId?: string) =>
  (await signedAgencyCall(portal, secrets, '/v1/agency/events', 'bhxh-hn', event, eventId)).status;

const statusOf = async (code: string) =>
  (await api('GET', `/v1/dossiers/${code}`, { token: owner })).body?.status as string;

let submitted = 0;
async function submitBhyt() {
  const res = await api('POST', '/v1/dossiers', {
    token: owner,
    key: `rate-bhyt-${++submitted}-${Date.now()}`,
    body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  });
  expect(res.status).toBe(201);
  const code = res.body.dossiers[0].code as string;
  await until(`${code} in progress`, async () =>
    (await statusOf(code)) === 'in_progress' ? true : undefined,
  );
  return code;
}

const pickup = { kind: 'pickup', method: 'at_desk', note: 'Nhận tại bộ phận một cửa' };

async function complete(code: string) {
  expect(await agency({ type: 'dossier.approved', dossierCode: code })).toBe(200);
  expect(await agency({ type: 'dossier.result_issued', dossierCode: code, result: pickup })).toBe(200);
  expect((await api('POST', `/v1/dossiers/${code}/received-result`, { token: owner })).status).toBe(200);
}

const bhxhOf = async () =>
  (await api('GET', `/v1/stats/agencies?month=${month}`)).body.items.find(
    (x: Json) => x.agencyId === 'bhxh-hn',
  ) as Json;

describe('ratings and statistics', () => {
  let completed: string;
  let refused: string;
  let open: string;

  it('take one rating from the owner of an ended dossier, and nothing before the end', async () => {
    [completed, refused, open] = [await submitBhyt(), await submitBhyt(), await submitBhyt()];
    const early = await api('POST', `/v1/dossiers/${open}/rating`, { token: owner, body: { overall: 5 } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'DOSSIER_NOT_ENDED',
      details: { currentStatus: 'in_progress' },
    });

    await complete(completed);
    expect(
      await agency({ type: 'dossier.rejected', dossierCode: refused, reason: 'Hồ sơ không đủ điều kiện' }),
    ).toBe(200);

    const theirs = await api('POST', `/v1/dossiers/${completed}/rating`, {
      token: stranger,
      body: { overall: 5 },
    });
    expect(theirs.status).toBe(404);
    const bad = await api('POST', `/v1/dossiers/${completed}/rating`, {
      token: owner,
      body: { overall: 7, criteria: { speed: 1 } },
    });
    expect(bad.status).toBe(400);
    const rated = await api('POST', `/v1/dossiers/${completed}/rating`, {
      token: owner,
      body: { overall: 5, criteria: { onTime: 5, attitude: 4 }, comment: 'Cán bộ hướng dẫn tận tình' },
    });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ dossierCode: completed, agencyId: 'bhxh-hn', overall: 5 });
    const again = await api('POST', `/v1/dossiers/${completed}/rating`, {
      token: owner,
      body: { overall: 1 },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_RATED');
    // The owner's view of the dossier says it is rated, and how; nobody else's does.
    const mine = await api('GET', `/v1/dossiers/${completed}`, { token: owner });
    expect(mine.body.rating).toMatchObject({ overall: 5, criteria: { onTime: 5, attitude: 4 } });
    expect((await api('GET', `/v1/dossiers/${refused}`, { token: owner })).body.rating).toBeUndefined();
    const refusedRating = await api('POST', `/v1/dossiers/${refused}/rating`, {
      token: owner,
      body: { overall: 2 },
    });
    expect(refusedRating.status).toBe(201);
  });

  it('show an agency officer their own agency’s ratings, page by page, and no one else', async () => {
    const first = await api('GET', '/v1/agency/ratings?limit=1', { token: officer });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0].dossierCode).toBe(refused);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api('GET', `/v1/agency/ratings?limit=1&cursor=${first.body.nextCursor}`, {
      token: officer,
    });
    expect(second.body.items[0]).toMatchObject({
      dossierCode: completed,
      comment: 'Cán bộ hướng dẫn tận tình',
    });
    expect((await api('GET', '/v1/agency/ratings', { token: otherOfficer })).body.items).toEqual([]);
    expect((await api('GET', '/v1/agency/ratings', { token: owner })).status).toBe(403);
    expect((await api('GET', '/v1/agency/ratings?cursor=forged', { token: officer })).status).toBe(400);
    expect((await devToken({ sub: 'x', role: 'citizen', agencyId: 'bhxh-hn' })).status).toBe(400);
  });

  it('publish the month’s counters, ranked, as JSON and CSV', async () => {
    const stats = await until('bhxh-hn counters', async () => {
      const s = await bhxhOf();
      return s?.received === 3 && s.completed === 2 && s.ratings === 2 ? s : undefined;
    });
    expect(stats).toMatchObject({
      month,
      completedOnTime: 2,
      onTimeRate: 100,
      averageProcessingDays: expect.any(Number),
      satisfactionRate: 50,
      rank: 1,
    });
    const filtered = await api('GET', `/v1/stats/agencies?month=${month}&level=commune`);
    expect(filtered.body.items.some((x: Json) => x.agencyId === 'bhxh-hn')).toBe(false);

    const csv = await api('GET', `/v1/stats/agencies?month=${month}&order=worst`, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^rank,agencyId,agencyName,/);
    expect(lines.some((l) => l.startsWith('1,bhxh-hn,'))).toBe(true);

    const series = await api('GET', `/v1/stats/agencies/bhxh-hn?from=${month}&to=${month}`);
    expect(series.status).toBe(200);
    expect(series.body.total).toMatchObject({ received: 3, completed: 2, ratings: 2 });
    const seriesCsv = await api('GET', `/v1/stats/agencies/bhxh-hn?from=${month}&to=${month}`, {
      accept: 'text/csv',
    });
    expect(seriesCsv.text).toContain(`,${month},3,2,2,100,`);
    // Without a range: the twelve months ending with this one, this month's figures last.
    const year = await api('GET', '/v1/stats/agencies/bhxh-hn');
    expect(year.status).toBe(200);
    expect(year.body.months).toHaveLength(12);
    expect(year.body).toMatchObject({ to: month });
    expect(year.body.months.at(-1)).toMatchObject({ month, received: 3 });
    expect((await api('GET', '/v1/stats/agencies/bhxh-hn?from=2020-01')).status).toBe(400);

    expect((await api('GET', '/v1/stats/agencies?month=2026-13')).status).toBe(400);
    expect((await api('GET', '/v1/stats/agencies/bhxh-hn?from=2026-05&to=2026-01')).status).toBe(400);
    expect((await api('GET', '/v1/stats/agencies/no-such-agency?from=2026-01&to=2026-02')).status).toBe(404);
  });

  it('rebuild from the timelines to exactly the live counters, after duplicate and out-of-order events', async () => {
    const steps = [
      () => ({ type: 'dossier.received' }),
      () => ({ type: 'dossier.in_progress' }),
      () => ({ type: 'dossier.approved' }),
      () => ({ type: 'dossier.result_issued', result: pickup }),
      () => ({ type: 'dossier.rejected', reason: 'Không đủ điều kiện cấp lại' }),
    ];
    const codes = [await submitBhyt(), await submitBhyt(), await submitBhyt(), await submitBhyt()];
    for (const code of codes) {
      const sent: { event: Json; eventId: string }[] = [];
      for (let i = 0; i < 6; i++) {
        // Half the time an earlier event again (the same eventId), otherwise a random step, in any order.
        const replay = sent.length > 0 && randomInt(2) === 0 ? sent[randomInt(sent.length)] : undefined;
        const next = replay ?? {
          event: { ...steps[randomInt(steps.length)]!(), dossierCode: code },
          eventId: `evt-rnd-${code}-${i}`,
        };
        sent.push(next);
        expect([200, 409]).toContain(await agency(next.event, next.eventId));
      }
    }
    await complete(open);
    expect(
      (await api('POST', `/v1/dossiers/${open}/rating`, { token: owner, body: { overall: 4 } })).status,
    ).toBe(201);

    const report = await until(
      'the live counters to settle',
      async () => {
        const r = await rebuildStats(
          rebuildStore(),
          allAgencies().map((a) => a.id),
        );
        return r.differences.length === 0 ? r : undefined;
      },
      30_000,
    );
    expect(report).toMatchObject({ dossiers: 7, ratings: 3, differences: [] });
    const live = await bhxhOf();
    expect(live).toMatchObject({ received: 7, ratings: 3 });
    // Seven dossiers driven through the stream pump one after another: allow for a loaded CI machine.
  }, 90_000);
});
