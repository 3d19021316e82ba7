/**
 * The one route table. API Gateway (CDK), the local server and the OpenAPI document are all built
 * from it. Adding a route is one line here plus its operation in the function group's handler.
 */
import { z } from 'zod';
import {
  AGENCY_ATTACHMENT_PATH,
  agencyAttachmentParams,
  agencyEvent,
  agencyEventResult,
  attachmentLink,
} from '../schemas/agency.js';
import {
  agencyDeliveriesQuery,
  agencyDeliveryList,
  redeliveryAccepted,
  redeliveryRequest,
} from '../schemas/agency-deliveries.js';
import { agencyDossierList, agencyDossiersQuery } from '../schemas/agency-dossiers.js';
import {
  agencyList,
  agencyParams,
  agencyQuery,
  agencyView,
  catalogCheckRequest,
  catalogCheckResult,
  communeList,
  communeQuery,
  faqList,
  faqQuery,
  provinceList,
  provinceParams,
} from '../schemas/catalog.js';
import { health, listQuery, type PersonRole, personRole } from '../schemas/common.js';
import { devJwks, devTokenRequest, devTokenResponse } from '../schemas/dev.js';
import {
  accessLogQuery,
  dossierAccessLog,
  dossierParams,
  dossierResultView,
  dossierStatusView,
  dossierView,
  dossierViewQuery,
  publicDossierView,
  submissionParams,
  submissionView,
  submitDossierRequest,
  submitDossierResponse,
  supplementRequest,
  supplementResponse,
  timelineVerification,
  trackQuery,
  withdrawRequest,
} from '../schemas/dossier.js';
import {
  agencyRatingList,
  agencyRatingsQuery,
  agencyStatsList,
  agencyStatsParams,
  agencyStatsQuery,
  agencyStatsRangeQuery,
  agencyStatsSeries,
  ratingRequest,
  ratingView,
} from '../schemas/feedback.js';
import { agencyFigures, agencyFiguresQuery } from '../schemas/figures.js';
import {
  accountExport,
  draftDeleted,
  draftInput,
  draftList,
  draftParams,
  draftView,
  myDocumentList,
  myDocumentsQuery,
  myDossierList,
  myDossiersQuery,
  prefilledForm,
  prefillParams,
  profileInput,
  profileQuery,
  profileView,
} from '../schemas/me.js';
import { devOutboxList, devOutboxQuery } from '../schemas/notification.js';
import {
  anomalyQuery,
  anomalyResolutionRequest,
  electricityBillView,
  electricityCustomer,
  ipnAcknowledgement,
  paymentAnomalyList,
  paymentAnomalyView,
  paymentCreated,
  paymentParams,
  paymentReturnView,
  paymentView,
  providerParams,
  receiptView,
  refundRequest,
} from '../schemas/payment.js';
import {
  agencyPetitionList,
  agencyPetitionsQuery,
  myPetitionsQuery,
  petitionAgencyEvent,
  petitionEventResult,
  petitionList,
  petitionParams,
  petitionView,
  publicPetitionList,
  publicPetitionsQuery,
  submitPetitionRequest,
  submitPetitionResponse,
} from '../schemas/petition.js';
import {
  procedureList,
  procedureParams,
  procedureQuery,
  procedureVersionQuery,
  procedureView,
} from '../schemas/procedure.js';
import {
  myAccessLog,
  myAccessLogQuery,
  myDocumentDownload,
  myDocumentParams,
  publicJwks,
  shareCreated,
  sharedDocument,
  sharedParams,
  shareRequest,
  verificationView,
  verifyParams,
} from '../schemas/results.js';
import {
  serviceIndexList,
  serviceIndexParams,
  serviceIndexQuery,
  serviceIndexRangeQuery,
  serviceIndexSeries,
} from '../schemas/service-index.js';
import {
  askerAction,
  createTicketRequest,
  faqFromTicketRequest,
  myTicketsQuery,
  queueQuery,
  supportAction,
  supportAgencyEvent,
  supportEventResult,
  supportStats,
  supportStatsQuery,
  ticketCreated,
  ticketList,
  ticketParams,
  ticketRatingRequest,
  ticketView,
} from '../schemas/support.js';
import { createUploadRequest, createUploadResponse } from '../schemas/upload.js';
import type { OwnedObject } from './core/access.js';
import type { RateLimitClass } from './core/rate-limit.js';

/** How a caller proves who it is. `dev` routes exist only in the local cloud. */
export type AuthMode = 'public' | 'citizen' | 'agency' | 'payment' | 'dev';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Lambda function groups that serve HTTP routes; each is one Lambda in AWS. */
export type HttpFunction =
  | 'platform'
  | 'catalog'
  | 'uploads'
  | 'intake'
  | 'tracking'
  | 'agencyEvents'
  | 'agencyFiles'
  | 'agencyDeliveries'
  | 'payments'
  | 'me'
  | 'feedback'
  | 'stats'
  | 'petitions'
  | 'results'
  | 'support'
  | 'dev';

/**
 * Objects a person owns, named by a path parameter: the kinds of functions/core/access.ts's loader map,
 * each with an ownership record (`ownerSub`, `enterpriseTaxCode?`, `filedBy?`, `agencyId`).
 */
export type { OwnedObject };

