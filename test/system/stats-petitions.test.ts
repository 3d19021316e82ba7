/**
 * Petition statistics against the local portal: answers on time per agency and month, petitions
 * overdue now against the agency that let a deadline lapse until the petition is answered, the same
 * figures rebuilt from the petitions' timelines, and the abuse limit class on POST /v1/petitions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { petitionDeadlines } from '../../functions/petitions/routing.js';
import { allAgencies, findAgency } from '../../functions/registry/agencies.js';
import { routes } from '../../functions/routes.js';
import { monthOf } from '../../functions/stats/counters.js';
import { rebuildStats, rebuildStore } from '../../functions/stats/rebuild.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalApi } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let owner: string;
let secrets: AgencySecrets;
const month = monthOf(new Date().toISOString());
const AGENCY = 'sct-01';
const parent = findAgency(AGENCY)?.parentId ?? 'vpcp';

beforeAll(async () => {
  portal = await startTestPortal({ escalationIntervalMs: 0, slaIntervalMs: 0 });
  owner = await portal.token({ sub: 'petition-stats-owner' });
  secrets = await readAgencySecrets(portal);
  for (const id of [AGENCY, parent]) portal.simulator.setMode(id, 'hold');
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const api = portalApi(() => portal.url);

const callback = (agencyId: string, event: Json) =>
  signedAgencyCall(portal, secrets, '/v1/agency/petition-events', agencyId, event);

let submitted = 0;
async function submit() {
  const res = await api('POST', '/v1/petitions', {
    token: owner,
    key: `petition-stats-${++submitted}`,
    body: {
      subject: 'Giá điện sinh hoạt tăng bất thường',
      content: 'Hóa đơn tháng này tăng gấp đôi so với tháng trước.',
      agencyId: AGENCY,
      allowPublish: false,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { code: string };
}

const statsOf = async (agencyId: string) =>
  (await api('GET', `/v1/stats/agencies?month=${month}`)).body.items.find(
    (x: Json) => x.agencyId === agencyId,
  ) as Json | undefined;

describe('petition statistics', () => {
  it('marks POST /v1/petitions with the petitions abuse limit', () => {
    expect(routes.find((r) => r.method === 'POST' && r.path === '/v1/petitions')?.rateLimit).toBe(
      'petitions',
    );
  });

  it('count answers on time, hold a lapsed petition against the late agency until answered, and rebuild equal', async () => {
    const answeredOnTime = await submit();
    const lapsing = await submit();

    const answer = (agencyId: string, code: string) =>
      callback(agencyId, {
        type: 'petition.answered',
        petitionCode: code,
        answer: 'Đã kiểm tra chỉ số công tơ và điều chỉnh hóa đơn.',
        publish: false,
      });
    expect((await answer(AGENCY, answeredOnTime.code)).body).toMatchObject({
      applied: true,
      status: 'answered',
    });
    await until('the answer counted', async () => {
      const s = await statsOf(AGENCY);
      return s?.petitionsAnswered === 1 ? s : undefined;
    }).then((s) => expect(s).toMatchObject({ petitionsAnsweredOnTime: 1, petitionsOnTimeRate: 100 }));

    // The second one lapses: escalated to the parent with fresh clocks, counted against the late agency.
    const lapsed = (await api('GET', `/v1/petitions/${lapsing.code}`, { token: owner })).body;
    const asOf = new Date(Date.parse(petitionDeadlines(new Date(lapsed.routedAt)).referralDueAt) + 60_000);
    const run = await portal.escalatePetitions(asOf);
    expect(run.errors).toEqual([]);
    expect(run.escalated).toBe(1);
    await until('one petition overdue at the late agency', async () =>
      (await statsOf(AGENCY))?.petitionsOverdueNow === 1 ? true : undefined,
    );
    const series = await api('GET', `/v1/stats/agencies/${AGENCY}?from=${month}&to=${month}`);
    expect(series.body).toMatchObject({ petitionsOverdueNow: 1, total: { petitionsAnswered: 1 } });
    expect((await statsOf(parent))?.petitionsOverdueNow ?? 0).toBe(0);
    const all = allAgencies().map((a) => a.id);
    expect((await rebuildStats({ ...rebuildStore(), now: () => new Date() }, all)).differences).toEqual([]);

    // The parent answers it: no longer overdue anywhere; the answer counts for the parent.
    expect((await answer(parent, lapsing.code)).body).toMatchObject({ applied: true, status: 'answered' });
    await until('the lapsed petition resolved', async () =>
      (await statsOf(AGENCY))?.petitionsOverdueNow === 0 ? true : undefined,
    );
    expect(await statsOf(parent)).toMatchObject({ petitionsAnswered: 1, petitionsOverdueNow: 0 });
    const report = await rebuildStats({ ...rebuildStore(), now: () => new Date() }, all);
    expect(report).toMatchObject({ petitions: 2, differences: [] });
  }, 120_000);
});
