/**
 * Object-level authorization: who reaches an owned object (owner, the enterprise's representatives, the
 * desk officer who filed it, the routed agency's officers where the route allows), and that everyone
 * else gets exactly the 404 of a missing object.
 */
import { describe, expect, it } from 'vitest';
import {
  authorizeObject,
  type OwnershipReader,
  type OwnershipRecord,
  objectLoaders,
  reachOf,
} from '../../functions/core/access.js';
import type { Person } from '../../functions/core/auth.js';
import { AppError } from '../../functions/core/errors.js';
import { httpFunction } from '../../functions/core/http.js';
import { keys } from '../../functions/core/keys.js';
import { type OwnedObject, type RouteAccess, rolesOf, routes, routesOf } from '../../functions/routes.js';

const dossier: OwnershipRecord = {
  ownerSub: 'citizen-a',
  enterpriseTaxCode: '0101234567',
  filedBy: { sub: 'desk-1', role: 'desk_officer', agencyId: 'ubnd-hn' },
  agencyId: 'bhxh-hn',
};
const person = (p: Partial<Person> & Pick<Person, 'sub' | 'role'>): Person => ({ kind: 'person', ...p });

describe('who reaches an owned object', () => {
  it.each([
    ['the owner', person({ sub: 'citizen-a', role: 'citizen' }), 'owner'],
    [
      'a representative of the enterprise',
      person({ sub: 'rep-2', role: 'business', taxCode: '0101234567' }),
      'enterprise',
    ],
    [
      'the desk officer who filed it',
      person({ sub: 'desk-1', role: 'desk_officer', agencyId: 'ubnd-hn' }),
      'filer',
    ],
  ] as const)('%s', (_who, p, reach) => {
    expect(reachOf(p, dossier, false)).toBe(reach);
    expect(reachOf(p, dossier, true)).toBe(reach);
  });

  it.each([
    ['another citizen', person({ sub: 'citizen-b', role: 'citizen' })],
    [
      'a representative of another enterprise',
      person({ sub: 'rep-3', role: 'business', taxCode: '0309999999' }),
    ],
    [
      'a citizen whose sub is the filing officer’s (role matters)',
      person({ sub: 'desk-1', role: 'citizen' }),
    ],
    [
      'another desk officer of the same office',
      person({ sub: 'desk-2', role: 'desk_officer', agencyId: 'ubnd-hn' }),
    ],
    ['an officer of another agency', person({ sub: 'off-2', role: 'agency_officer', agencyId: 'cahn' })],
    ['an officer without an agency', person({ sub: 'off-3', role: 'agency_officer' })],
  ])('not %s', (_who, p) => {
    expect(reachOf(p, dossier, true)).toBeUndefined();
  });

  it('lets officers of the routed agency in only where the route allows them', () => {
    const officer = person({ sub: 'off-1', role: 'agency_officer', agencyId: 'bhxh-hn' });
    expect(reachOf(officer, dossier, true)).toBe('agency');
    expect(reachOf(officer, dossier, false)).toBeUndefined();
    // An officer never acts as an owner, even of an object stored under their sub.
    expect(reachOf(officer, { ...dossier, ownerSub: 'off-1' }, false)).toBeUndefined();
  });

  it('treats a record without enterprise or filer like one owned by its owner alone', () => {
    const plain = { ownerSub: 'citizen-a', agencyId: 'bhxh-hn' };
    expect(
      reachOf(person({ sub: 'rep', role: 'business', taxCode: '0101234567' }), plain, true),
    ).toBeUndefined();
    expect(reachOf(person({ sub: 'desk-1', role: 'desk_officer' }), plain, true)).toBeUndefined();
  });
});

