/**
 * Examples of the main operations for the OpenAPI document, by operation id. Each one is checked against
 * the route's zod schemas (test/unit/openapi.test.ts), so an example cannot show a shape the API refuses.
 * Procedures, fees and agencies are the local catalog's (functions/catalog/data).
 */
import { attachmentHref, attachmentIdOf } from '../documents/agency-files.js';

export interface OperationExamples {
  /** Path and query parameters, as they appear in the URL. */
  parameters?: Record<string, string | number>;
  /** Named request bodies. */
  requests?: Record<string, { summary: string; value: unknown }>;
  /** The success response. */
  response?: unknown;
}

const DOSSIER = 'BHXHHN-260309-0001';
const SUBMISSION = '01KJR6B3Z6M1W8E2Q4T5V7X9YA';
/** The supplemented scan's id as agencies see it (derived from the dossier code and its upload). */
const SUPPLEMENT_FILE = attachmentIdOf(DOSSIER, '01KJTB5Q3M8V2W6X9Y1Z4A7C0D');
/** The health insurance card re-issue (1.002758) the examples file and deliver. */
const HEALTH_CARD_FORM = {
  fullName: 'Trần Thị Bình',
  dateOfBirth: '1988-03-14',
  citizenId: '001188000123',
  phone: '0987654321',
  insuranceNumber: '0123456789',
  reason: 'lost',
  informationChanged: false,
};

