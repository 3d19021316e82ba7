/**
 * A small run of `npm run fuzz` (test/fuzz/): hostile requests generated from /openapi.json against
 * every route of an ephemeral local portal. No answer may be a 5xx, every 4xx is in the error shape and
 * leaves the table as it was. One run with a fixed seed, one with a fresh seed (printed, so a failure
 * can be replayed with `npm run fuzz -- --seed <seed>`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Campaign, type CampaignReport } from '../fuzz/campaign.js';
import type { FuzzCase } from '../fuzz/cases.js';
import { type Fixtures, startFixtures } from '../fuzz/fixtures.js';
import { formatReport } from '../fuzz/report.js';
import { sampleBodies } from '../support/request-bodies.js';

const RUNS_PER_ROUTE = Number(process.env.FUZZ_TEST_RUNS ?? 16);
const FIXED_SEED = 20_261_206;

let fx: Fixtures;
let campaign: Campaign;

beforeAll(async () => {
  fx = await startFixtures();
  campaign = await Campaign.against(fx, 16);
}, 120_000);

afterAll(async () => {
  campaign?.close();
  await fx?.stop();
});

function expectClean(report: CampaignReport) {
  // The whole report on failure: per-route counts and each failure's shrunk request and replay.
  expect(report.violations, formatReport(report)).toBe(0);
  expect(report.failures, formatReport(report)).toEqual([]);
}

describe('hostile requests to every route', () => {
  it('covers every operation of the OpenAPI document', () => {
    expect(campaign.operations.length).toBeGreaterThan(40);
    expect(new Set(campaign.operations.map((o) => o.operationId)).size).toBe(campaign.operations.length);
  });

  it("sees the table's writes request by request, so a refused one that wrote would be caught", async () => {
    const op = campaign.operation('createUpload');
    const valid: FuzzCase = {
      credential: { kind: 'person', role: 'citizen', variant: 'own' },
      path: {},
      query: [],
      idempotencyKey: null,
      contentType: undefined,
      body: { kind: 'json', value: sampleBodies.createUpload },
      headers: [],
    };
    const saved = await campaign.exchange(op, valid);
    expect(saved.status, saved.response).toBe(201);
    expect(saved.writes).toBeGreaterThan(0);
    const refused = await campaign.exchange(op, {
      ...valid,
      body: { kind: 'text', text: '{"fullName":' },
    });
    expect(refused.status).toBe(400);
    expect(refused.writes).toBe(0);
  });

  it('answers each with a 2xx or a 4xx in the error shape, never a 5xx (fixed seed)', async () => {
    const report = await campaign.run({
      runs: RUNS_PER_ROUTE,
      seed: FIXED_SEED,
      quietSamples: 0,
      shrinkMs: 5_000,
    });
    expectClean(report);
    for (const route of report.routes) expect(route.requests, route.route).toBe(RUNS_PER_ROUTE);
  }, 180_000);

  it('does the same with a fresh seed, and a refused write leaves the table unchanged', async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    console.log(`fuzz seed ${seed} (replay: npm run fuzz -- --runs ${RUNS_PER_ROUTE} --seed ${seed})`);
    const writes = campaign.operations.filter((o) => o.method !== 'GET').map((o) => o.operationId);
    const report = await campaign.run({
      runs: Math.ceil(RUNS_PER_ROUTE / 2),
      seed,
      // Each write route: one request alone, with the table's digest compared before and after.
      quietSamples: 1,
      shrinkMs: 5_000,
    });
    expectClean(report);
    const checked = report.routes.filter((r) => writes.includes(r.operationId));
    expect(checked.every((r) => r.quietChecks === 1)).toBe(true);
  }, 180_000);
});
