/**
 * Forms for licences, permits and utility services: driving licences, house construction, electricity.
 * Apart from the form machinery so each family of forms reads on its own.
 */
import * as z from 'zod';
import { applicant, delivery, licence, place } from './form-groups.js';
import { defineForm, fields } from './form-rules.js';
import { address, choice, country, label, mobile, money, provinceCode, text } from './form-values.js';

export const permitForms = {
  driving_licence_exchange: () =>
    defineForm(
      applicant,
      licence,
      fields({
        reason: choice(
          {
            expired: { vi: 'Hết hạn', en: 'Expired' },
            damaged: { vi: 'Bị hỏng', en: 'Damaged' },
            information_changed: { vi: 'Thay đổi thông tin', en: 'Details changed' },
            old_format: { vi: 'Đổi giấy phép mẫu cũ', en: 'Old-format licence' },
          },
          label(
            'Lý do đổi',
            'Reason for the exchange',
            'Vì sao đổi giấy phép.',
            'Why the licence is exchanged.',
          ),
        ),
      }),
      delivery,
    ),
  international_driving_permit: () =>
    defineForm(
      applicant,
      licence,
      fields({
        destinationCountry: country(
          label(
            'Nước sẽ đến',
            'Destination country',
            'Mã quốc gia ISO 3166-1 hai chữ cái, ví dụ JP (Nhật Bản).',
            'ISO 3166-1 two-letter country code, e.g. JP (Japan).',
          ),
        ),
      }),
      delivery,
    ),
  construction_permit_house: () =>
    defineForm(
      applicant,
      place,
      fields({
        siteAddress: address(
          label('Địa chỉ công trình', 'Site address', 'Nơi xây dựng nhà ở.', 'Where the house is built.'),
        ),
        landCertificateNumber: text(
          4,
          40,
          label(
            'Số giấy chứng nhận quyền sử dụng đất',
            'Land-use certificate number',
            'Như trên giấy chứng nhận.',
            'As on the certificate.',
          ),
        ),
        floors: z
          .number()
          .int()
          .min(1)
          .max(15)
          .meta(label('Số tầng', 'Floors', 'Từ 1 đến 15.', 'From 1 to 15.')),
        grossFloorAreaM2: z
          .number()
          .positive()
          .max(20_000)
          .meta(
            label(
              'Tổng diện tích sàn (m²)',
              'Gross floor area (m²)',
              'Lớn hơn 0, tối đa 20.000 m².',
              'More than 0, at most 20,000 m².',
            ),
          ),
      }),
    ),
  power_connection: () =>
    defineForm(
      applicant,
      fields({
        provinceCode: provinceCode(),
        siteAddress: address(
          label('Địa chỉ nơi sử dụng điện', 'Site address', 'Nơi cần cấp điện.', 'Where power is needed.'),
        ),
        purpose: choice(
          {
            household: { vi: 'Sinh hoạt', en: 'Household use' },
            business: { vi: 'Kinh doanh, dịch vụ', en: 'Business' },
            production: { vi: 'Sản xuất', en: 'Production' },
            public_service: { vi: 'Hành chính sự nghiệp', en: 'Public service' },
          },
          label('Mục đích sử dụng điện', 'Purpose', 'Quyết định biểu giá điện.', 'Decides the tariff.'),
        ),
        capacityKw: z
          .number()
          .positive()
          .max(100_000)
          .meta(
            label(
              'Công suất đăng ký (kW)',
              'Requested capacity (kW)',
              'Lớn hơn 0, tối đa 100.000 kW.',
              'More than 0, at most 100,000 kW.',
            ),
          ),
      }),
    ),
  electricity_bill_payment: () =>
    defineForm(
      fields({
        customerCode: z
          .string()
          .regex(/^P[A-Z0-9]{12}$/, 'mã khách hàng điện (13 ký tự) / EVN customer code')
          .meta(
            label(
              'Mã khách hàng',
              'Customer code',
              'Mã khách hàng điện 13 ký tự, in trên hóa đơn (PA…).',
              'The 13-character EVN customer code on the bill (PA…).',
            ),
          ),
        provinceCode: provinceCode(),
        billingPeriod: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM')
          .meta(
            label('Kỳ hóa đơn', 'Billing period', 'Tháng của hóa đơn, YYYY-MM.', 'The bill month, YYYY-MM.'),
          ),
        amount: money(
          label('Số tiền', 'Amount', 'Đồng Việt Nam, lớn hơn 0.', 'Vietnamese đồng, more than 0.'),
        ).positive(),
        phone: mobile(
          label(
            'Số điện thoại di động',
            'Mobile phone number',
            'Không bắt buộc; nếu khai, biên nhận thanh toán được gửi bằng SMS tới số này.',
            'Optional; when given, the payment receipt is sent to it by SMS.',
          ),
        ).optional(),
      }),
    ),
} satisfies Record<string, () => z.ZodType<Record<string, unknown>>>;
