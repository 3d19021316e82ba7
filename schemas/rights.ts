import * as z from 'zod';
import { isoDateTime, listQuery, nfcText, ulid } from './common.js';
import { dataRequestKind, dataRequestView, OPEN_DATA_REQUEST_STATUSES } from './data-requests.js';
import { profileInput } from './me.js';
import { petitionCode } from './petition-agency.js';

/** The profile fields a correction may propose (the citizen ID comes from VNeID and is not corrected here). */
export const correctionFields = profileInput.partial().refine((v) => Object.keys(v).length > 0, {
  message: 'đề xuất ít nhất một thông tin cần sửa / propose at least one field',
});

/** What the portal may delete on request; filed dossiers and their scans are records the state keeps. */
export const deletionTarget = z.enum(['drafts', 'unused_uploads', 'profile']);

export const createDataRequest = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('access'), note: nfcText(2000).optional() }),
    z.strictObject({
      kind: z.literal('correction'),
      /** Proposed values, validated as the profile itself is. */
      proposed: correctionFields,
      note: nfcText(2000).optional(),
    }),
    z.strictObject({
      kind: z.literal('objection'),
      /** Stop publishing one of my petitions' answers, or all of them. */
      stopPublishing: z.union([
        z.strictObject({ petitionCode }),
        z.strictObject({ allPetitions: z.literal(true) }),
      ]),
      note: nfcText(2000).optional(),
    }),
    z.strictObject({
      kind: z.literal('deletion'),
      targets: z.array(deletionTarget).min(1).max(3),
      note: nfcText(2000).optional(),
    }),
  ])
  .meta({ id: 'DataRequestInput' });
export type CreateDataRequest = z.output<typeof createDataRequest>;

export const dataRequestList = z.object({
  items: z.array(dataRequestView),
  nextCursor: z.string().nullable(),
});

export const dataRequestParams = z.object({ id: ulid });

export const myDataRequestsQuery = listQuery.strict();

export const operatorDataRequestsQuery = listQuery
  .extend({
    /** Open requests only: closed ones are counted in the monthly report. */
    status: z.enum(OPEN_DATA_REQUEST_STATUSES).optional(),
    kind: dataRequestKind.optional(),
    overdue: z.enum(['true', 'false']).optional(),
  })
  .strict();

export const operatorDataRequestAction = z
  .discriminatedUnion('action', [
    z.strictObject({ action: z.literal('acknowledge'), note: nfcText(2000).optional() }),
    z.strictObject({ action: z.literal('complete'), note: nfcText(2000).optional() }),
    z.strictObject({ action: z.literal('refuse'), reason: nfcText(2000), note: nfcText(2000).optional() }),
  ])
  .meta({ id: 'DataRequestAction' });

export const withdrawDataRequest = z.strictObject({ note: nfcText(2000).optional() });

export const dataRequestReportQuery = z
  .object({
    /** A Vietnam calendar month; the current one when absent. */
    month: z
      .string()
      .regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'a month such as 2026-12 (years 2000–2099)')
      .optional(),
  })
  .strict();

const kindFigures = z.object({
  received: z.number().int(),
  acknowledgedOnTime: z.number().int(),
  acknowledgedLate: z.number().int(),
  completedOnTime: z.number().int(),
  completedLate: z.number().int(),
  refused: z.number().int(),
  withdrawn: z.number().int(),
  open: z.number().int(),
  overdueNow: z.number().int(),
});

export const dataRequestReport = z
  .object({
    month: z.string(),
    at: isoDateTime,
    kinds: z.object({
      access: kindFigures,
      correction: kindFigures,
      objection: kindFigures,
      deletion: kindFigures,
    }),
  })
  .meta({ id: 'DataRequestReport' });

export {
  dataRequestKind,
  dataRequestStatus,
  dataRequestView,
  OPEN_DATA_REQUEST_STATUSES,
} from './data-requests.js';
