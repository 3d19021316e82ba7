/**
 * The real things hostile requests are aimed at, so they get past the gates and into the handlers: an
 * ephemeral local portal, every role's tokens (and expired, foreign and tampered ones), and for each
 * applicant a paid dossier, its submission, its payment and a petition, plus a stranger's of each.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalPortal } from '../../lib/local/portal.js';
import type { PersonRole } from '../../schemas/common.js';
import { type AgencySecrets, readAgencySecrets } from '../support/agency-callbacks.js';
import { bhytForm, licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { createPayment, pressOnGatewayPage } from '../support/payments.js';
import { sampleBodies } from '../support/request-bodies.js';
import { startTestIssuer, type TestIssuer } from '../support/tokens.js';
import { until } from '../support/wait.js';

export const ROLES: readonly PersonRole[] = [
  'citizen',
  'business',
  'desk_officer',
  'agency_officer',
  'catalog_admin',
  'operator',
  'support_agent',
];

export type ObjectKind = 'dossier' | 'submission' | 'payment' | 'petition' | 'supportTicket';
type Objects = Record<ObjectKind, string>;

export interface Fixtures {
  portal: LocalPortal;
  /** Per role: a valid token, and the same person's expired, foreign-issuer and tampered ones. */
  tokens: Record<PersonRole, { own: string; expired: string; foreign: string; tampered: string }>;
  /** Per role: objects it may reach, and a stranger's it may not. */
  objects: Record<PersonRole, { own: Objects; other: Objects }>;
  /** The agency the owners' dossiers and petitions are routed to, and another one. */
  agencyId: string;
  otherAgencyId: string;
  dossierCodes: string[];
  petitionCodes: string[];
  ticketCodes: string[];
  paymentIds: string[];
  /** A finished upload of the citizen's, for supplement bodies. */
  uploadId: string;
  agencySecrets: AgencySecrets;
  /** The local payment gateway's signing secret (the portal verifies callbacks with it). */
  providerSecret: string;
  merchant: string;
  stop(): Promise<void>;
}

const SUBJECTS: Record<PersonRole, { sub: string; agencyId?: string; taxCode?: string }> = {
  citizen: { sub: 'fz-citizen' },
  business: { sub: 'fz-business', taxCode: '0101234567' },
  desk_officer: { sub: 'fz-desk', agencyId: 'ttpvhcc-01' },
  agency_officer: { sub: 'fz-officer' },
  catalog_admin: { sub: 'fz-catalog' },
  operator: { sub: 'fz-operator' },
  support_agent: { sub: 'fz-support' },
};

async function call(
  portal: LocalPortal,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  key?: string,
) {
  const res = await fetch(`${portal.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (res.status >= 300) throw new Error(`fixture ${method} ${path} answered ${res.status}: ${text}`);
  return json;
}

async function uploadScan(portal: LocalPortal, token: string, name: string): Promise<string> {
  const bytes = Buffer.from(`%PDF-1.7 ${name}`);
  const created = await call(portal, 'POST', '/v1/uploads', token, {
    fileName: `${name}.pdf`,
    contentType: 'application/pdf',
    size: bytes.length,
  });
  const form = new FormData();
  for (const [k, v] of Object.entries(created.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), `${name}.pdf`);
  const stored = await fetch(created.url, { method: 'POST', body: form });
  if (stored.status >= 300) throw new Error(`fixture upload answered ${stored.status}`);
  return created.uploadId as string;
}

/**
 * A fee-bearing dossier with its submission and a succeeded payment. The form's applicant is the
 * person signed in (`applicantId`, their verified ID) or, for a desk filing, the citizen named.
 */
async function paidDossier(
  portal: LocalPortal,
  token: string,
  tag: string,
  extra: object = {},
  applicantId = licenceForm.citizenId,
) {
  const [licence, health] = await Promise.all([
    uploadScan(portal, token, `${tag}-giay-phep`),
    uploadScan(portal, token, `${tag}-suc-khoe`),
  ]);
  const submitted = await call(
    portal,
    'POST',
    '/v1/dossiers',
    token,
    {
      procedureCode: '1.002804',
      form: { ...licenceForm, citizenId: applicantId },
      attachments: [
        { documentType: 'current_licence', uploadId: licence },
        { documentType: 'health_certificate', uploadId: health },
      ],
      ...extra,
    },
    `fz-${tag}-${randomUUID()}`,
  );
  const { code, agencyId } = submitted.dossiers[0] as { code: string; agencyId: string };
  const payment = await createPayment(portal.url, token, code, `fz-pay-${tag}-${randomUUID()}`);
  if (payment.status !== 201) throw new Error(`fixture payment answered ${payment.status}`);
  await pressOnGatewayPage(payment.body.redirectUrl, 'approve');
  await until(`${tag}'s payment settled`, async () => {
    const p = await call(portal, 'GET', `/v1/payments/${payment.body.paymentId}`, token);
    return p.status === 'succeeded' ? true : undefined;
  });
  return {
    code,
    agencyId,
    submission: submitted.submissionId as string,
    payment: payment.body.paymentId as string,
  };
}

