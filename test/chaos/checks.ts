/**
 * The invariants a run must keep, read from the table and the agencies' own delivery logs once the
 * portal is quiet: nothing accepted is lost, nothing happens twice, everything converges to what the
 * agencies reported, every timeline chain verifies, the published counters equal a rebuild, and every
 * dead letter is accounted for.
 */
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { loadDossiers, loadSubmission, loadTimeline } from '../../functions/core/dossier-store.js';
import { keys } from '../../functions/core/keys.js';
import { verifyTimeline } from '../../functions/core/timeline.js';
import { allAgencies } from '../../functions/registry/agencies.js';
import { rebuildStats, rebuildStore } from '../../functions/stats/rebuild.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import type { AcceptedPetition, AcceptedSubmission } from './load.js';

/** Steps a dossier's timeline records at most once. */
const ONCE = new Set([
  'dossier.submitted',
  'dossier.handed_over',
  'payment.succeeded',
  'dossier.received',
  'dossier.in_progress',
  'dossier.approved',
  'dossier.result_issued',
]);
const PETITION_ONCE = new Set([
  'petition.received',
  'petition.assigned',
  'petition.answered',
  'petition.published',
]);

export interface Violation {
  invariant: string;
  subject: string;
  detail: string;
}

export interface CheckReport {
  dossiers: number;
  petitions: number;
  /** Accepted dossiers (and petitions) missing from the table or never delivered to their agency. */
  lost: { dossiers: number; petitions: number; submissions: number };
  doubled: {
    timelineEvents: number;
    credits: number;
    deliveredAsNew: number;
    petitionEvents: number;
    petitionsDeliveredAsNew: number;
  };
  converged: { dossiers: number; petitions: number };
  chainsVerified: number;
  counters: { differences: number; agencies: number };
  deadLetters: { remaining: number; accounted: number };
  violations: Violation[];
}

export interface Expectations {
  /** The status the simulated agency drives a dossier of this agency to. */
  dossierStatus(agencyId: string): string;
  petitionStatus: string;
}

