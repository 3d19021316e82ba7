/**
 * What Cổng tells a petitioner when their petition moves: received (with its code and the agency),
 * passed on to another agency, escalated, answered, refused or published. Messages go to the phone and
 * e-mail of the petitioner's saved profile (a petition form holds no contact); a petitioner without a
 * profile follows the petition in their account only. Internal steps (an officer assigned) stay silent.
 */
import type { NotificationMessage } from '../../schemas/notification.js';
import { logger } from '../core/logger.js';
import { showTime } from '../notices/templates.js';
import type { PetitionEvent, PetitionRecord } from '../petitions/model.js';
import { type Contacts, citizenContacts } from './recipients.js';

export interface PetitionNoticePorts {
  loadPetition(code: string): Promise<PetitionRecord | undefined>;
  /** The petitioner's phone and e-mail from their saved profile, opened; undefined without a profile. */
  contactsOf(sub: string): Promise<Contacts | undefined>;
  agencyName(agencyId: string): string;
  enqueue(messages: NotificationMessage[]): Promise<void>;
  now(): Date;
}

const FOLLOW = 'Theo dõi phản ánh trong mục Phản ánh, kiến nghị của bạn trên Cổng Dịch vụ công.';

type Notice = { subject: string; what: string; next: string };

function noticeFor(e: PetitionEvent, p: PetitionRecord, agency: (id: string) => string): Notice | undefined {
  const code = p.code;
  switch (e.type) {
    case 'petition.received':
      return {
        subject: `Đã nhận phản ánh ${code}`,
        what: `Phản ánh, kiến nghị ${code} ("${p.subject}") đã được chuyển tới ${agency(e.agencyId)}; hạn trả lời ${showTime(p.answerDueAt)}.`,
        next: FOLLOW,
      };
    case 'petition.reassigned':
      return {
        subject: `Phản ánh ${code} được chuyển cơ quan`,
        what: `${agency(e.fromAgencyId ?? '')} đã chuyển phản ánh ${code} tới ${agency(e.agencyId)}, cơ quan có thẩm quyền; hạn trả lời tính lại từ hôm nay.`,
        next: FOLLOW,
      };
    case 'petition.escalated':
      return {
        subject: `Phản ánh ${code} được chuyển lên cấp trên`,
        what: `Phản ánh ${code} chưa được xử lý đúng hạn nên đã được chuyển lên ${agency(e.agencyId)} để xử lý.`,
        next: FOLLOW,
      };
    case 'petition.answered':
      return {
        subject: `Phản ánh ${code} đã có trả lời`,
        what: `${agency(e.agencyId)} đã trả lời phản ánh, kiến nghị ${code} ("${p.subject}").`,
        next: 'Xem nội dung trả lời trên Cổng Dịch vụ công.',
      };
    case 'petition.rejected':
      return {
        subject: `Phản ánh ${code} không được xử lý`,
        what: `${agency(e.agencyId)} không xử lý phản ánh ${code}. Lý do: ${e.reason ?? e.note ?? 'không nêu'}.`,
        next: 'Bạn có thể gửi phản ánh mới tới đúng cơ quan có thẩm quyền.',
      };
    case 'petition.published':
      return {
        subject: `Trả lời phản ánh ${code} đã được công khai`,
        what: `Trả lời phản ánh ${code} đã được công khai trên Cổng, không kèm thông tin cá nhân của bạn.`,
        next: FOLLOW,
      };
    default:
      return undefined;
  }
}

export function petitionNotifications(
  e: PetitionEvent,
  p: PetitionRecord,
  contacts: Contacts,
  agency: (id: string) => string,
  at: string,
): NotificationMessage[] {
  const notice = noticeFor(e, p, agency);
  if (!notice) return [];
  const base = {
    audience: 'citizen' as const,
    dossierCode: p.code,
    topic: e.type,
    subject: notice.subject,
    createdAt: at,
  };
  const sms = `Cổng DVC: ${notice.what} ${notice.next}`;
  const email = `Kính gửi Quý ông/bà,\n\n${notice.what}\n\n${notice.next}\n\nCổng Dịch vụ công Quốc gia`;
  // One id per event and channel, so a replayed stream record is not sent twice.
  return [
    ...(contacts.phone
      ? [{ ...base, id: `${p.code}:${e.seq}:sms`, channel: 'sms' as const, to: contacts.phone, text: sms }]
      : []),
    ...(contacts.email
      ? [
          {
            ...base,
            id: `${p.code}:${e.seq}:email`,
            channel: 'email' as const,
            to: contacts.email,
            text: email,
          },
        ]
      : []),
  ];
}

export async function notifyPetitionEvent(
  ports: PetitionNoticePorts,
  code: string,
  event: PetitionEvent,
): Promise<number> {
  const petition = await ports.loadPetition(code);
  if (!petition) throw new Error(`timeline event of unknown petition ${code}`);
  if (!noticeFor(event, petition, ports.agencyName)) return 0;
  const contacts = await ports.contactsOf(petition.ownerSub);
  const messages = contacts
    ? petitionNotifications(event, petition, contacts, ports.agencyName, ports.now().toISOString())
    : [];
  if (!messages.length) {
    logger.info('no contact to notify', { petitionCode: code, event: event.type });
    return 0;
  }
  await ports.enqueue(messages);
  return messages.length;
}

/** The contacts of a saved profile, normalised as a dossier form's are. */
export const profileContacts = (profile: { phone: string; email?: string }): Contacts =>
  citizenContacts({ phone: profile.phone, ...(profile.email ? { email: profile.email } : {}) });
