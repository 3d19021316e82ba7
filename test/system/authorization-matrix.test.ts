/**
 * The authorization matrix, generated from the route table: every route × every role × (own object,
 * someone else's object, no token, expired token, token from another issuer, tampered token), with the
 * outcome each route's declared access rule implies, against real objects in an ephemeral local portal.
 *
 * - no, expired, foreign or tampered token on a signed-in route → 401
 * - a role the rule does not list → 403
 * - someone else's object → that object's 404 (the same as a missing one)
 * - otherwise authorization passes: anything but 401, 403 or 404
 * Machine routes: unsigned or wrongly signed → refused (401, or the provider's own "invalid signature"),
 * and an agency reporting on another agency's dossier → 404.
 *
 * A route whose rule, object kind, path parameter or body has no fixture here fails the coverage test.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectLoaders } from '../../functions/core/access.js';
import { keys as tableKeys } from '../../functions/core/keys.js';
import { AGENCY_HEADER, signedGetContent, signWebhook } from '../../functions/core/webhooks.js';
import { attachmentIdOf } from '../../functions/documents/agency-files.js';
import { documentIdOf } from '../../functions/documents/attachments.js';
import { signed } from '../../functions/payments/signature.js';
import {
  APPLICANTS,
  EVERYONE,
  type OwnedObject,
  type Route,
  type RouteAccess,
  rolesOf,
  routeKey,
  routes,
} from '../../functions/routes.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import type { PersonRole } from '../../schemas/common.js';
import { type AgencySecrets, channelSecret, readAgencySecrets } from '../support/agency-callbacks.js';
import { bhytForm, licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { createPayment, pressOnGatewayPage } from '../support/payments.js';
import { type ApiOptions, type Json, portalClient } from '../support/portal-api.js';
import { portalDynamo } from '../support/portal-clients.js';
import { SAMPLE_ULID, sampleBodies } from '../support/request-bodies.js';
import { startTestIssuer, type TestIssuer } from '../support/tokens.js';
import { until } from '../support/wait.js';

type Variant = 'own' | 'other' | 'expired' | 'foreign' | 'tampered';
const VARIANTS: readonly Variant[] = ['own', 'other', 'expired', 'foreign', 'tampered'];
const BATCH = 12;

type Expectation = { pass: true } | { status: 401 | 403 } | { status: 404; code: string };

/** What the route's declaration says a request should get. */
function expectation(access: RouteAccess, role: PersonRole | 'anonymous', variant: Variant): Expectation {
  switch (access.kind) {
    case 'public':
    case 'dev':
      return { pass: true };
    case 'self':
    case 'role':
    case 'owned': {
      if (role === 'anonymous' || variant === 'expired' || variant === 'foreign' || variant === 'tampered')
        return { status: 401 };
      if (!rolesOf(access).includes(role)) return { status: 403 };
      if (variant === 'other' && access.kind === 'owned')
        return { status: 404, code: objectLoaders[access.object].notFound };
      return { pass: true };
    }
    case 'agencySignature':
    case 'providerSignature':
      throw new Error('machine routes are checked by signature, below');
    default:
      throw new Error(`no expectation for access rule ${JSON.stringify(access satisfies never)}`);
  }
}

/**
 * Each role's sign-in: the enterprise of a representative, the agency of an officer, and the citizen ID
 * VNeID verified for each person (one account per number).
 */
const subjects: Record<PersonRole, { sub: string; citizenId: string; agencyId?: string; taxCode?: string }> =
  {
    citizen: { sub: 'mx-citizen', citizenId: '079203000001' },
    business: { sub: 'mx-business', citizenId: '079203000002', taxCode: '0101234567' },
    desk_officer: { sub: 'mx-desk', citizenId: '079203000003', agencyId: 'ttpvhcc-01' },
    // its agencyId: the one the owners' dossiers are routed to
    agency_officer: { sub: 'mx-officer', citizenId: '079203000004' },
    catalog_admin: { sub: 'mx-catalog', citizenId: '079203000005' },
    operator: { sub: 'mx-operator', citizenId: '079203000006' },
    // The national support desk (no province claim): every desk ticket, never a dossier question.
    support_agent: { sub: 'mx-support', citizenId: '079203000007' },
  };
const OWNER_ROLES = ['citizen', 'business', 'desk_officer'] as const;

interface Owned {
  code: string;
  submissionId: string;
  paymentId: string;
  agencyId: string;
}