/** What each agency accepted as new (2xx, not a redelivery of a webhook id it already had), per code. */
function acceptedAsNew(portal: LocalPortal, type: string, field: 'dossierCode' | 'petitionCode') {
  const counts = new Map<string, number>();
  for (const d of portal.simulator.deliveries) {
    const p = d.payload as Record<string, unknown> | undefined;
    if (p?.type !== type || d.duplicate || d.status < 200 || d.status >= 300) continue;
    const code = p[field] as string;
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return counts;
}

async function queryAll(db: DynamoDBDocumentClient, TableName: string, pk: string, prefix: string) {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * Events recorded twice: the same step from the same agency event, or a once-only step repeated (one
 * event may record two steps, as an answer published with it).
 */
function duplicates(events: readonly { type: string; source?: string }[], once: Set<string>): string[] {
  const seen = new Set<string>();
  const doubled: string[] = [];
  for (const e of events) {
    const keysOf = [
      ...(e.source ? [`${e.type} from ${e.source}`] : []),
      ...(once.has(e.type) ? [e.type] : []),
    ];
    for (const k of keysOf) {
      if (seen.has(k)) doubled.push(k);
      seen.add(k);
    }
  }
  return doubled;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Dead letters still in a queue: read (hidden briefly), returned as bodies. */
async function peekAll(sqs: SQSClient, url: string): Promise<string[]> {
  const bodies: string[] = [];
  const seen = new Set<string>();
  for (;;) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    const fresh = (out.Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
    if (fresh.length === 0) return bodies;
    for (const m of fresh) {
      seen.add(m.MessageId ?? '');
      bodies.push(m.Body ?? '');
    }
  }
}

export async function checkInvariants(options: {
  portal: LocalPortal;
  db: DynamoDBDocumentClient;
  submissions: readonly AcceptedSubmission[];
  petitions: readonly AcceptedPetition[];
  expect: Expectations;
}): Promise<CheckReport> {
  const { portal, db, submissions, petitions, expect } = options;
  const TableName = portal.stores.names.table;
  const violations: Violation[] = [];
  const violate = (invariant: string, subject: string, detail: string) =>
    violations.push({ invariant, subject, detail });
  const dossierCount = submissions.reduce((n, s) => n + s.dossiers.length, 0);
  const report: CheckReport = {
    dossiers: dossierCount,
    petitions: petitions.length,
    lost: { dossiers: 0, petitions: 0, submissions: 0 },
    doubled: {
      timelineEvents: 0,
      credits: 0,
      deliveredAsNew: 0,
      petitionEvents: 0,
      petitionsDeliveredAsNew: 0,
    },
    converged: { dossiers: 0, petitions: 0 },
    chainsVerified: 0,
    counters: { differences: 0, agencies: allAgencies().length },
    deadLetters: { remaining: 0, accounted: 0 },
    violations,
  };
  const delivered = acceptedAsNew(portal, 'dossier.submitted', 'dossierCode');
  const paidDossiers = new Set(submissions.filter((s) => s.paymentId).map((s) => s.dossiers[0]!.code));

  await mapLimit(submissions, 8, async (submission) => {
    const stored = await loadSubmission(submission.submissionId);
    if (!stored) {
      report.lost.submissions++;
      violate('lost', submission.submissionId, 'accepted submission not in the table');
    }
    const codes = submission.dossiers.map((d) => d.code);
    const found = new Map((await loadDossiers(codes)).map((d) => [d.code, d]));
    for (const { code, agencyId } of submission.dossiers) {
      const dossier = found.get(code);
      const times = delivered.get(code) ?? 0;
      if (!dossier || times === 0) {
        report.lost.dossiers++;
        const attempts = dossier
          ? (await queryAll(db, TableName, keys.dossierPartition(code), 'DELIVERY#'))
              .map((a) => `${a.attempt}:${a.outcome}${a.status ? `(${a.status})` : ''}`)
              .join(' ')
          : '';
        const state = (await db.send(new GetCommand({ TableName, Key: keys.agencyDeliveryState(agencyId) })))
          .Item;
        violate(
          'lost',
          code,
          dossier
            ? `never delivered to ${agencyId} (status ${dossier.status}; attempts: ${attempts || 'none'}; agency ${state ? JSON.stringify(state) : 'never paused'})`
            : 'accepted dossier not in the table',
        );
        if (!dossier) continue;
      }
      if (times > 1) {
        report.doubled.deliveredAsNew++;
        violate('doubled', code, `delivered as new ${times} times to ${agencyId}`);
      }
      const timeline = await loadTimeline(code);
      const twice = duplicates(timeline, ONCE);
      if (twice.length) {
        report.doubled.timelineEvents += twice.length;
        violate('doubled', code, `timeline events twice: ${twice.join(', ')}`);
      }
      const credits = timeline.filter((e) => e.type === 'payment.succeeded').length;
      if (credits > 1 || (paidDossiers.has(code) && credits === 0)) {
        if (credits > 1) report.doubled.credits += credits - 1;
        violate(credits > 1 ? 'doubled' : 'lost', code, `${credits} payment credits`);
      }
      if (verifyTimeline(dossier!, timeline).intact) report.chainsVerified++;
      else violate('chain', code, 'timeline hash chain does not verify');
      const wanted = expect.dossierStatus(agencyId);
      if (dossier!.status === wanted) report.converged.dossiers++;
      else violate('converged', code, `${dossier!.status}, the agency drove it to ${wanted}`);
    }
  });

  const petitionDelivered = acceptedAsNew(portal, 'petition.created', 'petitionCode');
  await mapLimit(petitions, 8, async ({ code }) => {
    const item = (
      await db.send(new GetCommand({ TableName, Key: keys.petition(code), ConsistentRead: true }))
    ).Item;
    const times = petitionDelivered.get(code) ?? 0;
    if (!item || times === 0) {
      report.lost.petitions++;
      violate('lost', code, item ? 'petition never delivered' : 'accepted petition not in the table');
      if (!item) return;
    }
    if (times > 1) {
      report.doubled.petitionsDeliveredAsNew++;
      violate('doubled', code, `petition delivered as new ${times} times`);
    }
    const events = (await queryAll(db, TableName, keys.petitionPartition(code), 'EVENT#')) as {
      type: string;
      source?: string;
    }[];
    const twice = duplicates(events, PETITION_ONCE);
    if (twice.length) {
      report.doubled.petitionEvents += twice.length;
      violate('doubled', code, `petition events twice: ${twice.join(', ')}`);
    }
    if (item!.status === expect.petitionStatus) report.converged.petitions++;
    else
      violate('converged', code, `${String(item!.status)}, the agency drove it to ${expect.petitionStatus}`);
  });

  const rebuilt = await rebuildStats(
    rebuildStore(),
    allAgencies().map((a) => a.id),
  );
  report.counters.differences = rebuilt.differences.length;
  for (const d of rebuilt.differences.slice(0, 20))
    violate('counters', `${d.agencyId} ${d.month}`, `${d.counter}: live ${d.live}, rebuilt ${d.rebuilt}`);

  // A dead letter is accounted for when what it carried reached its agency anyway.
  const { sqs } = portal.stores.clients;
  const dlqs = [
    ...portal.stores.agencyQueues.map((q) => q.dlq.url),
    portal.stores.outboxDlq.url,
    portal.stores.notificationStreamDlq.url,
    portal.stores.notificationsQueue.dlq.url,
  ];
  for (const url of dlqs) {
    for (const body of await peekAll(sqs, url)) {
      report.deadLetters.remaining++;
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(body);
      } catch {
        // Unreadable: not accounted for.
      }
      // A dispatch message is accounted for when what it carried reached the agency; a notification
      // when it was sent (its sent marker); anything else left in a DLQ is not.
      const code = parsed.webhookId
        ? ((parsed.dossierCode ?? parsed.petitionCode) as string | undefined)
        : undefined;
      const reached = code && ((delivered.get(code) ?? 0) > 0 || (petitionDelivered.get(code) ?? 0) > 0);
      const sent =
        typeof parsed.id === 'string' && typeof parsed.channel === 'string'
          ? (await db.send(new GetCommand({ TableName, Key: keys.notificationSent(parsed.id) }))).Item
          : undefined;
      if (reached || sent) report.deadLetters.accounted++;
      else
        violate(
          'dead letter',
          url.split('/').at(-1)!,
          // What it was about, never its recipient or text.
          String(parsed.id ?? code ?? parsed.webhookId ?? body.slice(0, 80)),
        );
    }
  }
  return report;
}
