import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/catalog/handler.js';
import { communesOf } from '../../functions/registry/admin-map.js';
import { agencyList, communeList, provinceList } from '../../schemas/catalog.js';
import { procedureList, procedureView } from '../../schemas/procedure.js';
import { call, type EventInput } from '../support/api-event.js';
import { mockedDocumentClient } from '../support/mocked-dynamo.js';

// The FAQ entries support agents added at run time live in the table; none unless a test adds some.
const ddb = mockedDocumentClient();
beforeEach(() => {
  ddb.on(QueryCommand).resolves({ Items: [] });
});

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

  it('serves an imported procedure as an information entry: what to bring, where, how long, how much', async () => {
    // 1.000823 in the national database: two channels (post, in person), 22 working days, free.
    const res = await get('GET /v1/procedures/{code}', { pathParameters: { code: '1.000823' } });
    expect(res.status).toBe(200);
    expect(procedureView.safeParse(res.body).success).toBe(true);
    expect(res.body).toMatchObject({
      code: '1.000823',
      onlineFiling: false,
      formId: null,
      form: null,
      version: 1,
      versions: [1],
      levels: { status: 'parsed', items: ['ministry'] },
      source: { url: expect.stringMatching(/^https:\/\/dichvucong\.gov\.vn\//) },
    });
    expect(res.body.channels.items).toEqual([
      expect.objectContaining({
        kind: 'post',
        time: expect.objectContaining({ workingDays: 22 }),
        fee: expect.objectContaining({ kind: 'free', vnd: 0 }),
      }),
      expect.objectContaining({ kind: 'in_person', time: expect.objectContaining({ workingDays: 22 }) }),
    ]);
    expect(res.body.documents.items[0]).toMatchObject({
      templates: ['Mus08.docx'],
      copies: { originals: 1 },
    });
    expect(res.body.results.items[0]).toEqual({ name: expect.any(String), code: 'KQ.G19.000181' });
    expect(res.body.legalBasis.items[0]).toEqual({
      title: 'Nghị định 121/2021/NĐ-CP',
      number: '121/2021/NĐ-CP',
    });
    const old = await get('GET /v1/procedures/{code}', {
      pathParameters: { code: '1.000823' },
      query: { version: '1' },
    });
    expect(old.body.version).toBe(1);
    const never = await get('GET /v1/procedures/{code}', {
      pathParameters: { code: '1.000823' },
      query: { version: '2' },
    });
    expect(never.status).toBe(404);
    const none = await get('GET /v1/procedures/{code}', { pathParameters: { code: '8.000001' } });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('PROCEDURE_NOT_FOUND');
  });

  it('lets a curated procedure win over the national record of its code, and link it', async () => {
    const res = await get('GET /v1/procedures/{code}', { pathParameters: { code: '1.001193' } });
    expect(res.body).toMatchObject({ code: '1.001193', onlineFiling: true, formId: 'birth_registration' });
    expect(res.body.national).toMatchObject({ code: '1.001193', name: 'Thủ tục đăng ký khai sinh' });
    expect(procedureView.safeParse(res.body).success).toBe(true);
    // A curated procedure the national database does not hold links nothing.
    const co = await get('GET /v1/procedures/{code}', { pathParameters: { code: '9.000281' } });
    expect(co.body).toMatchObject({ onlineFiling: true, national: null });
  });

  it('no longer hides the real procedures that curated records once held the codes of', async () => {
    for (const [code, name] of [
      ['2.002184', /hải quan/],
      ['2.000281', /giấy phép xuất nhập cảnh/],
      ['1.004194', /^Đăng ký tạm trú$/],
      ['2.000575', /^Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh/],
    ] as const) {
      const res = await get('GET /v1/procedures/{code}', { pathParameters: { code } });
      expect(res.body, code).toMatchObject({ code, onlineFiling: false, name: expect.stringMatching(name) });
    }
    const moved = await get('GET /v1/procedures/{code}', { pathParameters: { code: '1.004222' } });
    expect(moved.body).toMatchObject({
      name: 'Đăng ký thường trú',
      onlineFiling: true,
      formId: 'permanent_residence',
    });
  });

  it('finds information entries by their documents and results, and marks them not filed online', async () => {
    const res = await get('GET /v1/procedures', { query: { q: 'khai bổ sung hồ sơ hải quan', limit: '5' } });
    expect(res.status).toBe(200);
    expect(procedureList.safeParse(res.body).success).toBe(true);
    const hit = res.body.items.find((i: { code: string }) => i.code === '2.002184');
    expect(hit).toMatchObject({
      onlineFiling: false,
      nameEn: null,
      level: null,
      channels: expect.any(Array),
    });
    const online = await get('GET /v1/procedures', {
      query: { q: 'khai sinh', fullyOnline: 'true', limit: '100' },
    });
    expect(online.body.items.every((i: { onlineFiling: boolean }) => i.onlineFiling)).toBe(true);
    const ministry = await get('GET /v1/procedures', { query: { level: 'ministry', limit: '100' } });
    expect(ministry.body.items.length).toBe(100);
    expect(
      ministry.body.items.every((i: { authorityLevels: string[] }) => i.authorityLevels.includes('ministry')),
    ).toBe(true);
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
    const hanoi = await get('GET /v1/agencies', { query: { province: '01', level: 'commune', limit: '3' } });
    expect(hanoi.body.items.map((a: { id: string }) => a.id)).toEqual(['xa-00004', 'xa-00008', 'xa-00025']);
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

  it('pages through every commune committee of a province, each page bound to its query', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get('GET /v1/agencies', {
        query: { province: '01', level: 'commune', limit: '100', ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((a: { code: string }) => a.code));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(126);
    expect([...seen].sort()).toEqual(seen);
    const first = await get('GET /v1/agencies', { query: { province: '01', limit: '2' } });
    const other = await get('GET /v1/agencies', {
      query: { province: '79', limit: '2', cursor: first.body.nextCursor },
    });
    expect(other.status).toBe(400);
    expect(other.body.error.details[0].code).toBe('invalid_cursor');
  });

  it.each(['hoan kiem', 'Hoàn Kiếm', 'HOAN KIEM', 'kiem  hoan', 'phuong hoan kiem', 'Hoan Kiem Ward'])(
    "finds Phường Hoàn Kiếm's committee by %j",
    async (q) => {
      const res = await get('GET /v1/agencies', { query: { q, level: 'commune' } });
      expect(res.status).toBe(200);
      expect(res.body.items.map((a: { id: string }) => a.id)).toEqual(['xa-00070']);
    },
  );

  it('filters by department kind and by name, every word matching', async () => {
    const police = await get('GET /v1/agencies', { query: { kind: 'ca', limit: '100' } });
    expect(police.body.items).toHaveLength(34);
    expect(police.body.items.every((a: { kind: string }) => a.kind === 'ca')).toBe(true);
    const committees = await get('GET /v1/agencies', {
      query: { kind: 'ubnd', province: '48', limit: '100' },
    });
    expect(committees.body.items.map((a: { level: string }) => a.level).sort()).toEqual([
      ...communesOf('48').map(() => 'commune'),
      'province',
    ]);
    const both = await get('GET /v1/agencies', { query: { q: 'hai chau' } });
    expect(agencyList.parse(both.body)).toEqual(both.body);
    expect(both.body.items.map((a: { id: string }) => a.id)).toEqual(['xa-17419', 'xa-20242']);
    const danang = await get('GET /v1/agencies', { query: { q: 'hai chau', province: '48' } });
    expect(danang.body.items).toEqual([
      expect.objectContaining({ id: 'xa-20242', name: 'Ủy ban nhân dân phường Hải Châu', channel: 'p48' }),
    ]);
    // Words begin words: "ha" is Hà Nội, Hải Phòng, Hà Tĩnh, never the "ha" inside Thanh Hóa or Khánh Hòa.
    const justice = await get('GET /v1/agencies', { query: { q: 'so tu phap ha', kind: 'stp' } });
    expect(justice.body.items.map((a: { id: string }) => a.id)).toEqual(['stp-01', 'stp-31', 'stp-42']);
    const none = await get('GET /v1/agencies', { query: { q: 'hoan kiem', province: '79' } });
    expect(none.body).toEqual({ items: [], nextCursor: null });
    for (const query of [{ kind: 'district' }, { q: 'x'.repeat(101) }] as Record<string, string>[]) {
      const bad = await get('GET /v1/agencies', { query });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('lists the 34 provinces and, for each, all its communes with the committee that receives there', async () => {
    const list = await get('GET /v1/provinces');
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toMatch(/public, max-age=\d+/);
    expect(list.body.items).toHaveLength(34);
    expect(provinceList.parse(list.body)).toEqual(list.body);
    expect(list.body.items[0]).toEqual({
      code: '01',
      name: 'Hà Nội',
      fullName: 'Thành phố Hà Nội',
      type: 'thanh_pho_truc_thuoc_tw',
      nameEn: 'Ha Noi',
      communeCount: 126,
    });
    let total = 0;
    for (const p of list.body.items as { code: string; communeCount: number }[]) {
      const res = await get('GET /v1/provinces/{code}/communes', { pathParameters: { code: p.code } });
      expect(res.status).toBe(200);
      expect(res.body.provinceCode).toBe(p.code);
      expect(res.body.items, p.code).toHaveLength(p.communeCount);
      expect(communeList.parse(res.body)).toEqual(res.body);
      for (const c of res.body.items) expect(c.agencyId).toBe(`xa-${c.code}`);
      total += res.body.items.length;
    }
    expect(total).toBe(3321);
    const hcmc = await get('GET /v1/provinces/{code}/communes', { pathParameters: { code: '79' } });
    expect(hcmc.body.items).toHaveLength(168);
    expect(hcmc.body.items).toContainEqual({
      code: '26743',
      name: 'Bến Thành',
      fullName: 'Phường Bến Thành',
      type: 'phuong',
      nameEn: 'Ben Thanh',
      agencyId: 'xa-26743',
    });
  });

  it("filters a province's communes by name and sends an ETag", async () => {
    for (const q of ['ben thanh', 'BẾN THÀNH', 'thanh ben'])
      expect(
        (await get('GET /v1/provinces/{code}/communes', { pathParameters: { code: '79' }, query: { q } }))
          .body.items,
      ).toEqual([expect.objectContaining({ code: '26743' })]);
    const zone = await get('GET /v1/provinces/{code}/communes', {
      pathParameters: { code: '91' },
      query: { q: 'dac khu' },
    });
    expect(zone.body.items.map((c: { fullName: string }) => c.fullName)).toEqual([
      'Đặc khu Phú Quốc',
      'Đặc khu Thổ Châu',
      'Đặc khu Kiên Hải',
    ]);
    const first = await get('GET /v1/provinces/{code}/communes', { pathParameters: { code: '01' } });
    const again = await get('GET /v1/provinces/{code}/communes', {
      pathParameters: { code: '01' },
      headers: { 'If-None-Match': first.headers.etag as string },
    });
    expect(again.status).toBe(304);
  });

  it('answers 404 for a province not on the map and 400 for a malformed code', async () => {
    for (const code of ['02', '63', '99']) {
      const res = await get('GET /v1/provinces/{code}/communes', { pathParameters: { code } });
      expect(res.status, code).toBe(404);
      expect(res.body.error.code).toBe('PROVINCE_NOT_FOUND');
      expect(res.body.error.messageVi).toEqual(expect.any(String));
    }
    for (const code of ['1', '001', 'ha']) {
      const res = await get('GET /v1/provinces/{code}/communes', { pathParameters: { code } });
      expect(res.status, code).toBe(400);
      expect(res.body.error.details[0].path).toBe('params.code');
    }
  });

  it('searches the FAQ', async () => {
    const res = await get('GET /v1/faq', { query: { q: 'giay phep lai xe quoc te' } });
    expect(res.status).toBe(200);
    expect(res.body.items[0].id).toBe('gplx-quoc-te-thoi-han');
    const bad = await get('GET /v1/faq', { query: { procedure: 'abc' } });
    expect(bad.status).toBe(400);
  });

  it('finds FAQ entries added at run time beside the published ones', async () => {
    const added = {
      id: 'hoi-dap-httt-261207-0001',
      procedureCode: '1.002804',
      question: 'Giấy phép lái xe quá hạn đúng 3 tháng có phải sát hạch lại không?',
      answer: 'Quá hạn đúng 3 tháng vẫn được đổi, không phải sát hạch lại.',
      keywords: ['quá hạn'],
    };
    ddb.on(QueryCommand).resolves({ Items: [{ faq: added }] });
    const found = await get('GET /v1/faq', { query: { q: 'sat hach qua han' } });
    expect(found.status).toBe(200);
    expect(found.body.items[0]).toMatchObject({ id: added.id, answer: added.answer });
    const byProcedure = await get('GET /v1/faq', { query: { procedure: '1.002804', limit: '100' } });
    expect(byProcedure.body.items.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining(['gplx-doi-truc-tuyen', added.id]),
    );
    // Read from the table's FAQ partition (gsi1), not scanned.
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      ExpressionAttributeValues: { ':pk': 'FAQ#RUNTIME' },
    });
  });
});