let portal: LocalPortal;
let foreign: TestIssuer;
let secrets: AgencySecrets;
const tokens = {} as Record<PersonRole, Record<'own' | 'expired' | 'foreign' | 'tampered', string>>;
const owned = {} as Record<(typeof OWNER_ROLES)[number] | 'stranger', Owned>;
/** The first file's id (attachmentId) of each dossier the matrix names, by dossier code. */
const dossierFiles: Record<string, string> = {};
/** A document each holder role holds (the first scan of its dossier), and a link one of them shared. */
const heldDocuments: Partial<Record<PersonRole, string>> = {};
let sharedToken = '';
/** Each data subject's own personal-data request. */
const dataRequests: Partial<Record<PersonRole, string>> = {};
/** A dossier of another agency than the owners' (for officers: someone else's). */
let elsewhere: { code: string; agencyId: string };
/** The ticket about the citizen's dossier, with the agency handling it (its callback's object). */
const supportFixtures = { dossierTicket: '' };
/** Each role's own object and someone else's, per kind. */
const objects = {} as Record<PersonRole, Record<'own' | 'other', Record<OwnedObject, string>>>;

const client = portalClient(() => portal.url);
const { uploadScan } = client;

/** Redirects are answers here, not followed; a body that is not JSON is kept as its text. */
async function api(method: string, path: string, opts: ApiOptions = {}) {
  const res = await client.api(method, path, { redirect: 'manual', ...opts });
  return { status: res.status, body: (res.body === undefined && res.text ? res.text : res.body) as Json };
}

