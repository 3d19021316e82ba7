/**
 * Groups of fields that always travel together (who applies, the enterprise, a licence, delivery, the
 * place, a child, a period, a promotion), each with the rules between its fields. Apart from the forms
 * so a form reads as the list of its groups. Each is built the first time a form that has it is built.
 */
import * as z from 'zod';
import {
  childAfterApplicant,
  communeInProvince,
  endsAfterStart,
  type Group,
  group,
  postNeedsAddress,
  together,
} from './form-rules.js';
import {
  address,
  choice,
  citizenId,
  communeCode,
  isoDate,
  label,
  mobile,
  pastDate,
  personName,
  provinceCode,
  text,
} from './form-values.js';

/** Who applies: the same fields open every personal procedure's form. */
export const applicant = group(
  (): Group => ({
    fields: {
      fullName: personName(
        label(
          'Họ, chữ đệm và tên',
          'Full name',
          'Của người nộp hồ sơ, như trên thẻ căn cước.',
          "The applicant's, as on the identity card.",
        ),
      ),
      dateOfBirth: pastDate(
        label(
          'Ngày sinh',
          'Date of birth',
          'Của người nộp hồ sơ (YYYY-MM-DD).',
          "The applicant's (YYYY-MM-DD).",
        ),
      ),
      citizenId: citizenId(
        label(
          'Số định danh cá nhân',
          'Personal ID number',
          'Số căn cước (CCCD) 12 chữ số của người nộp hồ sơ.',
          "The applicant's 12-digit citizen identity (CCCD) number.",
        ),
      ),
      phone: mobile(
        label(
          'Số điện thoại di động',
          'Mobile phone number',
          'Thông báo về hồ sơ (tiếp nhận, yêu cầu bổ sung, kết quả) được gửi bằng SMS tới số này.',
          "The dossier's notices (receipt, requests to supplement, result) are sent to this number by SMS.",
        ),
      ),
    },
  }),
);

export const enterprise = group(
  (): Group => ({
    fields: {
      enterpriseName: text(
        2,
        200,
        label(
          'Tên doanh nghiệp',
          'Enterprise name',
          'Như trên giấy chứng nhận đăng ký doanh nghiệp.',
          'As on the enterprise registration certificate.',
        ),
      ),
      /** Enterprise tax code: 10 digits, or 10-3 for a branch. */
      taxCode: z
        .string()
        .regex(/^\d{10}(-\d{3})?$/, 'mã số thuế 10 hoặc 13 chữ số / tax code')
        .meta(
          label(
            'Mã số thuế',
            'Tax code',
            'Mã số doanh nghiệp 10 chữ số; chi nhánh thêm 3 chữ số (0101234567-001).',
            'The 10-digit enterprise code; a branch adds 3 digits (0101234567-001).',
          ),
        ),
      phone: mobile(
        label(
          'Số điện thoại di động người liên hệ',
          "Contact person's mobile number",
          'Thông báo về hồ sơ được gửi bằng SMS tới số di động này (không nhận số cố định).',
          "The dossier's notices are sent to this mobile number by SMS (landlines cannot receive them).",
        ),
      ),
    },
  }),
);

export const licence = group(
  (): Group => ({
    fields: {
      licenceNumber: z
        .string()
        .regex(/^\d{12}$/, 'số giấy phép lái xe gồm 12 chữ số / 12-digit licence number')
        .meta(
          label(
            'Số giấy phép lái xe',
            'Driving licence number',
            '12 chữ số, in trên giấy phép.',
            '12 digits, printed on the licence.',
          ),
        ),
      licenceClass: choice(
        {
          A1: { vi: 'A1 — mô tô đến 125 cm³', en: 'A1 — motorcycles up to 125 cc' },
          A: { vi: 'A — mô tô trên 125 cm³', en: 'A — motorcycles over 125 cc' },
          B1: { vi: 'B1 — mô tô ba bánh', en: 'B1 — three-wheeled motorcycles' },
          B: {
            vi: 'B — ô tô đến 8 chỗ, tải đến 3.500 kg',
            en: 'B — cars up to 8 seats, trucks up to 3,500 kg',
          },
          C1: { vi: 'C1 — ô tô tải 3.500–7.500 kg', en: 'C1 — trucks of 3,500–7,500 kg' },
          C: { vi: 'C — ô tô tải trên 7.500 kg', en: 'C — trucks over 7,500 kg' },
          D1: { vi: 'D1 — ô tô 9–16 chỗ', en: 'D1 — vehicles of 9–16 seats' },
          D2: { vi: 'D2 — ô tô 17–29 chỗ', en: 'D2 — vehicles of 17–29 seats' },
          D: { vi: 'D — ô tô trên 29 chỗ', en: 'D — vehicles over 29 seats' },
          BE: { vi: 'BE — hạng B kéo rơ moóc', en: 'BE — class B with a trailer' },
          C1E: { vi: 'C1E — hạng C1 kéo rơ moóc', en: 'C1E — class C1 with a trailer' },
          CE: { vi: 'CE — hạng C kéo rơ moóc', en: 'CE — class C with a trailer' },
          D1E: { vi: 'D1E — hạng D1 kéo rơ moóc', en: 'D1E — class D1 with a trailer' },
          D2E: { vi: 'D2E — hạng D2 kéo rơ moóc', en: 'D2E — class D2 with a trailer' },
          DE: { vi: 'DE — hạng D kéo rơ moóc', en: 'DE — class D with a trailer' },
        },
        label(
          'Hạng giấy phép',
          'Licence class',
          'Hạng ghi trên giấy phép lái xe.',
          'The class printed on the licence.',
        ),
      ),
    },
  }),
);

