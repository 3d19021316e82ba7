/**
 * The seed catalog: real national procedures with their documents, forms, fees and time limits as
 * published. Values taken from secondary sources are named in `illustrative` so the catalog team knows
 * what to confirm against the national database.
 */
import { z } from 'zod';
import type { authorityLevel, implementationLevel, requiredDocument } from '../../schemas/procedure.js';

export interface Procedure {
  code: string;
  name: string;
  nameEn: string;
  field: string;
  level: z.infer<typeof implementationLevel>;
  authorityLevel: z.infer<typeof authorityLevel>;
  /** The handling agency (registry id). */
  agencyId: string;
  documents: z.input<typeof requiredDocument>[];
  form: z.ZodObject;
  fee: number;
  processingDays: number;
  multiDestination: boolean;
  bundle: string[] | null;
  legalBasis: string[];
  version: number;
  effectiveFrom: string;
  illustrative: string[];
}

const SCAN_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
const MB = 1024 * 1024;

/** Citizen identity (CCCD) numbers have 12 digits. */
const citizenId = z
  .string()
  .regex(/^\d{12}$/, 'số định danh cá nhân gồm 12 chữ số / 12-digit personal ID number');
const vnPhone = z.string().regex(/^0\d{9}$/, 'số điện thoại 10 chữ số / 10-digit phone number');
const fullName = z.string().trim().min(2).max(100);
const pastDate = z.iso
  .date()
  .refine((d) => d <= new Date().toISOString().slice(0, 10), 'must not be in the future');
/** Who applies: the same fields open every personal procedure's form. */
const applicant = { fullName, dateOfBirth: pastDate, citizenId, phone: vnPhone };

export const procedures: readonly Procedure[] = [
  {
    code: '1.002804',
    name: 'Đổi giấy phép lái xe',
    nameEn: 'Exchange of a driving licence',
    field: 'Đường bộ / Road traffic',
    level: 'toan_trinh',
    authorityLevel: 'province',
    agencyId: 'cahn',
    documents: [
      {
        type: 'current_licence',
        name: 'Bản chụp giấy phép lái xe đang sử dụng (hai mặt)',
        nameEn: 'Scan of the current licence (both sides)',
        required: true,
        maxBytes: 5 * MB,
        mimeTypes: SCAN_TYPES,
      },
      {
        type: 'health_certificate',
        name: 'Giấy khám sức khỏe của người lái xe',
        nameEn: "Driver's health certificate",
        required: true,
        maxBytes: 10 * MB,
        mimeTypes: SCAN_TYPES,
      },
    ],
    form: z
      .object({
        ...applicant,
        licenceNumber: z
          .string()
          .regex(/^\d{12}$/, 'số giấy phép lái xe gồm 12 chữ số / 12-digit licence number'),
        licenceClass: z.enum([
          'A1',
          'A',
          'B1',
          'B',
          'C1',
          'C',
          'D1',
          'D2',
          'D',
          'BE',
          'C1E',
          'CE',
          'D1E',
          'D2E',
          'DE',
        ]),
        reason: z.enum(['expired', 'damaged', 'information_changed', 'old_format']),
        deliveryMethod: z.enum(['post', 'at_desk']),
      })
      .strict(),
    fee: 135_000,
    processingDays: 5,
    multiDestination: false,
    bundle: null,
    legalBasis: [
      'Luật Trật tự, an toàn giao thông đường bộ 2024',
      'Thông tư 35/2024/TT-BCA',
      'Thông tư 37/2023/TT-BTC',
    ],
    version: 1,
    effectiveFrom: '2025-03-01',
    illustrative: ['code', 'processingDays'],
  },
  {
    code: '1.002758',
    name: 'Cấp lại thẻ bảo hiểm y tế do bị mất, hỏng',
    nameEn: 'Reissue of a lost or damaged health insurance card',
    field: 'Bảo hiểm y tế / Health insurance',
    level: 'toan_trinh',
    authorityLevel: 'province',
    agencyId: 'bhxh-hn',
    documents: [
      {
        type: 'damaged_card',
        name: 'Ảnh chụp thẻ bảo hiểm y tế bị hỏng (nếu có)',
        nameEn: 'Photo of the damaged card (if any)',
        required: false,
        maxBytes: 5 * MB,
        mimeTypes: ['image/jpeg', 'image/png', 'application/pdf'],
      },
    ],
    form: z
      .object({
        ...applicant,
        insuranceNumber: z
          .string()
          .regex(/^\d{10}$/, 'mã số BHXH gồm 10 chữ số / 10-digit social insurance number'),
        reason: z.enum(['lost', 'damaged']),
        informationChanged: z.boolean(),
      })
      .strict(),
    fee: 0,
    processingDays: 3,
    multiDestination: false,
    bundle: null,
    legalBasis: ['Luật Bảo hiểm y tế', 'Quyết định 595/QĐ-BHXH (mẫu TK1-TS)'],
    version: 1,
    effectiveFrom: '2017-05-01',
    illustrative: ['code'],
  },
];
