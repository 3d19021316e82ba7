/**
 * Petitions against the local portal: submission routed to a province's triage office, delivered to
 * the agency simulator through the agency queue, assigned, answered and published, then found by the
 * public search without personal data; only the petitioner and the agency it is with may reach it;
 * reassignment restarts the clocks for the new agency; escalation after a lapsed deadline, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { petitionDeadlines } from '../../functions/petitions/routing.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import {
  type AgencySecrets,
  agencyHeaders,
  channelSecret,
  readAgencySecrets,
  signedAgencyCall,
  signedAgencyGet,
} from '../support/agency-callbacks.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let owner: string;
let stranger: string;
let officer: string;
let secrets: AgencySecrets;

beforeAll(async () => {
  portal = await startTestPortal({ escalationIntervalMs: 0, slaIntervalMs: 0 });
  owner = await portal.token({ sub: 'petitioner-0001' });
  stranger = await portal.token({ sub: 'petitioner-0002' });
  officer = await portal.token({ sub: 'officer-tthcc', role: 'agency_officer', agencyId: 'ttpvhcc-01' });
  secrets = await readAgencySecrets(portal);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const { api, uploadScan } = portalClient(() => portal.url);

/** A signed petition callback as `agencyId` (signed with its channel's secret). */
const callback = (agencyId: string, event: Json) =>
  signedAgencyCall(portal, secrets, '/v1/agency/petition-events', agencyId, event);