/** A fee-bearing dossier, its submission and a succeeded payment (so its receipt exists). */
async function ownedObjects(token: string, tag: string, extra: Record<string, unknown> = {}): Promise<Owned> {
  const [licence, health] = await Promise.all([
    uploadScan(token, `${tag}-giay-phep`),
    uploadScan(token, `${tag}-suc-khoe`),
  ]);
  const submitted = await api('POST', '/v1/dossiers', {
    token,
    headers: { 'idempotency-key': `mx-${tag}-${randomUUID()}` },
    body: {
      procedureCode: '1.002804',
      form: licenceForm,
      attachments: [
        { documentType: 'current_licence', uploadId: licence },
        { documentType: 'health_certificate', uploadId: health },
      ],
      ...extra,
    },
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  const { code, agencyId } = submitted.body.dossiers[0];
  const payment = await createPayment(portal.url, token, code, `mx-pay-${tag}-${randomUUID()}`);
  expect(payment.status).toBe(201);
  await pressOnGatewayPage(payment.body.redirectUrl, 'approve');
  await until(`${tag}'s payment settled`, async () => {
    const p = await api('GET', `/v1/payments/${payment.body.paymentId}`, { token });
    return p.body?.status === 'succeeded' ? true : undefined;
  });
  return { code, agencyId, submissionId: submitted.body.submissionId, paymentId: payment.body.paymentId };
}

/** A petition about the given agency (so it is routed there). */
async function ownPetition(token: string, agencyId: string): Promise<string> {
  const res = await api('POST', '/v1/petitions', {
    token,
    headers: { 'idempotency-key': `mx-pakn-${randomUUID()}` },
    body: { ...sampleBodies.submitPetition, agencyId },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.agencyId).toBe(agencyId);
  return res.body.code as string;
}

/** The same token with its claims changed (role raised to operator) and the signature left as it was. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const raised = Buffer.from(JSON.stringify({ ...claims, role: 'operator', sub: 'mx-citizen' })).toString(
    'base64url',
  );
  return `${header}.${raised}.${signature}`;
}

const claimsOf = (role: PersonRole) => {
  const { agencyId, taxCode } = subjects[role];
  return { ...(agencyId ? { agencyId } : {}), ...(taxCode ? { taxCode } : {}) };
};

beforeAll(async () => {
  process.env.CONG_RATE_LIMITS = 'off';
  portal = await startTestPortal();
  foreign = await startTestIssuer();
  secrets = await readAgencySecrets(portal);

  const ownerToken = (sub: string, role: PersonRole) => portal.token({ sub, role, ...claimsOf(role) });
  // The citizen a desk officer files for: signed in once, their profile bound to their number.
  const deskClient = portal.token({ sub: 'mx-desk-client', citizenId: licenceForm.citizenId });
  const deskClientReady = deskClient.then(async (token) => {
    const saved = await api('PUT', '/v1/me/profile', { token, body: sampleBodies.putMyProfile });
    expect(saved.status).toBe(201);
  });
  const [citizen, business, desk, stranger, strangerBhyt] = await Promise.all([
    ownerToken(subjects.citizen.sub, 'citizen').then((t) => ownedObjects(t, 'citizen')),
    ownerToken(subjects.business.sub, 'business').then((t) => ownedObjects(t, 'business')),
    // A desk officer files for a citizen with an account; what they filed is theirs to reach.
    deskClientReady.then(() =>
      ownerToken(subjects.desk_officer.sub, 'desk_officer').then((t) =>
        ownedObjects(t, 'desk', { onBehalfOf: { citizenId: licenceForm.citizenId } }),
      ),
    ),
    ownerToken('mx-stranger', 'citizen').then((t) => ownedObjects(t, 'stranger')),
    ownerToken('mx-stranger', 'citizen').then((token) =>
      api('POST', '/v1/dossiers', {
        token,
        headers: { 'idempotency-key': `mx-bhyt-${randomUUID()}` },
        body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
      }),
    ),
  ]);
  Object.assign(owned, { citizen, business, desk_officer: desk, stranger });
  expect(strangerBhyt.status).toBe(201);
  elsewhere = strangerBhyt.body.dossiers[0];
  expect(elsewhere.agencyId).not.toBe(citizen.agencyId);
  subjects.agency_officer.agencyId = citizen.agencyId;
  // Petitions: the owners' about the officers' agency; the stranger's about another agency.
  const petitionOf = async (sub: string, role: PersonRole, agencyId: string) =>
    ownPetition(await ownerToken(sub, role), agencyId);
  const [citizenPetition, businessPetition, strangerPetition] = await Promise.all([
    petitionOf(subjects.citizen.sub, 'citizen', citizen.agencyId),
    petitionOf(subjects.business.sub, 'business', citizen.agencyId),
    petitionOf('mx-stranger', 'citizen', elsewhere.agencyId),
  ]);
  // Support tickets: desk questions of the owners; a question about the citizen's dossier (the officers'
  // agency handles it); the stranger's about a dossier of another agency (no one else reaches it).
  const ticketOf = async (sub: string, role: PersonRole, extra: Record<string, unknown> = {}) => {
    const res = await api('POST', '/v1/support/tickets', {
      token: await ownerToken(sub, role),
      headers: { 'idempotency-key': `mx-ticket-${randomUUID()}` },
      body: { ...sampleBodies.createSupportTicket, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.code as string;
  };
  const [citizenTicket, businessTicket, dossierTicket, strangerTicket] = await Promise.all([
    ticketOf(subjects.citizen.sub, 'citizen'),
    ticketOf(subjects.business.sub, 'business'),
    ticketOf(subjects.citizen.sub, 'citizen', { dossierCode: citizen.code }),
    ticketOf('mx-stranger', 'citizen', { dossierCode: elsewhere.code }),
  ]);
  supportFixtures.dossierTicket = dossierTicket;
  const tickets: Partial<Record<PersonRole, string>> = {
    citizen: citizenTicket,
    business: businessTicket,
    agency_officer: dossierTicket,
    support_agent: citizenTicket,
  };
  const petitions: Partial<Record<PersonRole, string>> = {
    citizen: citizenPetition,
    business: businessPetition,
    agency_officer: citizenPetition,
  };

  for (const role of EVERYONE) {
    const input = { sub: subjects[role].sub, role, citizenId: subjects[role].citizenId, ...claimsOf(role) };
    const own = await portal.token(input);
    tokens[role] = {
      own,
      expired: await portal.token({ ...input, expiresInSeconds: -120 }),
      foreign: await foreign.token(input.sub, role, { claims: claimsOf(role) }),
      tampered: tampered(own),
    };
    const mine = role === 'citizen' || role === 'business' || role === 'desk_officer' ? owned[role] : citizen;
    const theirs = owned.stranger;
    objects[role] = {
      own: {
        dossier: mine.code,
        submission: mine.submissionId,
        payment: mine.paymentId,
        // Desk officers, catalog admins and operators own no petitions (403 before any lookup).
        petition: petitions[role] ?? citizenPetition,
        supportTicket: tickets[role] ?? citizenTicket,
      },
      other: {
        dossier: role === 'agency_officer' ? elsewhere.code : theirs.code,
        submission: theirs.submissionId,
        payment: theirs.paymentId,
        petition: strangerPetition,
        supportTicket: strangerTicket,
      },
    };
  }
  // The first file of each dossier the matrix names, for routes that name one of its files.
  const db = portalDynamo(portal.env);
  const codes = new Set(EVERYONE.flatMap((role) => [objects[role].own.dossier, objects[role].other.dossier]));
  for (const code of codes) {
    const out = await db.send(
      new GetCommand({ TableName: portal.env.TABLE_NAME, Key: tableKeys.dossier(code) }),
    );
    const first = out.Item?.attachments?.[0] as { uploadId: string } | undefined;
    if (first) dossierFiles[code] = attachmentIdOf(code, first.uploadId);
    for (const role of ['citizen', 'business'] as const)
      if (first && code === owned[role].code) heldDocuments[role] = documentIdOf(code, first.uploadId);
  }
  const shared = await api('POST', `/v1/me/documents/${heldDocuments.citizen}/shares`, {
    token: tokens.citizen.own,
    body: { expiresInHours: 1 },
  });
  expect(shared.status).toBe(201);
  sharedToken = String(shared.body.url).split('/').at(-1)!;
  // Every signed-in person has a profile, so reading one is not a 404.
  await Promise.all(
    EVERYONE.map(async (role) => {
      const res = await api('PUT', '/v1/me/profile', {
        token: tokens[role].own,
        body: sampleBodies.putMyProfile,
      });
      expect(res.status).toBe(201);
    }),
  );
  // Every applicant keeps a draft, so reading one is not a 404.
  await Promise.all(
    APPLICANTS.map(async (role) => {
      const res = await api('PUT', '/v1/me/drafts/1.002804', {
        token: tokens[role].own,
        body: sampleBodies.putMyDraft,
      });
      expect(res.status).toBe(201);
    }),
  );
  // Citizens and representatives each have a personal-data request, so reading theirs is not a 404.
  for (const role of ['citizen', 'business'] as const) {
    const res = await api('POST', '/v1/me/data-requests', {
      token: tokens[role].own,
      body: sampleBodies.fileDataRequest,
      headers: { 'idempotency-key': `mx-datareq-${role}` },
    });
    expect(res.status).toBe(201);
    dataRequests[role] = String(res.body.id);
  }
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await foreign?.close();
});

/** Path parameters of routes that name no owned object. */
const fixedParams = (role: PersonRole): Record<string, Record<string, string>> => ({
  downloadMyDocument: { documentId: heldDocuments[role] ?? SAMPLE_ULID },
  shareMyDocument: { documentId: heldDocuments[role] ?? SAMPLE_ULID },
  verifyResult: { documentId: SAMPLE_ULID },
  getMyDataRequest: { id: dataRequests[role] ?? SAMPLE_ULID },
  withdrawMyDataRequest: { id: dataRequests[role] ?? SAMPLE_ULID },
  actOnDataRequest: { id: dataRequests.citizen ?? SAMPLE_ULID },
  openSharedDocument: { token: sharedToken },
  getProcedure: { code: '1.002804' },
  prefillMyForm: { code: '1.002804' },
  getMyDraft: { code: '1.002804' },
  putMyDraft: { code: '1.002804' },
  deleteMyDraft: { code: '1.002804' },
  getAgency: { code: owned.citizen.agencyId },
  getAgencyStats: { code: owned.citizen.agencyId },
  getServiceIndex: { code: owned.citizen.agencyId },
  listProvinceCommunes: { code: '01' },
  trackDossier: { code: owned.citizen.code },
  refundPayment: { paymentId: owned.citizen.paymentId },
  resolvePaymentAnomaly: { paymentId: owned.citizen.paymentId },
  paymentCallback: { provider: 'sandbox' },
  paymentCallbackByQuery: { provider: 'sandbox' },
  paymentReturn: { provider: 'sandbox' },
});
const bodies: Record<string, unknown> = { ...sampleBodies, devToken: { sub: 'mx-dev' } };

function pathOf(route: Route, role: PersonRole, variant: Variant): string {
  const object =
    route.access.kind === 'owned'
      ? objects[role][variant === 'other' ? 'other' : 'own'][route.access.object]
      : undefined;
  const params: Record<string, string> =
    route.access.kind === 'owned' && object
      ? {
          [objectLoaders[route.access.object].param]: object,
          // A dossier's file: its first one (a dossier without files answers 404 for any).
          ...(route.access.object === 'dossier'
            ? { attachmentId: dossierFiles[object] ?? '0'.repeat(32) }
            : {}),
        }
      : (fixedParams(role)[route.operationId] ?? {});
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (!value) throw new Error(`${routeKey(route)}: no fixture for {${name}}`);
    return encodeURIComponent(value);
  });
}

const request = (route: Route, token: string | undefined, path: string) =>
  api(route.method, path, {
    token,
    body: route.body ? bodies[route.operationId] : undefined,
    headers: route.requiredHeaders?.includes('idempotency-key')
      ? { 'idempotency-key': `mx-${randomUUID()}` }
      : {},
  });

/**
 * Whether a request got past authorization. Owned and own-account routes hide what is not the caller's
 * behind 404, so any 404 fails there; a role route hides nothing, and a 404 with its own code (an operator
 * naming an anomaly that does not exist) is the operation's answer.
 */
function passed(route: Route, got: { status: number; body?: { error?: { code?: string } } }) {
  if (got.status === 401 || got.status === 403) return false;
  if (got.status !== 404) return true;
  return route.access.kind === 'role' && got.body?.error?.code !== 'NOT_FOUND';
}

async function inBatches<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += BATCH)
    out.push(...(await Promise.all(jobs.slice(i, i + BATCH).map((j) => j()))));
  return out;
}

