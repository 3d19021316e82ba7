/**
 * Withdrawing a dossier (rút hồ sơ): the citizen may do so until the agency decides. An agency that
 * already holds the dossier is told through its queue so it stops working on it. In an interlinked
 * bundle the later dossiers, which can no longer start, are withdrawn with it by the system — and
 * the same happens when an agency refuses an earlier step.
 */
import { ulid } from 'ulidx';
import type { DossierRecord } from '../core/dossier.js';
import { decide } from '../core/dossier-state.js';
import { AppError } from '../core/errors.js';
import { sealEvent, type TimelineEvent } from '../core/timeline.js';
import { findAgency } from '../registry/agencies.js';
import type { DispatchMessage } from './submit.js';

export interface WithdrawalStep {
  dossier: DossierRecord;
  event: TimelineEvent;
}

export interface WithdrawalPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  /** Every step conditional on the version read, with the agency's notice, in one transaction. */
  applyWithdrawal(change: {
    steps: WithdrawalStep[];
    outbox?: { id: string; messages: DispatchMessage[] };
  }): Promise<'applied' | 'version-conflict'>;
}

const MAX_ATTEMPTS = 3;
const CASCADE_NOTE =
  'Bước trước của hồ sơ liên thông đã kết thúc không có kết quả / an earlier step ended without a result';

/** Whether the dossier has reached its agency (unpaid fees and later bundle steps have not). */
export function wasDispatched(d: DossierRecord): boolean {
  // A fee paid before dispatch holds the dossier back until it is credited (a pending, failed or
  // expired attempt sent nothing to the agency).
  if (d.payment && d.payment.status !== 'succeeded' && d.payment.status !== 'refunded') return false;
  return !(d.bundle && d.bundle.step > 1 && !d.bundle.handedOffAt);
}

/** The later dossiers of a bundle that were never handed over: withdrawn by the system, each sealed. */
export async function laterBundleSteps(
  loadDossier: (code: string) => Promise<DossierRecord | undefined>,
  from: DossierRecord,
  at: string,
): Promise<WithdrawalStep[]> {
  const steps: WithdrawalStep[] = [];
  for (let code = from.bundle?.next; code; ) {
    const next = await loadDossier(code);
    if (!next || next.bundle?.handedOffAt || next.status !== 'submitted') break;
    steps.push({
      dossier: next,
      event: sealEvent({
        seq: next.lastSeq + 1,
        at,
        type: 'dossier.withdrawn',
        status: 'withdrawn',
        actor: 'system',
        note: CASCADE_NOTE,
        details: { after: from.code },
        prevHash: next.lastHash,
      }),
    });
    code = next.bundle?.next;
  }
  return steps;
}

export async function withdrawDossier(ports: WithdrawalPorts, code: string, reason: string) {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const dossier = await ports.loadDossier(code);
    if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
    const decision = decide(dossier.status, 'dossier.withdrawn', 'citizen');
    if (decision.kind === 'stale') return { code, status: dossier.status };
    if (decision.kind === 'illegal') {
      throw new AppError('ILLEGAL_TRANSITION', { currentStatus: dossier.status, event: 'dossier.withdrawn' });
    }
    const now = ports.now();
    const at = now.toISOString();
    const event = sealEvent({
      seq: dossier.lastSeq + 1,
      at,
      type: 'dossier.withdrawn',
      status: 'withdrawn',
      actor: 'citizen',
      note: reason,
      prevHash: dossier.lastHash,
    });
    const steps = [{ dossier, event }, ...(await laterBundleSteps(ports.loadDossier, dossier, at))];
    const agency = findAgency(dossier.agencyId);
    const outboxId = ulid(now.getTime());
    const outbox =
      agency && wasDispatched(dossier)
        ? {
            id: outboxId,
            messages: [
              {
                type: 'dossier.withdrawn' as const,
                dossierCode: dossier.code,
                agencyId: agency.id,
                channel: agency.channel,
                webhookId: `msg_${outboxId}_${dossier.code}`,
              },
            ],
          }
        : undefined;
    const outcome = await ports.applyWithdrawal({ steps, ...(outbox ? { outbox } : {}) });
    if (outcome === 'applied') return { code, status: 'withdrawn' as const };
  }
  throw new AppError('CONFLICT');
}
