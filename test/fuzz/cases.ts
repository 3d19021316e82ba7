/**
 * One hostile request per generated case, for any operation of the OpenAPI document: fast-check picks
 * the credential, path parameters, query, headers, content type and body (valid, schema-shaped,
 * mutated from a valid example, or broken as bytes); `materialize` turns the case into wire bytes,
 * signing with real secrets where the credential says so.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { AGENCY_HEADER, signWebhook } from '../../functions/core/webhooks.js';
import { signed } from '../../functions/payments/signature.js';
import type { PersonRole } from '../../schemas/common.js';
import { channelSecret } from '../support/agency-callbacks.js';
import { sampleBodies } from '../support/request-bodies.js';
import type { Fixtures, ObjectKind } from './fixtures.js';
import { ROLES } from './fixtures.js';
import {
  type ByteDamage,
  byteDamage,
  CONTENT_TYPES,
  damage,
  deepJson,
  HOSTILE_KEYS,
  hostileString,
  hostileValue,
  MALFORMED_JSON,
} from './hostile.js';
import { fromSchema } from './schema-arbitrary.js';
import type { JsonSchema, Operation } from './spec.js';

type Resolve = (s: JsonSchema | undefined) => JsonSchema;

import type { WireRequest } from './wire.js';

export type Credential =
  | { kind: 'none' }
  | { kind: 'person'; role: PersonRole; variant: 'own' | 'expired' | 'foreign' | 'tampered' }
  | { kind: 'raw'; header: string }
  | {
      kind: 'agency';
      as: 'own' | 'other' | 'unknown' | 'missing';
      secret: 'right' | 'wrong' | 'none';
      timestamp: 'now' | 'stale' | 'future' | 'garbage';
      webhookId: 'fresh' | 'replayed';
    }
  | { kind: 'provider'; signing: 'right' | 'wrong' | 'none'; via: 'query' | 'form' | 'json' };

export type PathPick =
  | { kind: 'own' }
  | { kind: 'other' }
  | { kind: 'fixture'; value: string }
  | { kind: 'text'; value: string }
  | { kind: 'raw'; value: string };

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; extraKey?: { key: string; value: unknown } }
  | { kind: 'text'; text: string }
  | { kind: 'deep'; depth: number; shape: 'array' | 'object'; field?: string }
  | { kind: 'huge'; field: string; size: number }
  | { kind: 'damaged'; value: unknown; damage: ByteDamage };

export interface FuzzCase {
  credential: Credential;
  path: Record<string, PathPick>;
  query: Array<{ name: string; value: string; raw: boolean }>;
  idempotencyKey: string | null;
  /** null: no content-type header; undefined: application/json when there is a body. */
  contentType: string | null | undefined;
  body: BodyPlan;
  /** Another method on the same path, now and then. */
  method?: string;
  headers: Array<[string, string]>;
  /** The signed payment notification's parameters (payment callback and return routes). */
  provider?: Record<string, string>;
}

/** What a materialized request carries besides its bytes: labels that name the tricks it used. */
export interface Materialized {
  wire: WireRequest;
  labels: string[];
}

/**
 * Percent-encoding that also takes lone surrogates, which it writes as their WTF-8 bytes: a path or
 * query that decodes to invalid UTF-8.
 */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s
      .replace(/[\ud800-\udfff]/g, (ch) => {
        const cp = ch.charCodeAt(0);
        return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      })
      .replace(/[^\ud800-\udfff%]+/g, (run) => encodeURIComponent(run));
  }
}

/** Latin-1 printable text node's HTTP client sends as it is in a header value. */
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