/** Every role a signed-in person can have. */
export const EVERYONE: readonly PersonRole[] = personRole.options;
/** People who file for themselves or for someone: citizens, enterprises' representatives, desk officers. */
export const APPLICANTS: readonly PersonRole[] = ['citizen', 'business', 'desk_officer'];
/** People who hold documents of their own (results issued to them, scans of their dossiers). */
export const DOCUMENT_HOLDERS: readonly PersonRole[] = ['citizen', 'business'];

/**
 * Who may call a route. Anyone else signed in gets 403; someone who may call the route but reaches an
 * object that is not theirs gets the object's 404, exactly like a missing one.
 * - `public`: anyone, signed in or not.
 * - `self`: the caller's own account; the handler derives everything from the signed-in person.
 * - `owned`: an object named by a path parameter, for its owner, the representatives of the enterprise
 *   it was filed for, the desk officer who filed it and, with `agencyOfficers`, the officers of the
 *   agency it is routed to.
 * - `role`: a collection or action for these roles only; `scope: 'agency'` shows an officer only their
 *   own agency's (the agencyId claim).
 * - `agencySignature` / `providerSignature`: machines signing with their secret; `dev`: local only.
 */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'self'; roles: readonly PersonRole[] }
  | {
      kind: 'owned';
      object: OwnedObject;
      agencyOfficers: boolean;
      /** Who may own such objects, when not every applicant can (desk officers file no petitions). */
      owners?: readonly PersonRole[];
      /** Support agents reach the desk's tickets (of their province, when their token names one). */
      supportAgents?: boolean;
    }
  | { kind: 'role'; roles: readonly PersonRole[]; scope: 'agency' | 'all' }
  | {
      kind: 'agencySignature';
      /** The agency's own routes: its officers may call them too, with their bearer token. */
      officers?: boolean;
    }
  | { kind: 'providerSignature' }
  | { kind: 'dev' };

const PUBLIC: RouteAccess = { kind: 'public' };
const DEV: RouteAccess = { kind: 'dev' };

/** Roles that may call the route at all (empty: no person signs in on it). */
export function rolesOf(access: RouteAccess): readonly PersonRole[] {
  switch (access.kind) {
    case 'self':
    case 'role':
      return access.roles;
    case 'owned':
      return [
        ...(access.owners ?? APPLICANTS),
        ...(access.agencyOfficers ? (['agency_officer'] as const) : []),
        ...(access.supportAgents ? (['support_agent'] as const) : []),
      ];
    default:
      return [];
  }
}

/**
 * Whether a route answers a signed-in person with their own data (their objects, their agency's work, an
 * operator's queue): such answers carry `Cache-Control: no-store` (functions/core/http.ts), whatever the
 * operation returns.
 */
export const isPersonal = (access: RouteAccess): boolean =>
  access.kind === 'self' ||
  access.kind === 'owned' ||
  access.kind === 'role' ||
  (access.kind === 'agencySignature' && access.officers === true);

/** The authentication mode an access rule needs; a route declaring another is refused at start. */
export const authOfAccess = (access: RouteAccess): AuthMode =>
  access.kind === 'public'
    ? 'public'
    : access.kind === 'dev'
      ? 'dev'
      : access.kind === 'agencySignature'
        ? 'agency'
        : access.kind === 'providerSignature'
          ? 'payment'
          : 'citizen';

export interface Route {
  method: HttpMethod;
  path: string;
  fn: HttpFunction;
  operationId: string;
  auth: AuthMode;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Header names the route requires (lower case). */
  requiredHeaders?: readonly string[];
  status: number;
  response: z.ZodType;
  /** Other statuses the route documents besides 400/401/404/500. */
  errors?: readonly number[];
  /**
   * Who may call the route and how ownership is checked (functions/core/access.ts). Required: a route
   * without a rule does not compile.
   */
  access: RouteAccess;
  /** Other media types the success response comes in, chosen by the Accept header (text bodies). */
  alsoAs?: readonly string[];
  /** The success response's media type when it is not JSON (a page, a script); `response` is then a string. */
  mediaType?: string;
  /** Abuse limits per account and per client address (functions/core/rate-limit.ts); 429 when exceeded. */
  rateLimit?: RateLimitClass;
  /** A 303 the route answers instead of its success body in some cases: when, and where it points. */
  seeOther?: string;
}

const r = (route: Route): Route => route;

