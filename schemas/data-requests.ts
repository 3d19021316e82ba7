/**
 * A personal-data request as the person and operators see it: apart from the request bodies
 * (schemas/rights.ts) so the account export (schemas/me.ts) can carry it without an import cycle.
 */
import * as z from 'zod';
import { isoDateTime, ulid } from './common.js';

/**
 * A personal-data request (Law 91/2025/QH15 on Personal Data Protection, Decree 356/2025/NĐ-CP):
 * `received` → `acknowledged` → `completed` | `refused`, or `withdrawn` by the person while not final.
 */
export const dataRequestStatus = z
  .enum(['received', 'acknowledged', 'completed', 'refused', 'withdrawn'])
  .meta({ id: 'DataRequestStatus' });
export const dataRequestKind = z
  .enum(['access', 'correction', 'objection', 'deletion'])
  .meta({ id: 'DataRequestKind' });

/** Statuses an operator still owes an answer in. */
export const OPEN_DATA_REQUEST_STATUSES = ['received', 'acknowledged'] as const;

export const dataRequestEvent = z.object({
  at: isoDateTime,
  type: z.enum(['received', 'acknowledged', 'completed', 'refused', 'withdrawn']),
  by: z.enum(['citizen', 'operator', 'portal']),
  note: z.string().optional(),
});

/** What was done when the request completed. */
export const dataRequestOutcome = z
  .object({
    /** Access: where the whole export is downloaded. */
    exportUrl: z.string().optional(),
    /** Correction: the profile fields changed. */
    correctedFields: z.array(z.string()).optional(),
    /** Objection: the petitions whose published answers were withdrawn from the public list. */
    unpublishedPetitions: z.array(z.string()).optional(),
    /** Deletion: what was deleted, by kind. */
    deleted: z
      .object({ drafts: z.number().int(), unusedUploads: z.number().int(), profile: z.boolean() })
      .partial()
      .optional(),
    /** Deletion: what the law keeps, and why. */
    kept: z.string().optional(),
  })
  .meta({ id: 'DataRequestOutcome' });

export const dataRequestView = z
  .object({
    id: ulid,
    kind: dataRequestKind,
    status: dataRequestStatus,
    receivedAt: isoDateTime,
    /** Acknowledge within 2 working days (Decree 356/2025/NĐ-CP). */
    acknowledgeBy: isoDateTime,
    /** Act within the legal period of the kind (functions/rights/clock.ts). */
    dueBy: isoDateTime,
    acknowledgedAt: isoDateTime.optional(),
    closedAt: isoDateTime.optional(),
    overdue: z.boolean(),
    details: z.record(z.string(), z.unknown()),
    reason: z.string().optional(),
    outcome: dataRequestOutcome.optional(),
    timeline: z.array(dataRequestEvent),
    version: z.number().int().min(1),
  })
  .meta({ id: 'DataRequest' });
