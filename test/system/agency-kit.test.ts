/**
 * The agency kit against the whole local portal: a channel pointed at an integrator's own receiver
 * (--agency-endpoint) gets its deliveries signed so the official `standardwebhooks` library verifies
 * them, while every other channel still goes to the simulator; and `npm run agency` (its core function)
 * moves dossiers and a petition through their states with signed callbacks.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_HEADER } from '../../functions/core/webhooks.js';
import { runAgencyCli } from '../../lib/local/agency-kit/cli.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalApi } from '../support/portal-api.js';
import { until } from '../support/wait.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let receiver: Server;
const received: Received[] = [];
let portal: LocalPortal;
let citizen: string;
const dir = mkdtempSync(join(tmpdir(), 'cong-agency-kit-it-'));
const api = portalApi(() => portal.url);

beforeAll(async () => {
  // The integrator's receiver: records each delivery and acknowledges it.
  receiver = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ path: req.url ?? '', headers: req.headers, body });
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const port = (receiver.address() as AddressInfo).port;
  portal = await startTestPortal({
    agencyEndpoints: {
      bhxh: `http://localhost:${port}/webhook`,
      p01: `http://localhost:${port}/p01/{agencyId}`,
    },
  });
  citizen = await portal.token({ sub: 'citizen-agency-kit' });
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
async function fileBhyt(): Promise<string> {
  const res = await api('POST', '/v1/dossiers', {
    token: citizen,
    key: `agency-kit-${++seq}-${Date.now()}`,
    body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
  });
  expect(res.status, res.text).toBe(201);
  expect(res.body.dossiers[0].agencyId).toBe('bhxh-hn');
  return res.body.dossiers[0].code as string;
}

const deliveryOf = (code: string) =>
  until(`the receiver got ${code}`, () =>
    received.find((r) => (JSON.parse(r.body) as { dossierCode?: string }).dossierCode === code),
  );

async function channelSecret(channel: string): Promise<string> {
  const secrets = JSON.parse(await readFile(portal.env.AGENCY_SECRETS_FILE!, 'utf8')) as Record<
    string,
    string[]
  >;
  return secrets[channel]![0]!;
}

/** `npm run agency -- …argv` against this portal, found as a developer's would be (its data folder). */
async function agency(...argv: string[]) {
  const out: string[] = [];
  const outcome = await runAgencyCli(argv, {
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    env: { CONG_DATA_DIR: portal.dataDir },
  });
  const answer = outcome.exchange ? (JSON.parse(outcome.exchange.response.body) as Json) : undefined;
  return { ...outcome, text: out.join(''), answer };
}

const dossier = async (code: string) => (await api('GET', `/v1/dossiers/${code}`, { token: citizen })).body;

describe('--agency-endpoint', () => {
  it("delivers the channel's dossiers to the integrator's receiver, verifiable with standardwebhooks", async () => {
    const code = await fileBhyt();
    const delivery = await deliveryOf(code);
    expect(delivery.path).toBe('/webhook');
    expect(delivery.headers[AGENCY_HEADER]).toBe('bhxh-hn');
    expect(delivery.headers['content-type']).toBe('application/json');
    const headers = {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    };
    const payload = new Webhook(await channelSecret('bhxh')).verify(delivery.body, headers);
    expect(payload).toMatchObject({ type: 'dossier.submitted', dossierCode: code, agencyId: 'bhxh-hn' });
    // Another channel's secret does not verify it, and the simulator never saw it.
    const other = new Webhook(await channelSecret('p01'));
    expect(() => other.verify(delivery.body, headers)).toThrow();
    expect(
      portal.simulator.deliveries.some((d) => (d.payload as { dossierCode?: string })?.dossierCode === code),
    ).toBe(false);
    // Nobody answered for the agency: the dossier waits where the citizen left it.
    expect((await dossier(code)).status).toBe('submitted');
  });

  it('leaves every other channel with the simulator', async () => {
    const res = await api('POST', '/v1/petitions', {
      token: citizen,
      key: `agency-kit-petition-cahn-${Date.now()}`,
      body: {
        subject: 'Thời gian cấp căn cước kéo dài',
        content: 'Đã quá hẹn trả căn cước nhưng chưa nhận được thông báo, đề nghị cơ quan kiểm tra.',
        agencyId: 'cahn',
        allowPublish: false,
      },
    });
    expect(res.status, res.text).toBe(201);
    const code = res.body.code as string;
    const atSimulator = await until('the simulator got the petition', () =>
      portal.simulator.deliveries.find(
        (d) => (d.payload as { petitionCode?: string } | undefined)?.petitionCode === code,
      ),
    );
    expect(atSimulator).toMatchObject({ agencyId: 'cahn', status: 202 });
    expect(received.some((r) => r.body.includes(code))).toBe(false);
  });
});

