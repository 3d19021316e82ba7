/**
 * The online support desk against the local portal: a citizen asks about a procedure, the province's
 * desk answers and the citizen is notified, reopens once, the desk hands the ticket to the agency
 * responsible, which answers by signed callback, the desk closes, the citizen rates, and the answer
 * becomes a FAQ entry (personal data masked) that the catalog's FAQ search finds. Around it: who may
 * reach a ticket (another citizen, an agency it is not with, another province's desk), a dossier
 * question that goes straight to the agency handling the dossier, a phone call logged by the call
 * centre, and the month's published figures.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/core/keys.js';
import { ticketDeadlines } from '../../functions/support/clock.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import {
  type AgencySecrets,
  readAgencySecrets,
  signedAgencyCall,
  signedAgencyGet,
} from '../support/agency-callbacks.js';
import { licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let asker: string;
let stranger: string;
let hanoiDesk: string;
let saigonDesk: string;
let nationalDesk: string;
let secrets: AgencySecrets;

const { api, uploadScan } = portalClient(() => portal.url);

beforeAll(async () => {
  process.env.CONG_RATE_LIMITS = 'off';
  portal = await startTestPortal({ escalationIntervalMs: 0, slaIntervalMs: 0, supportWatchIntervalMs: 0 });
  asker = await portal.token({ sub: 'support-asker-1', citizenId: licenceForm.citizenId });
  stranger = await portal.token({ sub: 'support-asker-2' });
  hanoiDesk = await portal.token({ sub: 'desk-hn', role: 'support_agent', provinceCode: '01' });
  saigonDesk = await portal.token({ sub: 'desk-hcm', role: 'support_agent', provinceCode: '79' });
  nationalDesk = await portal.token({ sub: 'desk-national', role: 'support_agent' });
  secrets = await readAgencySecrets(portal);
  // The asker's saved profile is where answers are sent (SMS and e-mail).
  const profile = await api('PUT', '/v1/me/profile', {
    token: asker,
    body: {
      fullName: 'Nguyễn Thị Hỏi',
      dateOfBirth: '1990-03-04',
      address: '12 Tràng Thi, Hoàn Kiếm, Hà Nội',
      phone: '0912345678',
      email: 'hoi@example.vn',
    },
  });
  expect(profile.status, profile.text).toBe(201);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const outbox = async (code: string) =>
  ((await (await fetch(`${portal.url}/dev/outbox?dossierCode=${code}`)).json()) as Json).items as Json[];
const callback = (agencyId: string, event: Json, eventId?: string) =>
  signedAgencyCall(portal, secrets, '/v1/agency/support-events', agencyId, event, eventId);
const act = (code: string, body: Json, token = hanoiDesk) =>
  api('POST', `/v1/support/tickets/${code}/actions`, { token, body });
const say = (code: string, body: Json, token = asker) =>
  api('POST', `/v1/support/tickets/${code}/messages`, { token, body });

describe('a question from asking to a FAQ entry', () => {
  it('is answered, reopened, handed to the agency, answered by it, closed, rated and kept as FAQ', async () => {
    const scan = await uploadScan(asker, 'anh-giay-phep');
    const body = {
      subject: 'Đổi giấy phép lái xe quá hạn',
      question:
        'Giấy phép lái xe hạng B2 của tôi hết hạn 3 tháng, có đổi trực tuyến được không? ' +
        'Số CCCD 001090123456, điện thoại 0912 345 678, email hoi@example.vn.',
      procedureCode: '1.002804',
      provinceCode: '01',
      attachments: [{ uploadId: scan }],
    };
    const asked = await api('POST', '/v1/support/tickets', { token: asker, key: 'support-ask-1', body });
    expect(asked.status, asked.text).toBe(201);
    expect(asked.body).toMatchObject({ status: 'open', channel: 'web' });
    const code = asked.body.code as string;
    expect(code).toMatch(/^HTTT-\d{6}-\d{4,}$/);
    // Idempotent: the same key and body answer the same; another body under it is refused.
    expect(
      (await api('POST', '/v1/support/tickets', { token: asker, key: 'support-ask-1', body })).body,
    ).toEqual(asked.body);
    const reused = await api('POST', '/v1/support/tickets', {
      token: asker,
      key: 'support-ask-1',
      body: { ...body, subject: 'Khác' },
    });
    expect(reused.status).toBe(422);

    // Deadlines are working hours from the moment it was asked (Vietnam calendar, office hours).
    const view = await api('GET', `/v1/support/tickets/${code}`, { token: asker });
    expect(view.status, view.text).toBe(200);
    expect(view.body.attachments).toEqual([
      expect.objectContaining({ contentType: expect.stringMatching(/^(image\/|application\/pdf)/) }),
    ]);
    expect(asked.body).toMatchObject(ticketDeadlines(new Date(view.body.createdAt)));
    const mine = await api('GET', '/v1/me/support/tickets', { token: asker });
    expect(mine.body.items.map((t: Json) => t.code)).toContain(code);

    // Hà Nội's desk has it in its queue with its deadlines; the national desk too.
    const queue = await api('GET', '/v1/support/queue?status=open', { token: hanoiDesk });
    expect(queue.status, queue.text).toBe(200);
    expect(queue.body.items.find((t: Json) => t.code === code)).toMatchObject({
      firstAnswerDueAt: asked.body.firstAnswerDueAt,
      overdue: false,
    });
    const national = await api('GET', '/v1/support/queue?province=01', { token: nationalDesk });
    expect(national.body.items.map((t: Json) => t.code)).toContain(code);
    const notOverdue = await api('GET', '/v1/support/queue?overdue=true', { token: hanoiDesk });
    expect(notOverdue.body.items.map((t: Json) => t.code)).not.toContain(code);

    // The desk answers: the asker hears of it by SMS and e-mail.
    const answered = await act(code, {
      action: 'answer',
      text: 'Giấy phép quá hạn dưới 3 tháng được đổi trực tuyến; quá hạn từ 3 tháng phải sát hạch lại lý thuyết.',
    });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body).toMatchObject({ status: 'answered', firstAnsweredAt: expect.any(String) });
    const notified = await until('the asker notified of the answer', async () => {
      const items = await outbox(code);
      return items.some((m) => m.topic === 'support.answered') ? items : undefined;
    });
    expect(
      notified
        .filter((m) => m.topic === 'support.answered')
        .map((m) => m.channel)
        .sort(),
    ).toEqual(['email', 'sms']);

    // Reopened once: it is the desk's again; the desk hands it to the agency responsible.
    const reopened = await say(code, { action: 'reopen', text: 'Giấy phép của tôi quá hạn đúng 3 tháng.' });
    expect(reopened.status, reopened.text).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'open', reopens: 1 });
    const handed = await act(code, {
      action: 'hand_to_agency',
      note: 'Đề nghị Sở trả lời trường hợp cụ thể',
    });
    expect(handed.status, handed.text).toBe(200);
    expect(handed.body.status).toBe('with_agency');
    const agencyId = handed.body.agencyId as string;
    expect(agencyId).toBeTruthy();
    // Delivered to the agency through its queue as a signed webhook, without the asker's identity.
    const delivery = await until('the ticket delivered to the agency', async () =>
      portal.simulator.deliveries.find((d) => (d.payload as Json)?.ticketCode === code),
    );
    expect(delivery.payload).toMatchObject({ type: 'support.handed', agencyId, subject: body.subject });
    expect(JSON.stringify(delivery.payload)).not.toContain('support-asker-1');
    // Each attempt is in the agency's own delivery log too, under the ticket's code.
    const logged = await until('the ticket in the agency delivery log', async () => {
      const log = await signedAgencyGet(portal, secrets, '/v1/agency/deliveries?limit=100', agencyId);
      expect(log.status).toBe(200);
      return (log.body.items as Json[]).find((i) => i.ticketCode === code);
    });
    expect(logged).toMatchObject({ eventType: 'support.handed', outcome: 'delivered' });
    expect(logged).not.toHaveProperty('dossierCode');

    // Only the agency it is with may answer; another agency gets the ticket's 404.
    const other = agencyId === 'vpcp' ? 'bca' : 'vpcp';
    const foreign = await callback(other, {
      type: 'support.answered',
      ticketCode: code,
      answer: 'Không phải',
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('TICKET_NOT_FOUND');
    const event = {
      type: 'support.answered',
      ticketCode: code,
      answer: 'Quá hạn đúng 3 tháng vẫn được đổi, không phải sát hạch lại.',
    };
    const byAgency = await callback(agencyId, event, 'support-evt-0001');
    expect(byAgency.status, byAgency.text).toBe(200);
    expect(byAgency.body).toMatchObject({ applied: true, status: 'answered', reason: 'applied' });
    const replayed = await callback(agencyId, event, 'support-evt-0001');
    expect(replayed.body).toMatchObject({ applied: false, reason: 'replay' });
    await until('the asker notified of the agency answer', async () => {
      const items = await outbox(code);
      return items.filter((m) => m.topic === 'support.answered').length === 4 ? true : undefined;
    });

    // Reopening a second time is refused; the desk closes; the asker rates once.
    expect((await say(code, { action: 'reopen', text: 'Lần nữa' })).body.error.code).toBe(
      'TICKET_ALREADY_REOPENED',
    );
    expect((await act(code, { action: 'close' })).body.status).toBe('closed');
    const rated = await api('POST', `/v1/support/tickets/${code}/rating`, {
      token: asker,
      body: { score: 5, comment: 'Rõ ràng' },
    });
    expect(rated.status, rated.text).toBe(201);
    expect(rated.body.rating).toMatchObject({ score: 5, comment: 'Rõ ràng' });
    const again = await api('POST', `/v1/support/tickets/${code}/rating`, {
      token: asker,
      body: { score: 1 },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TICKET_ALREADY_RATED');

    // The answer becomes a FAQ entry of the procedure, personal data masked, found by the FAQ search.
    const faq = await api('POST', `/v1/support/tickets/${code}/faq`, {
      token: hanoiDesk,
      body: { keywords: ['quá hạn', 'sát hạch'] },
    });
    expect(faq.status, faq.text).toBe(201);
    const faqId = faq.body.faqId as string;
    const found = await api('GET', '/v1/faq?q=giay%20phep%20qua%20han%20sat%20hach');
    expect(found.status).toBe(200);
    const entry = found.body.items.find((f: Json) => f.id === faqId);
    expect(entry).toMatchObject({ procedureCode: '1.002804', answer: event.answer });
    expect(entry.question).not.toMatch(/001090123456|0912 345 678|hoi@example\.vn/);
    expect(entry.question).toContain('[đã ẩn]');
    const byProcedure = await api('GET', '/v1/faq?procedure=1.002804&limit=100');
    expect(byProcedure.body.items.map((f: Json) => f.id)).toEqual(
      expect.arrayContaining(['gplx-doi-truc-tuyen', faqId]),
    );
    const twice = await api('POST', `/v1/support/tickets/${code}/faq`, { token: hanoiDesk, body: {} });
    expect(twice.status).toBe(409);

    // Published figures for the month, computed from the tickets themselves.
    const month = new Date(Date.parse(view.body.createdAt) + 7 * 3_600_000).toISOString().slice(0, 7);
    const stats = await api('GET', `/v1/stats/support?month=${month}`);
    expect(stats.status, stats.text).toBe(200);
    expect(stats.body).toMatchObject({ month, firstAnswerOnTimeRate: expect.any(Number) });
    expect(stats.body.tickets).toBeGreaterThanOrEqual(1);
    expect(stats.body.ratings).toBeGreaterThanOrEqual(1);
    expect(stats.body.closed).toBeGreaterThanOrEqual(1);
    const hanoi = await api('GET', `/v1/stats/support?month=${month}&province=01`);
    expect(hanoi.body).toMatchObject({ province: '01', ratings: 1, averageRating: 5, satisfaction: 1 });
    const saigon = await api('GET', `/v1/stats/support?month=${month}&province=79`);
    expect(saigon.body).toMatchObject({ province: '79', tickets: 0, firstAnswerOnTimeRate: null });
  }, 90_000);
});

describe('a FAQ entry from a question that names its asker', () => {
  it("masks the asker's own name, address, e-mail and ID from their profile", async () => {
    const asked = await api('POST', '/v1/support/tickets', {
      token: asker,
      key: 'support-ask-named',
      body: {
        subject: 'Đổi giấy phép lái xe khi chuyển nhà',
        question:
          'Tôi là Nguyễn Thị Hỏi, nhà số 12 Tràng Thi, CCCD 001090123456, thư hoi@example.vn. ' +
          'Tôi chuyển nhà thì đổi giấy phép lái xe ở đâu?',
        procedureCode: '1.002804',
        provinceCode: '01',
      },
    });
    expect(asked.status, asked.text).toBe(201);
    const code = asked.body.code as string;
    const answer =
      'Chào chị Nguyễn Thị Hỏi, chị đổi giấy phép ở bất kỳ Sở Xây dựng nào, không theo nơi cư trú.';
    expect((await act(code, { action: 'answer', text: answer })).status).toBe(200);
    const kept = await api('POST', `/v1/support/tickets/${code}/faq`, { token: hanoiDesk, body: {} });
    expect(kept.status, kept.text).toBe(201);
    const found = await api('GET', '/v1/faq?procedure=1.002804&limit=100');
    const entry = found.body.items.find((f: Json) => f.id === kept.body.faqId);
    expect(entry, JSON.stringify(found.body)).toBeDefined();
    const published = `${entry.question} ${entry.answer}`;
    for (const personal of ['Nguyễn Thị Hỏi', '12 Tràng Thi', '001090123456', 'hoi@example.vn'])
      expect(published).not.toContain(personal);
    expect(entry.question).toContain('[đã ẩn]');
    expect(entry.answer).toContain('Sở Xây dựng');
  });
});

describe('who may reach a ticket', () => {
  let code: string;
  beforeAll(async () => {
    const res = await api('POST', '/v1/support/tickets', {
      token: asker,
      key: 'support-ask-access',
      body: {
        subject: 'Hỏi về lệ phí',
        question: 'Lệ phí đổi giấy phép lái xe là bao nhiêu?',
        provinceCode: '01',
      },
    });
    expect(res.status, res.text).toBe(201);
    code = res.body.code;
  });

  it('hides it from another citizen, another province desk and any agency it is not with', async () => {
    const byStranger = await api('GET', `/v1/support/tickets/${code}`, { token: stranger });
    expect(byStranger.status).toBe(404);
    expect(byStranger.body.error.code).toBe('TICKET_NOT_FOUND');
    expect((await say(code, { action: 'close' }, stranger)).status).toBe(404);
    expect((await api('GET', `/v1/support/tickets/${code}`, { token: saigonDesk })).status).toBe(404);
    expect((await act(code, { action: 'answer', text: 'Không phải tỉnh mình' }, saigonDesk)).status).toBe(
      404,
    );
    const otherQueue = await api('GET', '/v1/support/queue?province=01', { token: saigonDesk });
    expect(otherQueue.status).toBe(403);
    const saigonQueue = await api('GET', '/v1/support/queue', { token: saigonDesk });
    expect(saigonQueue.body.items.map((t: Json) => t.code)).not.toContain(code);
    const officer = await portal.token({ sub: 'officer-x', role: 'agency_officer', agencyId: 'bca' });
    expect((await api('GET', `/v1/support/tickets/${code}`, { token: officer })).status).toBe(404);
    // Citizens act on their tickets, never as the desk; agents never rate.
    expect((await act(code, { action: 'close' }, asker)).status).toBe(403);
    expect((await api('GET', '/v1/support/queue', { token: asker })).status).toBe(403);
    expect((await api('GET', `/v1/support/tickets/${code}`, { token: nationalDesk })).status).toBe(200);
  });

  it('sends a question about a dossier straight to the agency handling it, out of the desk’s sight', async () => {
    const [licence, health] = await Promise.all([uploadScan(asker, 'gplx'), uploadScan(asker, 'suc-khoe')]);
    const filed = await api('POST', '/v1/dossiers', {
      token: asker,
      key: 'support-dossier-1',
      body: {
        procedureCode: '1.002804',
        form: licenceForm,
        attachments: [
          { documentType: 'current_licence', uploadId: licence },
          { documentType: 'health_certificate', uploadId: health },
        ],
      },
    });
    expect(filed.status, filed.text).toBe(201);
    const dossier = filed.body.dossiers[0] as { code: string; agencyId: string };
    // Someone else's dossier is not theirs to ask about.
    const notMine = await api('POST', '/v1/support/tickets', {
      token: stranger,
      key: 'support-ask-not-mine',
      body: { subject: 'Hồ sơ', question: 'Hồ sơ của tôi đến đâu rồi?', dossierCode: dossier.code },
    });
    expect(notMine.status).toBe(404);
    const asked = await api('POST', '/v1/support/tickets', {
      token: asker,
      key: 'support-ask-dossier',
      body: {
        subject: 'Hồ sơ đổi GPLX',
        question: 'Khi nào tôi nhận được giấy phép mới?',
        dossierCode: dossier.code,
      },
    });
    expect(asked.status, asked.text).toBe(201);
    expect(asked.body).toMatchObject({ status: 'with_agency', agencyId: dossier.agencyId });
    const ticket = asked.body.code as string;
    expect((await api('GET', `/v1/support/tickets/${ticket}`, { token: nationalDesk })).status).toBe(404);
    const all = await api('GET', '/v1/support/queue?limit=100', { token: nationalDesk });
    expect(all.body.items.map((t: Json) => t.code)).not.toContain(ticket);
    const officer = await portal.token({
      sub: 'officer-d',
      role: 'agency_officer',
      agencyId: dossier.agencyId,
    });
    expect((await api('GET', `/v1/support/tickets/${ticket}`, { token: officer })).status).toBe(200);
    const answered = await callback(dossier.agencyId, {
      type: 'support.answered',
      ticketCode: ticket,
      answer: 'Giấy phép mới được gửi qua bưu chính trong 5 ngày làm việc.',
    });
    expect(answered.body).toMatchObject({ applied: true, status: 'answered' });
    expect((await say(ticket, { action: 'close' })).body.status).toBe('closed');
  });

  it('lets the call centre log a phone call, answered to the caller by SMS', async () => {
    const body = {
      subject: 'Gọi tổng đài về cấp lại thẻ BHYT',
      question: 'Người gọi hỏi thủ tục cấp lại thẻ bảo hiểm y tế bị mất.',
      procedureCode: '1.002758',
      caller: { phone: '0987654321', name: 'Trần Văn Gọi' },
    };
    // Only agents log calls.
    expect(
      (await api('POST', '/v1/support/tickets', { token: asker, key: 'support-call-x', body })).status,
    ).toBe(400);
    const logged = await api('POST', '/v1/support/tickets', {
      token: hanoiDesk,
      key: 'support-call-1',
      body,
    });
    expect(logged.status, logged.text).toBe(201);
    expect(logged.body).toMatchObject({ channel: 'phone', status: 'open' });
    const code = logged.body.code as string;
    const queued = await api('GET', '/v1/support/queue?province=01', { token: hanoiDesk });
    expect(queued.body.items.map((t: Json) => t.code)).toContain(code);
    await act(code, { action: 'answer', text: 'Nộp tờ khai đề nghị cấp lại thẻ tại cơ quan BHXH.' });
    const sms = await until('the caller texted', async () => {
      const items = await outbox(code);
      return items.find((m) => m.topic === 'support.answered');
    });
    expect(sms).toMatchObject({ channel: 'sms', to: '+84987654321' });
    // At rest the caller's number is sealed: the ticket item never holds it in clear.
    const item = await portalDynamo(portal.env).send(
      new GetCommand({ TableName: portal.env.TABLE_NAME, Key: keys.supportTicket(code) }),
    );
    expect(item.Item?.callerPhoneSealed).toMatch(/^v1\./);
    expect(JSON.stringify(item.Item)).not.toMatch(/0987654321|987654321/);

    // The caller's satisfaction, asked on the phone once the call is closed, is recorded by the agent.
    const early = await api('POST', `/v1/support/tickets/${code}/caller-rating`, {
      token: hanoiDesk,
      body: { score: 4 },
    });
    expect(early.status).toBe(409);
    expect((await act(code, { action: 'close' })).body.status).toBe('closed');
    // Agents never rate through the asker's route; the caller has no account to.
    expect(
      (await api('POST', `/v1/support/tickets/${code}/rating`, { token: hanoiDesk, body: { score: 4 } }))
        .status,
    ).toBe(403);
    const recorded = await api('POST', `/v1/support/tickets/${code}/caller-rating`, {
      token: hanoiDesk,
      body: { score: 4, comment: 'Người gọi hài lòng' },
    });
    expect(recorded.status, recorded.text).toBe(201);
    expect(recorded.body.rating).toMatchObject({
      score: 4,
      recordedBy: { sub: 'desk-hn', role: 'support_agent' },
    });
    const twice = await api('POST', `/v1/support/tickets/${code}/caller-rating`, {
      token: hanoiDesk,
      body: { score: 1 },
    });
    expect(twice.status).toBe(409);
    // Another province's desk cannot reach it.
    expect(
      (
        await api('POST', `/v1/support/tickets/${code}/caller-rating`, {
          token: saigonDesk,
          body: { score: 1 },
        })
      ).status,
    ).toBe(404);
  });

  it("closes an agency's answer the asker left without a word, tells them, and takes their rating", async () => {
    const [licence, health] = await Promise.all([
      uploadScan(asker, 'gplx-2'),
      uploadScan(asker, 'suc-khoe-2'),
    ]);
    const filed = await api('POST', '/v1/dossiers', {
      token: asker,
      key: 'support-dossier-quiet',
      body: {
        procedureCode: '1.002804',
        form: licenceForm,
        attachments: [
          { documentType: 'current_licence', uploadId: licence },
          { documentType: 'health_certificate', uploadId: health },
        ],
      },
    });
    expect(filed.status, filed.text).toBe(201);
    const dossier = filed.body.dossiers[0] as { code: string; agencyId: string };
    const asked = await api('POST', '/v1/support/tickets', {
      token: asker,
      key: 'support-ask-quiet',
      body: { subject: 'Hồ sơ đổi GPLX', question: 'Bao giờ có kết quả?', dossierCode: dossier.code },
    });
    expect(asked.status, asked.text).toBe(201);
    const ticket = asked.body.code as string;
    const answered = await callback(dossier.agencyId, {
      type: 'support.answered',
      ticketCode: ticket,
      answer: 'Kết quả có trong 5 ngày làm việc.',
    });
    expect(answered.body).toMatchObject({ applied: true, status: 'answered' });
    const view = await api('GET', `/v1/support/tickets/${ticket}`, { token: asker });
    const closesAt = view.body.closesAt as string;
    expect(Date.parse(closesAt)).toBeGreaterThan(Date.parse(view.body.updatedAt));
    // Not closed until rated… and not ratable while answered.
    expect(
      (await api('POST', `/v1/support/tickets/${ticket}/rating`, { token: asker, body: { score: 5 } }))
        .status,
    ).toBe(409);
    const before = await portal.watchSupport(new Date(Date.parse(closesAt) - 60_000));
    expect(before.closed).toBe(0);
    const run = await portal.watchSupport(new Date(Date.parse(closesAt) + 60_000));
    expect(run.closed).toBeGreaterThanOrEqual(1);
    const closed = await api('GET', `/v1/support/tickets/${ticket}`, { token: asker });
    expect(closed.body).toMatchObject({ status: 'closed' });
    expect(closed.body.closesAt).toBeUndefined();
    expect(closed.body.messages.at(-1)).toMatchObject({ type: 'support.closed', by: 'system' });
    const notice = await until('the asker told it closed', async () =>
      (await outbox(ticket)).find((m) => m.topic === 'support.closed' && m.channel === 'sms'),
    );
    expect(notice.text).toContain('vẫn có thể đánh giá');
    const rated = await api('POST', `/v1/support/tickets/${ticket}/rating`, {
      token: asker,
      body: { score: 5 },
    });
    expect(rated.status, rated.text).toBe(201);
    expect(rated.body.rating).toMatchObject({ score: 5 });
    expect(rated.body.rating.recordedBy).toBeUndefined();
  });
});
