/** What Cổng tells a person when an operator acknowledges, completes or refuses their data request. */
import type { NotificationMessage } from '../../schemas/notification.js';
import type { Contacts } from '../notifications/recipients.js';
import type { DataRequestEvent, DataRequestKind, DataRequestRecord } from '../pii/data-requests.js';

export const KIND_VI: Record<DataRequestKind, string> = {
  access: 'cung cấp dữ liệu cá nhân',
  correction: 'chỉnh sửa dữ liệu cá nhân',
  objection: 'phản đối công khai dữ liệu cá nhân',
  deletion: 'xóa dữ liệu cá nhân',
};

const showDate = (iso: string) => new Date(iso).toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });

function noticeFor(e: DataRequestEvent, r: DataRequestRecord) {
  const what = `Yêu cầu ${KIND_VI[r.kind]} của bạn (mã ${r.id})`;
  switch (e.type) {
    case 'acknowledged':
      return {
        subject: 'Đã tiếp nhận yêu cầu về dữ liệu cá nhân',
        text: `${what} đã được tiếp nhận; hạn giải quyết ${showDate(r.dueBy)}.`,
      };
    case 'completed':
      return { subject: 'Đã giải quyết yêu cầu về dữ liệu cá nhân', text: `${what} đã được giải quyết.` };
    case 'refused':
      return {
        subject: 'Yêu cầu về dữ liệu cá nhân bị từ chối',
        text: `${what} bị từ chối. Lý do: ${r.reason ?? ''}`,
      };
    default:
      return undefined;
  }
}

/** One message per channel of the person's saved contacts; ids fixed per step, so a retry sends nothing twice. */
export function dataRequestNotifications(
  e: DataRequestEvent,
  r: DataRequestRecord,
  contacts: Contacts,
  at: string,
): NotificationMessage[] {
  const notice = noticeFor(e, r);
  if (!notice) return [];
  const base = {
    audience: 'citizen' as const,
    dossierCode: r.id,
    topic: `dataRequest.${e.type}`,
    subject: notice.subject,
    createdAt: at,
  };
  const follow = 'Xem chi tiết trong mục Tài khoản > Quyền đối với dữ liệu cá nhân trên Cổng Dịch vụ công.';
  return [
    ...(contacts.phone
      ? [
          {
            ...base,
            id: `datareq:${r.id}:${e.type}:sms`,
            channel: 'sms' as const,
            to: contacts.phone,
            text: `Cổng DVC: ${notice.text} ${follow}`,
          },
        ]
      : []),
    ...(contacts.email
      ? [
          {
            ...base,
            id: `datareq:${r.id}:${e.type}:email`,
            channel: 'email' as const,
            to: contacts.email,
            text: `Kính gửi Quý ông/bà,\n\n${notice.text}\n\n${follow}\n\nCổng Dịch vụ công Quốc gia`,
          },
        ]
      : []),
  ];
}
