/**
 * The support desk's clocks: working hours to a first answer and to a resolution, the deadline in force
 * in each state, and whether a ticket is overdue. Apart from the ticket logic so views and reports read
 * them alone.
 */

import type * as z from 'zod';
import { setting, type supportClockSchema } from '../core/config.js';
import { SUPPORT } from '../core/resources.js';
import { addWorkingDays, addWorkingHours, type CalendarAdjustments } from '../core/working-days.js';
import type { TicketRecord } from './model.js';

export type SupportClockHours = z.output<ReturnType<typeof supportClockSchema>>;
let configured: SupportClockHours | undefined;

/**
 * Working hours to a first answer and to a resolution: SUPPORT's defaults or CONG_SUPPORT_DEADLINES
 * (e.g. {"firstAnswerWorkingHours":4,"resolutionWorkingHours":24,"quietWorkingDays":5}). Read once;
 * invalid stops loudly.
 */
export function supportClockHours(): SupportClockHours {
  if (!configured) {
    configured = setting('CONG_SUPPORT_DEADLINES') ?? {
      firstAnswerWorkingHours: SUPPORT.firstAnswerWorkingHours,
      resolutionWorkingHours: SUPPORT.resolutionWorkingHours,
    };
  }
  return configured;
}

export function resetSupportClockHours(): void {
  configured = undefined;
}

/**
 * When an answered ticket closes itself if its asker neither replies, reopens nor closes it: the close
 * of business `quietWorkingDays` working days after the answer (CONG_SUPPORT_DEADLINES or SUPPORT).
 */
export function quietCloseAt(answeredAt: Date, cal?: CalendarAdjustments, hours = supportClockHours()) {
  return addWorkingDays(answeredAt, hours.quietWorkingDays ?? SUPPORT.quietWorkingDays, cal).toISOString();
}

export function ticketDeadlines(from: Date, cal?: CalendarAdjustments, hours = supportClockHours()) {
  return {
    firstAnswerDueAt: addWorkingHours(from, hours.firstAnswerWorkingHours, cal).toISOString(),
    resolutionDueAt: addWorkingHours(from, hours.resolutionWorkingHours, cal).toISOString(),
  };
}

/**
 * The deadline running in a state: the first answer until one came, then the resolution while the desk
 * or an agency owes an answer; none while the citizen is to act or once closed.
 */
export function dueInForce(
  t: Pick<TicketRecord, 'status' | 'firstAnsweredAt' | 'firstAnswerDueAt' | 'resolutionDueAt'>,
) {
  if (t.status === 'closed') return undefined;
  if (!t.firstAnsweredAt) return t.firstAnswerDueAt;
  return t.status === 'open' || t.status === 'with_agency' ? t.resolutionDueAt : undefined;
}

export const isTicketOverdue = (t: TicketRecord, now: Date) => {
  const due = dueInForce(t);
  return due !== undefined && Date.parse(due) < now.getTime();
};
