/**
 * The masker that stands between a petitioner's words and the public: identifiers, phones, e-mails,
 * tax codes and account numbers go, in whatever spelling; the Vietnamese text around them, and the
 * numbers that are not personal (codes, dates, amounts, legal references), stay exactly as written.
 */
import { describe, expect, it } from 'vitest';
import { MASK, maskPersonalData } from '../../functions/pii/personal-data-mask.js';

const FULL_WIDTH = (s: string) =>
  s.replace(/[0-9+.@a-z-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('masking personal data in published text', () => {
  it.each([
    ['CCCD số 001099012345 cấp ngày 01/01/2021', 'CCCD số [đã ẩn] cấp ngày 01/01/2021'],
    ['căn cước 001 099 012 345.', 'căn cước [đã ẩn].'],
    ['số định danh 001.099.012.345', 'số định danh [đã ẩn]'],
    ['mã 001-099-012-345 của tôi', 'mã [đã ẩn] của tôi'],
    ['CMND 123456789 do Công an Hà Nội cấp', 'CMND [đã ẩn] do Công an Hà Nội cấp'],
    ['chứng minh thư 123 456 789', 'chứng minh thư [đã ẩn]'],
  ])('citizen IDs, new and old: %s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it.each([
    '0912345678',
    '0912 345 678',
    '0912.345.678',
    '091-234-5678',
    '0912 - 345 - 678',
    '+84 912 345 678',
    '+84912345678',
    '84912345678',
    '(+84) 912-345-678',
    '+84 (0) 912 345 678',
    '(024) 3825 1234',
    '024.3825.1234',
    '02438251234',
    '04 3825 1234',
    '0912\u200b345\u200b678',
    '0912\u00a0345\u00a0678',
    '0912–345–678',
    FULL_WIDTH('0912345678'),
    FULL_WIDTH('+84 912.345.678'),
  ])('phones in any spelling: %s', (phone) => {
    const text = `Liên hệ anh Nam qua số ${phone} vào giờ hành chính.`;
    expect(maskPersonalData(text)).toBe('Liên hệ anh Nam qua số [đã ẩn] vào giờ hành chính.');
  });

  it.each([
    'nguyen.van.an@gmail.com',
    'NGUYEN_VAN-AN+pakn@mail.hanoi.gov.vn',
    'an1990@yahoo.com.vn',
    FULL_WIDTH('an@gmail.com'),
    'an [at] gmail.com',
    'an(at)gmail.com',
  ])('e-mail addresses: %s', (email) => {
    expect(maskPersonalData(`Gửi trả lời về ${email}, xin cảm ơn.`)).toBe(
      'Gửi trả lời về [đã ẩn], xin cảm ơn.',
    );
  });

  it.each([
    ['MST 0101234567', 'MST [đã ẩn]'],
    ['mã số thuế 0101234567-001', 'mã số thuế [đã ẩn]'],
    ['STK 19031234567890 tại Techcombank', 'STK [đã ẩn] tại Techcombank'],
    ['số tài khoản: 0011 0041 23456 Vietcombank', 'số tài khoản: [đã ẩn] Vietcombank'],
    // Short numbers are masked when the text says what they are.
    ['STK: 1234567', 'STK: [đã ẩn]'],
    ['SĐT 3825 1234', 'SĐT [đã ẩn]'],
    ['ĐT0912345678', 'ĐT[đã ẩn]'],
    ['Zalo: 912 345 678', 'Zalo: [đã ẩn]'],
    // Long numbers are masked whatever the text says.
    ['thẻ 4111 1111 1111 1111 hết hạn', 'thẻ [đã ẩn] hết hạn'],
    ['mã 12345678 ghi trên giấy', 'mã [đã ẩn] ghi trên giấy'],
  ])('tax codes and account numbers: %s', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it.each([
    'Hồ sơ 000.00.00.H01-260101-0001 nộp ngày 01/01/2026 chưa được giải quyết.',
    'Hồ sơ CAHN-261122-0001 và phản ánh PAKN-261120-0001 đã quá hạn.',
    'Thủ tục 1.001234 (mã đầy đủ 1.001234.000.00.00.H01) yêu cầu quá nhiều giấy tờ.',
    'Ngày 01.01.2026, ngày 2026-01-01, ngày 15-12-2025 và ngày 1/2/26 tôi đều đến bộ phận một cửa.',
    'Giai đoạn 2021-2025 và 2021 – 2025 có nhiều thay đổi.',
    'Lệ phí 1.500.000 đồng, phí 150.000.000 đồng, 15.000.000đ, 2.500.000 VNĐ, 1.234.567.890 đồng.',
    'Số tiền 15,000,000 VND; 50000 đồng; 12 triệu; 1,5 tỷ; 100.000₫.',
    'Phải nộp phí 150.000.000 mới được nhận kết quả.',
    'Theo Nghị định 42/2022/NĐ-CP và Quyết định số 19/2025/QĐ-TTg, Điều 12 khoản 3.',
    'Nhà số 1100 đường Láng, ngõ 34, mã bưu chính 100000, diện tích 120,5 m2.',
    'Gọi đường dây nóng 1900 1234 hoặc 1800 1096 (miễn phí).',
    'Lúc 08:30 có 3 người, 12 hộ gia đình, tỷ lệ 95,5%.',
    'Đường Láng ngập úng kéo dài sau mưa; đề nghị cơ quan có thẩm quyền xử lý.',
  ])('text and numbers that are not personal survive unchanged: %s', (text) => {
    expect(maskPersonalData(text)).toBe(text);
  });

  it('masks a phone that follows a date or a code without taking them with it', () => {
    expect(maskPersonalData('ngày 01-01-2026 0912345678')).toBe('ngày 01-01-2026 [đã ẩn]');
    expect(maskPersonalData('hồ sơ CAHN-261122-0001 0912 345 678')).toBe('hồ sơ CAHN-261122-0001 [đã ẩn]');
  });

  it('keeps the brackets that belong to the sentence', () => {
    expect(maskPersonalData('(SĐT 0912 345 678)')).toBe('(SĐT [đã ẩn])');
    expect(maskPersonalData('(0912 345 678, anh Nam)')).toBe('([đã ẩn], anh Nam)');
    expect(maskPersonalData('gọi (024) 3825 1234.')).toBe('gọi [đã ẩn].');
  });

  it('masks the names and addresses it is given, with or without tone marks, in any case', () => {
    const known = ['Nguyễn Văn An', 'Số 12 ngõ 34 phố Huế, phường Hai Bà Trưng, Hà Nội'];
    const text =
      'Tôi là NGUYỄN VĂN AN (nguyen  van an), ở số 12 ngõ 34 phố Huế, phản ánh về An Giang và Hà Nội.';
    expect(maskPersonalData(text, known)).toBe(
      `Tôi là ${MASK} (${MASK}), ở ${MASK}, phản ánh về An Giang và Hà Nội.`,
    );
    // Values too short to be a name on their own are not hunted for.
    expect(maskPersonalData('An toàn giao thông', ['An'])).toBe('An toàn giao thông');
  });

  it('returns NFC text, and masking twice changes nothing more', () => {
    const decomposed = 'Đường ngập úng, gọi 0912345678'.normalize('NFD');
    const once = maskPersonalData(decomposed);
    expect(once).toBe('Đường ngập úng, gọi [đã ẩn]'.normalize('NFC'));
    expect(maskPersonalData(once)).toBe(once);
  });

  it('leaves no run of nine or more digits, whatever separators surround them (generated)', () => {
    // A fixed-seed generator: the same cases every run.
    let seed = 20_261_206;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const separators = ['', ' ', '.', '-', ' - ', '\u00a0', '\u200b', '\u2013'];
    for (let i = 0; i < 500; i++) {
      const length = 9 + rand(8);
      const digits = Array.from({ length }, () => String(rand(10))).join('');
      let spelled = '';
      for (const [j, d] of [...digits].entries()) {
        spelled += d;
        if (j < length - 1 && rand(3) === 0) spelled += separators[rand(separators.length)];
      }
      if (rand(4) === 0) spelled = FULL_WIDTH(spelled);
      const masked = maskPersonalData(`Ông Bình, số ${spelled}, phường Láng Hạ.`);
      expect(masked, spelled).toBe('Ông Bình, số [đã ẩn], phường Láng Hạ.');
    }
  });
});
