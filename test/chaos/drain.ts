/**
 * After the incident, what the on-call operator does until the portal is quiet: resume agencies whose
 * endpoint answered 410, redrive every agency's dead letters (npm run redrive -- --resume), run payment
 * reconciliation for what the gateway never announced, and wait for queues, stream and agencies to
 * settle.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { redrive } from '../../functions/dispatch/redrive.js';
import { redrivePorts } from '../../functions/dispatch/redrive-sqs.js';
import { sleep } from '../../lib/local/net.js';
import type { LocalPortal } from '../../lib/local/portal.js';

export interface DrainReport {
  rounds: number;
  resumed: number;
  /** Dead letters moved back to their queue by the operator. */
  redriven: number;
  reconciled: number;
  quiet: boolean;
  ms: number;
}

/** Messages in a queue, visible or being handled. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const a = out.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** The agencies named by the messages now in a DLQ (each read once, then made visible again). */
async function deadLetterAgencies(sqs: SQSClient, dlqUrl: string): Promise<Set<string>> {
  const agencies = new Set<string>();
  const handles: string[] = [];
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0 || handles.length > 50_000) break;
    for (const m of messages) {
      handles.push(m.ReceiptHandle ?? '');
      try {
        const agencyId = (JSON.parse(m.Body ?? '{}') as { agencyId?: unknown }).agencyId;
        if (typeof agencyId === 'string') agencies.add(agencyId);
      } catch {
        // Not a dispatch message: left for the checks to count.
      }
    }
  }
  for (let i = 0; i < handles.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: dlqUrl,
        Entries: handles.slice(i, i + 10).map((ReceiptHandle, n) => ({
          Id: String(n),
          ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  return agencies;
}

/** Agencies whose deliveries are paused after a 410. */
async function pausedAgencies(db: DynamoDBDocumentClient, TableName: string): Promise<string[]> {
  const ids: string[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({
        TableName,
        FilterExpression: 'sk = :sk AND paused = :true',
        ExpressionAttributeValues: { ':sk': 'DELIVERY_STATE', ':true': true },
        ExclusiveStartKey,
      }),
    );
    for (const item of out.Items ?? []) ids.push(item.agencyId as string);
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return ids;
}

/** Moves every message of a DLQ back to its queue (the console's "start DLQ redrive"); returns how many. */
async function redriveAll(sqs: SQSClient, dlqUrl: string, queueUrl: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return moved;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })),
      }),
    );
    const refused = new Set((sent.Failed ?? []).map((f) => Number(f.Id)));
    const done = messages.filter((_, i) => !refused.has(i));
    if (done.length)
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    moved += done.length;
  }
}

/** One operator pass: resume paused agencies and redrive every agency's dead letters. */
async function operatorPass(portal: LocalPortal, db: DynamoDBDocumentClient, report: DrainReport) {
  const { sqs } = portal.stores.clients;
  const TableName = portal.stores.names.table;
  const toRedrive = new Map<string, string>();
  for (const agencyId of await pausedAgencies(db, TableName)) toRedrive.set(agencyId, '');
  for (const q of portal.stores.agencyQueues) {
    for (const agencyId of await deadLetterAgencies(sqs, q.dlq.url)) toRedrive.set(agencyId, q.url);
  }
  const { findAgency } = await import('../../functions/catalog/agencies.js');
  const queueOf = (channel: string) => portal.stores.agencyQueues.find((q) => q.channel === channel)!;
  for (const agencyId of toRedrive.keys()) {
    const agency = findAgency(agencyId);
    if (!agency) continue;
    const r = await redrive(
      redrivePorts({
        sqs,
        db,
        tableName: TableName,
        queue: { queueUrl: queueOf(agency.channel).url, waitSeconds: 0 },
      }),
      { agencyId, channel: agency.channel, resume: true },
    );
    if (r.resumed) report.resumed++;
    report.redriven += r.redriven;
  }
  // Notifications: each carries its own id, and the notifier skips one already sent.
  const notifications = portal.stores.notificationsQueue;
  report.redriven += await redriveAll(sqs, notifications.dlq.url, notifications.url);
}

/** How often the on-call operator looks again (resume, redrive) while the portal is still busy. */
const OPERATOR_PASS_EVERY_MS = 60_000;

/**
 * Drains the portal: operator passes, reconciliation, and waiting until every queue is empty, the
 * simulated agencies and gateway are idle and nothing moved for `quietMs`; gives up after `timeoutMs`.
 */
export async function drain(
  portal: LocalPortal,
  db: DynamoDBDocumentClient,
  options: {
    timeoutMs: number;
    quietMs?: number;
    done?: () => Promise<boolean>;
    onRound?: (r: DrainReport) => void;
  },
): Promise<DrainReport> {
  const started = Date.now();
  const quietMs = options.quietMs ?? 3_000;
  const report: DrainReport = { rounds: 0, resumed: 0, redriven: 0, reconciled: 0, quiet: false, ms: 0 };
  const { sqs } = portal.stores.clients;
  const queues = [...portal.stores.agencyQueues.map((q) => q.url), portal.stores.notificationsQueue.url];
  const activity = () =>
    portal.simulator.deliveries.length + portal.simulator.callbacks.length + portal.payments.ipns.length;
  while (Date.now() - started < options.timeoutMs) {
    report.rounds++;
    await operatorPass(portal, db, report);
    const reconciled = await portal.reconcile(0);
    report.reconciled += Object.values(reconciled.settled).reduce((a, b) => a + (b ?? 0), 0);
    // Wait for the work this pass released to finish, but pass again after a minute: at scale, retries
    // keep some queue busy for long while new dead letters wait for the operator's next pass.
    let lastActivity = activity();
    let stableSince = Date.now();
    const passStarted = Date.now();
    while (Date.now() - started < options.timeoutMs && Date.now() - passStarted < OPERATOR_PASS_EVERY_MS) {
      await sleep(500);
      const depth = (await Promise.all(queues.map((u) => queueDepth(sqs, u)))).reduce((a, b) => a + b, 0);
      const now = activity();
      if (now !== lastActivity || depth > 0) {
        lastActivity = now;
        stableSince = Date.now();
        continue;
      }
      if (Date.now() - stableSince >= quietMs) break;
    }
    await portal.simulator.idle();
    await portal.payments.idle();
    options.onRound?.(report);
    if (!options.done || (await options.done())) {
      report.quiet = true;
      break;
    }
  }
  report.ms = Date.now() - started;
  return report;
}
