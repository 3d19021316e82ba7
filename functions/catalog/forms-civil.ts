/**
 * Forms of civil status, residence and health insurance: a person's own life events (birth, residence,
 * death, health cards). Apart from the form machinery so each family of forms reads on its own.
 */
import * as z from 'zod';
import { applicant, child, place } from './form-groups.js';
import { defineForm, fields } from './form-rules.js';
import { address, choice, citizenId, label, pastDate, personName, text } from './form-values.js';

export const civilForms = {
  health_card_reissue: () =>
    defineForm(
      applicant,
      fields({
        insuranceNumber: z
          .string()
          .regex(/^\d{10}$/, 'mã số BHXH gồm 10 chữ số / 10-digit social insurance number')
          .meta(
            label(
              'Mã số bảo hiểm xã hội',
              'Social insurance number',
              '10 chữ số, in trên thẻ BHYT.',
              '10 digits, printed on the health insurance card.',
            ),
          ),
        reason: choice(
          { lost: { vi: 'Bị mất', en: 'Lost' }, damaged: { vi: 'Bị hỏng', en: 'Damaged' } },
          label(
            'Lý do cấp lại',
            'Reason for reissue',
            'Thẻ bị mất hay bị hỏng.',
            'Whether the card was lost or damaged.',
          ),
        ),
        informationChanged: z
          .boolean()
          .meta(
            label(
              'Có thay đổi thông tin',
              'Details changed',
              'Thông tin trên thẻ có cần sửa không.',
              'Whether the details on the card must change.',
            ),
          ),
      }),
    ),
  birth_registration: () => defineForm(applicant, child, place),
  permanent_residence: () =>
    defineForm(
      applicant,
      place,
      fields({
        residenceAddress: address(
          label(
            'Địa chỉ thường trú',
            'Permanent address',
            'Số nhà, đường, thôn, tổ dân phố.',
            'House number, street, village or quarter.',
          ),
        ),
        basis: choice(
          {
            owned_home: { vi: 'Nhà ở thuộc sở hữu của mình', en: 'A home the applicant owns' },
            rented_home: { vi: 'Nhà thuê, mượn, ở nhờ', en: 'A rented or borrowed home' },
            relative_home: { vi: 'Nhà của người thân', en: "A relative's home" },
            child_with_parent: { vi: 'Con về ở với cha, mẹ', en: 'A child joining a parent' },
          },
          label(
            'Căn cứ đăng ký thường trú',
            'Grounds for registration',
            'Theo Luật Cư trú.',
            'As the Law on Residence names them.',
          ),
        ),
      }),
    ),
  child_health_card: () => defineForm(applicant, child, place),
  birth_residence_health_bundle: () =>
    defineForm(
      applicant,
      child,
      place,
      fields({
        residenceAddress: address(
          label(
            'Địa chỉ thường trú của trẻ',
            "Child's permanent address",
            'Nơi đăng ký thường trú cho trẻ.',
            'Where the child is registered to live.',
          ),
        ),
      }),
    ),
  death_registration: () =>
    defineForm(
      applicant,
      place,
      fields({
        deceasedFullName: personName(
          label(
            'Họ, chữ đệm và tên người chết',
            'Full name of the deceased',
            'Như trên giấy tờ tùy thân.',
            'As on their identity papers.',
          ),
        ),
        deceasedCitizenId: citizenId(
          label(
            'Số định danh cá nhân của người chết',
            "Deceased's personal ID number",
            '12 chữ số.',
            '12 digits.',
          ),
        ),
        dateOfDeath: pastDate(
          label(
            'Ngày chết',
            'Date of death',
            'YYYY-MM-DD, không sau ngày hôm nay.',
            'YYYY-MM-DD, not after today.',
          ),
        ),
        placeOfDeath: text(
          2,
          200,
          label('Nơi chết', 'Place of death', 'Cơ sở y tế hoặc địa chỉ.', 'A health facility or an address.'),
        ),
        relationship: text(
          2,
          60,
          label(
            'Quan hệ với người chết',
            'Relationship to the deceased',
            'Ví dụ: con, vợ, chồng.',
            'For example: child, spouse.',
          ),
        ),
      }),
    ),
} satisfies Record<string, () => z.ZodType<Record<string, unknown>>>;