/** Base64url JSON cursors that look like the portal's own: empty keys, other partitions, odd values. */
const forgedCursor: fc.Arbitrary<string> = fc
  .record({
    names: fc.constantFrom(
      ['pk', 'sk'],
      ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
      ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
      ['gsi1pk', 'gsi1sk'],
      ['gsi2pk', 'gsi2sk'],
      ['pk', 'sk', 'gsi3pk', 'gsi3sk'],
    ),
    values: fc.array(
      fc.oneof(
        fc.constantFrom(
          '',
          'OWNER#fz-stranger',
          'OWNER#fz-citizen',
          'AGENCY#bhxh-hn',
          'PAYMENT_ANOMALY',
          'PETITION#x',
          'DOSSIER#X-260101-0001',
          'RATING#',
          '#',
        ),
        hostileString,
      ),
      { minLength: 4, maxLength: 4 },
    ),
  })
  .map(({ names, values }) =>
    Buffer.from(
      JSON.stringify(Object.fromEntries(names.map((n, i) => [n, values[i % values.length]]))),
    ).toString('base64url'),
  );

/** Path segments meant to confuse routing, decoding and key building. */
const hostileSegment: fc.Arbitrary<PathPick> = fc.oneof(
  fc.constantFrom<PathPick>(
    { kind: 'raw', value: '..' },
    { kind: 'raw', value: '.' },
    { kind: 'raw', value: '%2e%2e' },
    { kind: 'raw', value: '..%2f..%2fetc%2fpasswd' },
    { kind: 'raw', value: '%2F' },
    { kind: 'raw', value: '%00' },
    { kind: 'raw', value: 'a%00b' },
    { kind: 'raw', value: '%ff' },
    { kind: 'raw', value: '%c0%af' },
    { kind: 'raw', value: '%' },
    { kind: 'raw', value: '%zz' },
    { kind: 'raw', value: '%252e' },
    { kind: 'raw', value: '\u00ff\u00fe' },
    { kind: 'raw', value: 'DOSSIER%23X' },
    { kind: 'raw', value: '%20' },
    { kind: 'raw', value: '+' },
    { kind: 'raw', value: '~' },
  ),
  hostileString.map((value): PathPick => ({ kind: 'text', value: value.slice(0, 20_000) })),
  fc.integer({ min: 100, max: 60_000 }).map((n): PathPick => ({ kind: 'raw', value: 'A'.repeat(n) })),
);

function credentials(op: Operation): fc.Arbitrary<Credential> {
  const person = (roles: readonly PersonRole[]) =>
    fc.record({
      kind: fc.constant('person' as const),
      role: fc.constantFrom(...roles),
      variant: fc.constant('own' as const),
    });
  const broken = fc.record({
    kind: fc.constant('person' as const),
    role: fc.constantFrom(...ROLES),
    variant: fc.constantFrom('expired' as const, 'foreign' as const, 'tampered' as const),
  });
  const raw: fc.Arbitrary<Credential> = fc
    .oneof(
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'bearer x',
        'Basic Zm9vOmJhcg==',
        'Bearer a.b.c',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6Im9wZXJhdG9yIn0.',
        'Bearer x, Bearer y',
        'Token abc',
      ),
      hostileString.map((s) => `Bearer ${headerSafe(s).slice(0, 16_000)}`),
    )
    .map((header) => ({ kind: 'raw' as const, header }));
  const a = op.access;
  if (a.kind === 'agencySignature') {
    const agency = fc.record({
      kind: fc.constant('agency' as const),
      as: fc.constantFrom('own' as const, 'other' as const, 'unknown' as const, 'missing' as const),
      secret: fc.constantFrom('right' as const, 'wrong' as const, 'none' as const),
      timestamp: fc.constantFrom('now' as const, 'stale' as const, 'future' as const, 'garbage' as const),
      webhookId: fc.constantFrom('fresh' as const, 'replayed' as const),
    });
    const good = fc.constant<Credential>({
      kind: 'agency',
      as: 'own',
      secret: 'right',
      timestamp: 'now',
      webhookId: 'fresh',
    });
    return fc.oneof(
      { weight: 6, arbitrary: good },
      { weight: 3, arbitrary: agency },
      { weight: 1, arbitrary: person(ROLES) },
      { weight: 1, arbitrary: fc.constant<Credential>({ kind: 'none' }) },
    );
  }
  if (a.kind === 'providerSignature') {
    return fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('provider' as const),
          signing: fc.constant('right' as const),
          via: fc.constantFrom('query' as const, 'form' as const, 'json' as const),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('provider' as const),
          signing: fc.constantFrom('wrong' as const, 'none' as const),
          via: fc.constantFrom('query' as const, 'form' as const, 'json' as const),
        }),
      },
      { weight: 1, arbitrary: person(ROLES) },
    );
  }
  if (a.kind === 'public')
    return fc.oneof(
      { weight: 6, arbitrary: fc.constant<Credential>({ kind: 'none' }) },
      { weight: 2, arbitrary: person(ROLES) },
      { weight: 1, arbitrary: broken },
      { weight: 1, arbitrary: raw },
    );
  const allowed = rolesOf(op);
  const others = ROLES.filter((r) => !allowed.includes(r));
  return fc.oneof(
    { weight: 12, arbitrary: person(allowed) },
    ...(others.length ? [{ weight: 1, arbitrary: person(others) as fc.Arbitrary<Credential> }] : []),
    { weight: 1, arbitrary: broken },
    { weight: 1, arbitrary: fc.constant<Credential>({ kind: 'none' }) },
    { weight: 1, arbitrary: raw },
  );
}

