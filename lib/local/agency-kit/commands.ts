/**
 * `npm run agency -- <command>`: the callbacks an agency's system sends, as commands with human flags.
 * Each command builds one event body (schemas/agency.ts, schemas/petition.ts); the portal validates it.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addWorkingDays } from '../../../functions/core/working-days.js';
import type { resultContentTypes } from '../../../schemas/agency.js';

/** A mistake in how the command was called: shown with the command's usage, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

type FlagType = 'string' | 'boolean';
interface Flag {
  type: FlagType;
  multiple?: boolean;
  /** `<placeholder>` in the usage line. */
  value?: string;
  help: string;
}

/** Flags every sending command takes. */
export const COMMON_FLAGS: Record<string, Flag> = {
  agency: { type: 'string', value: 'id', help: 'the agency you answer as (registry id, e.g. bhxh-hn)' },
  portal: {
    type: 'string',
    value: 'url',
    help: 'the portal (default: the running local portal, else http://127.0.0.1:3000)',
  },
  secret: {
    type: 'string',
    value: 'whsec_…',
    help: "signing secret (default: the agency's channel secret of the local portal)",
  },
  'event-id': { type: 'string', value: 'id', help: 'event id, also the webhook-id (default: a fresh one)' },
  note: { type: 'string', value: 'text', help: 'a note shown on the timeline' },
};

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Built {
  path: '/v1/agency/events' | '/v1/agency/petition-events';
  event: Record<string, unknown>;
}

