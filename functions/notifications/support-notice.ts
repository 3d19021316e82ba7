/**
 * What Cổng tells an asker when the support desk or an agency answers: every answer, every request for
 * more, the hand-over to an agency and the closing. A question asked on the web is answered to the phone
 * and e-mail of the asker's saved profile; a phone call logged by the call centre to the caller's mobile.
 */
import type { NotificationMessage } from '../../schemas/notification.js';
import { logger } from '../core/logger.js';
import { SUPPORT } from '../core/resources.js';
import { supportClockHours } from '../support/clock.js';
import type { TicketEvent, TicketRecord } from '../support/model.js';
import type { Contacts } from './recipients.js';
import { normalizePhone } from './recipients.js';

export interface SupportNoticePorts {
  loadTicket(code: string): Promise<TicketRecord | undefined>;
  contactsOf(sub: string): Promise<Contacts | undefined>;
  /** A logged call's mobile, opened only to be queued. */
  callerPhoneOf(ticket: TicketRecord): Promise<string | undefined>;
  agencyName(agencyId: string): string;
  enqueue(messages: NotificationMessage[]): Promise<void>;
  now(): Date;
}

const quietDays = () => supportClockHours().quietWorkingDays ?? SUPPORT.quietWorkingDays;

const FOLLOW = 'Xem chi tiết trong mục Hỗ trợ của bạn trên Cổng Dịch vụ công.';

function noticeFor(e: TicketEvent, t: TicketRecord, agency: (id: string) => string) {
  const code = t.code;
  switch (e.type) {
    case 'support.answered':
      return {
        subject: `Câu hỏi ${code} đã có trả lời`,
        what: `${e.by === 'agency' && e.agencyId ? agency(e.agencyId) : 'Tổng đài hỗ trợ'} đã trả lời câu hỏi ${code} ("${t.subject}").`,
        next: t.reopens === 0 ? `${FOLLOW} Nếu chưa rõ, bạn có thể mở lại câu hỏi một lần.` : FOLLOW,
      };
    case 'support.more_requested':
      return {
        subject: `Câu hỏi ${code} cần thêm thông tin`,
        what: `Tổng đài hỗ trợ cần thêm thông tin để trả lời câu hỏi ${code} ("${t.subject}").`,
        next: FOLLOW,
      };
    case 'support.handed':
      return {
        subject: `Câu hỏi ${code} được chuyển tới cơ quan giải quyết`,
        what: `Câu hỏi ${code} đã được chuyển tới ${agency(e.agencyId ?? '')} để trả lời.`,
        next: FOLLOW,
      };
    case 'support.closed':
      return {
        subject: `Câu hỏi ${code} đã đóng`,
        // Closed by the support watcher: the asker said nothing for the quiet period after the answer.
        what:
          e.by === 'system'
            ? `Câu hỏi ${code} ("${t.subject}") đã tự động đóng vì bạn chưa phản hồi trong ${quietDays()} ngày làm việc sau khi có trả lời.`
            : `Câu hỏi ${code} đã được đóng.`,
        // A caller has no account to rate or reopen with: the call centre asks on the phone.
        next:
          t.channel === 'phone'
            ? 'Nếu cần hỏi thêm, vui lòng gọi lại tổng đài hỗ trợ.'
            : t.reopens === 0 && e.by === 'system'
              ? 'Bạn vẫn có thể đánh giá chất lượng hỗ trợ, hoặc mở lại câu hỏi một lần nếu chưa rõ, trên Cổng Dịch vụ công.'
              : 'Bạn có thể đánh giá chất lượng hỗ trợ trên Cổng Dịch vụ công.',
      };
    default:
      return undefined;
  }
}

export function supportNotifications(
  e: TicketEvent,
  t: TicketRecord,
  contacts: Contacts,
  agency: (id: string) => string,
  at: string,
): NotificationMessage[] {
  const notice = noticeFor(e, t, agency);
  if (!notice) return [];
  const base = {
    audience: 'citizen' as const,
    dossierCode: t.code,
    topic: e.type,
    subject: notice.subject,
    createdAt: at,
  };
  // One id per event and channel, so a replayed stream record is not sent twice.
  return [
    ...(contacts.phone
      ? [
          {
            ...base,
            id: `${t.code}:${e.seq}:sms`,
            channel: 'sms' as const,
            to: contacts.phone,
            text: `Cổng DVC: ${notice.what} ${notice.next}`,
          },
        ]
      : []),
    ...(contacts.email
      ? [
          {
            ...base,
            id: `${t.code}:${e.seq}:email`,
            channel: 'email' as const,
            to: contacts.email,
            text: `Kính gửi Quý ông/bà,\n\n${notice.what}\n\n${notice.next}\n\nCổng Dịch vụ công Quốc gia`,
          },
        ]
      : []),
  ];
}

export async function notifySupportEvent(ports: SupportNoticePorts, code: string, event: TicketEvent) {
  const ticket = await ports.loadTicket(code);
  if (!ticket) throw new Error(`timeline event of unknown support ticket ${code}`);
  if (!noticeFor(event, ticket, ports.agencyName)) return 0;
  const caller = ticket.channel === 'phone' ? await ports.callerPhoneOf(ticket) : undefined;
  const phone = caller ? normalizePhone(caller) : undefined;
  const contacts: Contacts | undefined =
    ticket.channel === 'phone' ? (phone ? { phone } : undefined) : await ports.contactsOf(ticket.ownerSub);
  const messages = contacts
    ? supportNotifications(event, ticket, contacts, ports.agencyName, ports.now().toISOString())
    : [];
  if (!messages.length) {
    logger.info('no contact to notify', { ticketCode: code, event: event.type });
    return 0;
  }
  await ports.enqueue(messages);
  return messages.length;
}