/** The roles an operation lets in (x-cong-access). */
export function rolesOf(op: Operation): PersonRole[] {
  const a = op.access;
  if (a.kind === 'self' || a.kind === 'role') return a.roles as PersonRole[];
  if (a.kind === 'owned')
    return [
      ...((op.operationId === 'getPetition'
        ? ['citizen', 'business']
        : ['citizen', 'business', 'desk_officer']) as PersonRole[]),
      ...(a.agencyOfficers ? (['agency_officer'] as const) : []),
    ];
  return [];
}

/** Values for path parameters that name no owned object (catalog codes, agencies, providers...). */
function fixedParam(op: Operation, name: string, fx: Fixtures): string[] {
  if (name === 'provider') return ['sandbox', 'vnpay', 'evn'];
  if (name === 'paymentId') return fx.paymentIds;
  if (op.operationId === 'trackDossier') return fx.dossierCodes;
  if (
    op.operationId === 'getAgency' ||
    op.operationId === 'getAgencyStats' ||
    op.operationId === 'getServiceIndex'
  )
    return [fx.agencyId, fx.otherAgencyId, 'BHXHHN', '01'];
  if (name === 'code') return ['1.002804', '1.002758', '1.001234', '2.000001'];
  return ['x'];
}

function pathPicks(op: Operation, fx: Fixtures, resolve: Resolve) {
  const params = op.parameters.filter((p) => p.in === 'path');
  return fc.record(
    Object.fromEntries(
      params.map((p) => {
        const schemaShaped = fromSchema(p.schema, resolve).map(
          (v): PathPick => ({ kind: 'text', value: String(v) }),
        );
        const picks =
          op.access.kind === 'owned'
            ? fc.oneof(
                { weight: 10, arbitrary: fc.constant<PathPick>({ kind: 'own' }) },
                { weight: 2, arbitrary: fc.constant<PathPick>({ kind: 'other' }) },
                { weight: 2, arbitrary: schemaShaped },
                { weight: 2, arbitrary: hostileSegment },
              )
            : fc.oneof(
                {
                  weight: 10,
                  arbitrary: fc
                    .constantFrom(...fixedParam(op, p.name, fx))
                    .map((value): PathPick => ({ kind: 'fixture', value })),
                },
                { weight: 2, arbitrary: schemaShaped },
                { weight: 2, arbitrary: hostileSegment },
              );
        return [p.name, picks];
      }),
    ),
  ) as fc.Arbitrary<Record<string, PathPick>>;
}

/** Month parameters (statistics): recent months, so a range is often one the portal answers. */
const MONTH_PARAMS = ['from', 'to', 'month'];
const RECENT_MONTHS = ['2025-12', '2026-01', '2026-06', '2026-11', '2026-12'];

