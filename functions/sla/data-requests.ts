/**
 * Personal-data requests past their deadline (Decree 356/2025/NĐ-CP: acknowledge within 2 working days,
 * act within the legal period): the SLA watcher reads the open requests whose deadline in force lapsed and
 * flags each breach once, with the same flag items and conditional put as dossier breaches (keyed
 * `DATAREQ-<id>`), for operators' alarms and queue (`overdue=true`).
 */
import { logger } from '../core/logger.js';
import { type DataRequestRecord, lapsedDeadline } from '../pii/data-requests.js';
import type { SlaWatchPorts } from './sla.js';

export interface DataRequestWatchPorts extends Pick<SlaWatchPorts, 'flag'> {
  /** Open requests whose deadline in force is before `before`. */
  listLapsedRequests(before: string): Promise<DataRequestRecord[]>;
}

export interface DataRequestWatchReport {
  checked: number;
  flagged: { ack: number; due: number };
  alreadyFlagged: number;
  errors: number;
}

export const flagCode = (id: string) => `DATAREQ-${id}`;

export async function watchDataRequests(
  ports: DataRequestWatchPorts,
  now: Date,
): Promise<DataRequestWatchReport> {
  const at = now.toISOString();
  const report: DataRequestWatchReport = {
    checked: 0,
    flagged: { ack: 0, due: 0 },
    alreadyFlagged: 0,
    errors: 0,
  };
  for (const r of await ports.listLapsedRequests(at)) {
    report.checked++;
    const lapsed = lapsedDeadline(r, now);
    if (!lapsed) continue;
    try {
      if (!(await ports.flag(flagCode(r.id), lapsed.kind, lapsed.deadline, at))) {
        report.alreadyFlagged++;
        continue;
      }
      report.flagged[lapsed.kind]++;
      logger.warn('data request deadline breached', {
        requestId: r.id,
        requestKind: r.kind,
        breach: lapsed.kind,
        deadline: lapsed.deadline,
      });
    } catch (err) {
      report.errors++;
      logger.error('data request breach not flagged', { requestId: r.id, error: (err as Error).message });
    }
  }
  return report;
}
