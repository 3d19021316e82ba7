/**
 * List cursors are opaque: a cursor that is not one this list handed out — garbage, a key with empty or
 * non-string values, a key of another list or of another person's or agency's partition, a key outside
 * the list's range, one far too long — is a 400 naming `query.cursor`, on every list route of the
 * route table, for every role that may call it. Never a 500 from the table.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { encodeCursor } from '../../functions/core/cursor.js';
import { type Route, rolesOf, routes } from '../../functions/routes.js';
import type { PersonRole } from '../../schemas/common.js';
import type { ApiResponse, Json } from '../support/portal-api.js';
import { type LocalRoutes, startLocalRoutes } from './support/routes.js';

let portal: LocalRoutes;

beforeAll(async () => {
  portal = await startLocalRoutes();
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const api: LocalRoutes['api'] = (...args) => portal.api(...args);

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const cursorOf = (key: Record<string, unknown>) => encodeCursor(key)!;

/** Every key shape a list of the table pages by: the table keys with one index's keys. */
const shapes = ['gsi1', 'gsi2', 'gsi3'].map((index) => ['pk', 'sk', `${index}pk`, `${index}sk`]);
const keyOf = (attributes: string[], value: (a: string) => unknown) =>
  Object.fromEntries(attributes.map((a) => [a, value(a)]));

/** Cursors no list ever hands out. */
const FORGED: [string, string][] = [
  ['garbage', 'not-a-cursor'],
  ['not base64', '%25%25%25!!!'],
  ['base64 of text', b64('hello')],
  ['JSON null', b64('null')],
  ['JSON array', b64('["pk","sk"]')],
  ['JSON string', b64('"pk"')],
  ['JSON number', b64('42')],
  ['empty object', cursorOf({})],
  ['far too long', 'A'.repeat(5000)],
  ['empty after', cursorOf({ after: '' })],
  ['after not a string', cursorOf({ after: 7 })],
  ...shapes.flatMap((attrs): [string, string][] => [
    [`empty ${attrs[2]} keys`, cursorOf(keyOf(attrs, () => ''))],
    [`numeric ${attrs[2]} keys`, cursorOf(keyOf(attrs, () => 1))],
    [`object ${attrs[2]} keys`, cursorOf(keyOf(attrs, () => ({ S: 'x' })))],
    [`${attrs[2]} keys with an extra attribute`, cursorOf({ ...keyOf(attrs, (a) => `${a}#x`), kind: 'x' })],
    [
      `${attrs[2]} keys of nobody's partition`,
      cursorOf(
        keyOf(attrs, (a) =>
          a.endsWith('pk') && a !== 'pk' ? 'AGENCY#nobody' : a === 'pk' ? 'DOSSIER#X' : 'PETITION#2026',
        ),
      ),
    ],
    [
      `${attrs[2]} keys of another owner`,
      cursorOf(keyOf(attrs, (a) => (a.endsWith('pk') && a !== 'pk' ? 'OWNER#someone-else' : 'DOSSIER#X'))),
    ],
  ]),
];

/** Every route whose query takes a cursor. */
const listRoutes = routes.filter(
  (r) => r.query instanceof z.ZodObject && 'cursor' in (r.query as z.ZodObject).shape,
);

async function tokenFor(role: PersonRole): Promise<string> {
  return portal.token({
    sub: `cursor-${role}`,
    role,
    ...(role === 'agency_officer' || role === 'desk_officer' ? { agencyId: 'sxd-01' } : {}),
    ...(role === 'business' ? { taxCode: '0101234567' } : {}),
  });
}

/** Keys with empty values in each partition the caller's lists page: refused before the table sees them. */
function emptyKeysInOwnPartitions(role: PersonRole | undefined): [string, string][] {
  const sub = `cursor-${role}`;
  const own = [`OWNER#${sub}`, 'AGENCY#sxd-01', 'ENTERPRISE#0101234567', `FILEDBY#${sub}`, 'PAYMENT_ANOMALY'];
  return shapes.flatMap((attrs) =>
    own.map((partition): [string, string] => [
      `empty keys in ${attrs[2]} ${partition}`,
      cursorOf(keyOf(attrs, (a) => (a === attrs[2] ? partition : ''))),
    ]),
  );
}

/** The route's path with a well-formed value for each parameter (a malformed cursor is refused first). */
const pathOf = (route: Route) =>
  route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'code' ? 'BHXHHN-261122-0001' : name));

const callersOf = (route: Route): (PersonRole | undefined)[] =>
  route.access.kind === 'public' ? [undefined] : [...rolesOf(route.access)];

function expectInvalidCursor(res: ApiResponse, what: string) {
  expect(res.status, `${what}: ${res.text}`).toBe(400);
  expect(res.body.error.code, what).toBe('VALIDATION_FAILED');
  expect(res.body.error.details[0].path, what).toBe('query.cursor');
}