function queryParts(op: Operation, resolve: Resolve) {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const one = (name: string, schema: JsonSchema) =>
    fc.oneof(
      {
        weight: 5,
        arbitrary: fromSchema(schema, resolve).map((v) => ({ name, value: String(v), raw: false })),
      },
      ...(MONTH_PARAMS.includes(name)
        ? [
            {
              weight: 5,
              arbitrary: fc.constantFrom(...RECENT_MONTHS).map((value) => ({ name, value, raw: false })),
            },
          ]
        : []),
      { weight: 3, arbitrary: hostileString.map((v) => ({ name, value: v.slice(0, 8_000), raw: false })) },
      ...(name === 'cursor'
        ? [{ weight: 4, arbitrary: forgedCursor.map((value) => ({ name, value, raw: false })) }]
        : []),
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            '%ff',
            '%00',
            '%',
            '%zz',
            '',
            '+',
            '%2B%2B',
            '1&limit=0',
            '\u00ff',
            '-1',
            '1e3',
            '0x10',
            '101',
            '0',
          )
          .map((value) => ({ name, value, raw: true })),
      },
    );
  const parts = declared.map((p) =>
    fc.oneof(
      { weight: p.required ? 1 : 2, arbitrary: fc.constant([]) },
      { weight: 3, arbitrary: one(p.name, p.schema).map((x) => [x]) },
      {
        weight: 1,
        arbitrary: fc.array(one(p.name, p.schema), { minLength: 2, maxLength: 3 }),
      },
    ),
  );
  const extra = fc.oneof(
    { weight: 6, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.record({
          name: fc.oneof(
            fc.constantFrom(...HOSTILE_KEYS),
            hostileString.map((s) => s.slice(0, 200)),
          ),
          value: hostileString.map((s) => s.slice(0, 2_000)),
          raw: fc.constant(false),
        }),
        { maxLength: 3 },
      ),
    },
  );
  return fc
    .tuple(fc.tuple(...parts), extra)
    .map(([declaredParts, more]) => [...declaredParts.flat(), ...more]);
}

/** Valid bodies to start from, with the fixtures' real objects in them. */
function examples(op: Operation, fx: Fixtures, resolve: Resolve): fc.Arbitrary<unknown> {
  const hints: Record<string, fc.Arbitrary<unknown>> = {
    dossierCode: fc.constantFrom(...fx.dossierCodes),
    petitionCode: fc.constantFrom(...fx.petitionCodes),
    ticketCode: fc.constantFrom(...fx.ticketCodes),
    uploadId: fc.constant(fx.uploadId),
    eventId: fc.oneof(
      fc.uuid().map((u) => `evt-${u}`),
      fc.constantFrom('evt-replayed-00000001', 'evt-replayed-00000002'),
    ),
  };
  const fromBody = withHints(op.body ? resolve(op.body) : {}, resolve, hints);
  const sample = sampleBodies[op.operationId];
  const known: fc.Arbitrary<unknown>[] = sample ? [fc.constant(sample)] : [];
  if (op.operationId === 'supplementDossier')
    known.push(
      fc.constant({
        attachments: [{ documentType: 'health_certificate', uploadId: fx.uploadId }],
        note: 'Bổ sung',
      }),
    );
  if (op.operationId === 'postAgencyEvent')
    known.push(
      fc.record({
        type: fc.constant('dossier.supplement_requested'),
        eventId: hints.eventId!,
        dossierCode: fc.constantFrom(...fx.dossierCodes),
        missingDocuments: fc.oneof(
          fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
          fc
            .tuple(fc.integer({ min: 100, max: 20_000 }), fc.integer({ min: 1, max: 400 }))
            .map(([n, len]) => Array.from({ length: n }, (_, i) => `${i}`.padEnd(len, 'x'))),
        ),
        supplementDueAt: fc.constant(new Date(Date.now() + 7 * 86_400_000).toISOString()),
      }),
    );
  return known.length ? fc.oneof(...known, fromBody) : fromBody;
}

/** fromSchema, with fields named in `hints` drawn (mostly) from the fixtures' real values. */
function withHints(
  schema: JsonSchema,
  resolve: Resolve,
  hints: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const branches = (s.oneOf ?? s.anyOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches))
    return fc.oneof(...branches.map((b): fc.Arbitrary<unknown> => withHints(b, resolve, hints)));
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (!props) return fromSchema(s, resolve);
  const required = new Set((s.required ?? []) as string[]);
  return fc.record(
    Object.fromEntries(
      Object.entries(props).map(([k, v]) => [
        k,
        hints[k]
          ? fc.oneof({ weight: 4, arbitrary: hints[k]! }, { weight: 1, arbitrary: fromSchema(v, resolve) })
          : fromSchema(v, resolve),
      ]),
    ),
    { requiredKeys: [...required].filter((k) => k in props) },
  );
}

