/**
 * `npm start`: the whole Cổng portal on this machine, data kept in .local/ between runs.
 *   --reset       start from empty data
 *   --port <n>    API port (or env PORT; default 3000); every other port is picked free
 *   --agency-endpoint <channel>=<url>   (repeatable) that channel's deliveries go to your receiver
 *   --simulator-fail <channel>   the simulated agencies of that channel answer 500 until told otherwise
 *                 (POST <simulator>/control {"channel", "mode": "ok"}): their deliveries pause, then resume
 * Env CONG_DATA_DIR puts the data somewhere other than .local/ (tests use a temporary folder).
 */
import { parseArgs } from 'node:util';
import { allAgencies, channels } from '../functions/registry/agencies.js';
import { AgencyEndpointError, parseAgencyEndpoints } from '../lib/local/agency-endpoints.js';
import { createLog, errorFields } from '../lib/local/log.js';
import { isAddressInUse } from '../lib/local/net.js';
import { watchLaunchers } from '../lib/local/parent-watch.js';
import { type LocalPortal, startLocalPortal } from '../lib/local/portal.js';

const log = createLog({ src: 'local' });

const USAGE = `Usage: npm start -- [--reset] [--port <port>] [--agency-endpoint <channel>=<url> ...] [--simulator-fail <channel>]
  --reset                              start from empty data
  --port <port>                        API port (or env PORT; default 3000)
  --agency-endpoint <channel>=<url>    send that integration channel's deliveries to your own receiver
                                       instead of the agency simulator (repeatable; {agencyId} in the
                                       URL is replaced). Channels (pNN: province NN's one-stop system):
                                       ${channels.join(', ')}
  --simulator-fail <channel>           the simulated agencies of that channel answer 500 until told
                                       otherwise (POST <simulator>/control {"channel","mode":"ok"})
  -h, --help                           this text
`;

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
}

let args: {
  reset?: boolean;
  port?: string;
  help?: boolean;
  'agency-endpoint'?: string[];
  'simulator-fail'?: string;
};
try {
  args = parseArgs({
    options: {
      reset: { type: 'boolean' },
      port: { type: 'string' },
      'agency-endpoint': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      'simulator-fail': { type: 'string' },
    },
  }).values;
} catch (err) {
  usage((err as Error).message);
}
if (args.help) {
  process.stdout.write(`Runs the Cổng portal locally.\n${USAGE}`);
  process.exit(0);
}

let agencyEndpoints: Record<string, string>;
try {
  agencyEndpoints = parseAgencyEndpoints(args['agency-endpoint'] ?? [], channels);
} catch (err) {
  if (!(err instanceof AgencyEndpointError)) throw err;
  usage(err.message);
}
const failing = args['simulator-fail'];
if (failing !== undefined && !channels.includes(failing))
  usage(`Not an agency channel: ${failing} (one of ${channels.join(', ')})`);

const portText = args.port ?? process.env.PORT ?? '3000';
const port = Number(portText);
if (!Number.isInteger(port) || port < 1 || port > 65535) usage(`Not a port: ${portText}`);

let portal: LocalPortal;
try {
  portal = await startLocalPortal({
    port,
    reset: args.reset,
    dataDir: process.env.CONG_DATA_DIR || undefined,
    agencyEndpoints,
  });
} catch (err) {
  if (isAddressInUse(err)) {
    process.stderr.write(
      `Port ${port} is already in use. Stop whatever uses it, or pick another port: npm start -- --port ${
        port + 1
      } (or PORT=${port + 1} npm start)\n`,
    );
  } else {
    log.error('the local portal did not start', errorFields(err));
  }
  process.exit(1);
}

const { url, stores, simulator } = portal;
if (failing)
  for (const agency of allAgencies().filter((a) => a.channel === failing))
    simulator.setMode(agency.id, 'fail_500');
process.stdout.write(
  [
    '',
    `Cổng is running at ${url}`,
    `  Citizen page    ${portal.webUrl}   (sign in as a test person of any role)`,
    `  Sign-in (OIDC)  ${portal.oidc.issuer}/.well-known/openid-configuration   (client id ${portal.oidc.clientId})`,
    `  API health      ${url}/health`,
    `  OpenAPI         ${url}/openapi.json`,
    `  DynamoDB Local  ${stores.endpoints.dynamodb}   (table ${stores.names.table})`,
    `  S3 (s3rver)     ${stores.endpoints.s3}   (bucket ${stores.names.bucket})`,
    `  SQS             ${stores.endpoints.sqs}   (${stores.agencyQueues.map((q) => q.name).join(', ')})`,
    `  Agency systems  ${simulator.url}   (what they received: ${simulator.url}/deliveries)`,
    `  Payment gateway ${portal.payments.url}   (sandbox: approve or decline each payment on its page)`,
    `  EVN biller      ${portal.evn.url}   (electricity bills to look up and pay)`,
    ...Object.entries(agencyEndpoints).map(
      ([channel, to]) =>
        `  Channel ${channel.padEnd(7)} ${to}   (your receiver; secret: "${channel}" in ${portal.env.AGENCY_SECRETS_FILE})`,
    ),
    `  Data folder     ${portal.dataDir}   (npm start -- --reset starts empty)`,
    '',
    'A test token for a citizen:',
    `  curl -s -X POST ${url}/dev/token -H 'content-type: application/json' -d '{"sub":"citizen-1","role":"citizen"}'`,
    'Then send it as: Authorization: Bearer <token>',
    'Step by step (submit a dossier, watch the agency answer): README.md, “A walk through the flow (local)”.',
    'Answer as an agency (signed callbacks): npm run agency -- --help',
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);

let stoppingSince: number | undefined;
async function shutdown(signal: string) {
  if (stoppingSince !== undefined) {
    // npm and tsx pass a Ctrl-C on to this process as well, so one keypress can arrive twice; only a
    // later, deliberate second Ctrl-C leaves at once (DynamoDB Local is still killed on exit).
    if (Date.now() - stoppingSince > 1_500) process.exit(1);
    return;
  }
  stoppingSince = Date.now();
  log.info('stopping', { signal });
  try {
    await portal.stop();
    process.exit(0);
  } catch (err) {
    log.error('stop failed', errorFields(err));
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// The terminal closed.
process.on('SIGHUP', () => void shutdown('SIGHUP'));
// npm killed with a plain `kill` does not pass the signal on: stop when it (or tsx, or the shell) is gone.
watchLaunchers(() => void shutdown('launcher exited'));
process.on('uncaughtException', (err) => {
  log.error('uncaught exception', errorFields(err));
  void shutdown('uncaughtException');
});
process.on('unhandledRejection', (err) => {
  log.error('unhandled rejection', errorFields(err));
});
