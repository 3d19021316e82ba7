/**
 * After the incident, what the on-call operator does until the portal is quiet: resume agencies whose
 * endpoint answered 410, redrive every channel's dead letters (as `npm run redrive` does per agency), run payment
 * reconciliation for what the gateway never announced, and wait for queues, stream and agencies to
 * settle.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/core/keys.js';
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
  /** When the drain gave up: the queues that still held messages (visible or in flight), by name. */
  stillQueued: Record<string, number>;
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

/**
 * Agencies whose deliveries are paused after a 410, read by key for every agency of the registry: a
 * scan would read every dossier of the run on each pass.
 */
async function pausedAgencies(db: DynamoDBDocumentClient, TableName: string): Promise<string[]> {
  const { allAgencies } = await import('../../functions/registry/agencies.js');
  const agencies = allAgencies();
  const ids: string[] = [];
  for (let i = 0; i < agencies.length; i += 100) {
    let Keys: Record<string, unknown>[] | undefined = agencies
      .slice(i, i + 100)
      .map((a) => keys.agencyDeliveryState(a.id));
    while (Keys?.length) {
      const out: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [TableName]: { Keys } } }),
      );
      for (const item of out.Responses?.[TableName] ?? []) if (item.paused) ids.push(item.agencyId as string);
      Keys = out.UnprocessedKeys?.[TableName]?.Keys;
    }
  }
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

/**
 * One operator pass: resume every agency paused by a 410, then redrive each channel's dead letters
 * whole (the console's "start DLQ redrive"). Resuming first matters: a message moved back while its
 * agency is still paused only returns to the DLQ.
 */
async function operatorPass(portal: LocalPortal, db: DynamoDBDocumentClient, report: DrainReport) {
  const { sqs } = portal.stores.clients;
  const TableName = portal.stores.names.table;
  const states = redrivePorts({
    sqs,
    db,
    tableName: TableName,
    queue: { queueUrl: portal.stores.agencyQueues[0]!.url, waitSeconds: 0 },
  });
  for (const agencyId of await pausedAgencies(db, TableName))
    if (await states.resume(agencyId, new Date().toISOString())) report.resumed++;
  for (const q of portal.stores.agencyQueues) report.redriven += await redriveAll(sqs, q.dlq.url, q.url);
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
  const report: DrainReport = {
    rounds: 0,
    resumed: 0,
    redriven: 0,
    reconciled: 0,
    quiet: false,
    stillQueued: {},
    ms: 0,
  };
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
  if (!report.quiet) report.stillQueued = await stillQueued(portal);
  report.ms = Date.now() - started;
  return report;
}

/** A drain that timed out is told apart from a loss by what its queues still hold. */
async function stillQueued(portal: LocalPortal): Promise<Record<string, number>> {
  const { sqs } = portal.stores.clients;
  const all = [...portal.stores.agencyQueues.flatMap((q) => [q, q.dlq]), portal.stores.notificationsQueue];
  const depths = await Promise.all(all.map(async (q) => [q.name, await queueDepth(sqs, q.url)] as const));
  return Object.fromEntries(depths.filter(([, n]) => n > 0));
}
