/**
 * The SLA watcher: every quarter hour (EventBridge; a timer in the local cloud) it notifies agencies of
 * dossiers whose acknowledgement or due date lapsed. `{ now }` runs it as of another instant.
 */

import type { Context } from 'aws-lambda';
import { correlate } from '../core/logger.js';
import { type SlaReport, watchSla } from './sla.js';
import { slaWatchStore } from './store.js';

let ports: ReturnType<typeof slaWatchStore> | undefined;

export const handler = async (event: { now?: string } = {}, context?: Context): Promise<SlaReport> => {
  correlate(undefined, context);
  ports ??= slaWatchStore();
  const now =
    typeof event.now === 'string' && !Number.isNaN(Date.parse(event.now)) ? new Date(event.now) : new Date();
  return watchSla(ports, now);
};
