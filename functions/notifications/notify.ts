/**
 * Turning a citizen-visible change into notifications: each new timeline event of a dossier becomes
 * a text message and an e-mail to the contact in the dossier's form, in Vietnamese, with the dossier
 * code and what to do next. Runs after the change committed (from the table stream), so a notification
 * that fails never blocks or undoes the change itself.
 */
import type { NotificationMessage } from '../../schemas/notification.js';
import type { DossierRecord } from '../core/dossier.js';
import { logger } from '../core/logger.js';
import { type NoticeEvent, renderCitizenNotice } from '../notices/templates.js';
import { planOf } from '../steps/plan.js';
import { citizenContacts } from './recipients.js';

export interface CitizenNoticePorts {
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  enqueue(messages: NotificationMessage[]): Promise<void>;
  now(): Date;
}

/**
 * Agencies name a step by its id in the dossier's plan (`step-2`); the citizen reads its name. A step the
 * plan does not hold (an agency's own wording) is shown as sent.
 */
function withStepName(event: NoticeEvent, dossier: DossierRecord): NoticeEvent {
  const step = event.details?.step;
  if (typeof step !== 'string') return event;
  const planned = planOf(dossier).steps.find((s) => s.id === step);
  return planned ? { ...event, details: { ...event.details, step: planned.name } } : event;
}

export function citizenNotifications(
  event: NoticeEvent & { seq: number },
  dossier: DossierRecord,
  at: string,
): NotificationMessage[] {
  const contacts = citizenContacts(dossier.form);
  const notice = renderCitizenNotice(withStepName(event, dossier), dossier);
  const base = {
    audience: 'citizen' as const,
    dossierCode: dossier.code,
    topic: event.type,
    subject: notice.subject,
    createdAt: at,
  };
  const out: NotificationMessage[] = [];
  // One id per event and channel: a replayed stream record produces the same ids, which the notifier skips.
  if (contacts.phone) {
    out.push({
      ...base,
      id: `${dossier.code}:${event.seq}:sms`,
      channel: 'sms',
      to: contacts.phone,
      text: notice.sms,
    });
  }
  if (contacts.email) {
    out.push({
      ...base,
      id: `${dossier.code}:${event.seq}:email`,
      channel: 'email',
      to: contacts.email,
      text: notice.email,
    });
  }
  return out;
}

export async function notifyTimelineEvent(
  ports: CitizenNoticePorts,
  code: string,
  event: NoticeEvent & { seq: number },
): Promise<number> {
  const dossier = await ports.loadDossier(code);
  if (!dossier) throw new Error(`timeline event of unknown dossier ${code}`);
  const messages = citizenNotifications(event, dossier, ports.now().toISOString());
  if (!messages.length) {
    logger.info('no contact to notify', { dossierCode: code, event: event.type });
    return 0;
  }
  await ports.enqueue(messages);
  return messages.length;
}
