/**
 * Operator tools for an agency channel after an outage: resume an agency paused by 410 Gone, move its
 * dead-lettered deliveries back to the channel's queue, or re-send chosen dossiers under a fresh
 * webhook id (agencies ask for this when they lost what they had accepted). Runs from bin/redrive.ts
 * against the local portal or AWS; the queues and table are ports.
 */
import { parseQueueMessage, queueMessageOf, subjectOf } from '../dossiers/messages.js';

/** A message as read from a DLQ: the dispatch message and when it was first sent. */
export interface DeadLetter {
  receiptHandle: string;
  body: string;
  /** Epoch milliseconds of the original send (SQS keeps SentTimestamp through the redrive policy). */
  sentAt: number;
}

export interface ChannelQueues {
  /** Receives up to ten DLQ messages and hides them for `holdSeconds` (none left: empty). */
  receiveDead(holdSeconds: number): Promise<DeadLetter[]>;
  /** Sends bodies to the channel's queue; returns the indexes SQS did not accept. */
  send(bodies: readonly string[]): Promise<number[]>;
  /** Deletes DLQ messages by receipt handle. */
  deleteDead(receiptHandles: readonly string[]): Promise<void>;
  /** Makes DLQ messages visible again at once (not ours to move). */
  releaseDead(receiptHandles: readonly string[]): Promise<void>;
}

export interface RedrivePorts {
  now(): Date;
  queues: ChannelQueues;
  /** Clears the agency's pause; false when it was not paused. */
  resume(agencyId: string, at: string): Promise<boolean>;
  /** The agency a dossier belongs to; undefined for an unknown code. */
  dossierAgency(code: string): Promise<string | undefined>;
  newWebhookId(): string;
}

export interface RedriveRequest {
  agencyId: string;
  channel: string;
  since?: Date;
  dossierCodes?: readonly string[];
  resend?: boolean;
  resume?: boolean;
  /** Stops after this many DLQ messages were looked at (a DLQ can hold millions). */
  maxMessages?: number;
}

export interface RedriveReport {
  agencyId: string;
  resumed?: boolean;
  /** DLQ messages looked at, moved back, left (another agency's, older than since, other dossiers). */
  scanned: number;
  redriven: number;
  left: number;
  /** Moves whose send SQS refused: still in the DLQ. */
  failed: number;
  /** --resend: dossiers queued again under a fresh webhook id, and codes refused. */
  resent: { dossierCode: string; webhookId: string }[];
  refused: { dossierCode: string; reason: string }[];
}

/** A DLQ message's hold while one redrive pass runs: long enough that the pass never sees it twice. */
const HOLD_SECONDS = 300;
const DEFAULT_MAX_MESSAGES = 10_000;

export function matches(
  letter: DeadLetter,
  filter: Pick<RedriveRequest, 'agencyId' | 'since' | 'dossierCodes'>,
): boolean {
  // Dossiers, petitions and support tickets travel the same queues: any of them is the agency's.
  const parsed = parseQueueMessage(letter.body);
  if (!parsed.ok || parsed.message.agencyId !== filter.agencyId) return false;
  if (filter.since && letter.sentAt < filter.since.getTime()) return false;
  const code = subjectOf(parsed.message);
  if (filter.dossierCodes?.length && !filter.dossierCodes.includes(code)) return false;
  return true;
}

/**
 * Moves the agency's dead letters back to its queue. Each is deleted from the DLQ only after its send
 * was accepted, so a failure part-way leaves it where it was. Messages keep their webhook id: one the
 * agency already accepted is skipped by the dispatcher's delivered marker.
 */
async function redriveDead(ports: RedrivePorts, req: RedriveRequest, report: RedriveReport) {
  const max = req.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const others: string[] = [];
  try {
    while (report.scanned < max) {
      const batch = await ports.queues.receiveDead(HOLD_SECONDS);
      if (batch.length === 0) break;
      report.scanned += batch.length;
      const mine = batch.filter((m) => matches(m, req));
      others.push(...batch.filter((m) => !mine.includes(m)).map((m) => m.receiptHandle));
      if (mine.length === 0) continue;
      const refused = new Set(await ports.queues.send(mine.map((m) => m.body)));
      const moved = mine.filter((_, i) => !refused.has(i));
      if (moved.length) await ports.queues.deleteDead(moved.map((m) => m.receiptHandle));
      others.push(...mine.filter((_, i) => refused.has(i)).map((m) => m.receiptHandle));
      report.redriven += moved.length;
      report.failed += refused.size;
    }
  } finally {
    report.left = others.length - report.failed;
    for (let i = 0; i < others.length; i += 10) await ports.queues.releaseDead(others.slice(i, i + 10));
  }
}

/** Queues chosen dossiers again under a fresh webhook id, which no delivered marker can match. */
async function resend(ports: RedrivePorts, req: RedriveRequest, report: RedriveReport) {
  const chosen: { dossierCode: string; webhookId: string; body: string }[] = [];
  for (const dossierCode of new Set(req.dossierCodes ?? [])) {
    const agencyId = await ports.dossierAgency(dossierCode);
    if (agencyId !== req.agencyId) {
      const reason = agencyId ? `belongs to ${agencyId}` : 'no such dossier';
      report.refused.push({ dossierCode, reason });
      continue;
    }
    const webhookId = ports.newWebhookId();
    const message = queueMessageOf({
      type: 'dossier.submitted',
      dossierCode,
      agencyId,
      channel: req.channel,
      webhookId,
    });
    chosen.push({ dossierCode, webhookId, body: JSON.stringify(message) });
  }
  for (let i = 0; i < chosen.length; i += 10) {
    const chunk = chosen.slice(i, i + 10);
    const refused = new Set(await ports.queues.send(chunk.map((c) => c.body)));
    chunk.forEach(({ dossierCode, webhookId }, j) => {
      if (refused.has(j)) report.refused.push({ dossierCode, reason: 'queue refused the message' });
      else report.resent.push({ dossierCode, webhookId });
    });
  }
}

export async function redrive(ports: RedrivePorts, req: RedriveRequest): Promise<RedriveReport> {
  if (req.resend && !req.dossierCodes?.length) throw new Error('--resend needs at least one --dossier');
  const report: RedriveReport = {
    agencyId: req.agencyId,
    scanned: 0,
    redriven: 0,
    left: 0,
    failed: 0,
    resent: [],
    refused: [],
  };
  // Resume first: messages moved back while still paused would only return to the DLQ.
  if (req.resume) report.resumed = await ports.resume(req.agencyId, ports.now().toISOString());
  if (req.resend) await resend(ports, req, report);
  else await redriveDead(ports, req, report);
  return report;
}

/** The DLQ of a channel queue: CDK and the local cloud name it `<queue>-dlq` (resources.ts). */
export const dlqUrlOf = (queueUrl: string) => `${queueUrl}-dlq`;