const personRoutes = routes.filter(
  (r) => r.access.kind !== 'agencySignature' && r.access.kind !== 'providerSignature',
);

/** POSTs `event` (fresh eventId) to `path` as `agencyId`, signed when given a secret, with any bearer. */
function agencyPost(
  path: string,
  agencyId: string,
  secret: string | undefined,
  event: Json,
  bearer?: string,
) {
  const body = JSON.stringify({ eventId: `mx-${randomUUID()}`, ...event });
  return api('POST', path, {
    headers: {
      'content-type': 'application/json',
      [AGENCY_HEADER]: agencyId,
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(secret ? signWebhook(secret, `msg_mx_${randomUUID()}`, body) : {}),
    },
    body,
  });
}

/**
 * An agency route's checks: unsigned, wrongly signed or with a person's token → 401; another agency
 * reporting on the object → the object's 404; the agency it is with gets past authorization.
 */
async function agencySignatureChecks(path: string, event: Json, agencyId: string, notFound: string) {
  const post = (as: string, secret: string | undefined, bearer?: string) =>
    agencyPost(path, as, secret, event, bearer);
  const secret = (id: string) => channelSecret(secrets, id);
  expect((await post(agencyId, undefined)).status).toBe(401);
  expect((await post(agencyId, 'whsec_bm90IHRoZSBhZ2VuY3kncyBzZWNyZXQ=')).status).toBe(401);
  for (const role of EVERYONE) expect((await post(agencyId, undefined, tokens[role].own)).status).toBe(401);
  const theirs = await post(elsewhere.agencyId, secret(elsewhere.agencyId));
  expect(theirs.status).toBe(404);
  expect(theirs.body.error.code).toBe(notFound);
  const mine = await post(agencyId, secret(agencyId));
  expect([401, 403, 404]).not.toContain(mine.status);
}

