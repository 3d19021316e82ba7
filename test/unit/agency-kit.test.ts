/** `npm run agency`: flags → event bodies the portal accepts, signed requests, and clear usage errors. */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENCY_HEADER, newWebhookSecret } from '../../functions/core/webhooks.js';
import { isWorkingDay, localDate } from '../../functions/core/working-days.js';
import { runAgencyCli } from '../../lib/local/agency-kit/cli.js';
import {
  buildEvent,
  COMMANDS,
  helpText,
  type Parsed,
  parseCommandLine,
  toDateTime,
  UsageError,
} from '../../lib/local/agency-kit/commands.js';
import { agencyEvent } from '../../schemas/agency.js';
import { petitionAgencyEvent } from '../../schemas/petition.js';

const dir = mkdtempSync(join(tmpdir(), 'cong-agency-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const D = ['--agency', 'bhxh-hn', '--dossier', 'BHXHHN-261206-0001'];
const P = ['--agency', 'ttpvhcc-01', '--petition', 'PAKN-261206-0001'];
const parsed = (argv: string[]) => {
  const p = parseCommandLine(argv);
  if ('help' in p) throw new Error('help');
  return p as Parsed;
};
const usageError = (argv: string[]) => {
  try {
    parseCommandLine(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

describe('parsing the command line', () => {
  it('asks for the flags a command needs, by name', () => {
    expect(usageError(['received'])).toBe('received needs --agency, --dossier');
    expect(usageError(['received', '--agency', 'bhxh-hn'])).toBe('received needs --dossier');
    expect(usageError(['supplement', ...D])).toBe('supplement needs --missing');
    expect(usageError(['refuse', ...D])).toBe('refuse needs --reason');
    expect(usageError(['petition-answer', '--agency', 'x'])).toBe(
      'petition-answer needs --petition, --answer',
    );
  });

  it('refuses unknown commands and flags', () => {
    expect(usageError(['approved', ...D])).toContain(
      'Unknown command "approved". Commands: received, in-progress',
    );
    expect(usageError(['received', ...D, '--petition', 'PAKN-261206-0001'])).toContain("'--petition'");
    expect(usageError(['received', ...D, 'extra'])).toContain('extra');
  });

  it('gives help for everything and for each command', () => {
    expect(parseCommandLine([])).toEqual({ help: true });
    expect(parseCommandLine(['--help'])).toEqual({ help: true });
    expect(parseCommandLine(['result', '--help'])).toMatchObject({ help: true, command: { name: 'result' } });
    const all = helpText();
    for (const c of COMMANDS) expect(all).toContain(c.name);
    for (const flag of ['--agency', '--portal', '--secret', '--event-id']) expect(all).toContain(flag);
    expect(helpText(COMMANDS.find((c) => c.name === 'supplement'))).toMatch(/Required:[\s\S]*--missing/);
  });

  it('reads dates as dates at 17:00 in Việt Nam, or as ISO date-times', () => {
    expect(toDateTime('due', '2026-12-31')).toBe('2026-12-31T17:00:00+07:00');
    expect(toDateTime('due', '2026-12-31T08:30:00Z')).toBe('2026-12-31T08:30:00Z');
    expect(() => toDateTime('due', '31/12/2026')).toThrow('--due expects a date');
  });
});

describe('the events the commands build', () => {
  const dossierEvent = async (argv: string[]) => {
    const built = await buildEvent(parsed(argv));
    expect(built.path).toBe('/v1/agency/events');
    const check = agencyEvent.safeParse(built.event);
    expect(check.success, JSON.stringify(check.error?.issues)).toBe(true);
    return built.event;
  };

  it('builds each dossier callback as the portal validates it', async () => {
    expect(await dossierEvent(['received', ...D, '--appointment', '2026-12-20'])).toMatchObject({
      type: 'dossier.received',
      dossierCode: 'BHXHHN-261206-0001',
      appointmentAt: '2026-12-20T17:00:00+07:00',
    });
    expect(
      await dossierEvent(['in-progress', ...D, '--step', 'Thẩm định hồ sơ', '--note', 'Đang xử lý']),
    ).toMatchObject({
      type: 'dossier.in_progress',
      step: 'Thẩm định hồ sơ',
      note: 'Đang xử lý',
    });
    const officer = ['--officer-id', 'cb-017', '--officer-name', 'Chuyên viên Trần Thị B'];
    expect(await dossierEvent(['step-started', ...D, '--step', 'step-2', ...officer])).toMatchObject({
      type: 'dossier.step_started',
      step: 'step-2',
      officer: { id: 'cb-017', displayName: 'Chuyên viên Trần Thị B' },
    });
    expect(await dossierEvent(['step-completed', ...D, '--step', 'step-2'])).toMatchObject({
      type: 'dossier.step_completed',
      step: 'step-2',
    });
    expect(
      await dossierEvent([
        'extend',
        ...D,
        '--step',
        'step-2',
        '--reason',
        'Chờ xác minh',
        '--new-due',
        '2026-12-24',
      ]),
    ).toMatchObject({ type: 'dossier.extended', step: 'step-2', newDueAt: '2026-12-24T17:00:00+07:00' });
    expect(() => parseCommandLine(['step-started', ...D])).toThrow(/--step/);
    const supplement = await dossierEvent([
      'supplement',
      ...D,
      '--missing',
      'Giấy khai sinh',
      '--missing',
      'Ảnh 3x4',
    ]);
    expect(supplement).toMatchObject({ missingDocuments: ['Giấy khai sinh', 'Ảnh 3x4'] });
    // By default five working days, closing at 17:00 in Vietnam on a working day.
    const due = new Date(supplement.supplementDueAt as string);
    expect(due.getTime()).toBeGreaterThan(Date.now() + 4 * 86_400_000);
    expect(new Date(due.getTime() + 7 * 3_600_000).toISOString().slice(11, 16)).toBe('17:00');
    expect(isWorkingDay(localDate(due))).toBe(true);
    expect(await dossierEvent(['approve', ...D])).toMatchObject({ type: 'dossier.approved' });
    expect(await dossierEvent(['refuse', ...D, '--reason', 'Hồ sơ không thuộc thẩm quyền'])).toMatchObject({
      type: 'dossier.rejected',
      reason: 'Hồ sơ không thuộc thẩm quyền',
    });
    expect(await dossierEvent(['result', ...D, '--pickup', 'post', '--tracking', 'EMS123'])).toMatchObject({
      type: 'dossier.result_issued',
      result: { kind: 'pickup', method: 'post', trackingNumber: 'EMS123' },
    });
    expect(
      await dossierEvent([
        'revoke-result',
        ...D,
        '--document',
        '01KBBBBBBBBBBBBBBBBBBBBBBB',
        '--reason',
        'Cấp nhầm hạng giấy phép',
      ]),
    ).toMatchObject({ type: 'result.revoked', documentId: '01KBBBBBBBBBBBBBBBBBBBBBBB' });
  });

  it('carries a result file in the event, typed by its extension', async () => {
    const pdf = join(dir, 'ket-qua.pdf');
    writeFileSync(pdf, '%PDF-1.7 kết quả');
    const event = await dossierEvent(['result', ...D, '--file', pdf]);
    expect(event.result).toEqual({
      kind: 'electronic',
      fileName: 'ket-qua.pdf',
      contentType: 'application/pdf',
      contentBase64: Buffer.from('%PDF-1.7 kết quả').toString('base64'),
    });
    await expect(buildEvent(parsed(['result', ...D, '--file', join(dir, 'ket-qua.docx')]))).rejects.toThrow(
      '--file must be one of',
    );
    await expect(buildEvent(parsed(['result', ...D, '--file', join(dir, 'missing.pdf')]))).rejects.toThrow(
      'ENOENT',
    );
  });

  it('builds petition callbacks, and asks for the public version before publishing', async () => {
    const answer = await buildEvent(parsed(['petition-answer', ...P, '--answer', 'Đã xử lý xong']));
    expect(answer.path).toBe('/v1/agency/petition-events');
    expect(petitionAgencyEvent.safeParse(answer.event).success).toBe(true);
    expect(answer.event).toMatchObject({
      type: 'petition.answered',
      publish: false,
      petitionCode: 'PAKN-261206-0001',
    });
    await expect(
      buildEvent(
        parsed(['petition-answer', ...P, '--answer', 'Đã xử lý', '--publish', '--public-subject', 'Ngập']),
      ),
    ).rejects.toThrow('--publish needs --public-content, --public-answer');
    const assign = await buildEvent(parsed(['petition-assign', ...P, '--event-id', 'evt-fixed-0001']));
    expect(assign.event).toEqual({
      type: 'petition.assigned',
      eventId: 'evt-fixed-0001',
      petitionCode: 'PAKN-261206-0001',
    });
  });

  it('sends a hand-written event to the route its code names', async () => {
    const file = join(dir, 'event.json');
    writeFileSync(file, JSON.stringify({ type: 'petition.assigned', petitionCode: 'PAKN-261206-0001' }));
    const built = await buildEvent(parsed(['send', '--agency', 'ttpvhcc-01', '--file', file]));
    expect(built.path).toBe('/v1/agency/petition-events');
    expect(built.event.eventId).toMatch(/^evt_/);
  });
});

describe('sending', () => {
  it('signs the request the Standard Webhooks way, names the agency and prints both sides', async () => {
    const secret = newWebhookSecret();
    const got: { headers: IncomingMessage['headers']; body: string; url?: string }[] = [];
    const server = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      got.push({ headers: req.headers, body, url: req.url });
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ILLEGAL_TRANSITION' } }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const portal = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out: string[] = [];
    try {
      const outcome = await runAgencyCli(
        ['approve', ...D, '--portal', portal, '--secret', secret, '--event-id', 'evt-approve-0001'],
        { out: (t) => out.push(t), err: (t) => out.push(t), env: {} },
      );
      expect(outcome.status).toBe(1);
    } finally {
      server.close();
    }
    expect(got).toHaveLength(1);
    const [request] = got;
    expect(request!.url).toBe('/v1/agency/events');
    expect(request!.headers[AGENCY_HEADER]).toBe('bhxh-hn');
    expect(request!.headers['webhook-id']).toBe('evt-approve-0001');
    const verified = new Webhook(secret).verify(request!.body, {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    });
    expect(verified).toEqual({
      type: 'dossier.approved',
      eventId: 'evt-approve-0001',
      dossierCode: 'BHXHHN-261206-0001',
    });
    const printed = out.join('');
    expect(printed).toContain(`→ POST ${portal}/v1/agency/events`);
    expect(printed).toContain(`webhook-signature: ${request!.headers['webhook-signature']}`);
    expect(printed).toContain('"type": "dossier.approved"');
    expect(printed).toContain('← 409');
    expect(printed).toContain('ILLEGAL_TRANSITION');
  });

  it('exits 2 with the usage hint for a missing flag, and says where the secret is missing', async () => {
    const err: string[] = [];
    const io = {
      out: () => {},
      err: (t: string) => err.push(t),
      env: { CONG_DATA_DIR: join(dir, 'no-portal') },
    };
    expect((await runAgencyCli(['result', '--agency', 'bhxh-hn'], io)).status).toBe(2);
    expect(err.join('')).toContain('result needs --dossier\nSee: npm run agency -- result --help');
    expect((await runAgencyCli(['approve', ...D, '--portal', 'http://127.0.0.1:9'], io)).status).toBe(2);
    expect(err.join('')).toContain('No local agency secrets at');
    expect(
      (
        await runAgencyCli(
          ['approve', ...D.slice(2), '--agency', 'nobody', '--portal', 'http://127.0.0.1:9'],
          io,
        )
      ).status,
    ).toBe(2);
    expect(err.join('')).toContain('Agency "nobody" is not in the registry');
  });

  it('says in one line when the portal does not answer, for listing and for sending', async () => {
    const secret = newWebhookSecret();
    for (const argv of [
      ['dossiers', '--agency', 'bhxh-hn'],
      ['approve', ...D, '--secret', secret],
    ]) {
      const err: string[] = [];
      const io = {
        out: () => {},
        err: (t: string) => err.push(t),
        env: { CONG_DATA_DIR: join(dir, 'no-portal') },
      };
      const outcome = await runAgencyCli([...argv, '--portal', 'http://127.0.0.1:9'], io);
      expect(outcome.status).toBe(1);
      expect(err).toEqual([
        'Cannot reach the portal at http://127.0.0.1:9: is npm start running? Use --portal <url> to name another portal.\n',
      ]);
    }
  });

  it('reads a relative --file from where npm was run, and names the absolute path it tried', async () => {
    writeFileSync(join(dir, 'ket-qua-2.pdf'), '%PDF-1.7');
    const event = (await buildEvent(parsed(['result', ...D, '--file', 'ket-qua-2.pdf']), dir)).event;
    expect(event.result).toMatchObject({ kind: 'electronic', fileName: 'ket-qua-2.pdf' });
    await expect(buildEvent(parsed(['send', ...D.slice(0, 2), '--file', 'none.json']), dir)).rejects.toThrow(
      `--file ${join(dir, 'none.json')}: `,
    );
    const err: string[] = [];
    const io = {
      out: () => {},
      err: (t: string) => err.push(t),
      env: { INIT_CWD: dir, CONG_DATA_DIR: join(dir, 'no-portal') },
    };
    const argv = [
      'result',
      ...D,
      '--file',
      'missing.pdf',
      '--secret',
      newWebhookSecret(),
      '--portal',
      'http://127.0.0.1:9',
    ];
    expect((await runAgencyCli(argv, io)).status).toBe(2);
    expect(err.join('')).toContain(`--file ${join(dir, 'missing.pdf')}: ENOENT`);
  });

  it('says where the secrets are read from and that --secret overrides them', async () => {
    const err: string[] = [];
    const io = {
      out: () => {},
      err: (t: string) => err.push(t),
      env: { CONG_DATA_DIR: join(dir, 'elsewhere') },
    };
    expect((await runAgencyCli(['approve', ...D, '--portal', 'http://127.0.0.1:9'], io)).status).toBe(2);
    const text = err.join('');
    expect(text).toContain(`data folder (${join(dir, 'elsewhere')}: .local/, or CONG_DATA_DIR`);
    expect(text).toContain('--secret whsec_… to override');
  });
});