export const OPERATION_EXAMPLES: Record<string, OperationExamples> = {
  listProcedures: {
    parameters: { q: 'the bao hiem y te', province: '01', fullyOnline: 'true', limit: 10 },
  },
  submitDossier: {
    parameters: { 'idempotency-key': '7f3c2a9e-5b41-4d2e-9c0a-1e8b6d4f2a10' },
    requests: {
      healthInsuranceCard: {
        summary: 'Re-issue a lost health insurance card (1.002758), no attachments required',
        value: {
          procedureCode: '1.002758',
          form: HEALTH_CARD_FORM,
          attachments: [],
        },
      },
    },
    response: {
      submissionId: SUBMISSION,
      dossiers: [
        {
          code: DOSSIER,
          agencyId: 'bhxh-hn',
          status: 'submitted',
          dueAt: '2026-03-12T17:00:00+07:00',
          trackingKey: '7KQ2M9XD4HPT',
        },
      ],
    },
  },
  trackDossier: {
    parameters: { code: DOSSIER, key: '7KQ2M9XD4HPT' },
    response: {
      code: DOSSIER,
      submissionId: SUBMISSION,
      procedureCode: '1.002758',
      procedureName: 'Cấp lại thẻ bảo hiểm y tế do bị mất, hỏng',
      agencyId: 'bhxh-hn',
      agencyName: 'Bảo hiểm xã hội thành phố Hà Nội',
      status: 'in_progress',
      submittedAt: '2026-03-09T10:00:00+07:00',
      dueAt: '2026-03-12T17:00:00+07:00',
      overdue: false,
      timeline: [
        { at: '2026-03-09T10:00:00+07:00', type: 'submitted', status: 'submitted', actor: 'citizen' },
        { at: '2026-03-09T14:20:00+07:00', type: 'dossier.received', status: 'received', actor: 'agency' },
        {
          at: '2026-03-10T09:05:00+07:00',
          type: 'dossier.in_progress',
          status: 'in_progress',
          actor: 'agency',
          note: 'Đang xác minh thông tin',
        },
      ],
    },
  },
  createDossierPayment: {
    parameters: { code: 'CAHN-260309-0002', 'idempotency-key': 'c1d9a7e4-2f36-4b8a-8e51-90a3b6c2d7f8' },
    response: {
      paymentId: '01KJR6C8N2P4R6T8V0X2Z4B6D8',
      amount: 135000,
      currency: 'VND',
      status: 'pending',
      redirectUrl: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?vnp_TxnRef=01KJR6C8N2P4R6T8V0X2Z4B6D8',
      expiresAt: '2026-03-09T10:15:00+07:00',
    },
  },
  postAgencyEvent: {
    requests: {
      received: {
        summary: 'The agency received the dossier and gives an appointment',
        value: {
          type: 'dossier.received',
          eventId: 'bhxh-hn-evt-000101',
          dossierCode: DOSSIER,
          occurredAt: '2026-03-09T14:20:00+07:00',
          appointmentAt: '2026-03-12T15:00:00+07:00',
          officer: { id: 'bhxh-hn-mc-04', displayName: 'Cán bộ một cửa Nguyễn Thị Lan' },
        },
      },
      stepCompleted: {
        summary: 'A step of the dossier is finished, by the officer who did it',
        value: {
          type: 'dossier.step_completed',
          eventId: 'bhxh-hn-evt-000104',
          dossierCode: DOSSIER,
          step: 'step-1',
          officer: { id: 'bhxh-hn-cv-12', displayName: 'Chuyên viên Trần Văn Minh' },
        },
      },
      stepExtended: {
        summary: 'An apology with a new date for a step that will be late (form 04)',
        value: {
          type: 'dossier.extended',
          eventId: 'bhxh-hn-evt-000105',
          dossierCode: DOSSIER,
          step: 'step-2',
          reason: 'Phôi thẻ chưa về kịp, xin lỗi và hẹn lại ngày in thẻ',
          newDueAt: '2026-03-16T17:00:00+07:00',
          officer: { id: 'bhxh-hn-cv-12', displayName: 'Chuyên viên Trần Văn Minh' },
        },
      },
      supplementRequested: {
        summary: 'The agency asks the citizen for more documents',
        value: {
          type: 'dossier.supplement_requested',
          eventId: 'bhxh-hn-evt-000102',
          dossierCode: DOSSIER,
          missingDocuments: ['Ảnh chụp thẻ bảo hiểm y tế bị hỏng'],
          supplementDueAt: '2026-03-16T17:00:00+07:00',
          note: 'Thẻ bị hỏng: đề nghị bổ sung ảnh chụp thẻ',
        },
      },
      resultIssued: {
        summary: 'The result is ready to collect at the desk',
        value: {
          type: 'dossier.result_issued',
          eventId: 'bhxh-hn-evt-000103',
          dossierCode: DOSSIER,
          result: { kind: 'pickup', method: 'at_desk', note: 'Nhận thẻ tại bộ phận một cửa' },
        },
      },
    },
    response: {
      eventId: 'bhxh-hn-evt-000101',
      dossierCode: DOSSIER,
      applied: true,
      status: 'received',
      reason: 'applied',
    },
  },
  getDossier: {
    parameters: { code: DOSSIER, reveal: 'true', reason: 'Đối chiếu số định danh với thẻ BHYT cũ' },
  },
  listMyAccessLog: {
    parameters: { limit: 20 },
    response: {
      items: [
        {
          at: '2026-03-09T03:12:40.000Z',
          via: 'agency_officer',
          what: 'sealed_fields',
          reader: 'r_5f0c2a9e41b7d3c8',
          agencyId: 'bhxh-hn',
          agencyName: 'Bảo hiểm xã hội thành phố Hà Nội',
          dossierCode: DOSSIER,
          reason: 'Đối chiếu số định danh với thẻ BHYT cũ',
        },
        {
          at: '2026-03-09T02:05:03.000Z',
          via: 'agency_system',
          what: 'attachment',
          reader: 'bhxh-hn',
          agencyId: 'bhxh-hn',
          agencyName: 'Bảo hiểm xã hội thành phố Hà Nội',
          dossierCode: DOSSIER,
          documentType: 'damaged_card',
        },
      ],
      nextCursor: null,
    },
  },
  listAgencyDeliveries: {
    parameters: { status: 'failed', from: '2026-03-09T00:00:00+07:00', limit: 20 },
    response: {
      items: [
        {
          dossierCode: DOSSIER,
          eventType: 'dossier.submitted',
          webhookId: 'msg_01KJR6B3Z6M1W8E2Q4T5V7X9YA',
          attempt: 2,
          at: '2026-03-09T07:05:12.000Z',
          httpStatus: 503,
          latencyMs: 412,
          outcome: 'failed',
          nextRetryAt: '2026-03-09T07:05:31.000Z',
        },
      ],
      nextCursor: null,
      delivery: { paused: false, cause: null, since: null, consecutiveFailures: 2, nextProbeAt: null },
    },
  },
  requestRedelivery: {
    requests: {
      oneDossier: {
        summary: "Everything delivered for one of my agency's dossiers, again under the same webhook-ids",
        value: { dossierCode: DOSSIER, requestId: 'bhxh-hn-redeliver-000001' },
      },
      onePetition: {
        summary: 'A petition my agency holds, again under the same webhook-id',
        value: { petitionCode: 'PAKN-261120-0001', requestId: 'sxd-01-redeliver-000001' },
      },
      window: {
        summary: 'Every webhook my agency was sent (or tried) in a time window',
        value: {
          from: '2026-03-09T00:00:00+07:00',
          to: '2026-03-09T12:00:00+07:00',
          requestId: 'bhxh-hn-redeliver-000002',
        },
      },
      deadLetters: {
        summary: "My agency's messages that rest in the dead-letter queue, back to its queue",
        value: { deadLetters: true, requestId: 'bhxh-hn-redeliver-000003' },
      },
    },
    response: { redeliveryId: '01KJR7C4A7N2X9F3R5V6W8Y0ZB', count: 1 },
  },
};