export const delivery = group(
  (): Group => ({
    fields: {
      deliveryMethod: choice(
        {
          post: { vi: 'Nhận qua bưu chính', en: 'By post' },
          at_desk: { vi: 'Nhận trực tiếp tại bộ phận một cửa', en: 'At the one-stop desk' },
        },
        label(
          'Cách nhận kết quả',
          'How to receive the result',
          'Qua bưu chính hoặc tại bộ phận một cửa.',
          'By post or at the one-stop desk.',
        ),
      ),
      deliveryAddress: address(
        label(
          'Địa chỉ nhận kết quả',
          'Delivery address',
          'Bắt buộc khi nhận qua bưu chính.',
          'Required for delivery by post.',
        ),
      ).optional(),
    },
    rules: [postNeedsAddress],
  }),
);

/** The province and commune that decide the handling agency (resolveAgency). */
export const place = group(
  (): Group => ({
    fields: { provinceCode: provinceCode(), communeCode },
    rules: [communeInProvince],
  }),
);

export const child = group(
  (): Group => ({
    fields: {
      childFullName: personName(
        label(
          'Họ, chữ đệm và tên của trẻ',
          "Child's full name",
          'Tên khai sinh của trẻ.',
          "The child's name as registered.",
        ),
      ),
      childDateOfBirth: pastDate(
        label('Ngày sinh của trẻ', "Child's date of birth", 'YYYY-MM-DD.', 'YYYY-MM-DD.'),
      ),
      childSex: choice(
        { male: { vi: 'Nam', en: 'Male' }, female: { vi: 'Nữ', en: 'Female' } },
        label('Giới tính của trẻ', "Child's sex", 'Nam hoặc nữ.', 'Male or female.'),
      ),
      placeOfBirth: text(
        2,
        200,
        label(
          'Nơi sinh',
          'Place of birth',
          'Cơ sở y tế hoặc địa chỉ nơi trẻ sinh ra.',
          'The health facility or address where the child was born.',
        ),
      ),
      motherCitizenId: citizenId(
        label(
          'Số định danh cá nhân của mẹ',
          "Mother's personal ID number",
          'Số căn cước 12 chữ số của mẹ.',
          "The mother's 12-digit identity number.",
        ),
      ),
      fatherCitizenId: citizenId(
        label(
          'Số định danh cá nhân của cha',
          "Father's personal ID number",
          'Khai khi xác định được cha; đi cùng họ tên của cha.',
          "When the father is known; goes with the father's name.",
        ),
      ).optional(),
      fatherFullName: personName(
        label(
          'Họ, chữ đệm và tên của cha',
          "Father's full name",
          'Khai cùng số định danh của cha.',
          "Given with the father's ID number.",
        ),
      ).optional(),
    },
    rules: [
      childAfterApplicant,
      ...together('fatherCitizenId', 'fatherFullName', { vi: 'thông tin người cha', en: "father's details" }),
    ],
  }),
);

export const period = group(
  (): Group => ({
    fields: {
      startDate: isoDate(label('Ngày bắt đầu', 'Start date', 'YYYY-MM-DD.', 'YYYY-MM-DD.')),
      endDate: isoDate(
        label(
          'Ngày kết thúc',
          'End date',
          'YYYY-MM-DD, không trước ngày bắt đầu.',
          'YYYY-MM-DD, not before the start date.',
        ),
      ),
    },
    rules: [endsAfterStart],
  }),
);

export const promotion = group(
  (): Group => ({
    fields: {
      programmeName: text(
        3,
        300,
        label(
          'Tên chương trình khuyến mại',
          'Promotion name',
          'Như sẽ công bố cho khách hàng.',
          'As it will be announced to customers.',
        ),
      ),
      goods: text(
        2,
        1000,
        label(
          'Hàng hóa, dịch vụ khuyến mại',
          'Goods and services promoted',
          'Liệt kê hàng hóa, dịch vụ được khuyến mại.',
          'The goods and services the promotion covers.',
        ),
      ),
    },
  }),
);
