import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog, catalog, findProcedureVersion } from '../../functions/catalog/catalog.js';
import prebuilt from '../../functions/catalog/data/search-index.json' with { type: 'json' };
import { loadInformation, searchIndexText } from '../../functions/catalog/national-import.js';
import { resolveAgency } from '../../functions/catalog/policy.js';
import { publishedCatalog } from '../../functions/catalog/procedures.js';
import { publishedForms } from '../../functions/catalog/published-forms.js';
import { fold, indexTerms } from '../../functions/catalog/search-text.js';
import { allAgencies, channels, findAgency } from '../../functions/registry/agencies.js';
import { type ProcedureQuery, procedureQuery } from '../../schemas/procedure.js';
import { generatedCatalog, generatedProcedure } from '../support/generated-catalog.js';

const query = (q: Partial<Record<keyof ProcedureQuery, string>>) => procedureQuery.parse(q);
const codes = (c: Catalog, q: Partial<Record<keyof ProcedureQuery, string>>) =>
  c.searchProcedures(query(q)).items.map((i) => i.code);
const top = (q: string) => codes(catalog, { q })[0];

describe('Vietnamese folding', () => {
  it('ignores tone marks, case, Unicode form and đ', () => {
    const nfd = 'Đổi GIẤY phép lái xe'.normalize('NFD');
    expect(fold(nfd)).toBe('doi giay phep lai xe');
    expect(fold('ĐĂNG KÝ')).toBe('dang ky');
  });

  it('indexes abbreviations beside their phrases, both ways', () => {
    expect(indexTerms('Thẻ BHYT')).toEqual(expect.arrayContaining(['bhyt', 'bao', 'hiem', 'y', 'te']));
    expect(indexTerms('thẻ bảo hiểm y tế')).toContain('bhyt');
    expect(indexTerms('Giấy chứng nhận xuất xứ (C/O)')).toContain('c/o');
  });
});

describe('procedure search on the seed catalog', () => {
  it.each([
    ['đổi giấy phép lái xe', '1.002804'],
    ['doi giay phep lai xe', '1.002804'],
    ['DOI GIAY PHEP LAI XE', '1.002804'],
    ['Đổi giấy phép lái xe'.normalize('NFD'), '1.002804'],
    ['đổi GPLX', '1.002804'],
    ['gplx quoc te', '1.002809'],
    ['the bao hiem y te bi mat', '1.002758'],
    ['cấp lại thẻ BHYT', '1.002758'],
    ['C/O', '9.000281'],
    ['xuat xu hang hoa', '9.000281'],
    ['cap dien ha ap', '2.002183'],
    ['cấp điện trung áp', '9.002184'],
    ['thanh toan tien dien', '2.002190'],
    ['nộp thuế điện tử', '1.007370'],
    ['thông báo khuyến mãi', '2.000033'],
    ['dang ki ho kinh doanh', '1.001612'],
    ['HKD', '1.001612'],
    ['giấy phép xây dựng nhà ở', '1.009993'],
    ['GPXD', '1.009993'],
    ['khai tu', '1.000656'],
    ['khai sinh thuong tru bhyt', '2.000986'],
  ])('%s → %s first', (q, code) => {
    expect(top(q)).toBe(code);
  });

  it('forgives a one-letter typo and completes the word being typed', () => {
    expect(top('giay phep xay dumg')).toBe('1.009993');
    expect(top('dang ky khai tu')).toBe('1.000656');
    expect(top('cấp giấy phép lái xe quốc t')).toBe('1.002809');
  });

  it('finds nothing for words the catalog does not hold, and lists all without a query', () => {
    expect(codes(catalog, { q: 'zzzzqqq' })).toEqual([]);
    expect(catalog.searchProcedures(query({ limit: '100' })).items).toHaveLength(catalog.size);
  });

  it('says which terms matched where, with offsets into the name', () => {
    const [hit] = catalog.searchProcedures(query({ q: 'doi giay phep' })).items;
    const name = hit!.highlights!.find((h) => h.field === 'name')!;
    expect(name.terms).toEqual(expect.arrayContaining(['doi', 'giay', 'phep']));
    expect(name.ranges!.map(([s, e]) => hit!.name.slice(s, e))).toEqual(['Đổi', 'giấy', 'phép']);
  });
});