/** The example changed at one place: a field set to a hostile value, removed, or an extra one added. */
function mutated(example: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      example,
      fc.nat(),
      fc.constantFrom('set', 'delete', 'extra', 'wrap'),
      hostileValue,
      fc.constantFrom(...HOSTILE_KEYS),
    )
    .map(([ex, pick, op, value, key]) => {
      const copy = structuredClone(ex) as unknown;
      const paths: Array<Array<string | number>> = [];
      const walk = (v: unknown, path: Array<string | number>) => {
        // The first places are enough to aim at; a list of thousands is not walked to its end.
        if (paths.length >= 64) return;
        paths.push(path);
        if (Array.isArray(v)) for (const [i, x] of v.slice(0, 8).entries()) walk(x, [...path, i]);
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      };
      walk(copy, []);
      const path = paths[pick % paths.length]!;
      if (path.length === 0) return op === 'wrap' ? [copy] : value;
      const parent = path
        .slice(0, -1)
        .reduce((o: unknown, k) => (o as Record<string | number, unknown>)[k], copy) as Record<
        string | number,
        unknown
      >;
      const last = path[path.length - 1]!;
      if (op === 'set') parent[last] = value;
      else if (op === 'delete') delete parent[last];
      else if (op === 'wrap') parent[last] = [parent[last]];
      else if (parent && typeof parent === 'object' && !Array.isArray(parent))
        // An own property even for `__proto__`, so it really goes out in the JSON.
        Object.defineProperty(parent, key as string, {
          value,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return copy;
    });
}

function bodies(op: Operation, fx: Fixtures, resolve: Resolve): fc.Arbitrary<BodyPlan> {
  const example = examples(op, fx, resolve);
  const json = (v: fc.Arbitrary<unknown>) => v.map((value): BodyPlan => ({ kind: 'json', value }));
  const takesBody = Boolean(op.body);
  const fields = Object.keys((resolve(op.body ?? {}).properties as object | undefined) ?? { note: 1 });
  return fc.oneof(
    { weight: takesBody ? 4 : 1, arbitrary: json(example) },
    { weight: takesBody ? 8 : 1, arbitrary: json(mutated(example)) },
    { weight: takesBody ? 2 : 0, arbitrary: json(fc.jsonValue({ maxDepth: 4 })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(example, fc.constantFrom(...HOSTILE_KEYS), hostileValue)
        .map(([value, key, v]): BodyPlan => ({ kind: 'json', value, extraKey: { key, value: v } })),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text): BodyPlan => ({ kind: 'text', text })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(example, byteDamage)
        .map(([value, d]): BodyPlan => ({ kind: 'damaged', value, damage: d })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          depth: fc.constantFrom(8, 64, 500, 2_000, 10_000, 100_000),
          shape: fc.constantFrom('array' as const, 'object' as const),
          field: fc.option(fc.constantFrom(...fields), { nil: undefined }),
        })
        .map((d): BodyPlan => ({ kind: 'deep', ...d })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          field: fc.constantFrom(...fields),
          size: fc.constantFrom(10_000, 400_000, 1_100_000, 2_000_000),
        })
        .map((h): BodyPlan => ({ kind: 'huge', ...h })),
    },
    { weight: takesBody ? 1 : 6, arbitrary: fc.constant<BodyPlan>({ kind: 'none' }) },
  );
}

