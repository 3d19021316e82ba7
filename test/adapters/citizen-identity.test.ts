/**
 * A citizen ID belongs to the person VNeID verified, and to one account: the profile takes it from the
 * sign-in (never from the form), keeps it for good, and a one-stop desk filing for that ID reaches the
 * account that holds it, whoever else tried to claim it.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenIdHash, deriveProfileKeys, seal } from '../../functions/pii/protect.js';
import { bhytForm } from '../support/forms.js';
import { sampleBodies } from '../support/request-bodies.js';
import { type LocalRoutes, startLocalRoutes } from './support/routes.js';
import { sharedDocumentClient } from './support/store.js';

const VICTIM_ID = '036095004321';
const ATTACKER_ID = '036090007777';
const DESK_AGENCY = 'ttpvhcc-01';

let portal: LocalRoutes;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  process.env.CONG_RATE_LIMITS = 'off';
  portal = await startLocalRoutes();
  db = sharedDocumentClient(portal.store);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const api: LocalRoutes['api'] = (...args) => portal.api(...args);
const profile = sampleBodies.putMyProfile!;
const saveProfile = (token: string, body: unknown = profile) => api('PUT', '/v1/me/profile', { token, body });

describe("a citizen ID on a person's profile", () => {
  it('cannot be claimed through the form: a body naming one is refused, naming the field', async () => {
    const attacker = await portal.token({ sub: 'cid-attacker', citizenId: ATTACKER_ID });
    const res = await saveProfile(attacker, { ...profile, citizenId: VICTIM_ID });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ path: 'body.citizenId', code: 'unrecognized_keys' }),
    );
    expect((await api('GET', '/v1/me/profile', { token: attacker })).status).toBe(404);
  });

  it('comes from the verified sign-in, and a sign-in without one cannot create a profile', async () => {
    const unverified = await portal.token({ sub: 'cid-unverified' });
    const refused = await saveProfile(unverified);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'IDENTITY_NOT_VERIFIED',
      messageVi: expect.any(String),
    });

    const owner = await portal.token({ sub: 'cid-owner', citizenId: '079203001111' });
    const created = await saveProfile(owner);
    expect(created.status).toBe(201);
    const revealed = await api('GET', '/v1/me/profile?reveal=true', { token: owner });
    expect(revealed.body.citizenId).toBe('079203001111');
  });

  it('is bound at creation: later saves keep it, whatever the sign-in carries', async () => {
    const first = await portal.token({ sub: 'cid-bound', citizenId: '079203002222' });
    expect((await saveProfile(first)).status).toBe(201);
    const other = await portal.token({ sub: 'cid-bound', citizenId: '079203003333' });
    const changed = await api('PUT', '/v1/me/profile', {
      token: other,
      body: { ...profile, address: '2 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh' },
      headers: { 'if-match': '"1"' },
    });
    expect(changed.status).toBe(200);
    const revealed = await api('GET', '/v1/me/profile?reveal=true', { token: other });
    expect(revealed.body).toMatchObject({ citizenId: '079203002222', version: 2 });
    // The number it could have moved to is still free for the person who holds it.
    const holder = await portal.token({ sub: 'cid-holder', citizenId: '079203003333' });
    expect((await saveProfile(holder)).status).toBe(201);
  });

  it('belongs to one account: a second account with the same ID is refused', async () => {
    const a = await portal.token({ sub: 'cid-first', citizenId: '079203004444' });
    const b = await portal.token({ sub: 'cid-second', citizenId: '079203004444' });
    expect((await saveProfile(a)).status).toBe(201);
    const second = await saveProfile(b);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'CITIZEN_ID_TAKEN', messageVi: expect.any(String) });
    expect(JSON.stringify(second.body)).not.toContain('079203004444');
    expect((await api('GET', '/v1/me/profile', { token: b })).status).toBe(404);
  });

  it('goes to exactly one of several accounts creating their first profile at once', async () => {
    const tokens = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => portal.token({ sub: `cid-race-${n}`, citizenId: '079203005555' })),
    );
    const results = await Promise.all(tokens.map((t) => saveProfile(t)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    const owners = await Promise.all(tokens.map((t) => api('GET', '/v1/me/profile', { token: t })));
    expect(owners.filter((r) => r.status === 200)).toHaveLength(1);
  });
});

describe('a desk officer filing on behalf of a citizen ID', () => {
  it('reaches the account VNeID verified for that ID, never one that tried to claim it', async () => {
    const attacker = await portal.token({ sub: 'cid-squatter', citizenId: ATTACKER_ID });
    const victim = await portal.token({ sub: 'cid-victim', citizenId: VICTIM_ID });
    const desk = await portal.token({ sub: 'cid-desk', role: 'desk_officer', agencyId: DESK_AGENCY });
    const fileForVictim = (key: string) =>
      api('POST', '/v1/dossiers', {
        token: desk,
        key,
        body: {
          procedureCode: '1.002758',
          form: { ...bhytForm, citizenId: VICTIM_ID },
          attachments: [],
          onBehalfOf: { citizenId: VICTIM_ID },
        },
      });
    // The attacker saves a profile first, naming the victim's number in the form.
    await saveProfile(attacker, { ...profile, citizenId: VICTIM_ID });
    await saveProfile(attacker);
    // Before the victim has an account, a desk filing for their number reaches nobody.
    const early = await fileForVictim('cid-desk-filing-0001');
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('CITIZEN_ACCOUNT_NOT_FOUND');

    expect((await saveProfile(victim)).status).toBe(201);
    const filed = await fileForVictim('cid-desk-filing-0002');
    expect(filed.status).toBe(201);
    const code = filed.body.dossiers[0].code;
    const mine = await api('GET', '/v1/me/dossiers', { token: victim });
    expect(mine.body.items.map((d: { code: string }) => d.code)).toContain(code);
    expect((await api('GET', `/v1/dossiers/${code}`, { token: victim })).status).toBe(200);
    expect((await api('GET', `/v1/dossiers/${code}`, { token: attacker })).status).toBe(404);
    const theirs = await api('GET', '/v1/me/dossiers', { token: attacker });
    expect(theirs.body.items).toEqual([]);
  });

  it('ignores a profile saved before IDs were verified, until its owner binds it from their sign-in', async () => {
    // As the portal once stored it: a number typed in the form, indexed for desk look-ups.
    const keys = deriveProfileKeys(Buffer.from(portal.env.PROFILE_DATA_KEY!, 'base64'));
    const typed = '036095006666';
    const hash = citizenIdHash(keys.lookup, typed);
    const at = '2026-01-05T02:00:00.000Z';
    await db.send(
      new PutCommand({
        TableName: portal.env.TABLE_NAME,
        Item: {
          pk: 'PROFILE#cid-legacy',
          sk: 'PROFILE',
          gsi2pk: `CITIZENID#${hash}`,
          gsi2sk: 'PROFILE',
          kind: 'profile',
          ownerSub: 'cid-legacy',
          version: 1,
          fullName: profile.fullName,
          dateOfBirth: profile.dateOfBirth,
          address: profile.address,
          citizenIdSealed: seal(keys.encryption, typed, 'profile:citizenId:cid-legacy'),
          citizenIdHash: hash,
          phoneSealed: seal(keys.encryption, String(profile.phone), 'profile:phone:cid-legacy'),
          createdAt: at,
          updatedAt: at,
        },
      }),
    );
    const desk = await portal.token({ sub: 'cid-desk-2', role: 'desk_officer', agencyId: DESK_AGENCY });
    const fileFor = (citizenId: string, key: string) =>
      api('POST', '/v1/dossiers', {
        token: desk,
        key,
        body: {
          procedureCode: '1.002758',
          form: { ...bhytForm, citizenId },
          attachments: [],
          onBehalfOf: { citizenId },
        },
      });
    const unbound = await fileFor(typed, 'cid-desk-filing-0101');
    expect(unbound.status).toBe(422);
    expect(unbound.body.error.code).toBe('CITIZEN_ACCOUNT_NOT_FOUND');

    // Its owner saves again: the profile now holds the number their sign-in verified, claimed for them.
    const owner = await portal.token({ sub: 'cid-legacy', citizenId: '036095007777' });
    const saved = await api('PUT', '/v1/me/profile', {
      token: owner,
      body: { ...profile, address: '3 Hàng Khay, Hoàn Kiếm, Hà Nội' },
      headers: { 'if-match': '"1"' },
    });
    expect(saved.status).toBe(200);
    const revealed = await api('GET', '/v1/me/profile?reveal=true', { token: owner });
    expect(revealed.body).toMatchObject({ citizenId: '036095007777', version: 2 });
    const filed = await fileFor('036095007777', 'cid-desk-filing-0102');
    expect(filed.status).toBe(201);
    const mine = await api('GET', '/v1/me/dossiers', { token: owner });
    expect(mine.body.items.map((d: { code: string }) => d.code)).toContain(filed.body.dossiers[0].code);
  });
});