describe('ranking and filters', () => {
  const base = generatedProcedure(1);
  const variant = (code: string, where: 'name' | 'keywords' | 'field' | 'documents') => ({
    ...base,
    code,
    name: where === 'name' ? 'Cấp giấy xorbit mẫu' : 'Cấp giấy khác mẫu',
    keywords: where === 'keywords' ? ['xorbit'] : ['khác'],
    field: where === 'field' ? 'Lĩnh vực xorbit' : 'Lĩnh vực khác',
    documents: [{ ...base.documents[0]!, name: where === 'documents' ? 'Tờ khai xorbit' : 'Tờ khai khác' }],
  });
  let small: Catalog;
  beforeAll(() => {
    small = Catalog.fromData({
      catalogVersion: 1,
      publishedAt: '2025-07-01T00:00:00.000Z',
      procedures: [
        variant('4.000004', 'documents'),
        variant('4.000003', 'field'),
        variant('4.000001', 'name'),
        variant('4.000002', 'keywords'),
      ],
      faq: [],
    });
  });

  it('ranks a match in the name above keywords, field, then documents', () => {
    expect(codes(small, { q: 'xorbit' })).toEqual(['4.000001', '4.000002', '4.000003', '4.000004']);
  });

  it('filters by level, fully online, field, agency and province', () => {
    expect(codes(catalog, { level: 'ministry' })).toEqual(['9.000281']);
    expect(codes(catalog, { level: 'mot_phan' })).toEqual(['1.009993']);
    expect(codes(catalog, { fullyOnline: 'true', limit: '100' })).not.toContain('1.009993');
    expect(codes(catalog, { field: 'ho tich' })).toEqual(['1.000656', '1.001193', '2.000986']);
    expect(codes(catalog, { q: 'dien', agency: 'EVNHANOI' })).toEqual(
      expect.arrayContaining(['2.002183', '9.002184', '2.002190']),
    );
    expect(codes(catalog, { agency: 'CAHN' })).toEqual(['1.002804', '1.002809', '1.004222']);
    // The Hanoi social security office handles the card reissue; another province's applicant cannot.
    expect(codes(catalog, { province: '79', limit: '100' })).not.toContain('1.002758');
    expect(codes(catalog, { province: '01', limit: '100' })).toContain('1.002758');
    expect(codes(catalog, { agency: 'NOBODY' })).toEqual([]);
  });

  it('pages with an opaque cursor bound to its query', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = catalog.searchProcedures(
        query({ q: 'dang ky', limit: '2', ...(cursor ? { cursor } : {}) }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.code));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(codes(catalog, { q: 'dang ky', limit: '100' }));
    expect(new Set(seen).size).toBe(seen.length);
    const first = catalog.searchProcedures(query({ q: 'dang ky', limit: '2' }));
    expect(() => catalog.searchProcedures(query({ q: 'khai sinh', cursor: first.nextCursor! }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => catalog.searchProcedures(query({ cursor: 'not-a-cursor' }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});

describe('FAQ', () => {
  it('searches questions and answers the same way and filters by procedure', () => {
    const ids = (q: Record<string, string>) =>
      catalog.searchFaq({ limit: 20, ...q } as never).items.map((f) => f.id);
    expect(ids({ q: 'mat the bao hiem y te' })[0]).toBe('bhyt-mat-the');
    expect(ids({ q: 'CCCD' })).toEqual(expect.arrayContaining(['bhyt-mat-the', 'tai-khoan-dinh-danh']));
    expect(ids({ procedure: '1.002804' })).toEqual(['gplx-doi-truc-tuyen']);
    expect(ids({ q: 'le phi', procedure: '1.001612' })).toEqual(['hkd-le-phi']);
  });
});

describe('the published catalog', () => {
  it('holds every required procedure, valid, with its prebuilt index up to date', () => {
    for (const code of ['1.002804', '1.002809', '2.000033', '2.000002', '1.002758', '2.002183', '9.002184']) {
      expect(catalog.findProcedure(code), code).toBeDefined();
    }
    expect(catalog.findProcedure('2.000033')!.multiDestination).toBe(true);
    expect(catalog.findProcedure('2.000986')!.bundle).toEqual(['1.001193', '1.004222', '1.011723']);
    expect(findProcedureVersion('1.002804', 1)?.version).toBe(1);
    // The prebuilt index covers the curated procedures and the imported information entries.
    expect(prebuilt).toEqual(
      JSON.parse(searchIndexText(publishedCatalog, loadInformation('functions/catalog/data'))),
    );
  }, 30_000);

  it('publishes every form exactly as its zod schema generates it, one file per form, served as written', () => {
    const dir = 'functions/catalog/data/forms';
    const generated = publishedForms();
    const files = readdirSync(dir).sort();
    // `npm run catalog:import -- --reindex` rewrites them after a change of a form.
    expect(files).toEqual(
      Object.keys(generated)
        .map((id) => `${id}.json`)
        .sort(),
    );
    for (const [id, schema] of Object.entries(generated))
      expect(JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')), id).toEqual(schema);
    // The catalog function answers with the written file: a changed file shows in its answer.
    const written = { ...generated.driving_licence_exchange, title: 'as written' };
    const served = Catalog.fromData(publishedCatalog, undefined, {
      trusted: true,
      publishedForm: (formId) => (formId === 'driving_licence_exchange' ? written : undefined),
    });
    expect(served.procedureToView(served.findProcedure('1.002804')!).form.title).toBe('as written');
    expect(served.procedureToView(served.findProcedure('1.002758')!).form).toEqual(
      generated[served.findProcedure('1.002758')!.formId],
    );
  });

  it('resolves the handling agency by rule, and keeps fixed agencies', () => {
    const p = (code: string) => catalog.findProcedure(code)!;
    expect(resolveAgency(p('1.002804'))?.id).toBe('cahn');
    expect(resolveAgency(p('1.002809'), { provinceCode: '01' })?.id).toBe('cahn');
    expect(resolveAgency(p('1.002809'), { provinceCode: '48' })?.id).toBe('ca-48');
    expect(resolveAgency(p('2.000033'), { provinceCode: '79' })?.name).toBe(
      'Sở Công Thương thành phố Hồ Chí Minh',
    );
    expect(resolveAgency(p('2.002183'), { provinceCode: '01' })?.id).toBe('evnhanoi');
    expect(resolveAgency(p('1.009993'), { provinceCode: '01', communeCode: '00070' })?.id).toBe('xa-00070');
    expect(resolveAgency(p('1.009993'), { provinceCode: '01', communeCode: '99999' })?.id).toBe('ttpvhcc-01');
    expect(resolveAgency(p('1.009993'), { provinceCode: '79', communeCode: '00070' })?.id).toBe('ttpvhcc-79');
    expect(resolveAgency(p('1.009993'), {})).toBeUndefined();
    expect(resolveAgency(p('1.009993'), { provinceCode: '63' })).toBeUndefined();
  });

  it('has 34 provinces with their departments on few channels, unique codes and known parents', () => {
    const agencies = allAgencies();
    expect(agencies.filter((a) => a.kind === 'ubnd' && a.level === 'province')).toHaveLength(34);
    expect(new Set(agencies.map((a) => a.code)).size).toBe(agencies.length);
    for (const a of agencies) if (a.parentId) expect(findAgency(a.parentId), a.id).toBeDefined();
    expect(channels.length).toBeLessThanOrEqual(45);
    for (const a of agencies) expect(a.code).toMatch(/^[A-Z0-9.]{2,24}$/);
  });
});

describe('a national-scale catalog', () => {
  it('loads 7,000 procedures and finds them by name, filter and page', () => {
    const big = Catalog.fromData(generatedCatalog(7000));
    expect(big.size).toBe(7000);
    const first = codes(big, { q: 'gia han giay phep moi truong cho doanh nghiep' });
    expect(big.findProcedure(first[0]!)!.name).toMatch(/^Gia hạn giấy phép môi trường cho doanh nghiệp/);
    const all = big.searchProcedures(query({ q: 'chung chi hanh nghe duoc', limit: '100' }));
    expect(all.items.length).toBe(100);
    expect(all.nextCursor).not.toBeNull();
    for (const i of all.items) expect(i.name).toMatch(/chứng chỉ hành nghề dược/);
    const online = big.searchProcedures(
      query({ q: 'giay phep', fullyOnline: 'true', level: 'ministry', limit: '50' }),
    );
    for (const i of online.items) expect([i.level, i.authorityLevel]).toEqual(['toan_trinh', 'ministry']);
    const reloaded = Catalog.fromData(generatedCatalog(7000), big.serializedIndex());
    expect(codes(reloaded, { q: 'thu hoi giay phep lao dong' })).toEqual(
      codes(big, { q: 'thu hoi giay phep lao dong' }),
    );
  });
});