/** The provider's notification parameters: a real payment, its amount, and damage to any field. */
function providerParams(fx: Fixtures): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      vnp_TmnCode: fc.oneof(
        { weight: 8, arbitrary: fc.constant(fx.merchant) },
        { weight: 1, arbitrary: hostileString },
      ),
      vnp_TxnRef: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...fx.paymentIds) },
        { weight: 2, arbitrary: hostileString },
        {
          weight: 1,
          arbitrary: fc.constant('01JD0000000000000000000000'),
        },
      ),
      vnp_Amount: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('3500000', '0', '100', '50000000') },
        { weight: 2, arbitrary: fc.nat().map(String) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            '12345',
            '1.5',
            '-100',
            '1e5',
            '',
            '00',
            '99999999999999999999999',
            'NaN',
            ' 100',
          ),
        },
        { weight: 1, arbitrary: hostileString },
      ),
      vnp_CurrCode: fc.oneof(
        { weight: 6, arbitrary: fc.constant('VND') },
        { weight: 1, arbitrary: hostileString },
      ),
      vnp_ResponseCode: fc.constantFrom('00', '24', '11', '99', '', 'xx'),
      vnp_TransactionStatus: fc.constantFrom('00', '01', '02', '', 'zz'),
      vnp_TransactionNo: fc.oneof(fc.constantFrom('14123456', '0', ''), hostileString),
      vnp_PayDate: fc.oneof(fc.constantFrom('20260105120000', '99999999999999', ''), hostileString),
    })
    .chain((p) =>
      fc
        .tuple(
          // Now and then one field left out; mostly all there, so signed notifications reach settlement.
          fc.oneof(
            { weight: 6, arbitrary: fc.constant<string[]>([]) },
            { weight: 1, arbitrary: fc.constantFrom(...Object.keys(p)).map((k) => [k]) },
          ),
          fc.dictionary(
            fc.constantFrom('vnp_Extra', 'vnp_SecureHashType', '__proto__', 'vnp_'),
            hostileString,
            { maxKeys: 2 },
          ),
        )
        .map(([dropped, extra]) => {
          const out: Record<string, string> = { ...p, ...extra };
          for (const k of dropped.slice(0, 1)) delete out[k];
          return out;
        }),
    );
}

function idempotencyKeys(op: Operation): fc.Arbitrary<string | null> {
  const declared = op.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key');
  const fresh = fc.uuid().map((u) => `fz-${u}`);
  if (!declared)
    return fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fresh });
  return fc.oneof(
    { weight: 6, arbitrary: fresh },
    // A few keys reused across the run: same body → the original answer, other body → 422.
    { weight: 4, arbitrary: fc.constantFrom('fz-replay-key-1', 'fz-replay-key-2', 'fz-replay-key-3') },
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          '',
          'short',
          'x'.repeat(129),
          'x'.repeat(10_000),
          'key with spaces',
          'ключ-юникод',
          'a/b/c/d/e/f',
          '\u00ff\u00fe\u00fd\u00fc\u00fb\u00fa\u00f9\u00f8',
        ),
        hostileString.map((s) => headerSafe(s).slice(0, 300)),
      ),
    },
  );
}

const extraHeaders: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Array<[string, string]>>([]) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.tuple(
        fc.constantFrom(
          'x-forwarded-for',
          'accept',
          'origin',
          'content-encoding',
          'transfer-encoding-x',
          'x-amzn-trace-id',
          'accept-language',
          'cong-agency-id',
          'cookie',
          'x-http-method-override',
        ),
        hostileString.map((s) => headerSafe(s).slice(0, 4_000)),
      ),
      { maxLength: 3 },
    ),
  },
);