/** One body of each delivery to agencies, by its `type`. */
export const WEBHOOK_EXAMPLES: Record<string, unknown> = {
  'dossier.submitted': {
    type: 'dossier.submitted',
    dossierCode: DOSSIER,
    submissionId: SUBMISSION,
    procedureCode: '1.002758',
    agencyId: 'bhxh-hn',
    submittedAt: '2026-03-09T10:00:00+07:00',
    dueAt: '2026-03-12T17:00:00+07:00',
    form: HEALTH_CARD_FORM,
    attachments: [],
  },
  'dossier.supplemented': {
    type: 'dossier.supplemented',
    dossierCode: DOSSIER,
    submissionId: SUBMISSION,
    procedureCode: '1.002758',
    agencyId: 'bhxh-hn',
    supplementedAt: '2026-03-10T08:30:00+07:00',
    dueAt: '2026-03-13T17:00:00+07:00',
    attachments: [
      {
        attachmentId: SUPPLEMENT_FILE,
        documentType: 'damaged_card',
        fileName: 'the-bhyt.jpg',
        contentType: 'image/jpeg',
        size: 348_112,
        sha256: '3f0c4c8e2d1b7a95e6f8b2c4d0a9e7f1c3b5d7e9f1a3c5e7092b4d6f8a1c3e5d',
        href: attachmentHref(DOSSIER, SUPPLEMENT_FILE),
      },
    ],
  },
  'dossier.withdrawn': {
    type: 'dossier.withdrawn',
    dossierCode: DOSSIER,
    submissionId: SUBMISSION,
    agencyId: 'bhxh-hn',
    withdrawnAt: '2026-03-09T16:45:00+07:00',
  },
  // The driving licence exchange (1.002804, Công an thành phố Hà Nội) charges 135,000 đồng.
  'dossier.payment_refunded': {
    type: 'dossier.payment_refunded',
    dossierCode: 'CAHN-260309-0002',
    submissionId: '01KJR6C8D2H4K6M8P0R2T4V6X8',
    agencyId: 'cahn',
    refundedAt: '2026-03-10T14:20:00+07:00',
    payment: {
      paymentId: '01KJR6C9E3J5L7N9Q1S3U5W7Y9',
      amount: 135_000,
      currency: 'VND',
      status: 'refunded',
      paidAt: '2026-03-09T10:02:41+07:00',
      provider: 'vnpay',
      providerTransactionId: '14356789',
      receiptNumber: 'BL20260309-Q1S3U5W7Y9',
      refundedAt: '2026-03-10T14:20:00+07:00',
    },
  },
  'petition.created': {
    type: 'petition.created',
    petitionCode: 'PAKN-261120-0001',
    agencyId: 'sxd-01',
    subject: 'Cấp phép xây dựng chậm',
    content: 'Hồ sơ cấp giấy phép xây dựng nhà ở riêng lẻ đã quá hạn giải quyết nhưng chưa có kết quả.',
    procedureCode: '1.009993',
    provinceCode: '01',
    submittedAt: '2026-11-20T09:00:00+07:00',
    receivedAt: '2026-11-20T09:00:00+07:00',
    referralDueAt: '2026-11-25T17:00:00+07:00',
    answerDueAt: '2026-12-18T17:00:00+07:00',
    routing: 'submitted',
    attachments: [],
  },
  'support.handed': {
    type: 'support.handed',
    ticketCode: 'HTTT-261207-0001',
    agencyId: 'bhxh-hn',
    subject: 'Hồ sơ cấp lại thẻ bảo hiểm y tế',
    question: 'Tôi đã nộp hồ sơ cấp lại thẻ từ tuần trước, khi nào tôi nhận được thẻ mới?',
    procedureCode: '1.002758',
    dossierCode: 'BHXHHN-261201-0001',
    handedAt: '2026-12-07T09:00:00+07:00',
    resolutionDueAt: '2026-12-14T09:00:00+07:00',
  },
};