describe('npm run agency', () => {
  it('takes a dossier from receipt to its result, and answers a replay as the first time', async () => {
    const code = await fileBhyt();
    await deliveryOf(code);
    const as = ['--agency', 'bhxh-hn', '--dossier', code];

    const receivedAnswer = await agency(
      'received',
      ...as,
      '--event-id',
      `evt-recv-${code}`,
      '--appointment',
      '2027-01-15',
    );
    expect(receivedAnswer.status, receivedAnswer.text).toBe(0);
    expect(receivedAnswer.answer).toMatchObject({ applied: true, status: 'received', reason: 'applied' });
    expect(receivedAnswer.text).toContain(`→ POST ${portal.url}/v1/agency/events`);
    expect(receivedAnswer.text).toContain(`${AGENCY_HEADER}: bhxh-hn`);
    expect(receivedAnswer.text).toMatch(/webhook-signature: v1,\S+/);
    expect(receivedAnswer.text).toContain('← 200');

    const replay = await agency('received', ...as, '--event-id', `evt-recv-${code}`);
    expect(replay.answer).toMatchObject({ applied: false, reason: 'replay', status: 'received' });

    expect((await agency('in-progress', ...as, '--step', 'Thẩm định hồ sơ')).answer).toMatchObject({
      status: 'in_progress',
    });
    // Out of order: a result before the approval is refused, and the dossier stays where it was.
    const early = await agency('result', ...as, '--pickup', 'at_desk');
    expect(early.status).toBe(1);
    expect(early.exchange?.response.status).toBe(409);
    expect(early.text).toContain('ILLEGAL_TRANSITION');

    expect((await agency('approve', ...as)).answer).toMatchObject({ status: 'approved' });
    const pdf = join(dir, 'the-ket-qua.pdf');
    writeFileSync(pdf, `%PDF-1.7 thẻ BHYT cấp lại\n${'%'.repeat(200)}`);
    const result = await agency('result', ...as, '--file', pdf, '--note', 'Đã cấp lại thẻ');
    expect(result.answer).toMatchObject({ applied: true, status: 'result_issued' });
    expect(result.text).toContain('base64 characters');

    const view = await dossier(code);
    expect(view.status).toBe('result_issued');
    expect(view.timeline.map((e: Json) => e.type)).toEqual([
      'dossier.submitted',
      'dossier.received',
      'dossier.in_progress',
      'dossier.approved',
      'dossier.result_issued',
    ]);
  });

  it('asks for a supplement and then refuses, and lists the agency’s dossiers', async () => {
    const code = await fileBhyt();
    await deliveryOf(code);
    const as = ['--agency', 'bhxh-hn', '--dossier', code];
    expect((await agency('received', ...as)).answer).toMatchObject({ status: 'received' });
    const supplement = await agency(
      'supplement',
      ...as,
      '--missing',
      'Bản sao giấy khai sinh',
      '--due',
      '2027-01-10',
    );
    expect(supplement.answer).toMatchObject({ status: 'supplement_requested' });
    const refused = await agency('refuse', ...as, '--reason', 'Quá hạn bổ sung mà không nhận được giấy tờ');
    expect(refused.answer).toMatchObject({ status: 'rejected' });
    const timeline = (await dossier(code)).timeline as Json[];
    expect(timeline.map((e) => e.type)).toEqual([
      'dossier.submitted',
      'dossier.received',
      'dossier.supplement_requested',
      'dossier.rejected',
    ]);
    expect(Date.parse(timeline[2].dueAt)).toBe(Date.parse('2027-01-10T10:00:00Z'));

    const listed = await agency('dossiers', '--agency', 'bhxh-hn', '--status', 'rejected');
    expect(listed.status, listed.text).toBe(0);
    expect(listed.text).toContain(`${code}  rejected  1.002758`);
  });

  it('assigns and answers a petition routed to the receiver’s channel', async () => {
    const res = await api('POST', '/v1/petitions', {
      token: citizen,
      key: `agency-kit-petition-01-${Date.now()}`,
      body: {
        subject: 'Đèn đường hỏng nhiều ngày',
        content: 'Đèn đường trước số 12 phố Tràng Tiền hỏng đã một tuần, đề nghị sửa chữa.',
        provinceCode: '01',
        allowPublish: true,
      },
    });
    expect(res.status, res.text).toBe(201);
    const code = res.body.code as string;
    const agencyId = res.body.agencyId as string;
    const delivery = await until('the receiver got the petition', () =>
      received.find((r) => r.body.includes(code)),
    );
    expect(delivery.path).toBe(`/p01/${agencyId}`);
    const as = ['--agency', agencyId, '--petition', code];
    expect((await agency('petition-assign', ...as)).answer).toMatchObject({ status: 'assigned' });
    const answered = await agency(
      'petition-answer',
      ...as,
      '--answer',
      'Đã sửa đèn đường ngày hôm nay.',
      '--publish',
      '--public-subject',
      'Đèn đường hỏng',
      '--public-content',
      'Người dân phản ánh đèn đường hỏng.',
      '--public-answer',
      'Đã sửa đèn đường.',
    );
    expect(answered.status, answered.text).toBe(0);
    expect(answered.answer).toMatchObject({ applied: true, agencyId });
    const view = await api('GET', `/v1/petitions/${code}`, { token: citizen });
    // The petitioner allowed publishing and the agency published: the answer is public at once.
    expect(view.body.status).toBe('published');
    expect(view.body.timeline.map((e: Json) => e.type)).toEqual(
      expect.arrayContaining(['petition.assigned', 'petition.answered']),
    );
  });

  it('is refused clearly without the agency header or for an unregistered agency', async () => {
    const bare = await api('POST', '/v1/agency/events', {
      body: { type: 'dossier.approved', eventId: 'evt-bare-0001' },
    });
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('AGENCY_HEADER_MISSING');
    const stranger = await agency(
      'approve',
      '--agency',
      'so-khong-co',
      '--dossier',
      'BHXHHN-261206-0001',
      '--secret',
      await channelSecret('bhxh'),
    );
    expect(stranger.exchange?.response.status).toBe(401);
    expect(stranger.text).toContain('UNKNOWN_AGENCY');
  });
});