describe('list cursors', () => {
  it('the route table has the list routes this test is about', () => {
    const paths = listRoutes.map((r) => r.path);
    for (const p of [
      '/v1/me/petitions',
      '/v1/agency/ratings',
      '/v1/payments/anomalies',
      '/v1/agency/petitions',
    ])
      expect(paths).toContain(p);
  });

  it.each(listRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses every forged cursor with 400, for every role that may list',
    async (_name, route) => {
      for (const role of callersOf(route)) {
        const token = role ? await tokenFor(role) : undefined;
        for (const [what, cursor] of [...FORGED, ...emptyKeysInOwnPartitions(role)]) {
          const res = await api('GET', `${pathOf(route)}?cursor=${cursor}`, { token });
          expectInvalidCursor(res, `${role ?? 'public'}, ${what}`);
        }
      }
    },
    60_000,
  );

  it("a petitioner's cursor does not page through another petitioner's list, nor out of its range", async () => {
    const alice = await portal.token({ sub: 'cursor-alice' });
    const bob = await portal.token({ sub: 'cursor-bob' });
    for (const [i, subject] of ['Đường hỏng', 'Đèn đường tắt', 'Rác thải ùn ứ'].entries()) {
      const res = await api('POST', '/v1/petitions', {
        token: alice,
        key: `cursor-petition-${i}`,
        body: { subject, content: 'Đề nghị xử lý', allowPublish: false },
      });
      expect(res.status, res.text).toBe(201);
    }
    const first = await api('GET', '/v1/me/petitions?limit=1', { token: alice });
    const cursor = first.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const next = await api('GET', `/v1/me/petitions?limit=1&cursor=${cursor}`, { token: alice });
    expect(next.status).toBe(200);
    expect(next.body.items[0].code).not.toBe(first.body.items[0].code);

    expectInvalidCursor(await api('GET', `/v1/me/petitions?cursor=${cursor}`, { token: bob }), 'bob');
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, string>;
    const variants: [string, Json][] = [
      ['sort key outside the list', { ...key, gsi1sk: 'DOSSIER#2026-01-01' }],
      ['empty sort key', { ...key, gsi1sk: '' }],
      ['empty table key', { ...key, pk: '' }],
      ['sort key of a kilobyte', { ...key, gsi1sk: `PETITION#${'9'.repeat(1100)}` }],
    ];
    for (const [what, forged] of variants) {
      const res = await api('GET', `/v1/me/petitions?cursor=${cursorOf(forged)}`, { token: alice });
      expectInvalidCursor(res, what);
    }
  });

  it("an agency officer's ratings cursor is refused for another agency, and out of its range", async () => {
    const officer = await portal.token({ sub: 'cursor-officer', role: 'agency_officer', agencyId: 'sxd-01' });
    const mine = { pk: 'DOSSIER#SXD-261120-0001', sk: 'RATING', gsi2pk: 'AGENCY#sxd-01' };
    for (const [what, key] of [
      ['another agency', { ...mine, gsi2pk: 'AGENCY#stp-01', gsi2sk: 'RATING#2026-11-20T00:00:00Z#X' }],
      ['not a rating', { ...mine, gsi2sk: 'DOSSIER#2026-11-20T00:00:00Z' }],
      ['empty sort key', { ...mine, gsi2sk: '' }],
    ] as const) {
      const res = await api('GET', `/v1/agency/ratings?cursor=${cursorOf(key)}`, { token: officer });
      expectInvalidCursor(res, what);
    }
    // A well-formed key of its own list is a cursor like any other.
    const own = { ...mine, gsi2sk: 'RATING#2026-11-20T00:00:00Z#SXD-261120-0001' };
    expect((await api('GET', `/v1/agency/ratings?cursor=${cursorOf(own)}`, { token: officer })).status).toBe(
      200,
    );
  });

  it('the payment anomalies list refuses keys of another index or with empty values', async () => {
    const operator = await portal.token({ sub: 'cursor-operator', role: 'operator' });
    const base = { pk: 'PAYMENT#01J', sk: 'ANOMALY#refund_due', gsi2sk: '2026-11-20T00:00:00Z' };
    for (const [what, key] of [
      ['another index', { ...base, gsi2pk: 'AGENCY#sxd-01' }],
      ['empty partition', { ...base, gsi2pk: '' }],
      ['empty keys', { pk: '', sk: '', gsi2pk: 'PAYMENT_ANOMALY', gsi2sk: '' }],
    ] as const) {
      const res = await api('GET', `/v1/payments/anomalies?cursor=${cursorOf(key)}`, { token: operator });
      expectInvalidCursor(res, what);
    }
  });
});
