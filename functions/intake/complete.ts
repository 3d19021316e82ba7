/**
 * The citizen confirms having received the result (collected at the desk, arrived by post, or
 * downloaded): the dossier is completed. A confirmation repeated after completion answers the same.
 */
import type { DossierRecord } from '../core/dossier.js';
import { decide } from '../core/dossier-state.js';
import { AppError } from '../core/errors.js';
import { sealEvent, type TimelineEvent } from '../core/timeline.js';

export interface CompletionPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  /** Moves the dossier, conditional on the version read, and appends its timeline event. */
  applyStep(dossier: DossierRecord, event: TimelineEvent): Promise<'applied' | 'version-conflict'>;
}

const MAX_ATTEMPTS = 3;

export async function confirmResultReceived(ports: CompletionPorts, code: string) {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const dossier = await ports.loadDossier(code);
    if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
    const decision = decide(dossier.status, 'dossier.completed', 'citizen');
    if (decision.kind === 'stale') return { code, status: dossier.status };
    if (decision.kind === 'illegal') {
      throw new AppError('ILLEGAL_TRANSITION', { currentStatus: dossier.status, event: 'dossier.completed' });
    }
    const event = sealEvent({
      seq: dossier.lastSeq + 1,
      at: ports.now().toISOString(),
      type: 'dossier.completed',
      status: decision.to,
      actor: 'citizen',
      prevHash: dossier.lastHash,
    });
    if ((await ports.applyStep(dossier, event)) === 'applied') return { code, status: decision.to };
  }
  throw new AppError('CONFLICT');
}
