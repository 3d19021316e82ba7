import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/catalog/handler.js';
import { publishedCatalog } from '../../functions/catalog/procedures.js';
import type { ProcedureRecord } from '../../schemas/procedure.js';
import { call } from '../support/api-event.js';
import { startTestIssuer, type TestIssuer, testEnv } from '../support/tokens.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await startTestIssuer();
  testEnv(issuer);
});
afterAll(() => issuer.close());

const check = async (body: object, role = 'catalog_admin') =>
  call(handler, {
    routeKey: 'POST /v1/catalog/checks',
    headers: { authorization: `Bearer ${await issuer.token('admin-1', role)}` },
    body,
  });

const procedures = publishedCatalog.procedures as ProcedureRecord[];
const published = procedures.find((p) => p.code === '1.002758')!;

describe('catalog admins check a procedure file before a release', () => {
  it('report a changed procedure as its next version, and an unchanged one as unchanged', async () => {
    const changed = { ...published, version: undefined, processingDays: published.processingDays + 1 };
    const same = // the published (latest) version of another code
      procedures.filter((p) => p.code === procedures.find((q) => q.code !== published.code)!.code).at(-1)!;
    const res = await check({
      format: 'json',
      content: JSON.stringify([changed, { ...same, version: undefined }]),
    });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.added).toEqual([{ code: '1.002758', version: published.version + 1 }]);
    expect(res.body.unchanged).toEqual([same.code]);
    expect(res.body.catalogVersion).toBe(publishedCatalog.catalogVersion + 1);
  });

  it('report every problem with its CSV line and field, and that nothing would be published', async () => {
    const csv = 'code,name,processingDays\n1.00275,Thủ tục thử,abc\n';
    const res = await check({ format: 'csv', content: csv });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.added).toEqual([]);
    expect(res.body.catalogVersion).toBe(publishedCatalog.catalogVersion);
    const paths = res.body.problems.map((p: { row: number; path: string }) => `${p.row}:${p.path}`);
    expect(paths).toEqual(expect.arrayContaining(['2:code', '2:processingDays']));
  });

  it('refuse anyone but a catalog admin with 403, and a body with unknown fields with 400', async () => {
    const content = JSON.stringify([published]);
    for (const role of ['citizen', 'operator', 'agency_officer']) {
      const res = await check({ format: 'json', content }, role);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const extra = await check({ format: 'json', content, publish: true });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details[0].path).toBe('body.publish');
  });
});
