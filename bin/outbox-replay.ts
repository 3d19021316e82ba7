/**
 * `npm run outbox:replay`: replays the table stream records whose batches failed every retry and were
 * dead-lettered. Each stream consumer has its own DLQ: outbox records are relayed to the agency queues
 * again (agencies deduplicate on the webhook id), notification relay records are relayed as notices
 * again (notice ids are deterministic, the notifier skips those already sent; counters are guarded).
 * A message is replayed by the consumer its failure record names, never by the other; one naming
 * neither stays. In AWS a message holds where the batch was in the table stream (kept 24 hours) and the
 * records are read back from there, and notifications are replayed by the stage's own relay function
 * (it holds the keys); the local stream pump puts the record itself in the message. What cannot be
 * replayed stays in the DLQ.
 *   --stage <name>   a deployed stage (DLQs, stream, queues and relay from its CloudFormation outputs)
 *   --queue <which>  outbox, notifications or all (default all)
 *   --dry-run        reads and reports what would be relayed; relays and deletes nothing
 * Without --stage, against the local portal running on .local/ (or CONG_DATA_DIR).
 */
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { attachToLocalPortal } from '../lib/local/attach.js';
import { summary } from '../lib/ops/progress.js';
import { attachToStage, parseStage } from '../lib/ops/stage.js';
import { streamReader, streamsClient } from '../lib/ops/stream.js';
import {
  invokedRelay,
  type Relay,
  runStreamReplay,
  STREAM_CONSUMERS,
  type StreamConsumer,
} from '../lib/ops/tools.js';

const { values } = parseArgs({
  options: {
    stage: { type: 'string' },
    queue: { type: 'string', default: 'all' },
    'dry-run': { type: 'boolean' },
    max: { type: 'string' },
  },
});
const which = values.queue as string;
if (which !== 'all' && !(which in STREAM_CONSUMERS)) {
  process.stderr.write(`--queue must be outbox, notifications or all, got ${which}\n`);
  process.exit(2);
}
const wanted = (which === 'all' ? Object.keys(STREAM_CONSUMERS) : [which]) as StreamConsumer[];

let dlqUrls: Partial<Record<StreamConsumer, string>>;
let relays: Partial<Record<StreamConsumer, Relay>> = {};
let cloud = false;
let lambda: LambdaClient | undefined;
if (values.stage) {
  const r = await attachToStage(parseStage(values.stage));
  // Made once the stage's region is in the environment.
  lambda = new LambdaClient({});
  dlqUrls = { outbox: r.outboxDlqUrl, notifications: r.notificationStreamDlqUrl };
  relays = { notifications: invokedRelay(lambda, r.notificationRelayFunction) };
  cloud = true;
  summary(`Stage ${r.stage}`);
} else {
  const { attached, dataDir } = await attachToLocalPortal();
  if (!attached) {
    process.stderr.write(`No running local portal found in ${dataDir}: start it with npm start first.\n`);
    process.exit(1);
  }
  dlqUrls = {
    outbox: process.env.OUTBOX_DLQ_URL,
    notifications: process.env.NOTIFICATION_STREAM_DLQ_URL,
  };
}
const missing = wanted.filter((c) => !dlqUrls[c]);
if (missing.length) {
  process.stderr.write(
    `The running portal names no ${missing.join(' or ')} stream DLQ: restart it with this release.\n`,
  );
  process.exit(1);
}
const region = process.env.AWS_REGION ?? 'ap-southeast-1';
const sqs = new SQSClient({});
try {
  const reports: Record<string, unknown> = {};
  let exitCode = 0;
  const dryRun = Boolean(values['dry-run']);
  for (const consumer of wanted) {
    const result = await runStreamReplay({
      consumer,
      dlqUrl: dlqUrls[consumer] as string,
      dryRun,
      waitSeconds: cloud ? 2 : 0,
      sqs,
      readStream: streamReader(streamsClient(region), region),
      relays,
      ...(values.max ? { maxMessages: Number(values.max) } : {}),
    });
    const r = result.report;
    reports[consumer] = r;
    exitCode = Math.max(exitCode, result.exitCode);
    summary(
      `${consumer}: ${r.scanned} dead letters, ${r.replayed} records ${dryRun ? 'would be relayed (dry run)' : 'relayed'}, ` +
        `${r.expired} no longer in the stream, ${r.failed} failed again, ${r.foreign} not a relay's (left)`,
    );
  }
  process.stdout.write(`${JSON.stringify({ ...reports, dryRun }, null, 2)}\n`);
  process.exitCode = exitCode;
} finally {
  sqs.destroy();
  lambda?.destroy();
}
