/**
 * Escalation of overdue petitions. Open deadlines sit in a sparse, sharded index (one entry per
 * petition, moved in the same transaction as the petition's state), so a run reads only the deadlines
 * already past — never the table. Each entry is judged against the petition itself (the index may lag
 * a change); an overdue petition goes to the parent agency (national triage above a top-level agency)
 * with fresh clocks, a `petition.escalated` event and a delivery to the new agency, conditional on the
 * version read: two runs over the same lapse escalate once. Both agencies are then told.
 */
import { ulid } from 'ulidx';
import type { NotificationMessage } from '../../schemas/notification.js';
import { type DrainBudget, drainLanes, type LanePage, unbounded } from '../core/drain.js';
import { logger } from '../core/logger.js';
import { countEvent } from '../core/metrics.js';
import { PETITIONS } from '../core/resources.js';
import { findAgency } from '../registry/agencies.js';
import type { PetitionRecord } from './model.js';
import { deadlineInForce, type PetitionStorePorts, petitionOutbox } from './petitions.js';
import { escalationTarget, petitionDeadlines, triageAgency } from './routing.js';
import { decidePetition } from './state.js';

export interface LapsedPetition {
  code: string;
  deadline: string;
}

/** Where the next page of a deadline shard starts (the index's last evaluated key). */
export type LapsedPetitionCursor = Readonly<Record<string, string>>;

export interface EscalationPorts extends PetitionStorePorts {
  /** Shards of the petition deadline index. */
  deadlineShards: number;
  /** One page of a shard's petitions whose deadline lapsed before `before`, oldest first. */
  listLapsed(
    shard: number,
    before: string,
    after?: LapsedPetitionCursor,
  ): Promise<LanePage<LapsedPetition, LapsedPetitionCursor>>;
  enqueue(messages: NotificationMessage[]): Promise<void>;
}

export interface EscalationReport {
  at: string;
  checked: number;
  escalated: number;
  /** Entries whose petition moved on meanwhile (answered, reassigned, already escalated). */
  skipped: number;
  errors: { code: string; error: string }[];
  /** Deadline shards left with lapsed petitions when the run's time ran out: the next run takes them. */
  unfinished: number;
}

function notices(p: PetitionRecord, from: string, seq: number, at: string): NotificationMessage[] {
  const to = p.agencyId;
  const recipients = [...new Set([from, to])];
  return recipients.map((id) => {
    const parent = id === to && id !== from;
    const subject = parent
      ? `Phản ánh, kiến nghị ${p.code} được chuyển lên do quá hạn`
      : `Phản ánh, kiến nghị ${p.code} đã quá hạn xử lý`;
    const text = parent
      ? `Phản ánh, kiến nghị ${p.code} ("${p.subject}") của ${findAgency(from)?.name ?? from} đã quá hạn và được chuyển đến ${p.agencyName} để xử lý. Hạn chuyển xử lý: ${p.referralDueAt}; hạn trả lời: ${p.answerDueAt}.`
      : `Phản ánh, kiến nghị ${p.code} ("${p.subject}") đã quá hạn và được chuyển lên ${p.agencyName}.`;
    return {
      id: `petition:${p.code}:${seq}:${id}`,
      audience: 'agency' as const,
      channel: 'agency' as const,
      to: id,
      dossierCode: p.code,
      topic: 'petition.escalated',
      subject,
      text,
      createdAt: at,
    };
  });
}

/** Escalates one petition if it is overdue now; 'skipped' when it is not (or moved on meanwhile). */
export async function escalateOne(
  ports: EscalationPorts,
  code: string,
  now: Date,
): Promise<'escalated' | 'skipped'> {
  const p = await ports.loadPetition(code);
  const due = p && deadlineInForce(p);
  if (!p || !due || Date.parse(due.at) >= now.getTime()) return 'skipped';
  if (decidePetition(p.status, 'petition.escalated', 'system').kind !== 'apply') return 'skipped';
  const current = findAgency(p.agencyId);
  const target = current ? escalationTarget(current) : triageAgency();
  const at = now.toISOString();
  const clocks = petitionDeadlines(now);
  const seq = p.lastSeq + 1;
  const next: PetitionRecord = {
    ...p,
    status: 'escalated',
    version: p.version + 1,
    lastSeq: seq,
    updatedAt: at,
    agencyId: target.id,
    agencyName: target.name,
    routedAt: at,
    ...clocks,
    escalations: p.escalations + 1,
  };
  const outcome = await ports.commit({
    petition: next,
    expectedVersion: p.version,
    events: [
      {
        seq,
        type: 'petition.escalated',
        agencyId: target.id,
        fromAgencyId: p.agencyId,
        at,
        status: 'escalated',
        actor: 'system',
        reason: due.clock === 'referral' ? 'referral_deadline_lapsed' : 'answer_deadline_lapsed',
        ...clocks,
      },
    ],
    deadline: { clock: 'referral', at: clocks.referralDueAt },
    outbox: petitionOutbox(ulid(now.getTime()), p.code, target, 'escalated', p.agencyId),
  });
  if (outcome !== 'committed') return 'skipped';
  countEvent('PetitionsEscalated');
  logger.warn('petition escalated', {
    petitionCode: p.code,
    fromAgencyId: p.agencyId,
    agencyId: target.id,
    lapsed: due.clock,
  });
  // Told after the escalation committed (ids are stable, so a resend is dropped by the notifier). Should
  // the queue refuse them, the new agency still learns of the petition from its signed delivery.
  try {
    await ports.enqueue(notices(next, p.agencyId, seq, at));
  } catch (err) {
    logger.error('petition escalation notices not queued', {
      petitionCode: p.code,
      error: (err as Error).message,
    });
  }
  return 'escalated';
}

/** One run: the deadline shards drained side by side (functions/core/drain.ts) while its time lasts. */
export async function escalatePetitions(
  ports: EscalationPorts,
  now: Date,
  budget: DrainBudget = unbounded(PETITIONS.deadlineShards),
): Promise<EscalationReport> {
  const at = now.toISOString();
  const report: EscalationReport = { at, checked: 0, escalated: 0, skipped: 0, errors: [], unfinished: 0 };
  report.unfinished = await drainLanes({
    lanes: Array.from({ length: ports.deadlineShards }, (_, shard) => shard),
    read: (shard, after?: LapsedPetitionCursor) => ports.listLapsed(shard, at, after),
    handle: async (entry) => {
      report.checked++;
      try {
        report[await escalateOne(ports, entry.code, now)]++;
      } catch (err) {
        report.errors.push({ code: entry.code, error: (err as Error).message });
      }
    },
    budget,
  });
  if (report.unfinished)
    logger.warn('petition escalation ran out of time', { unfinishedShards: report.unfinished });
  logger.info('petitions escalation run', { ...report, errors: report.errors.length });
  return report;
}
