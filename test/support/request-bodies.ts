/**
 * A valid body for every route a person or an operator writes to, as the route's schema accepts it.
 * The mass-assignment and authorization-matrix tests use them; a new writable route needs one here.
 */
import { bhytForm } from './forms.js';

export const SAMPLE_ULID = '01JD0000000000000000000000';
export const sampleAttachment = { documentType: 'health_certificate', uploadId: SAMPLE_ULID };

export const sampleBodies: Record<string, Record<string, unknown>> = {
  createUpload: { fileName: 'cccd.pdf', contentType: 'application/pdf', size: 1024 },
  submitDossier: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  supplementDossier: { attachments: [sampleAttachment], note: 'Bổ sung giấy khám sức khỏe' },
  withdrawDossier: { reason: 'Nộp nhầm thủ tục' },
  refundPayment: { reason: 'Thu trùng phí' },
  requestRedelivery: { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' },
  lookupElectricityBill: { customerCode: 'PD01000123456' },
  payElectricityBill: { customerCode: 'PD01000123456' },
  putMyProfile: {
    fullName: 'Phạm Minh Châu',
    dateOfBirth: '1993-07-21',
    address: '45 Lê Lợi, Quận 1, TP. Hồ Chí Minh',
    phone: '0356789012',
  },
  putMyDraft: { form: { fullName: 'Phạm Minh Châu' }, attachments: [] },
  rateDossier: { overall: 4, comment: 'Nhanh gọn' },
  shareMyDocument: { expiresInHours: 24 },
  submitPetition: {
    subject: 'Thời gian cấp lại giấy phép lái xe quá dài',
    content: 'Tôi nộp hồ sơ cấp lại giấy phép lái xe đã hơn 10 ngày làm việc nhưng chưa có kết quả.',
    allowPublish: true,
  },
  checkCatalogFile: { format: 'csv', content: 'code,name\n1.002758,Cấp lại thẻ bảo hiểm y tế\n' },
  resolvePaymentAnomaly: { at: '2026-01-05T08:00:00.000Z', note: 'Đã đối soát với sao kê' },
  createSupportTicket: {
    subject: 'Đổi giấy phép lái xe trực tuyến',
    question: 'Tôi cần chuẩn bị giấy tờ gì để đổi giấy phép lái xe trực tuyến?',
    procedureCode: '1.002804',
    provinceCode: '01',
  },
  fileDataRequest: { kind: 'deletion', targets: ['drafts'], note: 'Xin xóa các bản nháp.' },
  withdrawMyDataRequest: { note: 'Tôi không cần nữa.' },
  actOnDataRequest: { action: 'acknowledge' },
  askerSupportAction: { action: 'reply', text: 'Tôi bổ sung thêm: giấy phép hạng B2.' },
  rateSupportTicket: { score: 5, comment: 'Trả lời nhanh, dễ hiểu' },
  recordCallerRating: { score: 4, comment: 'Người gọi hài lòng' },
  supportTicketAction: { action: 'answer', text: 'Bạn cần bản chụp giấy phép lái xe và giấy khám sức khỏe.' },
  publishSupportFaq: { keywords: ['GPLX'] },
};