/** Every hostile request fast-check may generate for `op`. */
export function caseArbitrary(op: Operation, fx: Fixtures, resolve: Resolve): fc.Arbitrary<FuzzCase> {
  const isProvider = op.access.kind === 'providerSignature';
  return fc.record({
    credential: credentials(op),
    path: pathPicks(op, fx, resolve),
    query: queryParts(op, resolve),
    idempotencyKey: idempotencyKeys(op),
    contentType: fc.oneof(
      { weight: 10, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.constantFrom<string | null>(...CONTENT_TYPES, null) },
    ),
    body: bodies(op, fx, resolve),
    method: fc.oneof(
      { weight: 40, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
    ),
    headers: extraHeaders,
    ...(isProvider ? { provider: providerParams(fx) } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------

const STALE_SECONDS = 60 * 60;

/**
 * API Gateway takes at most 10 KB of request line and headers and only ASCII in the request target;
 * beyond that it answers for itself and the portal never sees the request. So the target's other bytes
 * go percent-encoded (still invalid UTF-8 once decoded) and the longest values are cut to fit.
 */
const GATEWAY_HEADER_BYTES = 10_240;

function withinGatewayLimits(target: string, headers: Record<string, string>, labels: string[]): string {
  let t = target.replace(
    /[^\x21-\x7e]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  const size = () =>
    t.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) + 200;
  while (size() > GATEWAY_HEADER_BYTES) {
    labels.push('cut-to-gateway-limits');
    const longest = Object.keys(headers).sort((a, b) => headers[b]!.length - headers[a]!.length)[0];
    const excess = size() - GATEWAY_HEADER_BYTES;
    if (longest && headers[longest]!.length > t.length)
      headers[longest] = headers[longest]!.slice(0, Math.max(0, headers[longest]!.length - excess));
    else t = t.slice(0, Math.max(1, t.length - excess)).replace(/%[0-9A-Fa-f]?$/, '');
  }
  return t;
}

function pathValue(op: Operation, pick: PathPick, fx: Fixtures, c: FuzzCase): string {
  switch (pick.kind) {
    case 'own':
    case 'other': {
      const role = c.credential.kind === 'person' ? c.credential.role : 'citizen';
      const object = (op.access as { object: ObjectKind }).object;
      return enc(fx.objects[role][pick.kind][object]);
    }
    case 'fixture':
    case 'text':
      return enc(pick.value);
    case 'raw':
      return pick.value;
  }
}

function bodyBytes(plan: BodyPlan, labels: string[]): Buffer | undefined {
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'json': {
      let text = JSON.stringify(plan.value) ?? 'null';
      if (plan.extraKey && text.startsWith('{')) {
        labels.push('extra-key');
        const entry = `${JSON.stringify(plan.extraKey.key)}:${JSON.stringify(plan.extraKey.value) ?? 'null'}`;
        text = text === '{}' ? `{${entry}}` : `{${entry},${text.slice(1)}`;
      }
      return Buffer.from(text, 'utf8');
    }
    case 'text':
      labels.push('malformed-json');
      return Buffer.from(plan.text, 'utf8');
    case 'deep': {
      if (plan.depth >= 64) labels.push('deep-body');
      const deep = deepJson(plan.depth, plan.shape);
      return Buffer.from(plan.field ? `{${JSON.stringify(plan.field)}:${deep}}` : deep);
    }
    case 'huge':
      labels.push('huge-body');
      return Buffer.from(`{${JSON.stringify(plan.field)}:"${'Ữ'.repeat(Math.ceil(plan.size / 3))}"}`);
    case 'damaged':
      labels.push('damaged-bytes');
      return damage(Buffer.from(JSON.stringify(plan.value) ?? 'null', 'utf8'), plan.damage);
  }
}

/** How much text the body's missingDocuments list holds, as the portal would parse it (0: none). */
function missingDocumentsBytes(body: Buffer | undefined): number {
  try {
    const parsed = JSON.parse(body?.toString('utf8') ?? '') as { missingDocuments?: unknown } | null;
    return JSON.stringify(parsed?.missingDocuments ?? '').length;
  } catch {
    return 0;
  }
}

/** The request `c` describes for `op`, as bytes, signed as its credential says. */
export function materialize(op: Operation, c: FuzzCase, fx: Fixtures): Materialized {
  const labels: string[] = [];
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    pathValue(op, c.path[name] ?? { kind: 'text', value: 'x' }, fx, c),
  );
  const query = c.query.map((q) => (q.raw ? `${enc(q.name)}=${q.value}` : `${enc(q.name)}=${enc(q.value)}`));
  if (c.query.some((q) => q.name === 'cursor' && q.value.length > 0)) labels.push('forged-cursor');
  const headers: Record<string, string> = {};
  let body = bodyBytes(c.body, labels);
  if (body && c.contentType !== null) headers['content-type'] = c.contentType ?? 'application/json';
  if (c.contentType === null) labels.push('no-content-type');
  if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;

  const cred = c.credential;
  if (cred.kind === 'person') headers.authorization = `Bearer ${fx.tokens[cred.role][cred.variant]}`;
  else if (cred.kind === 'raw') headers.authorization = cred.header;
  else if (cred.kind === 'provider') {
    const params = c.provider ?? {};
    let sent = params;
    if (cred.signing !== 'none') {
      try {
        sent = signed(cred.signing === 'right' ? fx.providerSecret : 'not-the-provider-secret', params);
      } catch {
        // Parameters the signer cannot canonicalise (lone surrogates): a well-formed hash all the same.
        sent = { ...params, vnp_SecureHash: 'ab'.repeat(64) };
        labels.push('unsignable-params');
      }
    }
    const vnd = params.vnp_Amount ?? '';
    if (cred.signing === 'right' && !/^\d*00$/.test(vnd)) labels.push('ipn-non-integer-amount');
    if (cred.via === 'query') query.push(...Object.entries(sent).map(([k, v]) => `${enc(k)}=${enc(v)}`));
    else if (cred.via === 'form') {
      body = Buffer.from(new URLSearchParams(sent).toString());
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      body = Buffer.from(JSON.stringify(sent));
      headers['content-type'] = 'application/json';
    }
  } else if (cred.kind === 'agency') {
    const agencyId =
      cred.as === 'own'
        ? fx.agencyId
        : cred.as === 'other'
          ? fx.otherAgencyId
          : cred.as === 'unknown'
            ? 'no-such-agency'
            : undefined;
    if (agencyId) headers[AGENCY_HEADER] = agencyId;
    if (cred.secret !== 'none') {
      const secret =
        cred.secret === 'right' && agencyId && agencyId !== 'no-such-agency'
          ? channelSecret(fx.agencySecrets, agencyId)
          : 'whsec_bm90IHRoZSBhZ2VuY3kncyBzZWNyZXQ=';
      const id = cred.webhookId === 'fresh' ? `msg_${randomUUID()}` : 'msg_fuzz_replayed';
      const now = Date.now();
      const at = new Date(
        cred.timestamp === 'stale'
          ? now - STALE_SECONDS * 1000
          : cred.timestamp === 'future'
            ? now + STALE_SECONDS * 1000
            : now,
      );
      const signedHeaders = signWebhook(secret, id, (body ?? Buffer.alloc(0)).toString('utf8'), at);
      if (cred.timestamp === 'garbage') signedHeaders['webhook-timestamp'] = 'soon';
      Object.assign(headers, signedHeaders);
    }
    if (cred.secret === 'right' && cred.as === 'own' && missingDocumentsBytes(body) > 16_000)
      labels.push('unbounded-missing-documents');
  }
  for (const [k, v] of c.headers) headers[k] = v;
  for (const k of Object.keys(headers)) headers[k] = headerSafe(headers[k]!);
  const target = withinGatewayLimits(`${path}${query.length ? `?${query.join('&')}` : ''}`, headers, labels);
  return { wire: { method: c.method ?? op.method, target, headers, ...(body ? { body } : {}) }, labels };
}

/** A case as a reader can replay it: method, target, headers and the body (text, or hex when not UTF-8). */
export function describeWire(w: WireRequest): string {
  const text = w.body?.toString('utf8');
  const bodyText =
    w.body === undefined
      ? ''
      : Buffer.from(text!, 'utf8').equals(w.body)
        ? text!.length > 600
          ? `${text!.slice(0, 600)}… (${w.body.length} bytes)`
          : text!
        : `hex:${w.body.subarray(0, 300).toString('hex')}${w.body.length > 300 ? `… (${w.body.length} bytes)` : ''}`;
  const short = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);
  return [
    `${w.method} ${short(w.target)}`,
    ...Object.entries(w.headers).map(
      ([k, v]) => `${k}: ${short(k === 'authorization' ? `${v.slice(0, 40)}…` : v)}`,
    ),
    ...(bodyText ? ['', bodyText] : []),
  ].join('\n');
}