/** POST /v1/agency/redeliveries as `agencyId`, signed over the exact body. */
async function redeliver(agencyId: string, body: Json) {
  const text = JSON.stringify(body);
  const res = await fetch(`${portal.url}/v1/agency/redeliveries`, {
    method: 'POST',
    headers: agencyHeaders(agencyId, channelSecret(secrets, agencyId), text),
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

let submitted = 0;
async function submit(body: Json, token = owner) {
  const res = await api('POST', '/v1/petitions', { token, key: `petition-${++submitted}`, body });
  expect(res.status, res.text).toBe(201);
  return res.body as { code: string; agencyId: string; status: string; dueAt: string };
}

const deliveriesOf = (code: string) =>
  portal.simulator.deliveries.filter(
    (d) => (d.payload as { petitionCode?: string } | undefined)?.petitionCode === code,
  );

describe('a petition from submission to a published answer', () => {
  it('is routed, delivered, assigned, answered, published and found without personal data', async () => {
    const scan = await uploadScan(owner, 'anh-hien-truong');
    const body = {
      subject: 'Đường Láng ngập úng kéo dài sau mưa',
      content: 'Đoạn đường trước số 1100 bị ngập sâu mỗi khi mưa, đề nghị cơ quan có thẩm quyền xử lý.',
      provinceCode: '01',
      attachments: [{ uploadId: scan }],
      allowPublish: true,
    };
    const key = 'petition-flow-1';
    const first = await api('POST', '/v1/petitions', { token: owner, key, body });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ status: 'received', agencyId: 'ttpvhcc-01' });
    expect(first.body.code).toMatch(/^PAKN-\d{6}-\d{4,}$/);
    const code = first.body.code as string;
    // The same key and body answer as the first time; another body under that key is refused.
    const again = await api('POST', '/v1/petitions', { token: owner, key, body });
    expect(again.body).toEqual(first.body);
    const other = await api('POST', '/v1/petitions', {
      token: owner,
      key,
      body: { ...body, subject: 'Khác' },
    });
    expect(other.status).toBe(422);

    const view = await until('the answer published', async () => {
      const res = await api('GET', `/v1/petitions/${code}`, { token: owner });
      return res.body?.status === 'published' ? res.body : undefined;
    });
    expect(view.timeline.map((e: Json) => e.type)).toEqual([
      'petition.received',
      'petition.assigned',
      'petition.answered',
      'petition.published',
    ]);
    const answered = view.timeline.find((e: Json) => e.type === 'petition.answered');
    expect(answered).toMatchObject({ agencyId: 'ttpvhcc-01', onTime: true, answerDueAt: first.body.dueAt });
    expect(view.attachments).toEqual([
      { fileName: 'anh-hien-truong.pdf', contentType: 'application/pdf', size: expect.any(Number) },
    ]);

    // The agency received it through its queue, signed, without who sent it.
    const [delivery] = deliveriesOf(code);
    expect(delivery).toMatchObject({ agencyId: 'ttpvhcc-01', status: 202 });
    expect(JSON.stringify(delivery!.payload)).not.toContain('petitioner-0001');

    // Anyone finds the answer, with or without tone marks, and sees no personal data.
    for (const q of ['ngập úng đường láng', 'ngap ung duong lang', 'NGAP UNG']) {
      const found = await api('GET', `/v1/petitions?published=true&q=${encodeURIComponent(q)}`);
      expect(found.status).toBe(200);
      expect(found.body.items.map((i: Json) => i.code)).toContain(code);
      expect(found.text).not.toContain('petitioner-0001');
      expect(found.text).not.toContain('anh-hien-truong');
    }
    const item = (await api('GET', '/v1/petitions?published=true')).body.items.find(
      (i: Json) => i.code === code,
    );
    expect(Object.keys(item).sort()).toEqual(
      ['agencyId', 'agencyName', 'answer', 'code', 'content', 'publishedAt', 'subject', 'submittedAt'].sort(),
    );
    expect((await api('GET', '/v1/petitions?published=true&q=khongcotu')).body.items).toEqual([]);
    // What is public is the agency's own wording, not the petitioner's text.
    expect(item.content).not.toContain('Đoạn đường trước số 1100');
    expect(view.publicVersion).toEqual({
      subject: item.subject,
      content: item.content,
      answer: item.answer.text,
    });

    // The petitioner's list and the agency officer's work list hold it; nobody else reaches it.
    const mine = await api('GET', '/v1/me/petitions', { token: owner });
    expect(mine.body.items.map((i: Json) => i.code)).toContain(code);
    const work = await api('GET', '/v1/agency/petitions', { token: officer });
    expect(work.status).toBe(200);
    expect(work.text).not.toContain('petitioner-0001');
    expect(work.body.items.map((i: Json) => i.code)).toContain(code);
    expect((await api('GET', `/v1/petitions/${code}`, { token: stranger })).status).toBe(404);
    expect((await api('GET', `/v1/petitions/${code}`, { token: officer })).status).toBe(200);
    const elsewhere = await portal.token({ sub: 'officer-stp', role: 'agency_officer', agencyId: 'stp-01' });
    expect((await api('GET', `/v1/petitions/${code}`, { token: elsewhere })).status).toBe(404);
    expect((await api('GET', '/v1/me/petitions', { token: stranger })).body.items).toEqual([]);
    expect((await api('GET', '/v1/agency/petitions', { token: owner })).status).toBe(403);
    // Personal answers are never kept by a cache; the public search may be.
    const own = await api('GET', `/v1/petitions/${code}`, { token: owner });
    for (const res of [own, mine, work]) expect(res.headers.get('cache-control')).toBe('no-store');

    // The petitioner's data export carries the petition with its whole timeline; a stranger's does not.
    const exported = await api('GET', '/v1/me/export', { token: owner });
    expect(exported.status).toBe(200);
    const inExport = exported.body.petitions.find((p: Json) => p.code === code);
    expect(inExport).toMatchObject({ code, status: 'published', answer: expect.anything() });
    expect(inExport.timeline.map((e: Json) => e.type)).toEqual(
      expect.arrayContaining(['petition.received', 'petition.answered', 'petition.published']),
    );
    expect((await api('GET', '/v1/me/export', { token: stranger })).body.petitions).toEqual([]);
  });

  it('refuses a client that sets the status or the agency routing, and unknown codes', async () => {
    const base = { subject: 'Thủ tục rườm rà', content: 'Nội dung phản ánh', allowPublish: false };
    for (const extra of [{ status: 'answered' }, { ownerSub: 'x' }, { agencyName: 'x' }]) {
      const res = await api('POST', '/v1/petitions', {
        token: owner,
        key: `bad-${submitted++}`,
        body: { ...base, ...extra },
      });
      expect(res.status).toBe(400);
    }
    const unknown = await api('POST', '/v1/petitions', {
      token: owner,
      key: `bad-${submitted++}`,
      body: { ...base, agencyId: 'no-such-agency' },
    });
    expect(unknown.status).toBe(400);
    const noKey = await api('POST', '/v1/petitions', { token: owner, body: base });
    expect(noKey.status).toBe(400);
    // Named nothing: national triage.
    expect((await submit({ ...base })).agencyId).toBe('vpcp');
  });
});

describe('what a published petition shows the public', () => {
  it("only the agency's public version, masked; the petitioner's name, address and numbers find nothing", async () => {
    const petitioner = await portal.token({ sub: 'petitioner-0003', citizenId: '001190012345' });
    const profile = await api('PUT', '/v1/me/profile', {
      token: petitioner,
      body: {
        fullName: 'Lê Thị Hồng Nhung',
        dateOfBirth: '1990-02-03',
        address: 'Số 18 ngõ 71 phố Hoàng Văn Thái, Thanh Xuân, Hà Nội',
        phone: '0987654321',
      },
    });
    expect(profile.status, profile.text).toBe(201);
    portal.simulator.setMode('stp-01', 'hold');
    const { code } = await submit(
      {
        subject: 'Chậm chứng thực bản sao, bà Lê Thị Hồng Nhung 0987 654 321',
        content:
          'Tôi là Lê Thị Hồng Nhung, CCCD 001190012345, ở số 18 ngõ 71 phố Hoàng Văn Thái. ' +
          'Liên hệ nhung.le@gmail.com hoặc +84 987.654.321. Hồ sơ STP-261120-0007 chưa có kết quả.',
        agencyId: 'stp-01',
        allowPublish: true,
      },
      petitioner,
    );
    await until('delivered to stp-01', () => (deliveriesOf(code).length ? true : undefined));
    const answer = {
      type: 'petition.answered',
      petitionCode: code,
      answer: 'Gửi bà Lê Thị Hồng Nhung: hồ sơ STP-261120-0007 đã có kết quả.',
      publish: true,
    };
    // Publishing needs the public version; nothing is written without it.
    const refused = await callback('stp-01', answer);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: Json) => d.path).sort()).toEqual([
      'body.publicAnswer',
      'body.publicContent',
      'body.publicSubject',
    ]);
    expect((await api('GET', `/v1/petitions/${code}`, { token: petitioner })).body.status).toBe('received');

    const published = await callback('stp-01', {
      ...answer,
      publicSubject: 'Chậm chứng thực bản sao (ĐT 0987 654 321)',
      publicContent:
        'Bà Lê Thị Hồng Nhung ở số 18 ngõ 71 phố Hoàng Văn Thái phản ánh hồ sơ STP-261120-0007 chậm.',
      publicAnswer: 'Hồ sơ STP-261120-0007 đã có kết quả ngày 25/11/2026; lệ phí 20.000 đồng.',
    });
    expect(published.body).toMatchObject({ applied: true, status: 'published' });

    const found = await api('GET', '/v1/petitions?published=true&q=chung%20thuc%20ban%20sao');
    const item = found.body.items.find((i: Json) => i.code === code);
    expect(item).toMatchObject({
      subject: 'Chậm chứng thực bản sao (ĐT [đã ẩn])',
      content: 'Bà [đã ẩn] ở [đã ẩn] phản ánh hồ sơ STP-261120-0007 chậm.',
      answer: { text: 'Hồ sơ STP-261120-0007 đã có kết quả ngày 25/11/2026; lệ phí 20.000 đồng.' },
    });
    const everything = (await api('GET', '/v1/petitions?published=true&limit=100')).text;
    for (const secret of ['Nhung', '0987', '001190012345', 'nhung.le', 'Hoàng Văn Thái'])
      expect(everything).not.toContain(secret);
    for (const q of ['0987654321', '0987 654 321', '001190012345', 'Hồng Nhung', 'nhung', 'hoang van thai']) {
      const res = await api('GET', `/v1/petitions?published=true&q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(
        res.body.items.map((i: Json) => i.code),
        q,
      ).not.toContain(code);
    }
    // The petitioner still reads their own words, and exactly what was published.
    const own = (await api('GET', `/v1/petitions/${code}`, { token: petitioner })).body;
    expect(own.content).toContain('Lê Thị Hồng Nhung');
    expect(own.publicVersion).toEqual({
      subject: item.subject,
      content: item.content,
      answer: item.answer.text,
    });
    portal.simulator.setMode('stp-01', 'normal');
  });
});

describe('only the agency a petition is with may act on it', () => {
  it('another agency gets 404, the routed agency is answered, replays answer the same', async () => {
    portal.simulator.setMode('sxd-01', 'hold');
    const { code, agencyId } = await submit({
      subject: 'Cấp phép xây dựng chậm',
      content: 'Hồ sơ cấp phép xây dựng quá hạn',
      agencyId: 'sxd-01',
      allowPublish: false,
    });
    expect(agencyId).toBe('sxd-01');
    await until('delivered to sxd-01', () => (deliveriesOf(code).length ? true : undefined));
    // The agency asks for it again: sent under the same webhook-id; another agency's request is a 404.
    await until('the delivery in the agency log', async () => {
      const log = await signedAgencyGet(
        portal,
        secrets,
        `/v1/agency/deliveries?petitionCode=${code}`,
        'sxd-01',
      );
      return log.body.items.length ? true : undefined;
    });
    const redelivered = await redeliver('sxd-01', { petitionCode: code, requestId: `redeliver-${code}` });
    expect(redelivered.status).toBe(202);
    expect(redelivered.body.count).toBe(1);
    const [first, second] = await until('the petition redelivered', () =>
      deliveriesOf(code).length >= 2 ? deliveriesOf(code) : undefined,
    );
    expect(second!.webhookId).toBe(first!.webhookId);
    expect(second!.duplicate).toBe(true);
    expect((await redeliver('stp-01', { petitionCode: code, requestId: `elsewhere-${code}` })).status).toBe(
      404,
    );
    // Same channel (the province's one-stop system), another agency; and another channel altogether.
    for (const other of ['stp-01', 'bca']) {
      const res = await callback(other, { type: 'petition.assigned', petitionCode: code });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('PETITION_NOT_FOUND');
    }
    const eventId = `evt-fixed-${Date.now()}`;
    const assigned = await callback('sxd-01', { type: 'petition.assigned', petitionCode: code, eventId });
    expect(assigned.body).toMatchObject({ applied: true, status: 'assigned', reason: 'applied' });
    const replay = await callback('sxd-01', { type: 'petition.assigned', petitionCode: code, eventId });
    expect(replay.body).toMatchObject({ applied: false, status: 'assigned', reason: 'replay' });
    const answered = await callback('sxd-01', {
      type: 'petition.answered',
      petitionCode: code,
      answer: 'Đã chỉ đạo giải quyết hồ sơ trong tuần này.',
      publish: true,
      publicSubject: 'Cấp phép xây dựng chậm',
      publicContent: 'Hồ sơ cấp phép xây dựng quá hạn',
      publicAnswer: 'Đã chỉ đạo giải quyết hồ sơ trong tuần này.',
    });
    // The petitioner did not consent: answered, never published.
    expect(answered.body).toMatchObject({ applied: true, status: 'answered' });
    const late = await callback('sxd-01', {
      type: 'petition.rejected',
      petitionCode: code,
      reason: 'Ngoài phạm vi',
    });
    expect(late.status).toBe(409);
    portal.simulator.setMode('sxd-01', 'normal');
  });
});

describe('reassignment and escalation', () => {
  it('reassignment restarts the clocks for the new agency; a lapsed deadline escalates once, up to national triage', async () => {
    for (const id of ['sct-01', 'stc-01', 'ubnd-01', 'vpcp']) portal.simulator.setMode(id, 'hold');
    const { code } = await submit({
      subject: 'Giá điện sinh hoạt tăng bất thường',
      content: 'Hóa đơn tháng này tăng gấp đôi',
      agencyId: 'sct-01',
      allowPublish: false,
    });
    await until('delivered to sct-01', () => (deliveriesOf(code).length ? true : undefined));
    const before = (await api('GET', `/v1/petitions/${code}`, { token: owner })).body;

    const moved = await callback('sct-01', {
      type: 'petition.reassigned',
      petitionCode: code,
      toAgencyId: 'stc-01',
      reason: 'Thuộc thẩm quyền của Sở Tài chính',
    });
    expect(moved.body).toMatchObject({ applied: true, status: 'received', agencyId: 'stc-01' });
    const after = (await api('GET', `/v1/petitions/${code}`, { token: owner })).body;
    expect(after).toMatchObject({ status: 'received', agencyId: 'stc-01' });
    expect(Date.parse(after.routedAt)).toBeGreaterThan(Date.parse(before.routedAt));
    const clocks = petitionDeadlines(new Date(after.routedAt));
    expect(after).toMatchObject(clocks);
    expect(after.timeline.at(-1)).toMatchObject({
      type: 'petition.reassigned',
      agencyId: 'stc-01',
      fromAgencyId: 'sct-01',
      ...clocks,
    });
    await until('delivered to stc-01', () =>
      deliveriesOf(code).some((d) => d.agencyId === 'stc-01') ? true : undefined,
    );
    const redelivered = deliveriesOf(code).find((d) => d.agencyId === 'stc-01')!.payload as Json;
    expect(redelivered).toMatchObject({ routing: 'reassigned', fromAgencyId: 'sct-01', ...clocks });
    // The agency it left can no longer act on it.
    expect((await callback('sct-01', { type: 'petition.assigned', petitionCode: code })).status).toBe(404);

    // Nothing lapses before the referral deadline.
    const early = await portal.escalatePetitions(new Date(Date.parse(clocks.referralDueAt) - 60_000));
    expect(early.escalated).toBe(0);
    const asOf = new Date(Date.parse(clocks.referralDueAt) + 60_000);
    const first = await portal.escalatePetitions(asOf);
    expect(first.errors).toEqual([]);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    const second = await portal.escalatePetitions(asOf);
    expect(second.escalated).toBe(0);
    const escalated = (await api('GET', `/v1/petitions/${code}`, { token: owner })).body;
    expect(escalated).toMatchObject({ status: 'escalated', agencyId: 'ubnd-01', escalations: 1 });
    expect(escalated.timeline.filter((e: Json) => e.type === 'petition.escalated')).toHaveLength(1);
    expect(escalated.timeline.at(-1)).toMatchObject({ fromAgencyId: 'stc-01', ...petitionDeadlines(asOf) });
    await until('delivered to ubnd-01', () =>
      deliveriesOf(code).some((d) => d.agencyId === 'ubnd-01') ? true : undefined,
    );
    // Both agencies are told.
    const notices = await until('escalation notices', async () => {
      const sent = (await portal.outbox({ dossierCode: code })).filter(
        (n) => n.topic === 'petition.escalated',
      );
      return sent.length === 2 ? sent : undefined;
    });
    expect(notices.map((n) => n.to).sort()).toEqual(['stc-01', 'ubnd-01']);

    // The province's people's committee has no parent: national triage takes it.
    const later = new Date(Date.parse(petitionDeadlines(asOf).referralDueAt) + 60_000);
    expect((await portal.escalatePetitions(later)).escalated).toBeGreaterThanOrEqual(1);
    const top = (await api('GET', `/v1/petitions/${code}`, { token: owner })).body;
    expect(top).toMatchObject({ status: 'escalated', agencyId: 'vpcp', escalations: 2 });
    for (const id of ['sct-01', 'stc-01', 'ubnd-01', 'vpcp']) portal.simulator.setMode(id, 'normal');
  });
});
