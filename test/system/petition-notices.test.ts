/**
 * The petitioner hears of their petition on the phone and e-mail of their saved profile: received,
 * answered and published, as the agency simulator moves it along; a petitioner without a profile gets
 * nothing sent and the petition goes on regardless.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { sampleBodies } from '../support/request-bodies.js';
import { until } from '../support/wait.js';

let portal: LocalPortal;

beforeAll(async () => {
  portal = await startTestPortal();
}, 90_000);
afterAll(async () => {
  await portal?.stop();
});

const { api } = portalClient(() => portal.url);

const outbox = async (code: string) =>
  ((await (await fetch(`${portal.url}/dev/outbox?dossierCode=${code}`)).json()) as Json).items as Json[];

async function petition(token: string, key: string) {
  const res = await api('POST', '/v1/petitions', {
    token,
    body: { ...sampleBodies.submitPetition, agencyId: 'sxd-01' },
    key,
  });
  expect(res.status).toBe(201);
  return res.body.code as string;
}

describe('petition notices', () => {
  it('tell the petitioner of receipt, answer and publication on their profile phone and e-mail', async () => {
    const token = await portal.token({ sub: 'petition-notice-1', citizenId: '079203004567' });
    const saved = await api('PUT', '/v1/me/profile', {
      token,
      body: {
        ...sampleBodies.putMyProfile,
        phone: '0912000111',
        email: 'chau.pham@example.vn',
      },
    });
    expect(saved.status).toBe(201);
    const code = await petition(token, 'petition-notice-0001');
    const expected = ['petition.answered', 'petition.published', 'petition.received'];
    // Each channel and topic is its own queue message, sent (and retried) on its own, in no set order:
    // wait until every one has gone out.
    const sent = await until('the receipt, answer and publication are announced', async () => {
      const items = await outbox(code);
      const has = (channel: string, topic: string) =>
        items.some((i) => i.channel === channel && i.topic === topic);
      return expected.every((t) => has('sms', t) && has('email', t)) ? items : undefined;
    });
    const topics = (channel: string) =>
      sent
        .filter((i) => i.channel === channel)
        .map((i) => i.topic)
        .sort();
    expect(topics('sms')).toEqual(expected);
    expect(topics('email')).toEqual(expected);
    expect(sent.filter((i) => i.channel === 'sms').every((i) => i.to === '+84912000111')).toBe(true);
    expect(sent.find((i) => i.channel === 'email').to).toBe('chau.pham@example.vn');
    const answered = sent.find((i) => i.topic === 'petition.answered' && i.channel === 'sms');
    expect(answered.text).toContain(code);
    expect(answered.text).toContain('đã trả lời');
    // The officer assigned is internal: no message for it.
    expect(sent.some((i) => i.topic === 'petition.assigned')).toBe(false);
  });

  it('send nothing to a petitioner without a profile, and the petition is answered all the same', async () => {
    const token = await portal.token({ sub: 'petition-notice-2' });
    const code = await petition(token, 'petition-notice-0002');
    await until('the petition is answered', async () => {
      const view = await api('GET', `/v1/petitions/${code}`, { token });
      return view.body.status === 'published' ? true : undefined;
    });
    expect(await outbox(code)).toEqual([]);
  });
});

describe('an enterprise’s petitions', () => {
  it('are listed for every representative of its tax code, and for no other enterprise', async () => {
    const rep = (sub: string, taxCode: string) => portal.token({ sub, role: 'business', taxCode });
    const code = await petition(await rep('rep-a', '0107654321'), 'petition-enterprise-0001');
    const list = async (token: string) =>
      ((await api('GET', '/v1/me/petitions', { token })).body.items as Json[]).map((i) => i.code);
    expect(await list(await rep('rep-b', '0107654321'))).toContain(code);
    expect(await list(await rep('rep-c', '0309999999'))).not.toContain(code);
    expect(
      (await api('GET', `/v1/petitions/${code}`, { token: await rep('rep-b', '0107654321') })).status,
    ).toBe(200);
    expect(
      (await api('GET', `/v1/petitions/${code}`, { token: await rep('rep-c', '0309999999') })).status,
    ).toBe(404);
  });
});
