/**
 * What Cổng tells a citizen when their dossier changes, in Vietnamese: one template per timeline event
 * type, each naming the dossier code and what to do next. A text message is one short paragraph; the
 * e-mail says the same with the dossier's details. Event types without their own template get a
 * general "your dossier changed" message, so a new step is never silent.
 */
import type { DossierStatus } from '../../schemas/dossier.js';
import { SLA } from '../core/resources.js';

/** The part of a timeline event a message is built from. */
export interface NoticeEvent {
  type: string;
  status: DossierStatus;
  at: string;
  dueAt?: string;
  note?: string;
  details?: Record<string, unknown>;
}

/** The part of a dossier a message is built from (no personal data). */
export interface NoticeDossier {
  code: string;
  procedureName: string;
  agencyName: string;
  dueAt: string;
  payment?: { amount: number; status: string };
  /** Public tracking's key, given with the receipt (dossiers since keys were issued). */
  trackingKey?: string;
}

export interface RenderedNotice {
  subject: string;
  sms: string;
  email: string;
}

const VN_OFFSET_MS = 7 * 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** 14:30 ngày 05/03/2026, in Vietnam's time. */
export function showTime(iso: string): string {
  const d = new Date(Date.parse(iso) + VN_OFFSET_MS);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} ngày ${pad(d.getUTCDate())}/${pad(
    d.getUTCMonth() + 1,
  )}/${d.getUTCFullYear()}`;
}

/** 1.250.000 đồng */
export const showMoney = (vnd: number) => `${vnd.toLocaleString('vi-VN')} đồng`;

export const STATUS_VI: Record<DossierStatus, string> = {
  submitted: 'đã nộp',
  received: 'đã tiếp nhận',
  in_progress: 'đang xử lý',
  supplement_requested: 'cần bổ sung',
  supplemented: 'đã bổ sung',
  approved: 'đã phê duyệt',
  rejected: 'bị từ chối',
  result_issued: 'đã có kết quả',
  completed: 'đã hoàn thành',
  withdrawn: 'đã rút',
};

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];

interface Parts {
  subject: string;
  /** What happened (one sentence). */
  what: string;
  /** What the citizen does next (one sentence), when anything. */
  next?: string;
}

type Template = (e: NoticeEvent, d: NoticeDossier) => Parts;

const TRACK = 'Tra cứu trên Cổng Dịch vụ công bằng mã hồ sơ và mã tra cứu trên giấy biên nhận.';

const TEMPLATES: Record<string, Template> = {
  'dossier.submitted': (_e, d) => {
    const key = d.trackingKey ? ` Mã tra cứu: ${d.trackingKey}.` : '';
    // A dossier whose fee is unpaid waits on the portal: the agency receives it once the fee is paid.
    return d.payment && d.payment.status !== 'succeeded'
      ? {
          subject: `Đã nộp hồ sơ ${d.code}, chờ nộp phí`,
          what: `Hồ sơ ${d.code} (${d.procedureName}) đã được Cổng ghi nhận và sẽ được gửi tới ${d.agencyName} khi phí được nộp.${key}`,
          next: `Vui lòng nộp phí ${showMoney(d.payment.amount)} trên Cổng để hồ sơ được chuyển xử lý.`,
        }
      : {
          subject: `Đã nộp hồ sơ ${d.code}`,
          what: `Hồ sơ ${d.code} (${d.procedureName}) đã được gửi tới ${d.agencyName}; hạn giải quyết ${showTime(d.dueAt)}.${key}`,
          next: TRACK,
        };
  },
  'dossier.handed_over': (e, d) => ({
    subject: `Hồ sơ ${d.code} đã được chuyển xử lý`,
    what: `Hồ sơ ${text(e.details?.previousDossier) ?? 'trước'} đã có kết quả, nên hồ sơ ${d.code} (${d.procedureName}) đã được chuyển tới ${d.agencyName}; hạn giải quyết ${showTime(e.dueAt ?? d.dueAt)}.`,
    next: TRACK,
  }),
  'payment.succeeded': (_e, d) => ({
    subject: `Đã nhận phí hồ sơ ${d.code}`,
    what: `Cổng đã nhận thanh toán phí${d.payment ? ` ${showMoney(d.payment.amount)}` : ''} của hồ sơ ${d.code}; hồ sơ được chuyển tới ${d.agencyName}.`,
    next: 'Biên lai điện tử có trên trang hồ sơ của bạn trên Cổng.',
  }),
  'payment.refunded': (_e, d) => ({
    subject: `Hoàn phí hồ sơ ${d.code}`,
    what: `Phí của hồ sơ ${d.code} đã được hoàn trả về tài khoản bạn đã dùng để thanh toán.`,
    next: 'Thời gian tiền về tùy ngân hàng, thường trong 3–7 ngày làm việc.',
  }),
  'dossier.received': (e, d) => {
    const appointment = text(e.details?.appointmentAt) ?? d.dueAt;
    return {
      subject: `Hồ sơ ${d.code} đã được tiếp nhận`,
      what: `${d.agencyName} đã tiếp nhận hồ sơ ${d.code}; ngày hẹn trả kết quả: ${showTime(appointment)}.`,
      next: TRACK,
    };
  },
  'dossier.in_progress': (e, d) => {
    const step = text(e.details?.step);
    return {
      subject: `Hồ sơ ${d.code} đang được xử lý`,
      what: `Hồ sơ ${d.code} đang được ${d.agencyName} xử lý${step ? ` (bước: ${step})` : ''}.`,
      next: TRACK,
    };
  },
  'dossier.step_started': (e, d) => ({
    subject: `Hồ sơ ${d.code} đang được xử lý`,
    what: `Hồ sơ ${d.code} chuyển sang bước ${text(e.details?.step) ?? 'xử lý tiếp theo'}.`,
    next: TRACK,
  }),
  'dossier.step_completed': (e, d) => ({
    subject: `Hồ sơ ${d.code} đang được xử lý`,
    what: `Hồ sơ ${d.code} đã xong bước ${text(e.details?.step) ?? 'xử lý'}.`,
    next: TRACK,
  }),
  'dossier.extended': (e, d) => ({
    subject: `Gia hạn giải quyết hồ sơ ${d.code}`,
    what: `${d.agencyName} xin lỗi vì chưa giải quyết hồ sơ ${d.code} đúng hạn. Lý do: ${
      text(e.details?.reason) ?? text(e.note) ?? 'không nêu'
    }. Ngày hẹn mới: ${showTime(e.dueAt ?? d.dueAt)}.`,
    next: 'Bạn không cần làm gì thêm.',
  }),
  'dossier.supplement_requested': (e, d) => {
    const missing = list(e.details?.missingDocuments);
    const deadline = text(e.details?.supplementDueAt) ?? e.dueAt;
    return {
      subject: `Hồ sơ ${d.code} cần bổ sung`,
      what: `Hồ sơ ${d.code} cần bổ sung: ${missing.length ? missing.join('; ') : 'xem chi tiết trên Cổng'}.`,
      next: `Vui lòng bổ sung trên Cổng Dịch vụ công${deadline ? ` trước ${showTime(deadline)}` : ''}.`,
    };
  },
  'dossier.supplemented': (_e, d) => ({
    subject: `Đã nhận hồ sơ bổ sung ${d.code}`,
    what: `Cổng đã nhận giấy tờ bổ sung cho hồ sơ ${d.code} và chuyển tới ${d.agencyName}.`,
    next: TRACK,
  }),
  'dossier.approved': (_e, d) => ({
    subject: `Hồ sơ ${d.code} đã được phê duyệt`,
    what: `Hồ sơ ${d.code} đã được ${d.agencyName} phê duyệt.`,
    next: 'Cổng sẽ báo khi có kết quả và cách nhận.',
  }),
  'dossier.rejected': (e, d) => ({
    subject: `Hồ sơ ${d.code} không được giải quyết`,
    what: `${d.agencyName} từ chối giải quyết hồ sơ ${d.code}. Lý do: ${
      text(e.details?.reason) ?? text(e.note) ?? 'không nêu'
    }.`,
    next: `Bạn có thể nộp hồ sơ mới hoặc liên hệ ${d.agencyName} để được hướng dẫn.`,
  }),
  'dossier.result_issued': (_e, d) => ({
    subject: `Đã có kết quả hồ sơ ${d.code}`,
    what: `Đã có kết quả giải quyết hồ sơ ${d.code} (${d.procedureName}).`,
    next: `Tải bản điện tử trên Cổng (mục Hồ sơ của tôi) hoặc nhận bản giấy tại ${d.agencyName}, mang theo giấy tờ tùy thân.`,
  }),
  'dossier.completed': (_e, d) => ({
    subject: `Hồ sơ ${d.code} đã hoàn thành`,
    what: `Hồ sơ ${d.code} đã hoàn thành.`,
    next: 'Mời bạn đánh giá mức độ hài lòng trên Cổng Dịch vụ công.',
  }),
  'dossier.withdrawn': (_e, d) => ({
    subject: `Đã rút hồ sơ ${d.code}`,
    what: `Hồ sơ ${d.code} đã được rút theo yêu cầu của bạn.`,
  }),
  'result.revoked': (e, d) => ({
    subject: `Kết quả hồ sơ ${d.code} đã bị thu hồi`,
    what: `${d.agencyName} đã thu hồi kết quả điện tử của hồ sơ ${d.code}. Lý do: ${
      text(e.details?.reason) ?? text(e.note) ?? 'không nêu'
    }.`,
    next: `Kết quả này không còn giá trị khi tra cứu xác thực; liên hệ ${d.agencyName} để được hướng dẫn.`,
  }),
  'result.replaced': (e, d) => ({
    subject: `Kết quả hồ sơ ${d.code} đã được thay thế`,
    what: `${d.agencyName} đã cấp kết quả điện tử mới thay cho kết quả trước của hồ sơ ${d.code}. Lý do: ${
      text(e.details?.reason) ?? text(e.note) ?? 'không nêu'
    }.`,
    next: 'Tải bản mới trong mục Giấy tờ của tôi trên Cổng; bản cũ không còn giá trị.',
  }),
};

const general: Template = (e, d) => ({
  subject: `Hồ sơ ${d.code}: ${STATUS_VI[e.status] ?? 'có cập nhật'}`,
  what: `Hồ sơ ${d.code} có cập nhật mới, trạng thái: ${STATUS_VI[e.status] ?? e.status}.`,
  next: TRACK,
});

export function hasTemplate(type: string): boolean {
  return Object.hasOwn(TEMPLATES, type);
}

export function renderCitizenNotice(e: NoticeEvent, d: NoticeDossier): RenderedNotice {
  const parts = (Object.hasOwn(TEMPLATES, e.type) ? TEMPLATES[e.type]! : general)(e, d);
  const sentence = [parts.what, parts.next].filter(Boolean).join(' ');
  return {
    subject: `[Cổng DVC] ${parts.subject}`.normalize('NFC'),
    sms: `Cổng DVC: ${sentence}`.normalize('NFC'),
    email: [
      'Kính gửi Quý công dân,',
      '',
      parts.what,
      ...(parts.next ? ['', parts.next] : []),
      '',
      `Mã hồ sơ: ${d.code}`,
      `Thủ tục: ${d.procedureName}`,
      `Cơ quan giải quyết: ${d.agencyName}`,
      `Thời điểm: ${showTime(e.at)}`,
      '',
      'Đây là thư tự động từ Cổng Dịch vụ công, vui lòng không trả lời thư này.',
    ]
      .join('\n')
      .normalize('NFC'),
  };
}

export type BreachKind = 'ack' | 'due' | 'step' | 'remind';

/** The notice an agency (and its parent, for escalation) gets when a dossier's deadline lapses. */
export function renderBreachNotice(
  kind: BreachKind,
  d: NoticeDossier & { agencyId: string },
  deadline: string,
  recipient: 'agency' | 'parent',
  stepName?: string,
): { subject: string; text: string } {
  if (kind === 'step' || kind === 'remind') {
    const step = stepName ? `bước "${stepName}"` : 'bước xử lý hiện tại';
    return kind === 'remind'
      ? {
          subject: `[Cổng DVC] Hồ sơ ${d.code} sắp đến hạn ${step}`.normalize('NFC'),
          text: `Hồ sơ ${d.code} (${d.procedureName}): ${step} đến hạn lúc ${showTime(deadline)}. Đề nghị hoàn thành đúng hạn hoặc gửi văn bản xin lỗi, hẹn lại ngày (mẫu 04).`.normalize(
            'NFC',
          ),
        }
      : {
          subject: `[Cổng DVC] Hồ sơ ${d.code} trễ hạn ${step}`.normalize('NFC'),
          text: `Hồ sơ ${d.code} (${d.procedureName}): ${step} đã quá hạn (hạn ${showTime(deadline)}). Đề nghị gửi văn bản xin lỗi công dân, hẹn lại ngày (mẫu 04) cho bước này.`.normalize(
            'NFC',
          ),
        };
  }
  const late =
    kind === 'ack'
      ? `chưa được tiếp nhận trong ${SLA.ackWorkingHours} giờ làm việc (hạn tiếp nhận ${showTime(deadline)})`
      : `đã quá hạn giải quyết (hạn ${showTime(deadline)})`;
  const whose = recipient === 'parent' ? ` của đơn vị trực thuộc ${d.agencyName}` : '';
  const next =
    recipient === 'parent'
      ? 'Đề nghị đôn đốc đơn vị xử lý và báo cáo lý do.'
      : kind === 'ack'
        ? 'Đề nghị tiếp nhận hồ sơ ngay.'
        : 'Đề nghị giải quyết hoặc gửi văn bản xin lỗi, hẹn lại ngày trả kết quả (mẫu 04).';
  return {
    subject: `[Cổng DVC] Hồ sơ ${d.code} ${kind === 'ack' ? 'chậm tiếp nhận' : 'quá hạn'}`.normalize('NFC'),
    text: `Hồ sơ ${d.code}${whose} (${d.procedureName}) ${late}. ${next}`.normalize('NFC'),
  };
}
