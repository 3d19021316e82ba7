/**
 * Who read my data, over the whole local portal: an agency officer opening a citizen's dossier with its
 * identifiers in full and a reason appears within seconds in the citizen's access log and the dossier's;
 * the owner's own reads never do; the desk officer who filed it and another representative of an
 * enterprise are readers too; the checksum of the timeline and the agency's work list are not reads of
 * personal data. No one can change or delete an entry, and the reason is never logged.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { handlerLogs } from '../support/output-capture.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';

const AGENCY = 'bhxh-hn';
const CITIZEN_ID = '036095004321';
const PHONE = '0978654321';
const DESK_AGENCY = 'ttpvhcc-01';
const REASON = 'Đối chiếu số định danh với thẻ BHYT cũ';

let portal: LocalPortal;
let owner: string;
let officer: string;
const logs = handlerLogs();

beforeAll(async () => {
  logs.start();
  portal = await startTestPortal();
  owner = await portal.token({ sub: 'readlog-owner', citizenId: CITIZEN_ID });
  officer = await portal.token({ sub: 'readlog-officer', role: 'agency_officer', agencyId: AGENCY });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  logs.stop();
});

const { api } = portalClient(() => portal.url);

const file = async (token: string, form: Json, extra: Json = {}) => {
  const res = await api('POST', '/v1/dossiers', {
    token,
    key: `readlog-${randomUUID()}`,
    body: { procedureCode: '1.002758', form, attachments: [], ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.dossiers[0].code as string;
};

const myLog = async (token: string) => {
  const res = await api('GET', '/v1/me/access-log', { token });
  expect(res.status).toBe(200);
  return res.body.items as Json[];
};
const dossierLog = async (token: string, code: string) => {
  const res = await api('GET', `/v1/dossiers/${code}/access-log`, { token });
  expect(res.status).toBe(200);
  return res.body.items as Json[];
};

describe("an agency officer reading a citizen's dossier", () => {
  let code: string;
  const form = { ...bhytForm, citizenId: CITIZEN_ID, phone: PHONE };

  beforeAll(async () => {
    code = await file(owner, form);
  });

  it('is not a read to log when the owner reads their own, in full or not', async () => {
    expect((await api('GET', `/v1/dossiers/${code}`, { token: owner })).status).toBe(200);
    const full = await api('GET', `/v1/dossiers/${code}?reveal=true`, { token: owner });
    expect(full.body.form).toMatchObject({ citizenId: CITIZEN_ID, phone: PHONE });
    expect(await myLog(owner)).toEqual([]);
    expect(await dossierLog(owner, code)).toEqual([]);
  });

  it('appears within seconds in the owner’s log and the dossier’s, with what was shown and why', async () => {
    const asked = Date.now();
    const read = await api('GET', `/v1/dossiers/${code}?reveal=true&reason=${encodeURIComponent(REASON)}`, {
      token: officer,
    });
    expect(read.status).toBe(200);
    expect(read.body.form).toMatchObject({ citizenId: CITIZEN_ID, phone: PHONE });
    const entry = {
      via: 'agency_officer',
      what: 'sealed_fields',
      agencyId: AGENCY,
      agencyName: expect.any(String),
      reason: REASON,
      reader: expect.stringMatching(/^r_[0-9a-f]{16}$/),
    };
    const mine = await until('the read in my access log', async () => {
      const items = await myLog(owner);
      return items.length ? items : undefined;
    });
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(mine).toEqual([{ at: expect.any(String), dossierCode: code, ...entry }]);
    expect(await dossierLog(owner, code)).toEqual([{ at: mine[0].at, ...entry }]);
    // The officer is a pseudonym, never their account.
    expect(JSON.stringify(mine)).not.toContain('readlog-officer');
  });

  it('records a masked read as the dossier, newest first, and refuses a reason out of bounds', async () => {
    expect((await api('GET', `/v1/dossiers/${code}`, { token: officer })).status).toBe(200);
    const long = await api('GET', `/v1/dossiers/${code}?reason=${'x'.repeat(201)}`, { token: officer });
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe('VALIDATION_FAILED');
    const items = await until('the second read', async () => {
      const all = await myLog(owner);
      return all.length === 2 ? all : undefined;
    });
    expect(items.map((i) => i.what)).toEqual(['dossier', 'sealed_fields']);
    expect(items[0].reason).toBeUndefined();
    expect(items[0].reader).toBe(items[1].reader);
  });

  it('does not count the timeline checksum or the agency’s work list, which carry no personal data', async () => {
    const before = (await myLog(owner)).length;
    expect((await api('GET', `/v1/dossiers/${code}/timeline/verify`, { token: officer })).status).toBe(200);
    const list = await api('GET', '/v1/agency/dossiers', { token: officer });
    expect(list.status).toBe(200);
    const listed = list.body.items.find((d: Json) => d.code === code);
    expect(listed).toBeDefined();
    for (const value of [CITIZEN_ID, PHONE, form.fullName])
      expect(JSON.stringify(list.body)).not.toContain(value);
    expect((await myLog(owner)).length).toBe(before);
  });

  it('can be neither changed nor deleted, by the reader or the owner', async () => {
    const before = await myLog(owner);
    const [first] = await dossierLog(owner, code);
    for (const token of [officer, owner])
      for (const [method, path] of [
        ['DELETE', '/v1/me/access-log'],
        ['PUT', '/v1/me/access-log'],
        ['DELETE', `/v1/dossiers/${code}/access-log`],
        ['PUT', `/v1/dossiers/${code}/access-log`],
        ['POST', `/v1/dossiers/${code}/access-log`],
      ] as const) {
        const res = await api(method, path, { token, body: { items: [] } });
        expect([404, 405], `${method} ${path}`).toContain(res.status);
      }
    expect(await myLog(owner)).toEqual(before);
    expect((await dossierLog(owner, code))[0]).toEqual(first);
    // Nor may the reader read the log of what they read.
    expect((await api('GET', `/v1/dossiers/${code}/access-log`, { token: officer })).status).toBe(403);
  });
});

describe('others who reach a dossier', () => {
  it('a desk officer who filed it for the citizen is a reader, named by office', async () => {
    const citizen = await portal.token({ sub: 'readlog-desk-citizen', citizenId: '036095007777' });
    const saved = await api('PUT', '/v1/me/profile', {
      token: citizen,
      body: {
        fullName: 'Lê Văn Sơn',
        dateOfBirth: '1990-02-03',
        address: '5 Tràng Thi, Hoàn Kiếm, Hà Nội',
        phone: '0978000777',
      },
    });
    expect(saved.status).toBe(201);
    const desk = await portal.token({ sub: 'readlog-desk', role: 'desk_officer', agencyId: DESK_AGENCY });
    const code = await file(
      desk,
      { ...bhytForm, fullName: 'Lê Văn Sơn', citizenId: '036095007777', phone: '0978000777' },
      { onBehalfOf: { citizenId: '036095007777' } },
    );
    expect((await api('GET', `/v1/dossiers/${code}`, { token: desk })).status).toBe(200);
    const items = await until('the desk read', async () => {
      const all = await myLog(citizen);
      return all.length ? all : undefined;
    });
    expect(items).toEqual([
      expect.objectContaining({
        via: 'desk_officer',
        what: 'dossier',
        agencyId: DESK_AGENCY,
        dossierCode: code,
      }),
    ]);
  });

  it('another representative of the enterprise is a reader; the one who filed is the owner', async () => {
    const rep1 = await portal.token({ sub: 'readlog-rep-1', role: 'business', taxCode: '0107650001' });
    const rep2 = await portal.token({ sub: 'readlog-rep-2', role: 'business', taxCode: '0107650001' });
    const code = await file(rep1, bhytForm);
    expect((await api('GET', `/v1/dossiers/${code}`, { token: rep1 })).status).toBe(200);
    expect((await api('GET', `/v1/dossiers/${code}`, { token: rep2 })).status).toBe(200);
    const items = await until('the co-representative read', async () => {
      const all = await myLog(rep1);
      return all.length ? all : undefined;
    });
    expect(items).toEqual([
      expect.objectContaining({ via: 'representative', what: 'dossier', dossierCode: code }),
    ]);
    expect(items[0].agencyId).toBeUndefined();
  });
});

describe('the logs', () => {
  it('never carry the reason an officer gave', () => {
    const text = logs.lines.join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(REASON);
    expect(text).not.toContain(encodeURIComponent(REASON));
  });
});
