/**
 * "Overdue now" against the local portal: the SLA watcher counts each lapsed dossier once, the steps
 * that settle or extend it take it off exactly once, and `stats:rebuild` as of the same instant agrees.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItems } from '../../functions/core/batch.js';
import { keys, SHARDS } from '../../functions/core/keys.js';
import { allAgencies } from '../../functions/registry/agencies.js';
import { monthOf } from '../../functions/stats/counters.js';
import { rebuildStats, rebuildStore } from '../../functions/stats/rebuild.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalApi } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let owner: string;
let secrets: AgencySecrets;
const month = monthOf(new Date().toISOString());
const DAY = 86_400_000;

beforeAll(async () => {
  portal = await startTestPortal({ slaIntervalMs: 0 });
  owner = await portal.token({ sub: 'overdue-owner' });
  secrets = await readAgencySecrets(portal);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const api = portalApi(() => portal.url);

/** A signed event from bhxh-hn (a fresh eventId unless given); its status. */
const agency = async (event: Json, eventId?: string) =>
  (await signedAgencyCall(portal, secrets, '/v1/agency/events', 'bhxh-hn', event, eventId)).status;

let submitted = 0;
async function submitBhyt() {
  const res = await api('POST', '/v1/dossiers', {
    token: owner,
    key: `overdue-bhyt-${++submitted}-${Date.now()}`,
    body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  });
  expect(res.status).toBe(201);
  const code = res.body.dossiers[0].code as string;
  return until(`${code} in progress`, async () => {
    const d = (await api('GET', `/v1/dossiers/${code}`, { token: owner })).body;
    return d?.status === 'in_progress' ? { code, dueAt: d.dueAt as string } : undefined;
  });
}

const overdueNow = async () =>
  ((await api('GET', `/v1/stats/agencies?month=${month}`)).body.items.find(
    (x: Json) => x.agencyId === 'bhxh-hn',
  )?.overdueNow ?? 0) as number;

const rebuildAsOf = (now: Date, ids = ['bhxh-hn']) =>
  rebuildStats({ ...rebuildStore(), now: () => now }, ids);

describe('overdue now', () => {
  it('counts each lapsed dossier once, takes it off once when it ends or is extended, and rebuilds equal', async () => {
    const dossiers = [await submitBhyt(), await submitBhyt(), await submitBhyt()];
    const [done, extended] = dossiers;
    const lapsed = new Date(Math.max(...dossiers.map((d) => Date.parse(d.dueAt))) + DAY);

    // The watcher finds the three once the relay has indexed their due dates; more runs count nothing more.
    await until('three dossiers overdue', async () => {
      await portal.watchSla(lapsed);
      return (await overdueNow()) === 3 ? true : undefined;
    });
    await portal.watchSla(lapsed);
    expect(await overdueNow()).toBe(3);
    const series = await api('GET', `/v1/stats/agencies/bhxh-hn?from=${month}&to=${month}`);
    expect(series.body).toMatchObject({ overdueNow: 3, petitionsOverdueNow: 0 });
    const csvRes = await fetch(`${portal.url}/v1/stats/agencies?month=${month}`, {
      headers: { accept: 'text/csv' },
    });
    const lines = (await csvRes.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const header = lines[0]!.split(',');
    const row = lines.find((l) => l.includes(',bhxh-hn,'))!.split(',');
    expect(row[header.indexOf('overdueNow')]).toBe('3');
    const first = await rebuildAsOf(lapsed);
    expect(first.differences).toEqual([]);
    // A result issued ends one; a replay of the same agency event changes nothing.
    expect(await agency({ type: 'dossier.approved', dossierCode: done!.code })).toBe(200);
    const issued = {
      type: 'dossier.result_issued',
      dossierCode: done!.code,
      result: { kind: 'pickup', method: 'at_desk', note: 'Nhận tại bộ phận một cửa' },
    };
    expect(await agency(issued, `evt-overdue-issued-${done!.code}`)).toBe(200);
    await until('two overdue', async () => ((await overdueNow()) === 2 ? true : undefined));
    expect([200, 409]).toContain(await agency(issued, `evt-overdue-issued-${done!.code}`));
    // An extension past the instant takes one off; once the new date lapses too, it counts again.
    const newDueAt = new Date(lapsed.getTime() + 10 * DAY).toISOString();
    expect(
      await agency({
        type: 'dossier.extended',
        dossierCode: extended!.code,
        reason: 'Cần xác minh thêm thông tin',
        newDueAt,
      }),
    ).toBe(200);
    await until('one overdue', async () => ((await overdueNow()) === 1 ? true : undefined));
    await portal.watchSla(lapsed);
    expect(await overdueNow()).toBe(1);
    const second = await rebuildAsOf(lapsed);
    expect(second.differences).toEqual([]);
    const lapsedAgain = new Date(Date.parse(newDueAt) + DAY);
    await until('the extended dossier overdue again', async () => {
      await portal.watchSla(lapsedAgain);
      return (await overdueNow()) === 2 ? true : undefined;
    });
    const report = await rebuildAsOf(
      lapsedAgain,
      allAgencies().map((a) => a.id),
    );
    expect(report.differences).toEqual([]);
    // The rebuild compares: a wrong instant shows the difference.
    const early = await rebuildAsOf(new Date(Date.parse(dossiers[2]!.dueAt) - DAY));
    expect(early.differences).toContainEqual(
      expect.objectContaining({
        agencyId: 'bhxh-hn',
        month: 'now',
        counter: 'overdueNow',
        live: 2,
        rebuilt: 0,
      }),
    );
  }, 120_000);

  it("adds up every shard of an agency's figures, shard 0 being the one item of old", async () => {
    const db = portalDynamo(portal.env);
    const TableName = portal.env.TABLE_NAME;
    const live = await overdueNow();
    expect(live).toBeGreaterThan(0);
    // The live count sits in the shards the dossiers' codes picked.
    const shards = await getItems(keys.agencyNowItems('bhxh-hn'), db, TableName);
    expect(shards).toHaveLength(SHARDS.now);
    expect(shards.reduce((a, i) => a + Number(i?.overdueNow ?? 0), 0)).toBe(live);
    // Figures counted before the shards existed, in the one item of old, are read beside them.
    const old = (by: number) =>
      db.send(
        new UpdateCommand({
          TableName,
          Key: { pk: 'STATSNOW#bhxh-hn', sk: 'STATS' },
          UpdateExpression:
            'SET agencyId = :a, gsi2pk = :p, gsi2sk = :a ADD overdueNow :by, petitionsOverdueNow :by',
          ExpressionAttributeValues: { ':a': 'bhxh-hn', ':p': 'STATSNOW', ':by': by },
        }),
      );
    await old(5);
    try {
      await until('the old item counted', async () => ((await overdueNow()) === live + 5 ? true : undefined));
      const series = await api('GET', `/v1/stats/agencies/bhxh-hn?from=${month}&to=${month}`);
      expect(series.body).toMatchObject({ overdueNow: live + 5, petitionsOverdueNow: 5 });
    } finally {
      await old(-5);
    }
  });
});
