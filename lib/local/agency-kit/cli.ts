/** The agency kit's command line as a function: argv in, text out, an exit status back (bin/agency.ts). */
import { buildEvent, helpText, type Parsed, parseCommandLine, UsageError } from './commands.js';
import { type Exchange, formatExchange, portalUrlFrom, readable, secretFor, sendCallback } from './send.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

export interface CliOutcome {
  status: number;
  /** The callback sent, for the sending commands. */
  exchange?: Exchange;
}

/** Lists what is routed to the agency, signed in as its officer through the local portal's /dev/token. */
async function list(parsed: Parsed, portalUrl: string, io: CliIo): Promise<number> {
  const agencyId = parsed.values.agency as string;
  const tokenRes = await fetch(`${portalUrl}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: `agency-kit-${agencyId}`, role: 'agency_officer', agencyId }),
  });
  if (tokenRes.status !== 200) {
    io.err(
      `${parsed.command.name} needs the local portal's test sign-in (POST /dev/token answered ${tokenRes.status}): ` +
        'in a deployed stage, sign in as an officer of the agency and use GET /v1/agency/dossiers or /v1/agency/petitions.\n',
    );
    return 1;
  }
  const { token } = (await tokenRes.json()) as { token: string };
  const status = parsed.values.status as string | undefined;
  const path =
    parsed.command.name === 'dossiers'
      ? `/v1/agency/dossiers?limit=100${status ? `&status=${encodeURIComponent(status)}` : ''}`
      : '/v1/agency/petitions?limit=100';
  const res = await fetch(`${portalUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) {
    io.err(`← ${res.status} ${res.statusText}\n${readable(text)}\n`);
    return 1;
  }
  const items = (JSON.parse(text) as { items: Record<string, unknown>[] }).items;
  if (!items.length) {
    io.out(`Nothing routed to ${agencyId}${status ? ` with status ${status}` : ''}.\n`);
    return 0;
  }
  const rows = items.map((i) =>
    parsed.command.name === 'dossiers'
      ? [i.code, i.status, i.procedureCode, i.dueAt, i.overdue ? 'overdue' : '']
      : [i.code, i.status, i.answerDueAt ?? i.dueAt, i.subject],
  );
  io.out(
    `${rows
      .map((r) =>
        r
          .map((c) => String(c ?? ''))
          .join('  ')
          .trimEnd(),
      )
      .join('\n')}\n`,
  );
  return 0;
}

/** fetch's own failure (undici): no answer at all, as opposed to an HTTP status. */
const unreachable = (err: unknown) => err instanceof TypeError && err.message === 'fetch failed';

export async function runAgencyCli(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  let portalUrl: string | undefined;
  try {
    const parsed = parseCommandLine(argv);
    if ('help' in parsed) {
      io.out(helpText(parsed.command));
      return { status: 0 };
    }
    portalUrl = await portalUrlFrom(parsed.values.portal as string | undefined, io.env);
    if (parsed.command.name === 'dossiers' || parsed.command.name === 'petitions')
      return { status: await list(parsed, portalUrl, io) };
    const built = await buildEvent(parsed, io.env.INIT_CWD || process.cwd());
    const agencyId = parsed.values.agency as string;
    const secret = await secretFor(agencyId, parsed.values.secret as string | undefined, io.env);
    const exchange = await sendCallback({
      portalUrl,
      path: built.path,
      agencyId,
      secret,
      event: built.event,
    });
    io.out(formatExchange(exchange));
    const ok = exchange.response.status >= 200 && exchange.response.status < 300;
    return { status: ok ? 0 : 1, exchange };
  } catch (err) {
    if (portalUrl && unreachable(err)) {
      io.err(
        `Cannot reach the portal at ${portalUrl}: is npm start running? Use --portal <url> to name another portal.\n`,
      );
      return { status: 1 };
    }
    if (!(err instanceof UsageError)) throw err;
    io.err(
      `${err.message}\n${err.command ? `See: npm run agency -- ${err.command} --help` : 'See: npm run agency -- --help'}\n`,
    );
    return { status: 2 };
  }
}