/**
 * An agency's own routes (delivery log, redelivery): its system signing (a GET signs `GET <path>`), or its
 * officers' tokens. Unsigned, wrongly signed, expired or tampered → 401; any other role → 403; another
 * agency sees nothing of this agency's dossier (an empty log, or the dossier's 404 for a redelivery).
 */
async function agencyOwnChecks(method: 'GET' | 'POST', path: string, makeBody?: () => Json) {
  const agencyId = owned.citizen.agencyId;
  const send = (as: string, secret: string | undefined, bearer?: string) => {
    const body = makeBody ? JSON.stringify(makeBody()) : undefined;
    return api(method, path, {
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        [AGENCY_HEADER]: as,
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(secret ? signWebhook(secret, `msg_mx_${randomUUID()}`, body ?? `${method} ${path}`) : {}),
      },
      ...(body ? { body } : {}),
    });
  };
  expect((await send(agencyId, undefined)).status).toBe(401);
  expect((await send(agencyId, 'whsec_bm90IHRoZSBhZ2VuY3kncyBzZWNyZXQ=')).status).toBe(401);
  for (const role of EVERYONE) {
    const res = await send(agencyId, undefined, tokens[role].own);
    if (role === 'agency_officer') expect([401, 403]).not.toContain(res.status);
    else expect(res.status, role).toBe(403);
    for (const variant of ['expired', 'foreign', 'tampered'] as const)
      expect((await send(agencyId, undefined, tokens[role][variant])).status, `${role} ${variant}`).toBe(401);
  }
  const theirs = await send(elsewhere.agencyId, channelSecret(secrets, elsewhere.agencyId));
  if (method === 'GET') expect(theirs.body.items).toEqual([]);
  else expect(theirs.body.error.code).toBe('DOSSIER_NOT_FOUND');
  const mine = await send(agencyId, channelSecret(secrets, agencyId));
  expect([401, 403, 404]).not.toContain(mine.status);
}