export const routes: readonly Route[] = [
  r({
    method: 'GET',
    path: '/health',
    fn: 'platform',
    operationId: 'health',
    auth: 'public',
    access: PUBLIC,
    summary: 'Liveness',
    status: 200,
    response: health,
  }),
  r({
    method: 'GET',
    path: '/v1/procedures',
    fn: 'catalog',
    operationId: 'listProcedures',
    auth: 'public',
    access: PUBLIC,
    summary: 'Search administrative procedures (Vietnamese, with or without tone marks) with filters',
    query: procedureQuery,
    status: 200,
    response: procedureList,
  }),
  r({
    method: 'GET',
    path: '/v1/procedures/{code}',
    fn: 'catalog',
    operationId: 'getProcedure',
    auth: 'public',
    access: PUBLIC,
    summary: 'One procedure with its documents and form schema (current version, or ?version=)',
    params: procedureParams,
    query: procedureVersionQuery,
    status: 200,
    response: procedureView,
  }),
  r({
    method: 'GET',
    path: '/v1/agencies',
    fn: 'catalog',
    operationId: 'listAgencies',
    auth: 'public',
    access: PUBLIC,
    summary:
      'Agency registry: ministries, provinces and their departments, communes, public bodies; by level, ' +
      'province, department kind and name (with or without tone marks)',
    query: agencyQuery,
    status: 200,
    response: agencyList,
  }),
  r({
    method: 'GET',
    path: '/v1/agencies/{code}',
    fn: 'catalog',
    operationId: 'getAgency',
    auth: 'public',
    access: PUBLIC,
    summary: 'One agency by its dossier-code prefix or id',
    params: agencyParams,
    status: 200,
    response: agencyView,
  }),
  r({
    method: 'GET',
    path: '/v1/provinces',
    fn: 'catalog',
    operationId: 'listProvinces',
    auth: 'public',
    access: PUBLIC,
    summary: 'The 34 provinces and centrally-run cities (administrative map of 1 July 2025)',
    status: 200,
    response: provinceList,
  }),
  r({
    method: 'GET',
    path: '/v1/provinces/{code}/communes',
    fn: 'catalog',
    operationId: 'listProvinceCommunes',
    auth: 'public',
    access: PUBLIC,
    summary:
      "Every commune (xã, phường, đặc khu) of a province with the People's Committee that receives there; " +
      'by name, with or without tone marks',
    params: provinceParams,
    query: communeQuery,
    status: 200,
    response: communeList,
  }),
  r({
    method: 'GET',
    path: '/v1/faq',
    fn: 'catalog',
    operationId: 'listFaq',
    auth: 'public',
    access: PUBLIC,
    summary: 'Questions and answers (Bộ câu hỏi – trả lời), searchable, per procedure or general',
    query: faqQuery,
    status: 200,
    response: faqList,
  }),
  r({
    method: 'POST',
    path: '/v1/catalog/checks',
    fn: 'catalog',
    operationId: 'checkCatalogFile',
    auth: 'citizen',
    access: { kind: 'role', roles: ['catalog_admin'], scope: 'all' },
    summary:
      'Check a procedure file (CSV or JSON) against the published catalog: every problem by row and field, ' +
      'and what it would add; publishing is `npm run catalog:import` in the release',
    body: catalogCheckRequest,
    status: 200,
    response: catalogCheckResult,
  }),
  r({
    method: 'POST',
    path: '/v1/uploads',
    fn: 'uploads',
    operationId: 'createUpload',
    auth: 'citizen',
    access: { kind: 'self', roles: APPLICANTS },
    summary: 'Presigned POST for one scanned document',
    body: createUploadRequest,
    status: 201,
    response: createUploadResponse,
    rateLimit: 'uploads',
  }),
  r({
    method: 'POST',
    path: '/v1/dossiers',
    fn: 'intake',
    operationId: 'submitDossier',
    auth: 'citizen',
    access: { kind: 'self', roles: APPLICANTS },
    summary: 'Submit a dossier',
    body: submitDossierRequest,
    requiredHeaders: ['idempotency-key'],
    status: 201,
    response: submitDossierResponse,
    errors: [403, 409, 422],
    rateLimit: 'intake',
  }),
  r({
    method: 'GET',
    path: '/v1/dossiers/{code}',
    fn: 'tracking',
    operationId: 'getDossier',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: true },
    summary: "The owner's view of a dossier",
    params: dossierParams,
    query: dossierViewQuery,
    status: 200,
    response: dossierView,
  }),
  r({
    method: 'POST',
    path: '/v1/dossiers/{code}/supplements',
    fn: 'intake',
    operationId: 'supplementDossier',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary: "Answer the agency's request to supplement with the documents it asked for",
    params: dossierParams,
    body: supplementRequest,
    requiredHeaders: ['idempotency-key'],
    status: 201,
    response: supplementResponse,
    errors: [409, 422],
    rateLimit: 'intake',
  }),
  r({
    method: 'GET',
    path: '/v1/dossiers/{code}/result',
    fn: 'tracking',
    operationId: 'getDossierResult',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary: "The dossier's result: a short-lived download link, or how it is handed over",
    params: dossierParams,
    status: 200,
    response: dossierResultView,
    errors: [409],
  }),
  r({
    method: 'GET',
    path: '/v1/dossiers/{code}/access-log',
    fn: 'tracking',
    operationId: 'getDossierAccessLog',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary: "Who has fetched the dossier's files: each agency download, newest first",
    params: dossierParams,
    query: accessLogQuery,
    status: 200,
    response: dossierAccessLog,
  }),
  r({
    method: 'GET',
    path: '/v1/dossiers/{code}/attachments/{attachmentId}',
    fn: 'agencyFiles',
    operationId: 'getDossierAttachment',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: true },
    summary:
      "A file of the dossier: a 5-minute download link with its SHA-256, for the dossier's own side and " +
      "the officers of the agency it is routed to (an officer's fetch is recorded in the access log)",
    params: agencyAttachmentParams,
    status: 200,
    response: attachmentLink,
  }),
  r({
    method: 'POST',
    path: '/v1/dossiers/{code}/withdraw',
    fn: 'intake',
    operationId: 'withdrawDossier',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary: 'Withdraw a dossier before the agency decides (later steps of a bundle go with it)',
    params: dossierParams,
    body: withdrawRequest,
    status: 200,
    response: dossierStatusView,
    errors: [409],
  }),
  r({
    method: 'POST',
    path: '/v1/dossiers/{code}/received-result',
    fn: 'intake',
    operationId: 'confirmResultReceived',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary: 'Confirm having received the result: the dossier is completed',
    params: dossierParams,
    status: 200,
    response: dossierStatusView,
    errors: [409],
  }),
  r({
    method: 'GET',
    path: '/v1/track/{code}',
    fn: 'tracking',
    operationId: 'trackDossier',
    auth: 'public',
    access: PUBLIC,
    summary: 'Public tracking by dossier code and the key on its receipt, without personal data',
    params: dossierParams,
    query: trackQuery,
    rateLimit: 'tracking',
    status: 200,
    response: publicDossierView,
  }),
  r({
    method: 'GET',
    path: '/v1/dossiers/{code}/timeline/verify',
    fn: 'tracking',
    operationId: 'verifyTimeline',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: true },
    summary: "Whether the dossier's hash-chained timeline is intact",
    params: dossierParams,
    status: 200,
    response: timelineVerification,
  }),
  r({
    method: 'GET',
    path: '/v1/submissions/{submissionId}',
    fn: 'tracking',
    operationId: 'getSubmission',
    auth: 'citizen',
    access: { kind: 'owned', object: 'submission', agencyOfficers: false },
    summary: 'Every dossier of one submission (a notice to many provinces, an interlinked bundle)',
    params: submissionParams,
    status: 200,
    response: submissionView,
  }),
  r({
    method: 'POST',
    path: '/v1/agency/events',
    fn: 'agencyEvents',
    operationId: 'postAgencyEvent',
    auth: 'agency',
    access: { kind: 'agencySignature' },
    summary: 'An agency reports a step of a dossier (Standard Webhooks signed)',
    body: agencyEvent,
    status: 200,
    response: agencyEventResult,
    errors: [409],
  }),
  r({
    method: 'GET',
    path: AGENCY_ATTACHMENT_PATH,
    fn: 'agencyFiles',
    operationId: 'getAgencyAttachment',
    auth: 'agency',
    access: { kind: 'agencySignature' },
    summary:
      'A file of a dossier routed to the agency: a 5-minute download link with its SHA-256 ' +
      '(Standard Webhooks signed; a GET signs `GET {path}`, each signed request is good once)',
    params: agencyAttachmentParams,
    status: 200,
    response: attachmentLink,
  }),
  r({
    method: 'POST',
    path: '/v1/dossiers/{code}/payments',
    fn: 'payments',
    operationId: 'createDossierPayment',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary: "Pay a dossier's fee online (the pending attempt is returned while there is one)",
    params: dossierParams,
    requiredHeaders: ['idempotency-key'],
    status: 201,
    response: paymentCreated,
    errors: [409, 422, 503],
  }),
  r({
    method: 'GET',
    path: '/v1/payments/anomalies',
    fn: 'payments',
    operationId: 'listPaymentAnomalies',
    auth: 'citizen',
    access: { kind: 'role', roles: ['operator'], scope: 'all' },
    summary:
      'Payments that need an operator: money owed back (late or second payments) and amount mismatches',
    query: anomalyQuery,
    status: 200,
    response: paymentAnomalyList,
  }),
  r({
    method: 'POST',
    path: '/v1/payments/{paymentId}/anomaly-resolutions',
    fn: 'payments',
    operationId: 'resolvePaymentAnomaly',
    auth: 'citizen',
    access: { kind: 'role', roles: ['operator'], scope: 'all' },
    summary:
      "Close a provider's amount mismatch with the operator's finding (money owed back is closed by a refund)",
    params: paymentParams,
    body: anomalyResolutionRequest,
    status: 200,
    response: paymentAnomalyView,
    errors: [409],
  }),
  r({
    method: 'POST',
    path: '/v1/payments/{paymentId}/refund',
    fn: 'payments',
    operationId: 'refundPayment',
    auth: 'citizen',
    access: { kind: 'role', roles: ['operator'], scope: 'all' },
    summary: 'Give a payment back: a succeeded payment, or money flagged for refund',
    params: paymentParams,
    body: refundRequest,
    requiredHeaders: ['idempotency-key'],
    status: 200,
    response: paymentView,
    errors: [409, 422, 502, 503],
  }),
  r({
    method: 'GET',
    path: '/v1/payments/{paymentId}',
    fn: 'payments',
    operationId: 'getPayment',
    auth: 'citizen',
    access: { kind: 'owned', object: 'payment', agencyOfficers: false },
    summary: 'One of my payments',
    params: paymentParams,
    status: 200,
    response: paymentView,
  }),
  r({
    method: 'GET',
    path: '/v1/payments/{paymentId}/receipt',
    fn: 'payments',
    operationId: 'getReceipt',
    auth: 'citizen',
    access: { kind: 'owned', object: 'payment', agencyOfficers: false },
    summary: 'The electronic receipt of a succeeded payment',
    params: paymentParams,
    status: 200,
    response: receiptView,
  }),
  r({
    method: 'POST',
    path: '/v1/payments/callbacks/{provider}',
    fn: 'payments',
    operationId: 'paymentCallback',
    auth: 'payment',
    access: { kind: 'providerSignature' },
    summary: "A payment provider's signed server-to-server notification (IPN); answered in its convention",
    params: providerParams,
    status: 200,
    response: ipnAcknowledgement,
  }),
  r({
    method: 'GET',
    path: '/v1/payments/return/{provider}',
    fn: 'payments',
    operationId: 'paymentReturn',
    auth: 'payment',
    access: { kind: 'providerSignature' },
    summary: "Where the provider sends the citizen's browser back (signed parameters; shows, never changes)",
    params: providerParams,
    status: 200,
    response: paymentReturnView,
    seeOther:
      'A browser (Accept: text/html) is sent, after the signature check, to the citizen page `/thanh-toan/{provider}` with the same signed query, which shows the payment.',
  }),
  r({
    method: 'POST',
    path: '/v1/bills/electricity/lookup',
    fn: 'payments',
    operationId: 'lookupElectricityBill',
    auth: 'citizen',
    access: { kind: 'self', roles: APPLICANTS },
    summary: 'The electricity bill due for an EVN customer code',
    body: electricityCustomer,
    status: 200,
    response: electricityBillView,
    errors: [503],
  }),
  r({
    method: 'POST',
    path: '/v1/bills/electricity/payments',
    fn: 'payments',
    operationId: 'payElectricityBill',
    auth: 'citizen',
    access: { kind: 'self', roles: APPLICANTS },
    summary: 'Pay an electricity bill online (amount from the biller)',
    body: electricityCustomer,
    requiredHeaders: ['idempotency-key'],
    status: 201,
    response: paymentCreated,
    errors: [409, 422, 503],
  }),
  r({
    method: 'GET',
    path: '/v1/me/profile',
    fn: 'me',
    operationId: 'getMyProfile',
    auth: 'citizen',
    access: { kind: 'self', roles: EVERYONE },
    summary: 'My profile; citizen ID and phone masked unless ?reveal=true (ETag: its version)',
    query: profileQuery,
    status: 200,
    response: profileView,
  }),
  r({
    method: 'PUT',
    path: '/v1/me/profile',
    fn: 'me',
    operationId: 'putMyProfile',
    auth: 'citizen',
    access: { kind: 'self', roles: EVERYONE },
    summary:
      'Replace my profile (If-Match with the version read, once it exists); 201 when created. The citizen ID ' +
      'comes from the VNeID-verified sign-in (403 without one, 409 if another account holds it)',
    body: profileInput,
    status: 200,
    response: profileView,
    errors: [403, 409, 412, 428],
  }),
  r({
    method: 'GET',
    path: '/v1/me/prefill/{code}',
    fn: 'me',
    operationId: 'prefillMyForm',
    auth: 'citizen',
    access: { kind: 'self', roles: ['citizen', 'business'] },
    summary:
      "A procedure's form filled from my saved profile (and my enterprise's tax code), to check and complete",
    params: prefillParams,
    status: 200,
    response: prefilledForm,
  }),
  r({
    method: 'GET',
    path: '/v1/me/dossiers',
    fn: 'me',
    operationId: 'listMyDossiers',
    auth: 'citizen',
    access: { kind: 'self', roles: EVERYONE },
    summary: 'My dossiers, newest first, by status and procedure',
    query: myDossiersQuery,
    status: 200,
    response: myDossierList,
  }),
  r({
    method: 'GET',
    path: '/v1/me/documents',
    fn: 'me',
    operationId: 'listMyDocuments',
    auth: 'citizen',
    access: { kind: 'self', roles: EVERYONE },
    summary:
      'My documents: the results issued to me (type, issuer, status, SHA-256), newest first, then the scans I ' +
      'submitted in my dossiers, newest dossier first',
    query: myDocumentsQuery,
    status: 200,
    response: myDocumentList,
  }),
  r({
    method: 'GET',
    path: '/v1/me/drafts',
    fn: 'me',
    operationId: 'listMyDrafts',
    auth: 'citizen',
    access: { kind: 'self', roles: APPLICANTS },
    summary: 'My unsent filings (drafts), one per procedure; each expires 30 days after its last save',
    query: listQuery,
    status: 200,
    response: draftList,
  }),
  r({
    method: 'GET',
    path: '/v1/me/drafts/{code}',
    fn: 'me',
    operationId: 'getMyDraft',
    auth: 'citizen',
    access: { kind: 'self', roles: APPLICANTS },
    summary: 'My draft of a procedure (ETag: its version)',
    params: draftParams,
    status: 200,
    response: draftView,
  }),
  r({
    method: 'PUT',
    path: '/v1/me/drafts/{code}',
    fn: 'me',
    operationId: 'putMyDraft',
    auth: 'citizen',
    access: { kind: 'self', roles: APPLICANTS },
    summary:
      'Save my draft of a procedure: the form as filled so far and the scans uploaded (at most 32 KB); ' +
      'If-Match with the version read once it exists; 201 when created. Filing the procedure deletes it',
    params: draftParams,
    body: draftInput,
    status: 200,
    response: draftView,
    errors: [412, 428],
  }),
  r({
    method: 'DELETE',
    path: '/v1/me/drafts/{code}',
    fn: 'me',
    operationId: 'deleteMyDraft',
    auth: 'citizen',
    access: { kind: 'self', roles: APPLICANTS },
    summary: 'Delete my draft of a procedure (answers deleted: false when there was none)',
    params: draftParams,
    status: 200,
    response: draftDeleted,
  }),
  r({
    method: 'GET',
    path: '/v1/me/documents/{documentId}',
    fn: 'me',
    operationId: 'downloadMyDocument',
    auth: 'citizen',
    access: { kind: 'self', roles: DOCUMENT_HOLDERS },
    summary:
      'One of my documents: a 5-minute download link with its SHA-256; a result also with its verification ' +
      'link and QR code',
    params: myDocumentParams,
    status: 200,
    response: myDocumentDownload,
  }),
  r({
    method: 'POST',
    path: '/v1/me/documents/{documentId}/shares',
    fn: 'me',
    operationId: 'shareMyDocument',
    auth: 'citizen',
    access: { kind: 'self', roles: DOCUMENT_HOLDERS },
    summary: 'Share one of my documents through a link that expires (at most 7 days); each opening is logged',
    params: myDocumentParams,
    body: shareRequest,
    status: 201,
    response: shareCreated,
  }),
  r({
    method: 'GET',
    path: '/v1/me/access-log',
    fn: 'me',
    operationId: 'listMyAccessLog',
    auth: 'citizen',
    access: { kind: 'self', roles: EVERYONE },
    summary:
      "Who has read my data: every agency fetch of my dossiers' files and every opening of my shared links, " +
      'newest first',
    query: myAccessLogQuery,
    status: 200,
    response: myAccessLog,
  }),
  r({
    method: 'GET',
    path: '/v1/verify/keys',
    fn: 'results',
    operationId: 'resultSigningKeys',
    auth: 'public',
    access: PUBLIC,
    summary: "The public keys (JWKS) that verify electronic results' signatures offline",
    status: 200,
    response: publicJwks,
  }),
  r({
    method: 'GET',
    path: '/v1/verify/{documentId}',
    fn: 'results',
    operationId: 'verifyResult',
    auth: 'public',
    access: PUBLIC,
    summary:
      'Is this electronic result genuine? genuine, revoked, replaced or unknown, with the document type, ' +
      'issuer and date, and the signed record with its signature',
    params: verifyParams,
    status: 200,
    response: verificationView,
  }),
  r({
    method: 'GET',
    path: '/v1/shared/{token}',
    fn: 'results',
    operationId: 'openSharedDocument',
    auth: 'public',
    access: PUBLIC,
    summary: "A document its holder shared: a 5-minute download link (recorded in the holder's access log)",
    params: sharedParams,
    status: 200,
    response: sharedDocument,
    errors: [429],
    rateLimit: 'tracking',
  }),
  r({
    method: 'GET',
    path: '/v1/me/export',
    fn: 'me',
    operationId: 'exportMyData',
    auth: 'citizen',
    access: { kind: 'self', roles: EVERYONE },
    summary: 'Everything the portal holds for my account, as a JSON download',
    status: 200,
    response: accountExport,
  }),
  r({
    method: 'POST',
    path: '/v1/dossiers/{code}/rating',
    fn: 'feedback',
    operationId: 'rateDossier',
    auth: 'citizen',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary: 'Rate how a completed or refused dossier was handled (once)',
    params: dossierParams,
    body: ratingRequest,
    status: 201,
    response: ratingView,
    errors: [409],
  }),
  r({
    method: 'GET',
    path: '/v1/agency/ratings',
    fn: 'feedback',
    operationId: 'listAgencyRatings',
    auth: 'citizen',
    access: { kind: 'role', roles: ['agency_officer'], scope: 'agency' },
    summary: "Citizens' ratings of my agency's dossiers, newest first",
    query: agencyRatingsQuery,
    status: 200,
    response: agencyRatingList,
  }),
  r({
    method: 'GET',
    path: '/v1/agency/figures',
    fn: 'feedback',
    operationId: 'getAgencyFigures',
    auth: 'citizen',
    access: { kind: 'role', roles: ['agency_officer'], scope: 'agency' },
    summary:
      "My agency's figures per officer and per step for a month or quarter: steps finished, on time, late, average working days, ratings (CSV with format=csv)",
    query: agencyFiguresQuery,
    status: 200,
    response: agencyFigures,
    alsoAs: ['text/csv'],
  }),
  r({
    method: 'GET',
    path: '/v1/stats/agencies',
    fn: 'stats',
    operationId: 'listAgencyStats',
    auth: 'public',
    access: PUBLIC,
    summary: "Every agency's performance in a month, ranked by on-time rate (CSV with Accept: text/csv)",
    query: agencyStatsQuery,
    status: 200,
    response: agencyStatsList,
    alsoAs: ['text/csv'],
  }),
  r({
    method: 'GET',
    path: '/v1/stats/agencies/{code}',
    fn: 'stats',
    operationId: 'getAgencyStats',
    auth: 'public',
    access: PUBLIC,
    summary: "One agency's performance month by month, with the total (CSV with Accept: text/csv)",
    params: agencyStatsParams,
    query: agencyStatsRangeQuery,
    status: 200,
    response: agencyStatsSeries,
    alsoAs: ['text/csv'],
  }),
  r({
    method: 'GET',
    path: '/v1/service-index',
    fn: 'stats',
    operationId: 'listServiceIndex',
    auth: 'public',
    access: PUBLIC,
    summary:
      'The live service index (Decision 766/QĐ-TTg) of a month or quarter: agencies ranked by score, with points per group and indicator, computed from the published statistics; `method` names the weights and which indicators the portal can only approximate (CSV with Accept: text/csv or format=csv)',
    query: serviceIndexQuery,
    status: 200,
    response: serviceIndexList,
    alsoAs: ['text/csv'],
  }),
  r({
    method: 'GET',
    path: '/v1/service-index/{code}',
    fn: 'stats',
    operationId: 'getServiceIndex',
    auth: 'public',
    access: PUBLIC,
    summary:
      "One agency's service index month by month and in total, with the points each indicator lost against its maximum (CSV with Accept: text/csv or format=csv)",
    params: serviceIndexParams,
    query: serviceIndexRangeQuery,
    status: 200,
    response: serviceIndexSeries,
    alsoAs: ['text/csv'],
  }),
  r({
    method: 'POST',
    path: '/v1/petitions',
    fn: 'petitions',
    operationId: 'submitPetition',
    auth: 'citizen',
    access: { kind: 'self', roles: ['citizen', 'business'] },
    summary: 'Send a petition (phản ánh, kiến nghị) about a regulation, procedure or agency',
    body: submitPetitionRequest,
    requiredHeaders: ['idempotency-key'],
    status: 201,
    response: submitPetitionResponse,
    errors: [403, 409, 422],
    rateLimit: 'petitions',
  }),
  r({
    method: 'GET',
    path: '/v1/petitions',
    fn: 'petitions',
    operationId: 'searchPublishedPetitions',
    auth: 'public',
    access: PUBLIC,
    summary: 'Published answers to petitions, newest first, searchable with or without tone marks',
    query: publicPetitionsQuery,
    status: 200,
    response: publicPetitionList,
  }),
  r({
    method: 'GET',
    path: '/v1/petitions/{code}',
    fn: 'petitions',
    operationId: 'getPetition',
    auth: 'citizen',
    access: { kind: 'owned', object: 'petition', agencyOfficers: true, owners: ['citizen', 'business'] },
    summary: "The petitioner's view of a petition, with its timeline",
    params: petitionParams,
    status: 200,
    response: petitionView,
  }),
  r({
    method: 'GET',
    path: '/v1/me/petitions',
    fn: 'petitions',
    operationId: 'listMyPetitions',
    auth: 'citizen',
    access: { kind: 'self', roles: EVERYONE },
    summary: 'My petitions, newest first',
    query: myPetitionsQuery,
    status: 200,
    response: petitionList,
  }),
  r({
    method: 'GET',
    path: '/v1/agency/petitions',
    fn: 'petitions',
    operationId: 'listAgencyPetitions',
    auth: 'citizen',
    access: { kind: 'role', roles: ['agency_officer'], scope: 'agency' },
    summary: 'Petitions routed to my agency, most recently received first',
    query: agencyPetitionsQuery,
    status: 200,
    response: agencyPetitionList,
  }),
  r({
    method: 'POST',
    path: '/v1/agency/petition-events',
    fn: 'agencyEvents',
    operationId: 'postPetitionEvent',
    auth: 'agency',
    access: { kind: 'agencySignature' },
    summary:
      'An agency assigns, answers, rejects or reassigns a petition routed to it (Standard Webhooks signed)',
    body: petitionAgencyEvent,
    status: 200,
    response: petitionEventResult,
    errors: [409],
  }),
  r({
    method: 'POST',
    path: '/v1/support/tickets',
    fn: 'support',
    operationId: 'createSupportTicket',
    auth: 'citizen',
    access: { kind: 'self', roles: ['citizen', 'business', 'support_agent'] },
    summary:
      'Ask the support desk about a procedure or one of my dossiers (hỗ trợ trực tuyến); a support agent ' +
      "logs a phone call on the caller's behalf",
    body: createTicketRequest,
    requiredHeaders: ['idempotency-key'],
    status: 201,
    response: ticketCreated,
    errors: [403, 409, 422],
    rateLimit: 'support',
  }),
  r({
    method: 'GET',
    path: '/v1/me/support/tickets',
    fn: 'support',
    operationId: 'listMySupportTickets',
    auth: 'citizen',
    access: { kind: 'self', roles: EVERYONE },
    summary: 'My questions to the support desk, newest first',
    query: myTicketsQuery,
    status: 200,
    response: ticketList,
  }),
  r({
    method: 'GET',
    path: '/v1/support/tickets/{code}',
    fn: 'support',
    operationId: 'getSupportTicket',
    auth: 'citizen',
    access: {
      kind: 'owned',
      object: 'supportTicket',
      agencyOfficers: true,
      owners: ['citizen', 'business'],
      supportAgents: true,
    },
    summary: 'A support ticket with its answers: the asker, the agency it is with, the desk of its province',
    params: ticketParams,
    status: 200,
    response: ticketView,
  }),
  r({
    method: 'POST',
    path: '/v1/support/tickets/{code}/messages',
    fn: 'support',
    operationId: 'askerSupportAction',
    auth: 'citizen',
    access: {
      kind: 'owned',
      object: 'supportTicket',
      agencyOfficers: false,
      owners: ['citizen', 'business'],
    },
    summary: 'The asker replies to a request for more, reopens an answer (once) or closes the ticket',
    params: ticketParams,
    body: askerAction,
    status: 200,
    response: ticketView,
    errors: [409],
  }),
  r({
    method: 'POST',
    path: '/v1/support/tickets/{code}/rating',
    fn: 'support',
    operationId: 'rateSupportTicket',
    auth: 'citizen',
    access: {
      kind: 'owned',
      object: 'supportTicket',
      agencyOfficers: false,
      owners: ['citizen', 'business'],
    },
    summary: 'Rate a closed support ticket once (1–5 and a comment)',
    params: ticketParams,
    body: ticketRatingRequest,
    status: 201,
    response: ticketView,
    errors: [409],
  }),
  r({
    method: 'GET',
    path: '/v1/support/queue',
    fn: 'support',
    operationId: 'supportQueue',
    auth: 'citizen',
    access: { kind: 'role', roles: ['support_agent'], scope: 'all' },
    summary:
      "The support desk's queue, oldest first, with deadlines: by status, province and overdue (a province's " +
      'agents see their province only)',
    query: queueQuery,
    status: 200,
    response: ticketList,
    errors: [403],
  }),
  r({
    method: 'POST',
    path: '/v1/support/tickets/{code}/actions',
    fn: 'support',
    operationId: 'supportTicketAction',
    auth: 'citizen',
    access: {
      kind: 'owned',
      object: 'supportTicket',
      agencyOfficers: false,
      owners: [],
      supportAgents: true,
    },
    summary:
      'A support agent answers, asks for more, hands the ticket to the agency responsible, or closes it',
    params: ticketParams,
    body: supportAction,
    status: 200,
    response: ticketView,
    errors: [409],
  }),
  r({
    method: 'POST',
    path: '/v1/support/tickets/{code}/faq',
    fn: 'support',
    operationId: 'publishSupportFaq',
    auth: 'citizen',
    access: {
      kind: 'owned',
      object: 'supportTicket',
      agencyOfficers: false,
      owners: [],
      supportAgents: true,
    },
    summary:
      "Keep the ticket's answer as a FAQ entry of its procedure (edited; citizen IDs, phones and e-mails are " +
      'masked), found by GET /v1/faq',
    params: ticketParams,
    body: faqFromTicketRequest,
    status: 201,
    response: ticketView,
    errors: [409],
  }),
  r({
    method: 'GET',
    path: '/v1/stats/support',
    fn: 'support',
    operationId: 'supportStats',
    auth: 'public',
    access: PUBLIC,
    summary:
      'The support desk per month: tickets, first answers within the deadline, resolution time, satisfaction',
    query: supportStatsQuery,
    status: 200,
    response: supportStats,
  }),
  r({
    method: 'POST',
    path: '/v1/agency/support-events',
    fn: 'agencyEvents',
    operationId: 'postSupportEvent',
    auth: 'agency',
    access: { kind: 'agencySignature' },
    summary:
      'An agency answers a support ticket handed to it, or returns it to the desk (Standard Webhooks signed)',
    body: supportAgencyEvent,
    status: 200,
    response: supportEventResult,
    errors: [409],
  }),
  r({
    method: 'GET',
    path: '/openapi.json',
    fn: 'platform',
    operationId: 'openapi',
    auth: 'public',
    access: PUBLIC,
    summary: 'This API as OpenAPI 3.1',
    status: 200,
    response: health.passthrough(),
  }),
  r({
    method: 'GET',
    path: '/docs',
    fn: 'platform',
    operationId: 'docs',
    auth: 'public',
    access: PUBLIC,
    summary: 'This API for people to read: /openapi.json rendered in the browser',
    status: 200,
    response: z.string(),
    mediaType: 'text/html',
  }),
  r({
    method: 'GET',
    path: '/docs/redoc.standalone.js',
    fn: 'platform',
    operationId: 'docsScript',
    auth: 'public',
    access: PUBLIC,
    summary: 'The renderer /docs loads (Redoc), served by the portal itself',
    status: 200,
    response: z.string(),
    mediaType: 'text/javascript',
  }),
  r({
    method: 'GET',
    path: '/v1/agency/dossiers',
    fn: 'tracking',
    operationId: 'listAgencyDossiers',
    auth: 'citizen',
    access: { kind: 'role', roles: ['agency_officer'], scope: 'agency' },
    summary: 'The dossiers routed to my agency, newest first, by status',
    query: agencyDossiersQuery,
    status: 200,
    response: agencyDossierList,
  }),
  r({
    method: 'GET',
    path: '/v1/agency/deliveries',
    fn: 'agencyDeliveries',
    operationId: 'listAgencyDeliveries',
    auth: 'agency',
    access: { kind: 'agencySignature', officers: true },
    summary:
      "My agency's delivery log: every attempt to deliver to its endpoint, newest first (signed GET or officer)",
    query: agencyDeliveriesQuery,
    status: 200,
    response: agencyDeliveryList,
    errors: [403],
  }),
  r({
    method: 'POST',
    path: '/v1/agency/redeliveries',
    fn: 'agencyDeliveries',
    operationId: 'requestRedelivery',
    auth: 'agency',
    access: { kind: 'agencySignature', officers: true },
    summary:
      "Deliver my agency's webhooks again under their own webhook-ids: one dossier's, a time window's, or its dead letters",
    body: redeliveryRequest,
    status: 202,
    response: redeliveryAccepted,
    errors: [403, 404, 422],
    rateLimit: 'redeliveries',
  }),
  r({
    method: 'POST',
    path: '/dev/token',
    fn: 'dev',
    operationId: 'devToken',
    auth: 'dev',
    access: DEV,
    summary: 'Local mode only: a signed test token',
    body: devTokenRequest,
    status: 200,
    response: devTokenResponse,
  }),
  r({
    method: 'GET',
    path: '/dev/jwks.json',
    fn: 'dev',
    operationId: 'devJwks',
    auth: 'dev',
    access: DEV,
    summary: 'Local mode only: the public keys that verify test tokens',
    status: 200,
    response: devJwks,
  }),
  r({
    method: 'GET',
    path: '/dev/outbox',
    fn: 'dev',
    operationId: 'devOutbox',
    auth: 'dev',
    access: DEV,
    summary: 'Local mode only: the notifications sent (SMS, e-mail, agency notices), newest first',
    query: devOutboxQuery,
    status: 200,
    response: devOutboxList,
  }),
];

/** Routes that exist in AWS (dev routes are local-only). */
export const cloudRoutes = routes.filter((x) => x.auth !== 'dev');

/** API Gateway's route key, which is also how a function group picks the operation. */
export const routeKey = (x: Pick<Route, 'method' | 'path'>) => `${x.method} ${x.path}`;
