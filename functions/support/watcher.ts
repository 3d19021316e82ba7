/**
 * The support watcher: every quarter hour (EventBridge; a timer in the local cloud) it closes answered
 * tickets whose asker stayed quiet for the configured working days, so every answered ticket ends closed
 * and can be rated. `{ now }` runs it as of another instant.
 */
import type { Context } from 'aws-lambda';
import { correlate, logger } from '../core/logger.js';
import type { QuietTicketPorts } from './ports.js';
import { quietTicketStore } from './store.js';
import { closeQuietTickets } from './tickets.js';

let ports: QuietTicketPorts | undefined;

export type SupportWatchReport = { closed: number; skipped: number };

export const handler = async (
  event: { now?: string } = {},
  context?: Context,
): Promise<SupportWatchReport> => {
  correlate(undefined, context);
  ports ??= quietTicketStore();
  const now =
    typeof event.now === 'string' && !Number.isNaN(Date.parse(event.now)) ? new Date(event.now) : new Date();
  const report = await closeQuietTickets(ports, now);
  if (report.closed || report.skipped) logger.info('quiet support tickets', report);
  return report;
};