/** Per machine route: unsigned, wrongly signed, people's tokens, and (agencies) another agency's dossier. */
const machineChecks: Record<string, () => Promise<void>> = {
  listAgencyDeliveries: () =>
    agencyOwnChecks('GET', `/v1/agency/deliveries?dossierCode=${owned.citizen.code}`),
  requestRedelivery: () =>
    agencyOwnChecks('POST', '/v1/agency/redeliveries', () => ({
      dossierCode: owned.citizen.code,
      requestId: `mx-${randomUUID()}`,
    })),
  postAgencyEvent: () =>
    agencySignatureChecks(
      '/v1/agency/events',
      { type: 'dossier.in_progress', dossierCode: owned.citizen.code },
      owned.citizen.agencyId,
      'DOSSIER_NOT_FOUND',
    ),
  postPetitionEvent: () =>
    agencySignatureChecks(
      '/v1/agency/petition-events',
      { type: 'petition.assigned', petitionCode: objects.citizen.own.petition },
      owned.citizen.agencyId,
      'PETITION_NOT_FOUND',
    ),
  postSupportEvent: () =>
    agencySignatureChecks(
      '/v1/agency/support-events',
      {
        type: 'support.answered',
        ticketCode: supportFixtures.dossierTicket,
        answer: 'Hồ sơ đang được thẩm định, dự kiến có kết quả đúng hẹn.',
      },
      owned.citizen.agencyId,
      'TICKET_NOT_FOUND',
    ),
  getAgencyAttachment: async () => {
    const { code, agencyId } = owned.citizen;
    const view = await api('GET', `/v1/dossiers/${code}`, { token: tokens.citizen.own });
    const file = attachmentIdOf(code, view.body.attachments[0].uploadId);
    const path = `/v1/agency/dossiers/${code}/attachments/${file}`;
    // A GET signs its method and path; a person's token is no signature.
    const get = (as: string, secret: string | undefined, bearer?: string) =>
      api('GET', path, {
        headers: {
          [AGENCY_HEADER]: as,
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(secret ? signWebhook(secret, `msg_mx_${randomUUID()}`, signedGetContent(path)) : {}),
        },
      });
    expect((await get(agencyId, undefined)).status).toBe(401);
    expect((await get(agencyId, 'whsec_bm90IHRoZSBhZ2VuY3kncyBzZWNyZXQ=')).status).toBe(401);
    for (const role of EVERYONE) expect((await get(agencyId, undefined, tokens[role].own)).status).toBe(401);
    const theirs = await get(elsewhere.agencyId, channelSecret(secrets, elsewhere.agencyId));
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('DOSSIER_NOT_FOUND');
    expect((await get(agencyId, channelSecret(secrets, agencyId))).status).toBe(200);
  },
  paymentCallback: async () => {
    const params = { vnp_TxnRef: owned.citizen.paymentId, vnp_Amount: '100', vnp_ResponseCode: '00' };
    const refused = (res: { status: number; body: Json }) =>
      res.status === 401 || (res.status === 200 && res.body?.RspCode === '97');
    const path = '/v1/payments/callbacks/sandbox';
    expect(refused(await api('POST', path, { body: params }))).toBe(true);
    expect(refused(await api('POST', path, { body: signed('not-the-provider-secret', params) }))).toBe(true);
    for (const role of EVERYONE)
      expect(refused(await api('POST', path, { body: params, token: tokens[role].own }))).toBe(true);
  },
  paymentCallbackByQuery: async () => {
    const params = { vnp_TxnRef: owned.citizen.paymentId, vnp_Amount: '100', vnp_ResponseCode: '00' };
    const refused = (res: { status: number; body: Json }) =>
      res.status === 401 || (res.status === 200 && res.body?.RspCode === '97');
    const path = (p: Record<string, string>) => `/v1/payments/callbacks/sandbox?${new URLSearchParams(p)}`;
    expect(refused(await api('GET', path(params)))).toBe(true);
    expect(refused(await api('GET', path(signed('not-the-provider-secret', params))))).toBe(true);
    for (const role of EVERYONE)
      expect(refused(await api('GET', path(params), { token: tokens[role].own }))).toBe(true);
  },
  paymentReturn: async () => {
    const params = { vnp_TxnRef: owned.citizen.paymentId, vnp_Amount: '100', vnp_ResponseCode: '00' };
    const path = (p: Record<string, string>) => `/v1/payments/return/sandbox?${new URLSearchParams(p)}`;
    expect((await api('GET', path(params))).status).toBe(401);
    expect((await api('GET', path(signed('not-the-provider-secret', params)))).status).toBe(401);
    for (const role of EVERYONE)
      expect((await api('GET', path(params), { token: tokens[role].own })).status).toBe(401);
  },
};

