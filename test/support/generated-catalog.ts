/** A generated national-scale catalog (thousands of procedures) for search tests and benchmarks. */
import type { CatalogData } from '../../functions/catalog/procedures.js';
import type { ProcedureRecord } from '../../schemas/procedure.js';

const ACTIONS = [
  'Cấp',
  'Cấp lại',
  'Cấp đổi',
  'Gia hạn',
  'Điều chỉnh',
  'Thu hồi',
  'Đăng ký',
  'Xác nhận',
  'Công nhận',
  'Phê duyệt',
];
const OBJECTS = [
  'giấy phép kinh doanh rượu',
  'chứng chỉ hành nghề dược',
  'giấy phép hoạt động khám bệnh, chữa bệnh',
  'giấy chứng nhận đủ điều kiện an toàn thực phẩm',
  'giấy phép khai thác nước dưới đất',
  'giấy phép xuất bản bản tin',
  'chứng chỉ hành nghề kiến trúc',
  'giấy phép thành lập trung tâm ngoại ngữ',
  'giấy phép vận tải bằng xe ô tô',
  'giấy chứng nhận quyền sử dụng đất',
  'giấy phép môi trường',
  'giấy phép lao động cho người nước ngoài',
  'giấy phép tổ chức lễ hội',
  'giấy chứng nhận cơ sở đủ điều kiện chăn nuôi',
  // Everyday ones, so that citizens' queries meet thousands of near-namesakes at 20,000 procedures.
  'hộ chiếu phổ thông',
  'thẻ căn cước',
  'giấy phép lái xe',
  'chứng nhận đăng ký xe',
  'giấy xác nhận tình trạng hôn nhân',
  'phiếu lý lịch tư pháp',
];
const AUDIENCES = [
  '',
  ' cho tổ chức',
  ' cho cá nhân',
  ' cho doanh nghiệp',
  ' cho hợp tác xã',
  ' có yếu tố nước ngoài',
];
const FIELDS = [
  'Thương mại',
  'Y tế',
  'Đất đai',
  'Môi trường',
  'Giáo dục',
  'Lao động',
  'Văn hóa',
  'Nông nghiệp',
];
const DEPARTMENTS = ['sct', 'syt', 'snnmt', 'stc', 'sxd', 'stp'] as const;

export function generatedProcedure(i: number): ProcedureRecord {
  const action = ACTIONS[i % ACTIONS.length]!;
  const object = OBJECTS[Math.floor(i / ACTIONS.length) % OBJECTS.length]!;
  const audience = AUDIENCES[Math.floor(i / (ACTIONS.length * OBJECTS.length)) % AUDIENCES.length]!;
  const serial = Math.floor(i / (ACTIONS.length * OBJECTS.length * AUDIENCES.length));
  const fixed = i % 5 === 0;
  return {
    code: `3.${String(i).padStart(6, '0')}`,
    name: `${action} ${object}${audience}${serial ? ` (mẫu ${serial})` : ''}`,
    nameEn: `Generated procedure ${i}`,
    field: FIELDS[i % FIELDS.length]!,
    level: i % 3 === 0 ? 'mot_phan' : 'toan_trinh',
    authorityLevel: fixed ? 'ministry' : 'province',
    agencyId: fixed ? 'bct' : null,
    agencyRule: fixed
      ? null
      : { kind: 'province_department', department: DEPARTMENTS[i % DEPARTMENTS.length]! },
    formId: 'health_card_reissue',
    documents: [
      {
        type: 'application',
        name: `Đơn đề nghị ${action.toLowerCase()} ${object}`,
        nameEn: 'Application',
        required: true,
        maxBytes: 5_242_880,
        mimeTypes: ['application/pdf'],
        copies: 1,
      },
    ],
    fee: (i % 4) * 50_000,
    feeRule: null,
    processingDays: 5 + (i % 20),
    steps: [{ name: 'Tiếp nhận và giải quyết', days: 5 }],
    multiDestination: false,
    bundle: null,
    legalBasis: ['Văn bản minh họa'],
    keywords: [],
    version: 1,
    effectiveFrom: '2025-07-01',
    illustrative: ['*'],
  };
}

export function generatedCatalog(n: number): CatalogData {
  return {
    catalogVersion: 1,
    publishedAt: '2025-07-01T00:00:00.000Z',
    procedures: Array.from({ length: n }, (_, i) => generatedProcedure(i)),
    faq: [],
  };
}