export interface Command {
  name: string;
  summary: string;
  /** `dossier` or `petition`: the code flag it requires; `none` for the listing commands. */
  subject: 'dossier' | 'petition' | 'none';
  flags: Record<string, Flag>;
  required?: readonly string[];
  /** Builds the event; absent for the listing commands. */
  build?(v: Values, base: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** The time a citizen gets to supplement when the officer names none. */
const SUPPLEMENT_WORKING_DAYS = 5;

/** An ISO date-time with offset, or a date (then 17:00 in Việt Nam, when offices close). */
export function toDateTime(flag: string, value: string): string {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T17:00:00+07:00` : value;
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ||
    Number.isNaN(Date.parse(text))
  )
    throw new UsageError(
      `--${flag} expects a date (2026-12-31) or an ISO date-time with offset; got "${value}"`,
    );
  return text;
}

const CONTENT_TYPES: Record<string, (typeof resultContentTypes)[number]> = {
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

async function electronicResult(file: string) {
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!contentType)
    throw new UsageError(`--file must be one of ${Object.keys(CONTENT_TYPES).join(', ')}; got "${file}"`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new UsageError(`--file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return {
    kind: 'electronic',
    fileName: basename(file),
    contentType,
    contentBase64: bytes.toString('base64'),
  };
}

const str = (v: Values, k: string) => v[k] as string | undefined;

export const COMMANDS: readonly Command[] = [
  {
    name: 'received',
    summary: 'the agency received the dossier (receipt, form 01)',
    subject: 'dossier',
    flags: { appointment: { type: 'string', value: 'date', help: 'appointment date for the result' } },
    build: async (v, base) => ({
      type: 'dossier.received',
      ...base,
      ...(str(v, 'appointment') ? { appointmentAt: toDateTime('appointment', str(v, 'appointment')!) } : {}),
    }),
  },
  {
    name: 'in-progress',
    summary: 'the agency is working on the dossier',
    subject: 'dossier',
    flags: { step: { type: 'string', value: 'text', help: 'the step under way (e.g. "Thẩm định hồ sơ")' } },
    build: async (v, base) => ({
      type: 'dossier.in_progress',
      ...base,
      ...(str(v, 'step') ? { step: str(v, 'step') } : {}),
    }),
  },
  {
    name: 'step-started',
    summary: "a step of the dossier's plan starts (--step, the delivery's steps[].id)",
    subject: 'dossier',
    flags: {},
    required: ['step'],
    build: async (_v, base) => ({ type: 'dossier.step_started', ...base }),
  },
  {
    name: 'step-completed',
    summary: "a step of the dossier's plan is finished (--step)",
    subject: 'dossier',
    flags: {},
    required: ['step'],
    build: async (_v, base) => ({ type: 'dossier.step_completed', ...base }),
  },
  {
    name: 'extend',
    summary: 'apologise with a new date (form 04), for a step (--step) or the whole dossier',
    subject: 'dossier',
    flags: {
      reason: { type: 'string', value: 'text', help: 'why (at least 5 characters)' },
      'new-due': { type: 'string', value: 'date', help: 'the new date' },
    },
    required: ['reason', 'new-due'],
    build: async (v, base) => ({
      type: 'dossier.extended',
      ...base,
      reason: str(v, 'reason'),
      newDueAt: toDateTime('new-due', str(v, 'new-due')!),
    }),
  },
  {
    name: 'supplement',
    summary: 'ask the citizen to supplement the dossier (form 02)',
    subject: 'dossier',
    flags: {
      missing: { type: 'string', multiple: true, value: 'document', help: 'a missing document (repeatable)' },
      due: {
        type: 'string',
        value: 'date',
        help: 'supplement by (default: 17:00 on the 5th working day from now)',
      },
    },
    required: ['missing'],
    build: async (v, base) => ({
      type: 'dossier.supplement_requested',
      ...base,
      missingDocuments: v.missing,
      supplementDueAt: str(v, 'due')
        ? toDateTime('due', str(v, 'due')!)
        : // Five working days, closing at 17:00 in Vietnam: never a Saturday past midnight.
          addWorkingDays(new Date(), SUPPLEMENT_WORKING_DAYS).toISOString(),
    }),
  },
  {
    name: 'approve',
    summary: 'the dossier is approved (before its result)',
    subject: 'dossier',
    flags: {},
    build: async (_v, base) => ({ type: 'dossier.approved', ...base }),
  },
  {
    name: 'result',
    summary: 'issue the result: a file (--file) or one to collect or post',
    subject: 'dossier',
    flags: {
      file: {
        type: 'string',
        value: 'path',
        help: 'electronic result: .pdf, .xml, .jpg or .png, at most 700 KB',
      },
      pickup: {
        type: 'string',
        value: 'at_desk|post',
        help: 'without --file: how it is handed over (default at_desk)',
      },
      'pickup-note': { type: 'string', value: 'text', help: 'without --file: what the citizen must do' },
      tracking: { type: 'string', value: 'number', help: 'with --pickup post: the postal tracking number' },
    },
    build: async (v, base) => {
      const pickup = str(v, 'pickup') ?? 'at_desk';
      if (!['at_desk', 'post'].includes(pickup))
        throw new UsageError(`--pickup is at_desk or post; got "${pickup}"`, 'result');
      const result = str(v, 'file')
        ? await electronicResult(str(v, 'file')!)
        : {
            kind: 'pickup',
            method: pickup,
            note:
              str(v, 'pickup-note') ??
              (pickup === 'post'
                ? 'Kết quả được gửi qua bưu chính đến địa chỉ đã đăng ký'
                : 'Nhận kết quả tại Bộ phận một cửa trong giờ hành chính, mang theo CCCD'),
            ...(str(v, 'tracking') ? { trackingNumber: str(v, 'tracking') } : {}),
          };
      return { type: 'dossier.result_issued', ...base, result };
    },
  },
  {
    name: 'revoke-result',
    summary: 'revoke an electronic result the agency issued (its verification then answers "revoked")',
    subject: 'dossier',
    flags: {
      document: {
        type: 'string',
        value: 'documentId',
        help: 'the resultDocument.documentId the portal answered when the result was issued',
      },
      reason: { type: 'string', value: 'text', help: 'why (at least 5 characters); the citizen is told' },
    },
    required: ['document', 'reason'],
    build: async (v, base) => ({
      type: 'result.revoked',
      ...base,
      documentId: str(v, 'document'),
      reason: str(v, 'reason'),
    }),
  },
  {
    name: 'refuse',
    summary: 'refuse the dossier, with the reason (form 03)',
    subject: 'dossier',
    flags: { reason: { type: 'string', value: 'text', help: 'why (at least 5 characters)' } },
    required: ['reason'],
    build: async (v, base) => ({ type: 'dossier.rejected', ...base, reason: str(v, 'reason') }),
  },
  {
    name: 'petition-assign',
    summary: 'a petition is assigned to a department',
    subject: 'petition',
    flags: {},
    build: async (_v, base) => ({ type: 'petition.assigned', ...base }),
  },
  {
    name: 'petition-answer',
    summary: 'answer a petition (optionally published)',
    subject: 'petition',
    flags: {
      answer: { type: 'string', value: 'text', help: 'the answer to the petitioner' },
      publish: {
        type: 'boolean',
        help: 'publish it (needs the three --public-… texts, without personal data)',
      },
      'public-subject': { type: 'string', value: 'text', help: 'published subject' },
      'public-content': { type: 'string', value: 'text', help: 'published summary of the petition' },
      'public-answer': { type: 'string', value: 'text', help: 'published answer' },
    },
    required: ['answer'],
    build: async (v, base) => {
      if (v.publish) {
        const missing = ['public-subject', 'public-content', 'public-answer'].filter((k) => !str(v, k));
        if (missing.length)
          throw new UsageError(
            `--publish needs ${missing.map((k) => `--${k}`).join(', ')}: the public version, without personal data`,
            'petition-answer',
          );
      }
      return {
        type: 'petition.answered',
        ...base,
        answer: str(v, 'answer'),
        publish: Boolean(v.publish),
        ...(v.publish
          ? {
              publicSubject: str(v, 'public-subject'),
              publicContent: str(v, 'public-content'),
              publicAnswer: str(v, 'public-answer'),
            }
          : {}),
      };
    },
  },
  {
    name: 'send',
    summary: 'send an event written by hand (JSON file); eventId added when absent',
    subject: 'none',
    flags: { file: { type: 'string', value: 'event.json', help: 'the event body' } },
    required: ['file'],
  },
  {
    name: 'dossiers',
    summary: 'list the dossiers routed to the agency (local portal: signs in as its officer)',
    subject: 'none',
    flags: { status: { type: 'string', value: 'status', help: 'only this status (e.g. submitted)' } },
  },
  {
    name: 'petitions',
    summary: 'list the petitions routed to the agency (local portal: signs in as its officer)',
    subject: 'none',
    flags: {},
  },
];

export const findCommand = (name: string) => COMMANDS.find((c) => c.name === name);

const SUBJECT_FLAGS: Record<string, Flag> = {
  dossier: { type: 'string', value: 'code', help: 'the dossier code (e.g. BHXHHN-261206-0001)' },
  petition: { type: 'string', value: 'code', help: 'the petition code (e.g. PAKN-261206-0001)' },
};

/** Flags of every dossier command: the step of the dossier's plan it concerns, and who acts. */
const DOSSIER_FLAGS: Record<string, Flag> = {
  step: {
    type: 'string',
    value: 'id',
    help: "the step it starts, finishes or moves (the delivery's steps[].id)",
  },
  'officer-id': { type: 'string', value: 'id', help: 'your own id for the officer who acts' },
  'officer-name': { type: 'string', value: 'text', help: 'the name the citizen sees (with --officer-id)' },
};

/** Every flag a command accepts. */
export function flagsOf(command: Command): Record<string, Flag> {
  return {
    ...(command.subject === 'none' ? {} : { [command.subject]: SUBJECT_FLAGS[command.subject]! }),
    ...(command.subject === 'dossier' ? DOSSIER_FLAGS : {}),
    ...command.flags,
    ...COMMON_FLAGS,
  };
}

export interface Parsed {
  command: Command;
  values: Values;
}

/** `argv` without the node and script names; `help` when asked for it. */
export function parseCommandLine(argv: readonly string[]): Parsed | { help: true; command?: Command } {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const asked = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
    return { help: true, ...(asked ? { command: asked } : {}) };
  }
  const command = findCommand(name);
  if (!command)
    throw new UsageError(`Unknown command "${name}". Commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) return { help: true, command };
  const flags = flagsOf(command);
  let values: Values;
  try {
    values = parseArgs({
      args: [...rest],
      options: Object.fromEntries(
        Object.entries(flags).map(([k, f]) => [
          k,
          { type: f.type, ...(f.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: false,
      strict: true,
    }).values as Values;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!, command.name);
  }
  const required = [
    'agency',
    ...(command.subject === 'none' ? [] : [command.subject]),
    ...(command.required ?? []),
  ];
  const missing = required.filter((k) => values[k] === undefined || values[k] === '');
  if (missing.length)
    throw new UsageError(`${command.name} needs ${missing.map((k) => `--${k}`).join(', ')}`, command.name);
  return { command, values };
}

function stepAndOfficer(name: string, v: Values): Record<string, unknown> {
  const [id, displayName] = [str(v, 'officer-id'), str(v, 'officer-name')];
  if (Boolean(id) !== Boolean(displayName))
    throw new UsageError('--officer-id and --officer-name go together', name);
  return {
    ...(str(v, 'step') ? { step: str(v, 'step') } : {}),
    ...(id && displayName ? { officer: { id, displayName } } : {}),
  };
}

/** The event a sending command describes, with its id (the webhook-id too) and dossier or petition code. */
export async function buildEvent(
  parsed: Parsed,
  /** Where a relative --file is read from: where the user ran npm (npm runs scripts in the package root). */
  cwd: string = process.env.INIT_CWD || process.cwd(),
): Promise<Built> {
  const { command } = parsed;
  const given = str(parsed.values, 'file');
  const values = given ? { ...parsed.values, file: resolve(cwd, given) } : parsed.values;
  const eventId = str(values, 'event-id') ?? `evt_${randomUUID()}`;
  if (command.name === 'send') {
    const file = str(values, 'file')!;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`--file ${file}: ${(err as Error).message}`, 'send');
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event))
      throw new UsageError(`--file ${file}: expected a JSON object`, 'send');
    return {
      path: 'petitionCode' in event ? '/v1/agency/petition-events' : '/v1/agency/events',
      event: { eventId, ...event },
    };
  }
  if (!command.build) throw new Error(`${command.name} sends nothing`);
  const base: Record<string, unknown> = {
    eventId,
    ...(command.subject === 'dossier'
      ? { dossierCode: str(values, 'dossier') }
      : { petitionCode: str(values, 'petition') }),
    ...(str(values, 'note') ? { note: str(values, 'note') } : {}),
    ...(command.subject === 'dossier' ? stepAndOfficer(command.name, values) : {}),
  };
  return {
    path: command.subject === 'petition' ? '/v1/agency/petition-events' : '/v1/agency/events',
    event: await command.build(values, base),
  };
}

/** `--help`: every command, or one command's flags. */
export function helpText(command?: Command): string {
  const line = (flag: string, f: Flag) =>
    `  --${flag}${f.value ? ` <${f.value}>` : ''}`.padEnd(34) + f.help + (f.multiple ? ' (repeatable)' : '');
  if (command) {
    const required = new Set(['agency', command.subject, ...(command.required ?? [])]);
    const flags = Object.entries(flagsOf(command));
    return [
      `npm run agency -- ${command.name} — ${command.summary}`,
      '',
      'Required:',
      ...flags.filter(([k]) => required.has(k)).map(([k, f]) => line(k, f)),
      'Optional:',
      ...flags.filter(([k]) => !required.has(k)).map(([k, f]) => line(k, f)),
      '',
    ].join('\n');
  }
  return [
    'npm run agency -- <command> [flags]: answer the portal as an agency, with signed callbacks',
    '(Standard Webhooks, the agency named in the cong-agency-id header). Prints the request and the answer.',
    '',
    'Commands:',
    ...COMMANDS.map(
      (c) => `  ${c.name.padEnd(16)}${c.summary}${c.subject === 'none' ? '' : `   (--${c.subject} <code>)`}`,
    ),
    '',
    'Every command:',
    ...Object.entries(COMMON_FLAGS).map(([k, f]) => line(k, f)),
    '',
    'A valid order for a dossier: received → in-progress → (supplement → the citizen supplements →',
    'in-progress) → approve → result, or refuse while the agency holds it.',
    'Example: npm run agency -- received --agency bhxh-hn --dossier BHXHHN-261206-0001',
    '`npm run agency -- help <command>` or `<command> --help` lists its flags.',
    '',
  ].join('\n');
}