describe('authorization matrix', () => {
  it('covers every route: a rule, an expectation, fixtures for its object, parameters and body', () => {
    const keys = new Set<string>();
    for (const route of routes) {
      keys.add(routeKey(route));
      if (route.access.kind === 'agencySignature' || route.access.kind === 'providerSignature') continue;
      for (const role of EVERYONE)
        for (const v of VARIANTS) expect(expectation(route.access, role, v)).toBeDefined();
      if (route.access.kind === 'owned')
        for (const role of EVERYONE)
          for (const side of ['own', 'other'] as const)
            expect(
              objects[role][side][route.access.object],
              `${routeKey(route)} ${role} ${side}`,
            ).toBeTruthy();
      expect(() => pathOf(route, 'citizen', 'own'), routeKey(route)).not.toThrow();
      if (route.body) expect(bodies[route.operationId], `${routeKey(route)}: no body fixture`).toBeDefined();
    }
    expect(keys.size).toBe(routes.length);
    const machine = routes.filter((r) => !personRoutes.includes(r)).map((r) => r.operationId);
    expect(machine.sort()).toEqual(Object.keys(machineChecks).sort());
  });

  describe.each(personRoutes.map((r) => [routeKey(r), r] as const))('%s', (_key, route) => {
    it('answers every role and token as its access rule says', async () => {
      const cases: { label: string; want: Expectation; run: () => ReturnType<typeof api> }[] = [
        {
          label: 'no token',
          want: expectation(route.access, 'anonymous', 'own'),
          run: () => request(route, undefined, pathOf(route, 'citizen', 'own')),
        },
      ];
      for (const role of EVERYONE)
        for (const variant of VARIANTS) {
          if (variant === 'other' && route.access.kind !== 'owned') continue;
          const token = tokens[role][variant === 'other' ? 'own' : variant];
          cases.push({
            label: `${role} ${variant}`,
            want: expectation(route.access, role, variant),
            run: () => request(route, token, pathOf(route, role, variant)),
          });
        }
      const results = await inBatches(cases.map((c) => c.run));
      const wrong = cases.flatMap((c, i) => {
        const got = results[i]!;
        const ok =
          'pass' in c.want
            ? passed(route, got)
            : got.status === c.want.status && (!('code' in c.want) || got.body?.error?.code === c.want.code);
        return ok
          ? []
          : [
              `${c.label}: wanted ${JSON.stringify(c.want)}, got ${got.status} ${JSON.stringify(got.body)?.slice(0, 200)}`,
            ];
      });
      expect(wrong).toEqual([]);
    });
  });

  describe('machine routes', () => {
    it.each(Object.keys(machineChecks))('%s refuses what its signer did not sign', async (operationId) => {
      await machineChecks[operationId]!();
    });
  });
});

