/**
 * The petition escalation run: every quarter hour (EventBridge; a timer in the local cloud) it moves
 * petitions whose referral or answer deadline lapsed to the parent agency. `{ now }` runs it as of
 * another instant.
 */

import type { Context } from 'aws-lambda';
import { lambdaBudget } from '../core/drain.js';
import { correlate } from '../core/logger.js';
import { PETITIONS } from '../core/resources.js';
import { type EscalationPorts, type EscalationReport, escalatePetitions } from './escalation.js';
import { escalationStore } from './store.js';

let ports: EscalationPorts | undefined;

export const handler = async (event: { now?: string } = {}, context?: Context): Promise<EscalationReport> => {
  correlate(undefined, context);
  ports ??= escalationStore();
  const now =
    typeof event.now === 'string' && !Number.isNaN(Date.parse(event.now)) ? new Date(event.now) : new Date();
  return escalatePetitions(
    ports,
    now,
    lambdaBudget(PETITIONS.deadlineShards, PETITIONS.escalateReserveMs, context),
  );
};
