/**
 * An agency reports a step of a dossier routed to it. The event id is the idempotency key (a replay
 * answers as the first delivery did); the state machine, not arrival order, decides what a late or
 * out-of-order event means; the state change, the timeline event and the event record are one
 * conditional transaction on the dossier's version, so concurrent events never overwrite each other.
 */
import type { z } from 'zod';
import type { AgencyEvent, agencyEventResult } from '../../schemas/agency.js';
import type { DossierRecord } from '../core/dossier.js';
import { decide } from '../core/dossier-state.js';
import { AppError } from '../core/errors.js';
import { sealEvent, type TimelineEvent } from '../core/timeline.js';

export type AgencyEventResult = z.infer<typeof agencyEventResult>;

export interface AgencyEventPorts {
  now(): Date;
  findRecorded(agencyId: string, eventId: string): Promise<AgencyEventResult | undefined>;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  /** Records an event that changes nothing (stale), so its replays answer the same. */
  recordOnly(agencyId: string, result: AgencyEventResult, at: string): Promise<void>;
  apply(change: {
    agencyId: string;
    dossier: DossierRecord;
    event: TimelineEvent;
    result: AgencyEventResult;
    /** Set when the step moves the dossier's due date (an extension). */
    newDueAt?: string;
  }): Promise<'applied' | 'already-recorded' | 'version-conflict'>;
}

const MAX_ATTEMPTS = 4;

function eventDetails(e: AgencyEvent): Record<string, unknown> | undefined {
  switch (e.type) {
    case 'dossier.received':
      return e.appointmentAt ? { appointmentAt: e.appointmentAt } : undefined;
    case 'dossier.in_progress':
      return e.step ? { step: e.step } : undefined;
    case 'dossier.step_started':
    case 'dossier.step_completed':
      return { step: e.step };
    case 'dossier.extended':
      return { reason: e.reason };
    case 'dossier.supplement_requested':
      return { missingDocuments: e.missingDocuments, supplementDueAt: e.supplementDueAt };
    case 'dossier.rejected':
      return { reason: e.reason };
    default:
      return undefined;
  }
}

export async function handleAgencyEvent(
  ports: AgencyEventPorts,
  agencyId: string,
  event: AgencyEvent,
): Promise<AgencyEventResult> {
  const replayOf = async () => {
    const recorded = await ports.findRecorded(agencyId, event.eventId);
    return recorded ? { ...recorded, applied: false, reason: 'replay' as const } : undefined;
  };
  const earlier = await replayOf();
  if (earlier) return earlier;

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const dossier = await ports.loadDossier(event.dossierCode);
    // A dossier routed elsewhere is indistinguishable from a missing one.
    if (!dossier || dossier.agencyId !== agencyId) throw new AppError('DOSSIER_NOT_FOUND');
    const decision = decide(dossier.status, event.type, 'agency');
    const at = ports.now().toISOString();
    if (decision.kind === 'illegal') {
      throw new AppError('ILLEGAL_TRANSITION', { currentStatus: dossier.status, event: event.type });
    }
    if (decision.kind === 'stale') {
      const result: AgencyEventResult = {
        eventId: event.eventId,
        dossierCode: dossier.code,
        applied: false,
        status: dossier.status,
        reason: 'stale',
      };
      await ports.recordOnly(agencyId, result, at);
      return result;
    }
    // An extension (form 04) must move the promised date later, never earlier or to the same day.
    if (event.type === 'dossier.extended' && Date.parse(event.newDueAt) <= Date.parse(dossier.dueAt)) {
      throw new AppError('VALIDATION_FAILED', [
        {
          path: 'body.newDueAt',
          code: 'too_early',
          message: `must be later than the current due date ${dossier.dueAt}`,
        },
      ]);
    }
    const newDueAt = event.type === 'dossier.extended' ? event.newDueAt : undefined;
    const timelineEvent = sealEvent({
      seq: dossier.lastSeq + 1,
      at,
      type: event.type,
      status: decision.to,
      actor: 'agency',
      source: `${agencyId}:${event.eventId}`,
      ...(event.note ? { note: event.note } : {}),
      ...(event.type === 'dossier.supplement_requested' ? { dueAt: event.supplementDueAt } : {}),
      ...(newDueAt ? { dueAt: newDueAt } : {}),
      ...(eventDetails(event) ? { details: eventDetails(event) } : {}),
      prevHash: dossier.lastHash,
    });
    const result: AgencyEventResult = {
      eventId: event.eventId,
      dossierCode: dossier.code,
      applied: true,
      status: decision.to,
      reason: 'applied',
    };
    const outcome = await ports.apply({ agencyId, dossier, event: timelineEvent, result, newDueAt });
    if (outcome === 'applied') return result;
    if (outcome === 'already-recorded') {
      const replay = await replayOf();
      if (replay) return replay;
    }
  }
  throw new AppError('CONFLICT');
}
