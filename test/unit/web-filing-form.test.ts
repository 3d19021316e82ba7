import { describe, expect, it } from 'vitest';
import {
  fieldsOf,
  fold,
  initialValues,
  nameFirst,
  readDay,
  remoteHref,
  toSubmission,
  withoutStoredFormat,
} from '../../web/src/filing/form.js';

const schema = {
  properties: {
    fullName: { type: 'string', title: 'Họ, chữ đệm và tên', 'x-title-en': 'Full name', maxLength: 100 },
    dateOfBirth: { type: 'string', format: 'date', title: 'Ngày sinh' },
    citizenId: { type: 'string', pattern: '^\\d{12}$', title: 'Số định danh cá nhân' },
    reason: {
      type: 'string',
      enum: ['lost', 'damaged'],
      title: 'Lý do',
      oneOf: [
        { const: 'lost', title: 'Bị mất', 'x-title-en': 'Lost' },
        { const: 'damaged', title: 'Bị hỏng' },
      ],
    },
    informationChanged: { type: 'boolean', title: 'Thay đổi thông tin' },
    provinceCodes: { type: 'array', items: { type: 'string' }, title: 'Tỉnh' },
    copies: { type: 'integer', title: 'Số bản' },
  },
  required: ['fullName', 'reason'],
};

describe('the filing page reads a published form', () => {
  const fields = fieldsOf(schema);

  it('draws each field by its type with its Vietnamese title and options', () => {
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['fullName', 'text', true],
      ['dateOfBirth', 'date', false],
      ['citizenId', 'text', false],
      ['reason', 'select', true],
      ['informationChanged', 'boolean', false],
      ['provinceCodes', 'list', false],
      ['copies', 'number', false],
    ]);
    expect(fields[0]).toMatchObject({
      title: 'Họ, chữ đệm và tên',
      titleEn: 'Full name',
      autocomplete: 'name',
    });
    expect(fields[2]!.numeric).toBe(true);
    expect(fields[0]!.numeric).toBe(false);
    expect(fields[3]!.options).toEqual([
      { value: 'lost', title: 'Bị mất', titleEn: 'Lost' },
      { value: 'damaged', title: 'Bị hỏng', titleEn: undefined },
    ]);
  });

  it('starts from the prefilled values and sends typed values, leaving empty optional fields out', () => {
    const values = initialValues(fields, { fullName: 'Nguyễn Văn An' });
    expect(values.fullName).toBe('Nguyễn Văn An');
    expect(values.informationChanged).toBe('false');
    expect(
      toSubmission(fields, {
        ...values,
        reason: 'lost',
        provinceCodes: '01, 79',
        copies: '2',
        citizenId: '  ',
      }),
    ).toEqual({
      fullName: 'Nguyễn Văn An',
      reason: 'lost',
      informationChanged: false,
      provinceCodes: ['01', '79'],
      copies: 2,
    });
  });
});

describe('province and commune pickers', () => {
  const place = fieldsOf({
    properties: {
      provinceCode: {
        type: 'string',
        enum: ['79', '01', '92'],
        title: 'Tỉnh, thành phố',
        oneOf: [
          { const: '79', title: 'Thành phố Hồ Chí Minh' },
          { const: '01', title: 'Thành phố Hà Nội' },
          { const: '92', title: 'Thành phố Cần Thơ' },
        ],
      },
      communeCode: {
        type: 'string',
        title: 'Xã, phường, đặc khu',
        'x-options': { href: '/v1/provinces/{provinceCode}/communes', valueKey: 'code', labelKey: 'name' },
      },
    },
  });

  it('knows the commune list depends on the province, and lists provinces by name', () => {
    const [province, commune] = place;
    expect(commune).toMatchObject({
      kind: 'remote',
      remote: { dependsOn: ['provinceCode'], valueKey: 'code' },
    });
    expect(province!.options!.map((o) => o.title)).toEqual([
      'Cần Thơ (thành phố)',
      'Hà Nội (thành phố)',
      'Hồ Chí Minh (thành phố)',
    ]);
  });

  it('asks for the communes only once a province is chosen', () => {
    const commune = place[1]!;
    expect(remoteHref(commune, { provinceCode: '' })).toBeUndefined();
    expect(remoteHref(commune, { provinceCode: '01' })).toBe('/v1/provinces/01/communes');
  });

  it('finds names with or without tone marks', () => {
    expect(fold('Phường Đống Đa')).toBe('phuong dong da');
    expect(fold('Hoàn Kiếm (phường)').includes(fold('hoan kiem'))).toBe(true);
    expect(nameFirst('Đặc khu Phú Quốc')).toBe('Phú Quốc (đặc khu)');
    expect(nameFirst('Ha Noi City')).toBe('Ha Noi City');
  });

  it("reads a day typed day first, as people write it here, into the form's YYYY-MM-DD", () => {
    expect(readDay('01/05/1990')).toBe('1990-05-01');
    expect(readDay('1/5/1990')).toBe('1990-05-01');
    expect(readDay(' 22.11.2000 ')).toBe('2000-11-22');
    expect(readDay('22-11-2000')).toBe('2000-11-22');
    expect(readDay('22112000')).toBe('2000-11-22');
    // As the form keeps it (a pasted value, a saved draft).
    expect(readDay('2000-11-22')).toBe('2000-11-22');
    // No such day, or not a day at all.
    expect(readDay('31/02/1990')).toBeUndefined();
    expect(readDay('29/02/2023')).toBeUndefined();
    expect(readDay('29/02/2024')).toBe('2024-02-29');
    expect(readDay('13/13/2000')).toBeUndefined();
    expect(readDay('05/1990')).toBeUndefined();
    expect(readDay('1/5/90')).toBeUndefined();
    expect(readDay('')).toBeUndefined();
  });

  it('describes a date without the format the form stores it in', () => {
    expect(withoutStoredFormat('Của người nộp hồ sơ (YYYY-MM-DD).')).toBe('Của người nộp hồ sơ');
    expect(withoutStoredFormat('YYYY-MM-DD.')).toBe('');
    expect(withoutStoredFormat(undefined)).toBe('');
    // A description that starts with the format keeps the rest as a sentence, not ": , không sau …".
    expect(withoutStoredFormat('YYYY-MM-DD, không sau ngày hôm nay.')).toBe('Không sau ngày hôm nay.');
    expect(withoutStoredFormat('YYYY-MM-DD, not before the start date.')).toBe('Not before the start date.');
    expect(withoutStoredFormat('Ngày cấp (YYYY-MM-DD), không sau ngày hôm nay.')).toBe(
      'Ngày cấp, không sau ngày hôm nay.',
    );
  });
});