async function petition(portal: LocalPortal, token: string, agencyId: string): Promise<string> {
  const res = await call(
    portal,
    'POST',
    '/v1/petitions',
    token,
    { ...sampleBodies.submitPetition, agencyId },
    `fz-pakn-${randomUUID()}`,
  );
  return res.code as string;
}

/** A question to the support desk, or about the dossier named. */
async function ticket(portal: LocalPortal, token: string, dossierCode?: string): Promise<string> {
  const res = await call(
    portal,
    'POST',
    '/v1/support/tickets',
    token,
    { ...sampleBodies.createSupportTicket, ...(dossierCode ? { dossierCode } : {}) },
    `fz-httt-${randomUUID()}`,
  );
  return res.code as string;
}

/** The token with its claims raised to operator and the signature left as it was. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const raised = Buffer.from(JSON.stringify({ ...claims, role: 'operator' })).toString('base64url');
  return `${header}.${raised}.${signature}`;
}

const claimsOf = (role: PersonRole) => {
  const { agencyId, taxCode } = SUBJECTS[role];
  return { ...(agencyId ? { agencyId } : {}), ...(taxCode ? { taxCode } : {}) };
};

/** A distinct 12-digit citizen ID per test person, stable across runs. */
const verifiedCitizenId = (sub: string) =>
  (BigInt(`0x${createHash('sha256').update(sub).digest('hex')}`) % 10n ** 12n).toString().padStart(12, '0');

