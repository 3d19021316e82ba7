import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkSource,
  type NationalSource,
  parseChannels,
  parseDocuments,
  parseLegalBasis,
  parseLevels,
  parseNationalRecord,
  parseResults,
  splitTemplates,
} from '../../functions/catalog/national-record.js';

/** Real lines of the national procedure database (test/fixtures/national-sample.jsonl). */
const sample = new Map(
  readFileSync('test/fixtures/national-sample.jsonl', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as NationalSource)
    .map((r) => [r.code, r]),
);
const line = (code: string) => sample.get(code)!;

describe('authority levels', () => {
  it.each([
    ['Cấp bộ', ['ministry']],
    ['Cấp Bộ, Cấp Tỉnh, Cấp Xã', ['ministry', 'province', 'commune']],
    ['Cấp tỉnh, Cấp xã, Cơ quan khác', ['province', 'commune', 'other']],
    ['Cấp xã', ['commune']],
  ])('%s', (raw, tiers) => {
    expect(parseLevels(raw)).toMatchObject({ status: 'parsed', items: tiers, raw });
  });
  it('keeps an unknown level raw and an empty one empty', () => {
    expect(parseLevels('Cấp huyện')).toMatchObject({ status: 'raw', items: [], raw: 'Cấp huyện' });
    expect(parseLevels('')).toMatchObject({ status: 'empty', items: [] });
  });
});