describe('the check of one request', () => {
  const stored = new Map<string, OwnershipRecord>([
    [JSON.stringify(keys.dossier('BHXHHN-261122-0001')), dossier],
    [JSON.stringify(keys.payment('01JPAYMENT')), { ownerSub: 'citizen-a', agencyId: 'bhxh-hn' }],
  ]);
  const read: OwnershipReader = async (_o, key) => stored.get(JSON.stringify(key));
  const access = (object: OwnedObject, agencyOfficers = false): RouteAccess => ({
    kind: 'owned',
    object,
    agencyOfficers,
  });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => (e instanceof AppError ? e.toBody() : e),
    );

  it('answers someone else’s object exactly like a missing one', async () => {
    const other = person({ sub: 'citizen-b', role: 'citizen' });
    const theirs = await refusal(
      authorizeObject(access('dossier'), other, { code: 'BHXHHN-261122-0001' }, read),
    );
    const missing = await refusal(
      authorizeObject(access('dossier'), other, { code: 'BHXHHN-261122-0404' }, read),
    );
    expect(theirs).toEqual(missing);
    expect(theirs).toMatchObject({ error: { code: 'DOSSIER_NOT_FOUND' } });
    const payment = await refusal(
      authorizeObject(access('payment'), other, { paymentId: '01JPAYMENT' }, read),
    );
    expect(payment).toMatchObject({ error: { code: 'PAYMENT_NOT_FOUND' } });
  });

  it('reads the object named by the loader’s path parameter', async () => {
    const owner = person({ sub: 'citizen-a', role: 'citizen' });
    expect(await authorizeObject(access('payment'), owner, { paymentId: '01JPAYMENT' }, read)).toBe('owner');
    expect(
      await authorizeObject(
        access('dossier', true),
        person({ sub: 'off', role: 'agency_officer', agencyId: 'bhxh-hn' }),
        { code: 'BHXHHN-261122-0001' },
        read,
      ),
    ).toBe('agency');
  });

  it('refuses an agency-scoped collection to a token that names no agency', async () => {
    const scoped: RouteAccess = { kind: 'role', roles: ['agency_officer'], scope: 'agency' };
    const noRead: OwnershipReader = () => Promise.reject(new Error('must not read'));
    const without = await refusal(
      authorizeObject(scoped, person({ sub: 'o', role: 'agency_officer' }), {}, noRead),
    );
    expect(without).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const officer = person({ sub: 'o', role: 'agency_officer', agencyId: 'bhxh-hn' });
    expect(await authorizeObject(scoped, officer, {}, noRead)).toBeUndefined();
  });

  it('leaves routes that name no owned object alone', async () => {
    const noRead: OwnershipReader = () => Promise.reject(new Error('must not read'));
    expect(
      await authorizeObject(
        { kind: 'self', roles: ['citizen'] },
        person({ sub: 'x', role: 'citizen' }),
        {},
        noRead,
      ),
    ).toBeUndefined();
  });
});

describe('the route table', () => {
  it('names, for every owned-object route, the path parameter its loader reads', () => {
    for (const r of routes) {
      if (r.access.kind !== 'owned') continue;
      expect(r.path, r.operationId).toContain(`{${objectLoaders[r.access.object].param}}`);
      expect(r.auth, r.operationId).toBe('citizen');
    }
  });

  it('refuses at start a function group serving owned objects without an ownership reader', () => {
    const ops = Object.fromEntries(
      routes.filter((r) => r.fn === 'tracking').map((r) => [r.operationId, async () => ({ body: {} })]),
    );
    const rateLimits = () => ({ take: async () => true });
    expect(() => httpFunction(routesOf('tracking'), ops, { rateLimits })).toThrow(/ownership reader/);
    expect(() =>
      httpFunction(routesOf('tracking'), ops, { ownership: async () => undefined, rateLimits }),
    ).not.toThrow();
  });

  it('gives every signed-in route at least one role, and no role to other routes', () => {
    for (const r of routes) {
      if (r.auth === 'citizen') expect(rolesOf(r.access).length, r.operationId).toBeGreaterThan(0);
      else expect(rolesOf(r.access), r.operationId).toEqual([]);
    }
  });
});
