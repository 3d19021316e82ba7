import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../../functions/catalog/catalog.js';
import { SearchIndex } from '../../functions/catalog/search.js';
import { highlightRanges, indexTerms } from '../../functions/catalog/search-text.js';
import { procedureQuery } from '../../schemas/procedure.js';
import { evalSet, nationalIndex, relevance } from '../support/search-eval.js';

let national: SearchIndex;
const top = (q: string, n = 3) =>
  national
    .search(q)
    .slice(0, n)
    .map((h) => h.id);

beforeAll(() => {
  national = nationalIndex();
});

describe('relevance over the national procedure index', () => {
  it('answers the evaluation set: the acceptable procedure in the top 3 for at least 90% of queries', () => {
    const set = evalSet();
    expect(set.length).toBeGreaterThanOrEqual(100);
    const r = relevance(national, set);
    expect(r.top3, JSON.stringify(r.misses.slice(0, 20), null, 1)).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    ['sổ đỏ', ['1.012783', '1.013978', '1.012753', '1.012786']],
    ['bằng lái', ['3.000346', '3.000347', '3.000348']],
    ['giấy xác nhận độc thân', ['1.004873']],
    ['nhập hộ khẩu', ['1.004222']],
    ['passport', ['1.001456', '1.001471']],
    ['sao y ban chinh', ['2.000815']],
  ])('maps everyday words to the official vocabulary: %s', (q, accept) => {
    expect(top(q).some((id) => accept.includes(id))).toBe(true);
  });

  it('reads abbreviations both ways', () => {
    expect(top('hoàn thuế GTGT', 1)).toEqual(['1.007037']);
    expect(top('hoan thue gia tri gia tang', 1)).toEqual(['1.007037']);
    expect(['3.000489', '3.000490', '3.000492', '3.000493']).toContain(top('PCCC', 1)[0]);
    expect(top('thẩm định thiết kế phòng cháy chữa cháy', 1)).toEqual(['3.000489']);
    expect(top('tham dinh thiet ke pccc', 1)).toEqual(['3.000489']);
  });

  it('ignores tone marks, word order and spaces left out', () => {
    const first = top('đăng ký kết hôn', 1);
    expect(first).toEqual(['1.000894']);
    expect(top('dang ky ket hon', 1)).toEqual(first);
    expect(top('ket hon dang ky', 1)).toEqual(first);
    expect(top('dangky kethon', 1)).toEqual(first);
    expect(top('dangky tamtru', 1)).toEqual(['1.004194']);
  });

  it('puts the everyday procedure before its variants unless they are asked for', () => {
    expect(top('dang ky ket hon', 1)).toEqual(['1.000894']);
    expect(top('dang ky ket hon co yeu to nuoc ngoai', 1)).toEqual(['2.000806']);
    expect(top('cap lai giay phep lai xe', 1)).toEqual(['3.000348']);
  });

  it('tells words apart by their tone marks when they are written', () => {
    expect(indexTerms('Sổ đỏ')).toContain('sodo');
    expect(indexTerms('Bản vẽ sơ đồ vị trí')).not.toContain('sodo');
    expect(indexTerms('Cấp lại giấy phép')).toContain('caplai');
    expect(indexTerms('Cấp giấy phép lái xe')).not.toContain('caplai');
  });

  it('finds nothing for nonsense', () => {
    expect(national.search('xyzzy qwerty')).toEqual([]);
    expect(national.search('zzzzqqq')).toEqual([]);
  });

  it('answers a lone letter or filler words without failing', () => {
    expect(national.search('r')).toEqual([]);
    for (const q of ['a', 'thủ tục', 'ở đâu', 'cho']) expect(Array.isArray(national.search(q)), q).toBe(true);
  });
});

describe('typos', () => {
  const index = SearchIndex.build({ fields: ['name'], boost: { name: 1 } }, [
    { id: 'a', name: 'Đăng ký vaccination quốc tế' },
    { id: 'b', name: 'Cấp giấy phép karaoke' },
    { id: 'c', name: 'Khai báo tạm vắng' },
  ]);
  const ids = (q: string) => index.search(q).map((h) => h.id);

  it('forgives one typo from 4 letters, two from 8, none below 4', () => {
    expect(ids('karaoek')).toEqual(['b']); // two letters swapped: one edit
    expect(ids('vacinnation')).toEqual(['a']); // two edits in an 11-letter word
    expect(ids('karoek')).toEqual([]); // two edits in a 7-letter word
    expect(ids('vagn')).toEqual(['c']); // one edit in a 4-letter word
    expect(ids('vag')).toEqual([]); // no typo forgiven in 3 letters
  });

  it('forgives a typo inside a synonym phrase, and initial consonants accents confuse', () => {
    expect(top('ho chiue', 1)).toEqual([expect.stringMatching(/^1\.001(456|471)$/)]);
    expect(top('dang ky tam chu', 1)).toEqual(['1.004194']);
    expect(top('dang ky tam tru', 1)).toEqual(['1.004194']);
  });
});

describe('highlights through synonyms', () => {
  it('marks the phrase behind a synonym term, and its land-certificate sense in a land procedure', () => {
    const marked = (text: string, terms: string[]) =>
      highlightRanges(text, new Set(terms)).map(([s, e]) => text.slice(s, e));
    expect(marked('Cấp lại sổ đỏ', ['sodo'])).toEqual(['sổ', 'đỏ']);
    expect(marked('Bản vẽ sơ đồ', ['sodo'])).toEqual([]);
    expect(marked('Cấp lại Giấy chứng nhận do bị mất', ['sodo', 'mat'])).toEqual([
      'Giấy',
      'chứng',
      'nhận',
      'mất',
    ]);
  });

  it('marks the official words a colloquial query found', () => {
    const [hit] = catalog.searchProcedures(procedureQuery.parse({ q: 'đổi bằng lái' })).items;
    expect(hit!.code).toBe('1.002804');
    const name = hit!.highlights!.find((h) => h.field === 'name')!;
    expect(name.terms).toContain('gplx');
    expect(name.ranges!.map(([s, e]) => hit!.name.slice(s, e))).toEqual(['Đổi', 'giấy', 'phép', 'lái', 'xe']);
  });
});
