/**
 * The live service index against the local portal: dossiers filed, acknowledged by the agency simulator,
 * decided and rated, counted from the table stream into the index (JSON and CSV, public), with the
 * points lost per indicator; and the same index computed over the counters `npm run stats:rebuild`
 * rebuilds from the timelines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Counts, monthOf } from '../../functions/stats/counters.js';
import { rebuildStats, rebuildStore } from '../../functions/stats/rebuild.js';
import { scoreOf } from '../../functions/stats/service-index.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { MONTH_AGENCY as AGENCY, seedAgencyMonth, untilMonthCounted } from '../support/agency-month.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalApi } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
const month = monthOf(new Date().toISOString());
const api = portalApi(() => portal.url);

const itemOf = async (query = `period=${month}`) =>
  (await api('GET', `/v1/service-index?${query}`)).body?.items?.find((x: Json) => x.agencyId === AGENCY);

beforeAll(async () => {
  portal = await startTestPortal();
  // Two dossiers of a fully online procedure, both acknowledged by the agency at once; one decided on
  // time with a result to collect at the desk (not electronic), and rated 5.
  await seedAgencyMonth(portal, 'service-index-citizen', `service-index-${Date.now()}`);
  await untilMonthCounted(portal, month);
}, 120_000);

afterAll(async () => {
  await portal?.stop();
});

describe('the live service index', () => {
  it('ranks the agency by its score, with each indicator and where it lost points', async () => {
    const item = await itemOf();
    const byId = Object.fromEntries(item.indicators.map((i: Json) => [i.id, i]));
    expect(byId.acknowledgedOnTime).toMatchObject({ part: 2, whole: 2, points: 18, lost: 0 });
    expect(byId.onTime).toMatchObject({ part: 1, whole: 1, points: 20 });
    expect(byId.online).toMatchObject({ part: 2, whole: 2, points: 6 });
    expect(byId.fullyOnline).toMatchObject({ part: 2, whole: 2, points: 6 });
    // A result to collect is not an electronic one: all twelve points lost.
    expect(byId.electronicResults).toMatchObject({ part: 0, whole: 1, points: 0, lost: 12 });
    expect(byId.satisfied).toMatchObject({ part: 1, whole: 1, points: 12 });
    // No fee, no petition, no scan: left out of the score.
    for (const id of ['paidOnline', 'petitionsOnTime', 'documentsReused'])
      expect(byId[id]).toMatchObject({ whole: 0, rate: null, points: null });
    expect(item).toMatchObject({ rank: 1, received: 2, points: 62, maxPoints: 74 });
    expect(item.score).toBe(Math.round((62 / 74) * 1000) / 10);
    // The quarter holds the month; the commune level does not hold this agency.
    const quarter = `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`;
    expect((await itemOf(`period=${quarter}`))?.score).toBe(item.score);
    expect(await itemOf(`period=${month}&level=commune`)).toBeUndefined();

    const series = await api('GET', `/v1/service-index/BHXHHN?from=${month}&to=${month}`);
    expect(series.status).toBe(200);
    expect(series.body).toMatchObject({ agencyId: AGENCY, from: month, to: month });
    expect(series.body.months[0].score).toBe(item.score);
    expect(series.body.total.indicators.find((i: Json) => i.id === 'electronicResults').lost).toBe(12);
  });

  it('answers CSV when asked, and errors in the one shape', async () => {
    for (const [path, accept] of [
      [`/v1/service-index?period=${month}`, 'text/csv'],
      [`/v1/service-index?period=${month}&format=csv`, undefined],
      [`/v1/service-index/bhxh-hn?from=${month}&to=${month}&format=csv`, undefined],
    ] as const) {
      const res = await api('GET', path, accept ? { accept } : {});
      expect(res.status, path).toBe(200);
      expect(res.type).toMatch(/^text\/csv/);
      const [header, ...rows] = res.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(header).toContain('electronicResults_lost');
      expect(rows.some((r) => r.includes(AGENCY))).toBe(true);
    }
    const bad = await api('GET', '/v1/service-index?period=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const unknown = await api('GET', '/v1/service-index/NOPE');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'AGENCY_NOT_FOUND' });
  });

  it('is the same over the counters rebuilt from the timelines', async () => {
    const rebuilt = new Map<string, Counts>();
    const store = rebuildStore();
    const report = await until(
      'the live counters to settle',
      async () => {
        const r = await rebuildStats(
          {
            ...store,
            saveRebuilt: async (agencyId, m, counts) => {
              rebuilt.set(`${agencyId}#${m}`, counts);
              await store.saveRebuilt(agencyId, m, counts);
            },
          },
          [AGENCY],
        );
        return r.differences.length === 0 ? r : undefined;
      },
      30_000,
    );
    expect(report).toMatchObject({ dossiers: 2, ratings: 1, differences: [] });
    const counts = rebuilt.get(`${AGENCY}#${month}`);
    expect(counts).toMatchObject({ acknowledged: 2, receivedFullyOnline: 2, resultsIssued: 1 });
    const { groups, indicators, score } = await itemOf();
    expect(scoreOf(counts!)).toMatchObject({ groups, indicators, score });
  }, 60_000);
});
