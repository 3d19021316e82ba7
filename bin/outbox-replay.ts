/**
 * `npm run outbox:replay`: relays again the outbox records whose stream batches failed every retry and
 * were dead-lettered (the outbox DLQ), so their dossiers reach the agency queues; a replayed message
 * is harmless, agencies deduplicate on its webhook id. In AWS the DLQ holds where the batch was in the
 * table stream (kept 24 hours), and the records are read back from there; the local stream pump puts
 * the record itself in the message. What cannot be replayed stays in the DLQ.
 *   --stage <name>  a deployed stage (DLQ, stream and queues from its CloudFormation outputs)
 *   --dry-run       reads and reports what would be relayed; relays and deletes nothing
 * Without --stage, against the local portal running on .local/ (or CONG_DATA_DIR).
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { attachToLocalPortal } from '../lib/local/attach.js';
import { summary } from '../lib/ops/progress.js';
import { attachToStage, parseStage } from '../lib/ops/stage.js';
import { streamReader, streamsClient } from '../lib/ops/stream.js';
import { runOutboxReplay } from '../lib/ops/tools.js';

const { values } = parseArgs({
  options: { stage: { type: 'string' }, 'dry-run': { type: 'boolean' }, max: { type: 'string' } },
});
let dlqUrl: string | undefined;
let cloud = false;
if (values.stage) {
  const r = await attachToStage(parseStage(values.stage));
  dlqUrl = r.outboxDlqUrl;
  cloud = true;
  summary(`Stage ${r.stage}: ${dlqUrl}`);
} else {
  const { attached, dataDir } = await attachToLocalPortal();
  if (!attached) {
    process.stderr.write(`No running local portal found in ${dataDir}: start it with npm start first.\n`);
    process.exit(1);
  }
  dlqUrl = process.env.OUTBOX_DLQ_URL;
}
if (!dlqUrl) {
  process.stderr.write(
    'The running portal names no outbox DLQ (OUTBOX_DLQ_URL): restart it with this release.\n',
  );
  process.exit(1);
}
const region = process.env.AWS_REGION ?? 'ap-southeast-1';
const sqs = new SQSClient({});
try {
  const { report, exitCode } = await runOutboxReplay({
    dlqUrl,
    dryRun: Boolean(values['dry-run']),
    waitSeconds: cloud ? 2 : 0,
    sqs,
    readStream: streamReader(streamsClient(region), region),
    ...(values.max ? { maxMessages: Number(values.max) } : {}),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  summary(
    `${report.scanned} dead letters: ${report.replayed} outbox records ${report.dryRun ? 'would be relayed (dry run)' : 'relayed'}, ` +
      `${report.expired} no longer in the stream, ${report.failed} failed again`,
  );
  process.exitCode = exitCode;
} finally {
  sqs.destroy();
}
