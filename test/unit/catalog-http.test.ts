import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/catalog/handler.js';
import { call, type EventInput } from '../support/api-event.js';

const get = (routeKey: string, input: Omit<EventInput, 'routeKey'> = {}) =>
  call(handler, { routeKey, ...input });

describe('catalog endpoints', () => {
  it('searches procedures with filters and answers in the list shape', async () => {
    const res = await get('GET /v1/procedures', { query: { q: 'GPLX', fullyOnline: 'true', limit: '5' } });
    expect(res.status).toBe(200);
    expect(res.body.items[0].code).toBe('1.002804');
    expect(res.body.items[0].highlights).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'name' })]),
    );
    expect(res.body).toHaveProperty('nextCursor');
  });

  it.each([
    [{ level: 'district' }, 'query.level'],
    [{ province: '1' }, 'query.province'],
    [{ fullyOnline: 'maybe' }, 'query.fullyOnline'],
    [{ limit: '0' }, 'query.limit'],
    [{ cursor: '%%%' }, 'query.cursor'],
    [{ q: 'x'.repeat(201) }, 'query.q'],
  ])('refuses %o with 400 at %s', async (query, path) => {
    const res = await get('GET /v1/procedures', { query: query as Record<string, string> });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.messageVi).toEqual(expect.any(String));
    expect(res.body.error.details[0].path).toBe(path);
  });

  it('serves the current version, an older one on request, and 404 for a version never published', async () => {
    const current = await get('GET /v1/procedures/{code}', { pathParameters: { code: '1.002758' } });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ code: '1.002758', version: 1, versions: [1], fee: 0, bundle: null });
    expect(current.body.form.properties.insuranceNumber).toBeDefined();
    const v1 = await get('GET /v1/procedures/{code}', {
      pathParameters: { code: '1.002758' },
      query: { version: '1' },
    });
    expect(v1.status).toBe(200);
    const v9 = await get('GET /v1/procedures/{code}', {
      pathParameters: { code: '1.002758' },
      query: { version: '9' },
    });
    expect(v9.status).toBe(404);
    const bad = await get('GET /v1/procedures/{code}', {
      pathParameters: { code: '1.002758' },
      query: { version: 'x' },
    });
    expect(bad.status).toBe(400);
  });

  it('sends an ETag and answers If-None-Match with a bodiless 304', async () => {
    const first = await get('GET /v1/procedures/{code}', { pathParameters: { code: '9.000281' } });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toMatch(/public, max-age=\d+/);
    const again = await get('GET /v1/procedures/{code}', {
      pathParameters: { code: '9.000281' },
      headers: { 'If-None-Match': `W/${etag}` },
    });
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(etag);
    expect(again.body).toBeUndefined();
    const other = await get('GET /v1/procedures/{code}', {
      pathParameters: { code: '9.000281' },
      headers: { 'If-None-Match': '"stale"' },
    });
    expect(other.status).toBe(200);
  });

  it('lists agencies by level and province, and finds one by code or id', async () => {
    const hanoi = await get('GET /v1/agencies', { query: { province: '01', level: 'commune' } });
    expect(hanoi.body.items.map((a: { id: string }) => a.id).sort()).toEqual([
      'xa-00004',
      'xa-00070',
      'xa-08980',
    ]);
    const ministries = await get('GET /v1/agencies', { query: { level: 'ministry', limit: '100' } });
    expect(ministries.body.items.every((a: { level: string }) => a.level === 'ministry')).toBe(true);
    const byCode = await get('GET /v1/agencies/{code}', { pathParameters: { code: 'cahn' } });
    expect(byCode.body).toMatchObject({ id: 'cahn', code: 'CAHN', parentId: 'bca', channel: 'bca' });
    const sxd = await get('GET /v1/agencies/{code}', { pathParameters: { code: 'SXD48' } });
    expect(sxd.body).toMatchObject({
      name: 'Sở Xây dựng thành phố Đà Nẵng',
      parentId: 'ubnd-48',
      channel: 'p48',
    });
    const none = await get('GET /v1/agencies/{code}', { pathParameters: { code: 'NOBODY' } });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('AGENCY_NOT_FOUND');
    const bad = await get('GET /v1/agencies', { query: { level: 'district' } });
    expect(bad.status).toBe(400);
  });

  it('searches the FAQ', async () => {
    const res = await get('GET /v1/faq', { query: { q: 'giay phep lai xe quoc te' } });
    expect(res.status).toBe(200);
    expect(res.body.items[0].id).toBe('gplx-quoc-te-thoi-han');
    const bad = await get('GET /v1/faq', { query: { procedure: 'abc' } });
    expect(bad.status).toBe(400);
  });
});