describe('channels, time and fee per channel', () => {
  it('reads one channel with no fee information (post, 60 working days)', () => {
    const c = parseChannels(line('1.000178').channels!);
    expect(c.status).toBe('parsed');
    expect(c.items.map((x) => x.kind)).toEqual(['post', 'in_person']);
    expect(c.items[0]).toMatchObject({
      time: { value: 60, unit: 'working_day', workingDays: 60 },
      fee: { kind: 'none', vnd: null },
    });
    expect(c.items[0]!.description).toMatch(/^Thời hạn giải quyết khiếu nại lần đầu/);
  });

  it('reads two free channels and a bare number of days without inventing its unit', () => {
    const c = parseChannels(line('1.007664').channels!);
    expect(c.items).toEqual([
      expect.objectContaining({
        kind: 'online',
        time: { value: 1, unit: null, workingDays: null, raw: '1' },
        fee: { kind: 'free', vnd: 0, note: null, raw: 'Miễn phí' },
        description: null,
      }),
      expect.objectContaining({ kind: 'in_person', fee: expect.objectContaining({ kind: 'free' }) }),
    ]);
  });

  it('reads three channels with an amount in VND and its note', () => {
    const c = parseChannels(line('1.002528').channels!);
    expect(c.items.map((x) => x.kind)).toEqual(['online', 'post', 'in_person']);
    for (const ch of c.items)
      expect(ch).toMatchObject({
        time: { value: 10, unit: 'working_day', workingDays: 10 },
        fee: { kind: 'amount', vnd: 4_000_000, note: expect.stringMatching(/^áp dụng mức phí 2\.000\.000/) },
      });
    expect(c.raw).toMatch(/^Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến10 Ngày làm việc4,000,000/);
  });

  it('keeps hours as hours, and a number run into an amount as text', () => {
    const c = parseChannels(line('1.007857').channels!);
    expect(c.items[0]).toMatchObject({
      kind: 'online',
      time: null,
      fee: { kind: 'text', vnd: null, raw: expect.stringMatching(/^220 VNĐ\(lệ phí hải quan/) },
    });
    expect(c.items[1]).toMatchObject({
      kind: 'in_person',
      time: { value: 2, unit: 'hour', workingDays: null },
      fee: { kind: 'free', vnd: 0 },
    });
  });

  it('reads "Lệ phí : 50.000 Đồng" and calendar days', () => {
    const raw =
      'Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 NgàyLệ phí : 50.000 ĐồngNộp tại bộ phận một cửa';
    expect(parseChannels(raw).items[0]).toMatchObject({
      time: { value: 5, unit: 'day', workingDays: null },
      fee: { kind: 'amount', vnd: 50_000 },
      description: 'Nộp tại bộ phận một cửa',
    });
  });

  it('keeps a channel table it cannot split raw, and no table empty', () => {
    const raw =
      'Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phí';
    expect(parseChannels(raw)).toMatchObject({ status: 'raw', items: [], raw });
    expect(parseChannels(line('1.013124').channels!)).toMatchObject({ status: 'empty' });
  });
});

describe('documents', () => {
  it('reads names, copies and template file names', () => {
    const d = parseDocuments(line('1.000823').documents!);
    expect(d.status).toBe('parsed');
    expect(d.items).toHaveLength(3);
    expect(d.items[0]).toMatchObject({
      name: expect.stringMatching(/^Đơn đề nghị chuyển đổi Giấy phép theo Mẫu số 08 .* 27\/12\/2021$/),
      templates: ['Mus08.docx'],
      copies: { originals: 1, copies: null, raw: '1 bản chính' },
    });
    expect(d.items[1]!.templates).toEqual(['Mus09.docx']);
    expect(d.items[2]!.templates).toEqual([]);
  });

  it('reads originals and copies, and the heading of the group', () => {
    const d = parseDocuments(line('1.007664').documents!);
    expect(d.items[0]).toMatchObject({
      group: 'Ngoài hồ sơ miễn thuế nêu trên, tùy từng trường hợp người nộp thuế phải nộp thêm',
      copies: { originals: 0, copies: 1, raw: '0 bản chính,1 bản sao' },
    });
  });

  it('reads "Bản sao: 1" counts', () => {
    const raw =
      'Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký khai sinhTK1.docxBản chính: 1Giấy chứng sinhBản sao: 1';
    const d = parseDocuments(raw);
    expect(d.items).toEqual([
      expect.objectContaining({
        name: 'Tờ khai đăng ký khai sinh',
        templates: ['TK1.docx'],
        copies: expect.objectContaining({ originals: 1 }),
      }),
      expect.objectContaining({
        name: 'Giấy chứng sinh',
        copies: expect.objectContaining({ originals: null, copies: 1 }),
      }),
    ]);
  });

  it('does not split a template name it cannot tell from the document name', () => {
    expect(splitTemplates('Đơn đề nghị cấp lại chứng chỉ đường bộvăn bản đề nghị.docx')).toEqual({
      name: 'Đơn đề nghị cấp lại chứng chỉ đường bộvăn bản đề nghị.docx',
      templates: [],
    });
  });
});

describe('results', () => {
  it('reads names with their result codes and stops before the page furniture', () => {
    const r = parseResults(line('1.000823').results!);
    expect(r.items).toEqual([
      { name: 'Giấy phép thu, chi ngoại tệ và các hoạt động ngoại hối khác', code: 'KQ.G19.000181' },
      { name: expect.stringMatching(/^Văn bản từ chối chuyển đổi Giấy phép/), code: 'G19-KQ0060102' },
    ]);
  });
  it('keeps a result without a code whole', () => {
    expect(parseResults(line('1.013124').results!).items).toEqual([
      { name: 'Quyết định phê duyệt kế hoạch ứng phó sự cố tràn dầu.', code: null },
    ]);
  });
});

describe('legal basis', () => {
  it('splits titles from numbers, even when the title repeats the number', () => {
    expect(parseLegalBasis(line('1.001458').legalBasis!).items).toEqual([
      { title: 'Luật 49/2019/QH14', number: '49/2019/QH14' },
      { title: 'Quyết định số 09/2023/QĐ-TTg', number: '09/2023/QĐ-TTg' },
    ]);
  });
  it('keeps "Không có thông tin" empty and an unsplittable list raw', () => {
    expect(parseLegalBasis('Không có thông tin')).toMatchObject({ status: 'empty', items: [] });
    // 1.003220: a number with a space inside it is no number the parse can vouch for.
    const raw =
      'Tên văn bản pháp lýMã văn bảnThông tư liên tịch 21/2008/TTLT- BQP-BLĐTBXH-BTC21/2008/TTLT- BQP-BLĐTBXH-BTC';
    expect(parseLegalBasis(raw)).toMatchObject({ status: 'raw', items: [] });
  });
});

describe('a whole record', () => {
  it('keeps every raw text and turns "Không có thông tin" into null', () => {
    const e = parseNationalRecord(line('1.001193'));
    expect(e).toMatchObject({
      code: '1.001193',
      name: 'Thủ tục đăng ký khai sinh',
      field: 'Hộ tịch',
      related: null,
    });
    expect(e.source.url).toMatch(/^https:\/\/dichvucong\.gov\.vn\//);
    expect(e.levels.items).toEqual(['commune']);
    for (const f of ['channels', 'documents', 'results', 'legalBasis'] as const)
      expect(e[f].raw).toBe(line('1.001193')[f]!.normalize('NFC').replace(/\s+/g, ' ').trim());
  });
  it('refuses lines without a code or name, or with a bad code', () => {
    expect(checkSource({ name: 'x' })).toEqual({ message: 'missing code' });
    expect(checkSource({ code: '1.00119', name: 'x' })).toEqual({ message: 'bad code format "1.00119"' });
    expect(checkSource({ code: '1.001193', name: '  ' })).toEqual({ message: 'missing name' });
    expect(checkSource([1])).toEqual({ message: 'not a JSON object' });
    expect(checkSource(line('1.001193'))).toMatchObject({ code: '1.001193' });
  });
});
