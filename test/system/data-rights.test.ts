/**
 * Personal-data rights against the local portal (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): a citizen
 * files requests from their account and an operator acknowledges, completes or refuses them. Deletion
 * really deletes drafts and unused uploads and never a filed dossier; a correction changes the profile;
 * an objection takes a published petition answer off the public list; a refusal carries its reason; a
 * request can be withdrawn; Idempotency-Key replays; the SLA watcher flags lapsed deadlines; the monthly
 * report counts what happened.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/core/keys.js';
import { dataRequestClock } from '../../functions/pii/data-requests.js';
import { monthOf } from '../../functions/rights/requests.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;
let citizen: string;
let stranger: string;
let operator: string;
let secrets: AgencySecrets;

const { api, uploadScan } = portalClient(() => portal.url);

const profile = {
  fullName: 'Trần Văn Quyền',
  dateOfBirth: '1988-09-12',
  address: '7 Hàng Bài, Hoàn Kiếm, Hà Nội',
  phone: '0912000111',
  email: 'quyen@example.vn',
};

beforeAll(async () => {
  process.env.CONG_RATE_LIMITS = 'off';
  portal = await startTestPortal({ escalationIntervalMs: 0, slaIntervalMs: 0 });
  citizen = await portal.token({ sub: 'rights-citizen-1', citizenId: licenceForm.citizenId });
  stranger = await portal.token({ sub: 'rights-citizen-2' });
  operator = await portal.token({ sub: 'rights-operator', role: 'operator' });
  secrets = await readAgencySecrets(portal);
  const saved = await api('PUT', '/v1/me/profile', { token: citizen, body: profile });
  expect(saved.status, saved.text).toBe(201);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

let keyNo = 0;
const file = (body: Json, token = citizen, key = `rights-${++keyNo}`) =>
  api('POST', '/v1/me/data-requests', { token, key, body });
const act = (id: string, body: Json, token = operator) =>
  api('POST', `/v1/operator/data-requests/${id}/actions`, { token, body });
const outbox = async (id: string) =>
  ((await (await fetch(`${portal.url}/dev/outbox?dossierCode=${id}`)).json()) as Json).items as Json[];

describe('deletion', () => {
  it('deletes drafts and unused uploads when completed, and keeps the filed dossier and its scans', async () => {
    const [unused, licence, health] = await Promise.all([
      uploadScan(citizen, 'chua-dung'),
      uploadScan(citizen, 'gplx'),
      uploadScan(citizen, 'suc-khoe'),
    ]);
    const filed = await api('POST', '/v1/dossiers', {
      token: citizen,
      key: 'rights-dossier-1',
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
    const dossierCode = filed.body.dossiers[0].code as string;
    // Saved after filing (filing a procedure deletes its draft).
    const draft = await api('PUT', '/v1/me/drafts/1.002804', {
      token: citizen,
      body: { form: { fullName: profile.fullName }, attachments: [] },
    });
    expect(draft.status, draft.text).toBe(201);

    const res = await file({ kind: 'deletion', targets: ['drafts', 'unused_uploads'], note: 'Xin xóa.' });
    expect(res.status, res.text).toBe(201);
    const r = res.body;
    expect(r).toMatchObject({ kind: 'deletion', status: 'received', overdue: false });
    // The statutory clocks, on the working-day calendar, from the moment of receipt.
    expect({ acknowledgeBy: r.acknowledgeBy, dueBy: r.dueBy }).toEqual(
      dataRequestClock('deletion', new Date(r.receivedAt)),
    );
    expect(r.timeline).toEqual([expect.objectContaining({ type: 'received', by: 'citizen' })]);
    // Filing deletes nothing yet.
    expect((await api('GET', '/v1/me/drafts', { token: citizen })).body.items).toHaveLength(1);

    const acked = await act(r.id, { action: 'acknowledge', note: 'Đã tiếp nhận' });
    expect(acked.status, acked.text).toBe(200);
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String) });
    const done = await act(r.id, { action: 'complete' });
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      outcome: { deleted: { drafts: 1, unusedUploads: 1 }, kept: expect.stringContaining('lưu trữ') },
    });
    expect(done.body.timeline.map((e: Json) => e.type)).toEqual(['received', 'acknowledged', 'completed']);

    expect((await api('GET', '/v1/me/drafts', { token: citizen })).body.items).toEqual([]);
    const db = portalDynamo(portal.env);
    const get = (id: string) =>
      db.send(new GetCommand({ TableName: portal.env.TABLE_NAME, Key: keys.upload(id) }));
    expect((await get(unused)).Item).toBeUndefined();
    expect((await get(licence)).Item).toMatchObject({ state: 'attached' });
    const dossier = await api('GET', `/v1/dossiers/${dossierCode}`, { token: citizen });
    expect(dossier.status).toBe(200);
    expect(dossier.body.attachments).toHaveLength(2);

    // Told by SMS and e-mail at acknowledgement and completion.
    const sent = await until('notified', async () => {
      const items = await outbox(r.id);
      return items.length >= 4 ? items : undefined;
    });
    expect(sent.map((m) => m.topic).sort()).toEqual([
      'dataRequest.acknowledged',
      'dataRequest.acknowledged',
      'dataRequest.completed',
      'dataRequest.completed',
    ]);
    // A completed request takes no further step.
    expect((await act(r.id, { action: 'refuse', reason: 'x' })).status).toBe(409);
  });
});

describe('correction', () => {
  it('applies the proposed profile values on completion', async () => {
    const bad = await file({ kind: 'correction', proposed: { dateOfBirth: '2999-01-01' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await file({ kind: 'correction', proposed: {} })).status).toBe(400);

    const res = await file({
      kind: 'correction',
      proposed: { address: '15 Phan Chu Trinh, Hoàn Kiếm, Hà Nội', phone: '0987000222' },
      note: 'Tôi đã chuyển nhà',
    });
    expect(res.status, res.text).toBe(201);
    // The proposed phone is shown masked, never as typed.
    expect(res.body.details.proposed).toEqual({
      address: '15 Phan Chu Trinh, Hoàn Kiếm, Hà Nội',
      phone: '09******22',
    });
    const done = await act(res.body.id, { action: 'complete', note: 'Đã cập nhật' });
    expect(done.status, done.text).toBe(200);
    expect(done.body.outcome).toEqual({ correctedFields: ['address', 'phone'] });
    const now = await api('GET', '/v1/me/profile?reveal=true', { token: citizen });
    expect(now.body).toMatchObject({
      fullName: profile.fullName,
      address: '15 Phan Chu Trinh, Hoàn Kiếm, Hà Nội',
      phone: '0987000222',
    });
  });
});

describe('objection', () => {
  it('takes a published answer off the public list once completed', async () => {
    portal.simulator.setMode('stp-01', 'hold');
    const sent = await api('POST', '/v1/petitions', {
      token: citizen,
      key: 'rights-petition-1',
      body: {
        subject: 'Chậm chứng thực bản sao',
        content: 'Hồ sơ chứng thực bản sao của tôi chưa có kết quả sau 5 ngày.',
        agencyId: 'stp-01',
        allowPublish: true,
      },
    });
    expect(sent.status, sent.text).toBe(201);
    const code = sent.body.code as string;
    await until('delivered to stp-01', () =>
      portal.simulator.deliveries.some((d) => (d.payload as { petitionCode?: string })?.petitionCode === code)
        ? true
        : undefined,
    );
    const published = await signedAgencyCall(portal, secrets, '/v1/agency/petition-events', 'stp-01', {
      type: 'petition.answered',
      petitionCode: code,
      answer: 'Hồ sơ đã có kết quả.',
      publish: true,
      publicSubject: 'Chậm chứng thực bản sao',
      publicContent: 'Công dân phản ánh hồ sơ chứng thực bản sao chậm.',
      publicAnswer: 'Hồ sơ đã có kết quả ngày 25/11/2026.',
    });
    expect(published.body).toMatchObject({ applied: true, status: 'published' });
    const listed = async () =>
      ((await api('GET', '/v1/petitions?published=true&limit=100')).body.items as Json[]).some(
        (i) => i.code === code,
      );
    expect(await listed()).toBe(true);

    // Only one's own petitions: anyone else's is not found.
    const theirs = await file({ kind: 'objection', stopPublishing: { petitionCode: code } }, stranger);
    expect(theirs.status).toBe(404);

    const res = await file({
      kind: 'objection',
      stopPublishing: { petitionCode: code },
      note: 'Không muốn công khai',
    });
    expect(res.status, res.text).toBe(201);
    expect(await listed()).toBe(true);
    const done = await act(res.body.id, { action: 'complete' });
    expect(done.status, done.text).toBe(200);
    expect(done.body.outcome).toEqual({ unpublishedPetitions: [code] });
    expect(await listed()).toBe(false);
    // Searching for its words finds nothing either.
    const found = await api('GET', `/v1/petitions?published=true&q=${encodeURIComponent('chứng thực')}`);
    expect((found.body.items as Json[]).map((i) => i.code)).not.toContain(code);
  });
});

describe('refusal, withdrawal and access', () => {
  it('refuses only with a reason, and tells the person why', async () => {
    const res = await file({ kind: 'deletion', targets: ['profile'] });
    expect(res.status).toBe(201);
    const noReason = await act(res.body.id, { action: 'refuse' });
    expect(noReason.status).toBe(400);
    const refused = await act(res.body.id, {
      action: 'refuse',
      reason: 'Hồ sơ cá nhân đang được dùng cho một hồ sơ đang giải quyết.',
    });
    expect(refused.status, refused.text).toBe(200);
    expect(refused.body).toMatchObject({
      status: 'refused',
      reason: expect.stringContaining('đang giải quyết'),
    });
    // Nothing was deleted.
    expect((await api('GET', '/v1/me/profile', { token: citizen })).status).toBe(200);
    const sms = await until('refusal sent', async () =>
      (await outbox(res.body.id)).find((m) => m.channel === 'sms'),
    );
    expect(sms.text).toContain('đang giải quyết');
  });

  it('is withdrawn by the person while not final, and then takes no step', async () => {
    const res = await file({ kind: 'deletion', targets: ['drafts'] });
    const gone = await api('POST', `/v1/me/data-requests/${res.body.id}/withdraw`, {
      token: citizen,
      body: { note: 'Không cần nữa' },
    });
    expect(gone.status, gone.text).toBe(200);
    expect(gone.body).toMatchObject({ status: 'withdrawn', closedAt: expect.any(String) });
    expect(
      (await api('POST', `/v1/me/data-requests/${res.body.id}/withdraw`, { token: citizen, body: {} }))
        .status,
    ).toBe(409);
    const late = await act(res.body.id, { action: 'complete' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('DATA_REQUEST_ILLEGAL_TRANSITION');
  });

  it('answers access at once with the export, still a tracked request', async () => {
    const res = await file({ kind: 'access' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'completed', outcome: { exportUrl: '/v1/me/export' } });
    const mine = await api('GET', '/v1/me/data-requests', { token: citizen });
    expect(mine.body.items[0].id).toBe(res.body.id);
    // The export carries every request, this one included, with its timeline.
    const exported = await api('GET', '/v1/me/export', { token: citizen });
    expect(exported.status).toBe(200);
    expect(exported.body.dataRequests[0]).toMatchObject({
      id: res.body.id,
      kind: 'access',
      status: 'completed',
    });
    expect((exported.body.dataRequests as Json[]).map((r) => r.id)).toEqual(
      (mine.body.items as Json[]).map((r) => r.id),
    );
  });
});

describe('the API contract', () => {
  it('replays the same Idempotency-Key with the same body, and refuses it with another', async () => {
    const body = { kind: 'deletion', targets: ['unused_uploads'] };
    const first = await file(body, citizen, 'rights-replay');
    const again = await file(body, citizen, 'rights-replay');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await file({ kind: 'access' }, citizen, 'rights-replay');
    expect(other.status).toBe(422);
    const noKey = await api('POST', '/v1/me/data-requests', { token: citizen, body });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    // The replay did not file a second request.
    const open = await api('GET', '/v1/operator/data-requests?kind=deletion&limit=100', { token: operator });
    expect((open.body.items as Json[]).filter((i) => i.id === first.body.id)).toHaveLength(1);
  });

  it('refuses bad input with 400 and the field', async () => {
    for (const body of [
      { kind: 'erase' },
      { kind: 'deletion', targets: [] },
      { kind: 'deletion', targets: ['dossiers'] },
      { kind: 'objection', stopPublishing: {} },
      { kind: 'access', status: 'completed' },
    ]) {
      const res = await file(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', messageVi: expect.any(String) });
    }
    expect((await api('GET', '/v1/me/data-requests/not-an-id', { token: citizen })).status).toBe(400);
  });

  it('keeps operators’ routes to operators and each request to its owner', async () => {
    const mine = await file({ kind: 'deletion', targets: ['drafts'] });
    expect((await api('GET', '/v1/operator/data-requests', { token: citizen })).status).toBe(403);
    expect((await act(mine.body.id, { action: 'acknowledge' }, citizen)).status).toBe(403);
    expect((await api('GET', '/v1/operator/data-requests/report', { token: citizen })).status).toBe(403);
    const peek = await api('GET', `/v1/me/data-requests/${mine.body.id}`, { token: stranger });
    expect(peek.status).toBe(404);
    expect(peek.body.error.code).toBe('DATA_REQUEST_NOT_FOUND');
    const meddle = await api('POST', `/v1/me/data-requests/${mine.body.id}/withdraw`, {
      token: stranger,
      body: {},
    });
    expect(meddle.status).toBe(404);
    expect((await api('GET', `/v1/me/data-requests/${mine.body.id}`, { token: citizen })).status).toBe(200);
  });
});

describe('clocks and the report', () => {
  it('lists open requests soonest deadline first, flags lapsed ones and counts the month', async () => {
    const queue = await api('GET', '/v1/operator/data-requests?limit=100', { token: operator });
    expect(queue.status).toBe(200);
    const open = queue.body.items as Json[];
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((i) => i.status === 'received' || i.status === 'acknowledged')).toBe(true);
    const deadlines = open.map((i) => (i.status === 'received' ? i.acknowledgeBy : i.dueBy));
    expect(deadlines).toEqual([...deadlines].sort());
    expect(
      (await api('GET', '/v1/operator/data-requests?overdue=true', { token: operator })).body.items,
    ).toEqual([]);

    // Three weeks on, every open request is past its legal period: the watcher flags each once.
    const later = new Date(Date.now() + 21 * 86_400_000);
    const first = (await portal.watchSla(later)) as unknown as { dataRequests: Json };
    expect(first.dataRequests).toMatchObject({ flagged: { due: open.length, ack: 0 }, errors: 0 });
    const second = (await portal.watchSla(later)) as unknown as { dataRequests: Json };
    expect(second.dataRequests).toMatchObject({ flagged: { due: 0, ack: 0 }, alreadyFlagged: open.length });

    const month = monthOf(new Date().toISOString());
    const report = await api('GET', `/v1/operator/data-requests/report?month=${month}`, { token: operator });
    expect(report.status, report.text).toBe(200);
    // Filed in this file: deletion ×5 (completed, refused, withdrawn, replayed-once, open), correction ×1
    // completed, objection ×1 completed, access ×1 completed at once.
    expect(report.body.kinds.deletion).toEqual({
      received: 5,
      acknowledgedOnTime: 2,
      acknowledgedLate: 0,
      completedOnTime: 1,
      completedLate: 0,
      refused: 1,
      withdrawn: 1,
      open: 2,
      overdueNow: 0,
    });
    expect(report.body.kinds.correction).toMatchObject({ received: 1, completedOnTime: 1, open: 0 });
    expect(report.body.kinds.objection).toMatchObject({ received: 1, completedOnTime: 1, open: 0 });
    expect(report.body.kinds.access).toMatchObject({
      received: 1,
      acknowledgedOnTime: 1,
      completedOnTime: 1,
    });
    const empty = await api('GET', '/v1/operator/data-requests/report?month=2026-01', { token: operator });
    expect(empty.body.kinds.deletion.received).toBe(0);
    expect(
      (await api('GET', '/v1/operator/data-requests/report?month=2026-13', { token: operator })).status,
    ).toBe(400);
  });
});
