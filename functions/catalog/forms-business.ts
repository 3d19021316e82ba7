/**
 * Forms an enterprise or household business files: trade promotions, certificates of origin, tax
 * payments and registration. Apart from the form machinery so each family of forms reads on its own.
 */
import * as z from 'zod';
import { applicant, enterprise, period, place, promotion } from './form-groups.js';
import { defineForm, fields } from './form-rules.js';
import { address, choice, country, label, money, provinceCode, text } from './form-values.js';

export const businessForms = {
  promotion_notice: () =>
    defineForm(
      enterprise,
      promotion,
      fields({
        form: choice(
          {
            samples: { vi: 'Đưa hàng mẫu, dịch vụ mẫu', en: 'Free samples' },
            gifts: { vi: 'Tặng hàng hóa, dịch vụ', en: 'Gifts' },
            discount: { vi: 'Giảm giá', en: 'Discounts' },
            vouchers: { vi: 'Phiếu mua hàng, phiếu sử dụng dịch vụ', en: 'Vouchers' },
            loyalty: { vi: 'Chương trình khách hàng thường xuyên', en: 'Loyalty programme' },
            other: { vi: 'Hình thức khác', en: 'Other' },
          },
          label(
            'Hình thức khuyến mại',
            'Kind of promotion',
            'Theo Luật Thương mại.',
            'As the Commercial Law names them.',
          ),
        ),
      }),
      period,
      fields({
        provinceCodes: z
          .array(provinceCode())
          .min(1)
          .max(34)
          .meta(
            label(
              'Các tỉnh, thành phố thực hiện',
              'Provinces where it runs',
              'Mỗi tỉnh nhận một hồ sơ thông báo.',
              'Each province receives its own notice.',
            ),
          ),
      }),
    ),
  promotion_registration: () =>
    defineForm(
      enterprise,
      promotion,
      fields({
        prizeValue: money(
          label(
            'Tổng giá trị giải thưởng',
            'Total prize value',
            'Đồng Việt Nam, số nguyên.',
            'Vietnamese đồng, a whole number.',
          ),
        ),
      }),
      period,
      fields({ provinceCode: provinceCode() }),
    ),
  certificate_of_origin: () =>
    defineForm(
      enterprise,
      fields({
        coForm: choice(
          {
            B: { vi: 'Mẫu B (không ưu đãi)', en: 'Form B (non-preferential)' },
            D: { vi: 'Mẫu D (ATIGA)', en: 'Form D (ATIGA)' },
            E: { vi: 'Mẫu E (ASEAN – Trung Quốc)', en: 'Form E (ASEAN–China)' },
            AK: { vi: 'Mẫu AK (ASEAN – Hàn Quốc)', en: 'Form AK (ASEAN–Korea)' },
            AJ: { vi: 'Mẫu AJ (ASEAN – Nhật Bản)', en: 'Form AJ (ASEAN–Japan)' },
            AI: { vi: 'Mẫu AI (ASEAN – Ấn Độ)', en: 'Form AI (ASEAN–India)' },
            AANZ: {
              vi: 'Mẫu AANZ (ASEAN – Úc – New Zealand)',
              en: 'Form AANZ (ASEAN–Australia–New Zealand)',
            },
            VJ: { vi: 'Mẫu VJ (Việt Nam – Nhật Bản)', en: 'Form VJ (Viet Nam–Japan)' },
            VK: { vi: 'Mẫu VK (Việt Nam – Hàn Quốc)', en: 'Form VK (Viet Nam–Korea)' },
            VC: { vi: 'Mẫu VC (Việt Nam – Chile)', en: 'Form VC (Viet Nam–Chile)' },
            'EUR.1': { vi: 'Mẫu EUR.1', en: 'Form EUR.1' },
            CPTPP: { vi: 'Mẫu CPTPP', en: 'Form CPTPP' },
            EVFTA: { vi: 'Mẫu EVFTA', en: 'Form EVFTA' },
            UKVFTA: { vi: 'Mẫu UKVFTA', en: 'Form UKVFTA' },
          },
          label(
            'Mẫu C/O',
            'C/O form',
            'Mẫu giấy chứng nhận xuất xứ theo hiệp định áp dụng.',
            'The certificate-of-origin form of the agreement that applies.',
          ),
        ),
        destinationCountry: country(
          label(
            'Nước nhập khẩu',
            'Importing country',
            'Mã quốc gia ISO 3166-1 hai chữ cái.',
            'ISO 3166-1 two-letter country code.',
          ),
        ),
        commercialInvoice: text(
          1,
          60,
          label(
            'Số hóa đơn thương mại',
            'Commercial invoice number',
            'Như trên hóa đơn.',
            'As on the invoice.',
          ),
        ),
        hsCodes: z
          .array(z.string().regex(/^\d{6,10}$/, 'mã HS 6–10 chữ số / 6 to 10-digit HS code'))
          .min(1)
          .max(50)
          .meta(
            label(
              'Mã HS của hàng hóa',
              'HS codes of the goods',
              'Mỗi mã 6 đến 10 chữ số.',
              'Each of 6 to 10 digits.',
            ),
          ),
      }),
    ),
  e_tax_payment: () =>
    defineForm(
      enterprise,
      fields({
        provinceCode: provinceCode(),
        taxType: choice(
          {
            vat: { vi: 'Thuế giá trị gia tăng', en: 'Value added tax' },
            cit: { vi: 'Thuế thu nhập doanh nghiệp', en: 'Corporate income tax' },
            pit_withheld: { vi: 'Thuế thu nhập cá nhân khấu trừ', en: 'Personal income tax withheld' },
            licence_fee: { vi: 'Lệ phí môn bài', en: 'Business licence fee' },
            other: { vi: 'Khoản thu khác', en: 'Other' },
          },
          label('Loại thuế', 'Tax type', 'Khoản nộp.', 'What is paid.'),
        ),
        taxPeriod: z
          .string()
          .regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/, 'YYYY, YYYY-MM or YYYY-Qn')
          .meta(
            label(
              'Kỳ tính thuế',
              'Tax period',
              'Năm, tháng hoặc quý: YYYY, YYYY-MM, YYYY-Qn.',
              'Year, month or quarter: YYYY, YYYY-MM, YYYY-Qn.',
            ),
          ),
        amount: money(
          label('Số tiền', 'Amount', 'Đồng Việt Nam, lớn hơn 0.', 'Vietnamese đồng, more than 0.'),
        ).positive(),
      }),
    ),
  household_business_registration: () =>
    defineForm(
      applicant,
      place,
      fields({
        businessName: text(
          2,
          200,
          label('Tên hộ kinh doanh', 'Business name', 'Tên dự kiến đăng ký.', 'The name to register.'),
        ),
        businessAddress: address(
          label(
            'Địa điểm kinh doanh',
            'Business address',
            'Nơi đặt trụ sở hộ kinh doanh.',
            'Where the household business is based.',
          ),
        ),
        businessLines: z
          .array(
            text(
              2,
              200,
              label('Ngành, nghề', 'Business line', 'Một ngành, nghề kinh doanh.', 'One line of business.'),
            ),
          )
          .min(1)
          .max(30)
          .meta(
            label(
              'Ngành, nghề kinh doanh',
              'Business lines',
              'Từ 1 đến 30 ngành, nghề.',
              'From 1 to 30 lines of business.',
            ),
          ),
        capital: money(
          label('Vốn kinh doanh', 'Capital', 'Đồng Việt Nam, số nguyên.', 'Vietnamese đồng, a whole number.'),
        ),
        employees: z
          .number()
          .int()
          .min(0)
          .max(10_000)
          .meta(label('Số lao động', 'Employees', 'Từ 0 đến 10.000.', 'From 0 to 10,000.')),
      }),
    ),
} satisfies Record<string, () => z.ZodType<Record<string, unknown>>>;
