/**
 * The modes a simulated agency can be put in, and what it reports, in order, for a dossier or a petition
 * under each: the scripted callback events. Apart from the simulator's server so the stories it tells
 * read on their own.
 */
import { randomUUID } from 'node:crypto';
import { addWorkingDays } from '../../functions/core/working-days.js';

/** What an agency's system does with the next deliveries. */
export const SIMULATOR_MODES = [
  'normal',
  'supplement',
  'reject',
  'extend',
  'approve_and_result',
  'duplicate',
  'out_of_order',
  'fail_429',
  'fail_500',
  'timeout',
  'gone',
  'hold',
] as const;
export type SimulatorMode = (typeof SIMULATOR_MODES)[number];

/** An event as the agency reports it (schemas/agency.ts agencyEvent). */
export interface CallbackEvent {
  type: string;
  eventId: string;
  dossierCode?: string;
  petitionCode?: string;
  [field: string]: unknown;
}

const DAY_MS = 86_400_000;

const event = (type: string, dossierCode: string, fields: Record<string, unknown> = {}) => ({
  type,
  eventId: `evt_${randomUUID()}`,
  dossierCode,
  ...fields,
});

/**
 * What the agency reports for one dossier, in order, under a lifecycle mode. With the delivery's
 * `steps`, callbacks name the step they start or finish and the officer who acts: the desk officer
 * receives and returns, a specialist handles the steps between.
 */
export function script(
  mode: SimulatorMode,
  code: string,
  dueAt: string | undefined,
  agencyId = '',
  steps: string[] = [],
): CallbackEvent[] {
  const desk = { id: `${agencyId}-mc-01`, displayName: 'Cán bộ một cửa Nguyễn Thị Lan' };
  const specialist = { id: `${agencyId}-cv-01`, displayName: 'Chuyên viên Trần Văn Minh' };
  const handling = steps.filter((s) => s !== 'reception');
  const who = (officer: typeof desk) => (steps.length ? { officer } : {});
  const received = event('dossier.received', code, {
    note: 'Bộ phận một cửa đã tiếp nhận hồ sơ',
    ...(dueAt ? { appointmentAt: dueAt } : {}),
    ...who(desk),
  });
  const inProgress = event('dossier.in_progress', code, {
    note: 'Hồ sơ đã chuyển phòng chuyên môn',
    step: handling[0] ?? 'Thẩm định hồ sơ',
    ...who(specialist),
  });
  // Every step but the last is handled in turn; the last ends with the result.
  const worked = handling.length
    ? [
        ...handling
          .slice(0, -1)
          .flatMap((step) => [
            event('dossier.step_started', code, { step, officer: specialist }),
            event('dossier.step_completed', code, { step, officer: specialist }),
          ]),
        // The last step is under way when the dossier is approved.
        event('dossier.step_started', code, { step: handling.at(-1), officer: specialist }),
      ]
    : [
        event('dossier.step_started', code, { step: 'Thẩm định hồ sơ' }),
        event('dossier.step_completed', code, { step: 'Thẩm định hồ sơ' }),
      ];
  const due = dueAt ? Date.parse(dueAt) : Date.now();
  switch (mode) {
    case 'hold':
      return [];
    case 'supplement':
      return [
        received,
        event('dossier.supplement_requested', code, {
          note: 'Đề nghị bổ sung giấy tờ còn thiếu',
          missingDocuments: ['Bản sao giấy khai sinh có chứng thực'],
          supplementDueAt: addWorkingDays(new Date(), 5).toISOString(),
        }),
      ];
    case 'reject':
      return [
        received,
        event('dossier.rejected', code, { reason: 'Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan' }),
      ];
    case 'extend':
      return [
        received,
        inProgress,
        event('dossier.extended', code, {
          reason: 'Cần xác minh thêm thông tin với cơ quan liên quan',
          newDueAt: new Date(due + 5 * DAY_MS).toISOString(),
          ...(handling[0] ? { step: handling[0], officer: specialist } : {}),
        }),
      ];
    case 'approve_and_result':
      return [
        received,
        ...worked,
        event('dossier.approved', code, { note: 'Hồ sơ được phê duyệt', ...who(specialist) }),
        event('dossier.result_issued', code, {
          note: 'Đã có kết quả giải quyết hồ sơ',
          ...(handling.length ? { step: handling.at(-1), officer: desk } : {}),
          result: {
            kind: 'pickup',
            method: 'at_desk',
            note: 'Nhận kết quả tại Bộ phận một cửa trong giờ hành chính, mang theo CCCD',
          },
        }),
      ];
    case 'duplicate':
      return [received, received, inProgress];
    case 'out_of_order':
      return [inProgress, received];
    default:
      return [received, inProgress];
  }
}

/**
 * What the agency reports for one petition: assigned, then answered and published (or refused). Like
 * an agency's editor, it publishes its own wording of the petition — the subject and a summary,
 * never the petitioner's text — beside the answer.
 */
export function petitionScript(mode: SimulatorMode, petitionCode: string, subject: string): CallbackEvent[] {
  const petitionEvent = (type: string, fields: Record<string, unknown> = {}) => ({
    type,
    eventId: `evt_${randomUUID()}`,
    petitionCode,
    ...fields,
  });
  if (mode === 'hold') return [];
  if (mode === 'reject') {
    return [
      petitionEvent('petition.rejected', {
        reason: 'Nội dung không thuộc phạm vi tiếp nhận phản ánh, kiến nghị về quy định hành chính',
      }),
    ];
  }
  const answer =
    'Cơ quan đã xem xét phản ánh, kiến nghị và trả lời: nội dung được ghi nhận, thủ tục sẽ được hướng dẫn lại tại bộ phận một cửa.';
  return [
    petitionEvent('petition.assigned', { note: 'Đã giao phòng chuyên môn xem xét' }),
    petitionEvent('petition.answered', {
      answer,
      publish: true,
      publicSubject: subject,
      publicContent: `Người dân phản ánh, kiến nghị: ${subject}.`,
      publicAnswer: answer,
    }),
  ];
}
