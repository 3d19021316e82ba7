/**
 * `npm run redrive -- --agency <id or code> [--since ISO] [--dossier CODE]... [--resend] [--resume]`
 * For operators, after an agency's outage:
 *   (default)  moves the agency's messages from its channel's DLQ back to the queue (optionally only
 *              those first sent since ISO, or only the given dossiers); reports the counts
 *   --resume   first clears the pause set when the agency's endpoint answered 410 Gone
 *   --resend   re-sends the given dossiers (--dossier, repeatable) under a fresh webhook id, for an
 *              agency that lost deliveries it had accepted
 * Against AWS when TABLE_NAME and AGENCY_QUEUE_URLS are set (credentials from the usual AWS chain);
 * otherwise against the local portal running on .local/ (or CONG_DATA_DIR), through the environment
 * it wrote there.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { findAgencyByCode } from '../functions/catalog/agencies.js';
import { redrive } from '../functions/dispatch/redrive.js';
import { redrivePorts } from '../functions/dispatch/redrive-sqs.js';
import { attachToLocalPortal } from '../lib/local/attach.js';

const USAGE =
  'Usage: npm run redrive -- --agency <id|code> [--since <ISO time>] [--dossier <code>]... [--resend] [--resume]\n';

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
  const report = await redrive(
    redrivePorts({
      sqs,
      db,
      tableName: process.env.TABLE_NAME!,
      queue: { queueUrl, waitSeconds: cloud ? 2 : 0 },
    }),
    {
      agencyId: agency.id,
      channel: agency.channel,
      since,
      dossierCodes: values.dossier,
      resend: values.resend,
      resume: values.resume,
    },
  );
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.failed || report.refused.length ? 1 : 0;
} catch (err) {
  fail(`Redrive failed: ${(err as Error).message}`, 1);
} finally {
  sqs.destroy();
  db.destroy();
}