/** Starts the portal (abuse limits off unless `rateLimits`) and lays out the fixtures. */
export async function startFixtures(options: { rateLimits?: boolean } = {}): Promise<Fixtures> {
  process.env.CONG_RATE_LIMITS = options.rateLimits ? 'on' : 'off';
  const portal = await startTestPortal({ reconcileIntervalMs: 0, slaIntervalMs: 0, escalationIntervalMs: 0 });
  let foreign: TestIssuer | undefined;
  try {
    foreign = await startTestIssuer();
    // Each person signs in with the citizen ID VNeID verified for them; the desk's client is the
    // citizen the licence form names.
    const token = (role: PersonRole, sub = SUBJECTS[role].sub) =>
      portal.token({
        sub,
        role,
        citizenId: sub === 'fz-desk-client' ? licenceForm.citizenId : verifiedCitizenId(sub),
        ...claimsOf(role),
      });
    // A desk officer files for a citizen who has an account.
    await call(
      portal,
      'PUT',
      '/v1/me/profile',
      await token('citizen', 'fz-desk-client'),
      sampleBodies.putMyProfile,
    );
    const [citizen, business, desk, stranger] = await Promise.all([
      token('citizen').then((t) =>
        paidDossier(portal, t, 'citizen', {}, verifiedCitizenId(SUBJECTS.citizen.sub)),
      ),
      token('business').then((t) =>
        paidDossier(portal, t, 'business', {}, verifiedCitizenId(SUBJECTS.business.sub)),
      ),
      token('desk_officer').then((t) =>
        paidDossier(portal, t, 'desk', { onBehalfOf: { citizenId: licenceForm.citizenId } }),
      ),
      token('citizen', 'fz-stranger').then((t) =>
        paidDossier(portal, t, 'stranger', {}, verifiedCitizenId('fz-stranger')),
      ),
    ]);
    const elsewhere = await call(
      portal,
      'POST',
      '/v1/dossiers',
      await token('citizen', 'fz-stranger'),
      {
        procedureCode: '1.002758',
        form: { ...bhytForm, citizenId: verifiedCitizenId('fz-stranger') },
        attachments: [],
      },
      `fz-bhyt-${randomUUID()}`,
    );
    const otherAgencyId = elsewhere.dossiers[0].agencyId as string;
    SUBJECTS.agency_officer.agencyId = citizen.agencyId;
    const [citizenPetition, businessPetition, strangerPetition] = await Promise.all([
      token('citizen').then((t) => petition(portal, t, citizen.agencyId)),
      token('business').then((t) => petition(portal, t, citizen.agencyId)),
      token('citizen', 'fz-stranger').then((t) => petition(portal, t, otherAgencyId)),
    ]);
    // Desk questions of the owners, one about the citizen's dossier (the officers' agency answers it)
    // and the stranger's about a dossier of another agency, which nobody else reaches.
    const [citizenTicket, businessTicket, dossierTicket, strangerTicket] = await Promise.all([
      token('citizen').then((t) => ticket(portal, t)),
      token('business').then((t) => ticket(portal, t)),
      token('citizen').then((t) => ticket(portal, t, citizen.code)),
      token('citizen', 'fz-stranger').then((t) => ticket(portal, t, elsewhere.dossiers[0].code)),
    ]);
    const tickets: Partial<Record<PersonRole, string>> = {
      citizen: citizenTicket,
      business: businessTicket,
      agency_officer: dossierTicket,
      support_agent: citizenTicket,
    };
    const uploadId = await uploadScan(portal, await token('citizen'), 'fz-supplement');

    const tokens = {} as Fixtures['tokens'];
    const objects = {} as Fixtures['objects'];
    const mine = { citizen, business, desk_officer: desk } as Record<string, typeof citizen>;
    const petitions: Partial<Record<PersonRole, string>> = {
      citizen: citizenPetition,
      business: businessPetition,
      agency_officer: citizenPetition,
    };
    for (const role of ROLES) {
      const input = {
        sub: SUBJECTS[role].sub,
        role,
        citizenId: verifiedCitizenId(SUBJECTS[role].sub),
        ...claimsOf(role),
      };
      const own = await portal.token(input);
      tokens[role] = {
        own,
        expired: await portal.token({ ...input, expiresInSeconds: -120 }),
        foreign: await foreign.token(input.sub, role, { claims: claimsOf(role) }),
        tampered: tampered(own),
      };
      const o = mine[role] ?? citizen;
      objects[role] = {
        own: {
          dossier: o.code,
          submission: o.submission,
          payment: o.payment,
          petition: petitions[role] ?? citizenPetition,
          supportTicket: tickets[role] ?? citizenTicket,
        },
        other: {
          dossier: role === 'agency_officer' ? elsewhere.dossiers[0].code : stranger.code,
          submission: stranger.submission,
          payment: stranger.payment,
          petition: strangerPetition,
          supportTicket: strangerTicket,
        },
      };
      await call(portal, 'PUT', '/v1/me/profile', own, sampleBodies.putMyProfile);
    }
    const paymentSecrets = JSON.parse(await readFile(join(portal.dataDir, 'payment-secrets.json'), 'utf8'));
    const issuer = foreign;
    return {
      portal,
      tokens,
      objects,
      agencyId: citizen.agencyId,
      otherAgencyId,
      dossierCodes: [citizen.code, business.code, desk.code, stranger.code, elsewhere.dossiers[0].code],
      petitionCodes: [citizenPetition, businessPetition, strangerPetition],
      ticketCodes: [citizenTicket, businessTicket, dossierTicket, strangerTicket],
      paymentIds: [citizen.payment, business.payment, desk.payment, stranger.payment],
      uploadId,
      agencySecrets: await readAgencySecrets(portal),
      providerSecret: paymentSecrets.sandbox as string,
      merchant: JSON.parse(portal.env.PAYMENT_PROVIDERS!).sandbox.merchant as string,
      stop: async () => {
        await portal.stop();
        await issuer.close();
      },
    };
  } catch (err) {
    await portal.stop();
    await foreign?.close();
    throw err;
  }
}