describe('agency officers', () => {
  const officer = (agencyId: string) =>
    portal.token({ sub: `mx-officer-${agencyId}`, role: 'agency_officer', agencyId });

  it("list only their own agency's dossiers, newest first, by status and page by page", async () => {
    const mine = await api('GET', '/v1/agency/dossiers?limit=100', {
      token: await officer(owned.citizen.agencyId),
    });
    expect(mine.status).toBe(200);
    const codes = mine.body.items.map((d: { code: string }) => d.code);
    expect(codes).toEqual(
      expect.arrayContaining([owned.citizen.code, owned.business.code, owned.stranger.code]),
    );
    expect(codes).not.toContain(elsewhere.code);
    expect(mine.body.items.every((d: { agencyId: string }) => d.agencyId === owned.citizen.agencyId)).toBe(
      true,
    );
    const times = mine.body.items.map((d: { submittedAt: string }) => d.submittedAt);
    expect([...times].sort().reverse()).toEqual(times);

    const theirs = await api('GET', '/v1/agency/dossiers', { token: await officer(elsewhere.agencyId) });
    const theirCodes = theirs.body.items.map((d: { code: string }) => d.code);
    expect(theirCodes).toContain(elsewhere.code);
    expect(theirCodes).not.toContain(owned.citizen.code);
    expect(theirs.body.items.every((d: { agencyId: string }) => d.agencyId === elsewhere.agencyId)).toBe(
      true,
    );

    const token = await officer(owned.citizen.agencyId);
    const first = await api('GET', '/v1/agency/dossiers?limit=2', { token });
    expect(first.body.items).toHaveLength(2);
    const second = await api('GET', `/v1/agency/dossiers?limit=2&cursor=${first.body.nextCursor}`, { token });
    expect(second.status).toBe(200);
    expect(second.body.items[0].code).not.toBe(first.body.items[1].code);
    expect(codes.slice(0, 4)).toEqual(
      [...first.body.items, ...second.body.items].map((d: { code: string }) => d.code),
    );
    // Another agency's officer cannot page through this list with its cursor.
    const foreignCursor = await api('GET', `/v1/agency/dossiers?cursor=${first.body.nextCursor}`, {
      token: await officer(elsewhere.agencyId),
    });
    expect(foreignCursor.status).toBe(400);

    const status = mine.body.items[0].status;
    const filtered = await api('GET', `/v1/agency/dossiers?status=${status}&limit=100`, { token });
    expect(filtered.body.items.length).toBeGreaterThan(0);
    expect(filtered.body.items.every((d: { status: string }) => d.status === status)).toBe(true);
  });

  it("read a dossier routed to their agency, personal data in full on request, and no one else's", async () => {
    const token = await officer(owned.citizen.agencyId);
    const view = await api('GET', `/v1/dossiers/${owned.citizen.code}`, { token });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ code: owned.citizen.code, agencyId: owned.citizen.agencyId });
    // Masked by default like everyone's view; in full when the officer asks.
    expect(JSON.stringify(view.body)).not.toContain(licenceForm.citizenId);
    const revealed = await api('GET', `/v1/dossiers/${owned.citizen.code}?reveal=true`, { token });
    expect(revealed.status).toBe(200);
    expect(revealed.body.form.citizenId).toBe(licenceForm.citizenId);
    const verify = await api('GET', `/v1/dossiers/${owned.citizen.code}/timeline/verify`, { token });
    expect(verify.body).toMatchObject({ intact: true });
    const other = await api('GET', `/v1/dossiers/${elsewhere.code}`, { token });
    expect(other.status).toBe(404);
    const missing = await api('GET', '/v1/dossiers/BHXHHN-200101-9999', { token });
    expect(other.body).toEqual(missing.body);
  });

  it('let in every representative of the enterprise a dossier names, and the desk officer who filed it', async () => {
    // The ownership fields as intake stores them for an enterprise's filing made at a one-stop desk.
    const { code } = owned.stranger;
    await portalDynamo(portal.env).send(
      new UpdateCommand({
        TableName: portal.env.TABLE_NAME,
        Key: tableKeys.dossier(code),
        UpdateExpression: 'SET enterpriseTaxCode = :tax, filedBy = :filer',
        ExpressionAttributeValues: {
          ':tax': '0109999999',
          ':filer': { sub: 'mx-desk-2', role: 'desk_officer', agencyId: 'ttpvhcc-01' },
        },
      }),
    );
    const read = async (input: Parameters<LocalPortal['token']>[0]) =>
      (await api('GET', `/v1/dossiers/${code}`, { token: await portal.token(input) })).status;
    expect(await read({ sub: 'mx-rep-2', role: 'business', taxCode: '0109999999' })).toBe(200);
    expect(await read({ sub: 'mx-desk-2', role: 'desk_officer', agencyId: 'ttpvhcc-01' })).toBe(200);
    expect(await read({ sub: 'mx-rep-3', role: 'business', taxCode: '0108888888' })).toBe(404);
    expect(await read({ sub: 'mx-desk-3', role: 'desk_officer', agencyId: 'ttpvhcc-01' })).toBe(404);
    // A citizen whose account id happens to be the filing officer's is not that officer.
    expect(await read({ sub: 'mx-desk-2', role: 'citizen' })).toBe(404);
  });
});
