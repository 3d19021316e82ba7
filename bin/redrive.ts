/**
 * `npm run redrive -- --agency <id or code> [--since ISO] [--dossier CODE]... [--resend] [--resume]`
 * For operators, after an agency's outage:
 *   (default)  moves the agency's messages from its channel's DLQ back to the queue (optionally only
 *              those first sent since ISO, or only the given dossiers); reports the counts
 *   --resume   first clears the pause set when the agency's endpoint answered 410 Gone
 *   --resend   re-sends the given dossiers (--dossier, repeatable) under a fresh webhook id, for an
 *              agency that lost deliveries it had accepted
 *   --dry-run  goes through the DLQ and reports what it would move, moving and sending nothing
 * `--stage <name>` runs against a deployed stage (table and queues from its CloudFormation outputs;
 * credentials from the usual AWS chain); so do TABLE_NAME and AGENCY_QUEUE_URLS when set; otherwise it
 * runs against the local portal on .local/ (or CONG_DATA_DIR), through the environment it wrote there.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { findAgencyByCode } from '../functions/registry/agencies.js';
import { attachToLocalPortal } from '../lib/local/attach.js';
import { summary } from '../lib/ops/progress.js';
import { attachToStage, parseStage } from '../lib/ops/stage.js';
import { runRedrive } from '../lib/ops/tools.js';

const USAGE =
  'Usage: npm run redrive -- --agency <id|code> [--since <ISO time>] [--dossier <code>]... [--resend] [--resume] [--stage <name>] [--dry-run]\n';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n${code === 2 ? USAGE : ''}`);
  process.exit(code);
}

let values: {
  agency?: string;
  since?: string;
  dossier?: string[];
  resend?: boolean;
  resume?: boolean;
  stage?: string;
  'dry-run'?: boolean;
  help?: boolean;
};
try {
  values = parseArgs({
    options: {
      agency: { type: 'string' },
      since: { type: 'string' },
      dossier: { type: 'string', multiple: true },
      resend: { type: 'boolean' },
      resume: { type: 'boolean' },
      stage: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (values.help) fail('Moves an agency’s dead-lettered deliveries back, or re-sends chosen dossiers.');
if (!values.agency) fail('--agency is required');
const agency = findAgencyByCode(values.agency);
if (!agency) fail(`No agency with id or code ${values.agency}`);
const since = values.since ? new Date(values.since) : undefined;
if (since && Number.isNaN(since.getTime())) fail(`Not an ISO time: ${values.since}`);
if (values.resend && !values.dossier?.length) fail('--resend needs at least one --dossier');

if (values.stage) {
  try {
    const r = await attachToStage(parseStage(values.stage));
    summary(`Stage ${r.stage}: table ${r.tableName}`);
  } catch (err) {
    fail((err as Error).message, 1);
  }
}
const cloud = Boolean(process.env.TABLE_NAME && process.env.AGENCY_QUEUE_URLS);
if (!cloud) {
  const { attached, dataDir } = await attachToLocalPortal();
  if (!attached) {
    fail(
      `No running local portal found in ${dataDir} and no AWS settings (TABLE_NAME, AGENCY_QUEUE_URLS).`,
      1,
    );
  }
}
const queueUrl = (JSON.parse(process.env.AGENCY_QUEUE_URLS ?? '{}') as Record<string, string>)[
  agency.channel
];
if (!queueUrl) fail(`No queue URL for channel ${agency.channel} in AGENCY_QUEUE_URLS`, 1);

const sqs = new SQSClient({});
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
try {
  const { report, exitCode } = await runRedrive({
    agencyId: agency.id,
    channel: agency.channel,
    queueUrl,
    since,
    dossierCodes: values.dossier,
    resend: values.resend,
    resume: values.resume,
    dryRun: Boolean(values['dry-run']),
    waitSeconds: cloud ? 2 : 0,
    tableName: process.env.TABLE_NAME!,
    sqs,
    db,
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  summary(
    `${agency.id}: ${report.scanned} dead letters looked at, ${report.redriven} ${report.dryRun ? 'would be moved (dry run)' : 'moved back'}, ${report.left} left, ${report.failed} failed` +
      (report.resent.length
        ? `; ${report.resent.length} resent from the table (${report.resent.map((r) => r.dossierCode).join(', ')})`
        : ''),
  );
  process.exitCode = exitCode;
} catch (err) {
  fail(`Redrive failed: ${(err as Error).message}`, 1);
} finally {
  sqs.destroy();
  db.destroy();
}
