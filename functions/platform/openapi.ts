/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (JSON Schema 2020-12,
 * which OpenAPI 3.1 uses as is), so the published contract cannot drift from what handlers validate.
 */
import * as z from 'zod';
import { errorBody } from '../../schemas/common.js';
import {
  dossierDelivery,
  paymentRefundedDelivery,
  supplementDelivery,
  withdrawalDelivery,
} from '../../schemas/dossier-delivery.js';
import { petitionDelivery } from '../../schemas/petition.js';
import { supportDelivery } from '../../schemas/support.js';
import { ERRORS, type ErrorCode } from '../core/errors.js';
import { DISPATCH } from '../core/resources.js';
import type { Route } from '../core/route.js';
import { type RouteAccess, rolesOf } from '../core/route-access.js';
import { AGENCY_HEADER } from '../core/webhooks.js';
import { cloudRoutes } from '../routes.js';
import { OPERATION_EXAMPLES, WEBHOOK_EXAMPLES } from './openapi-examples.js';

type Json = Record<string, unknown>;

/**
 * Schemas named with `.meta({ id })` come back in `$defs`; they move to components.schemas (per
 * direction, since a request's input and output shapes can differ) and references are rewritten.
 */
function schemaConverter() {
  const components: Record<string, Json> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const suffix = io === 'input' ? 'Input' : '';
    const raw = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    const text = JSON.stringify(raw).replace(
      /"#\/\$defs\/([^"]+)"/g,
      (_m, id: string) => `"#/components/schemas/${id}${suffix}"`,
    );
    const { $schema: _s, $defs, ...rest } = JSON.parse(text) as Json & { $defs?: Record<string, Json> };
    for (const [id, def] of Object.entries($defs ?? {})) components[`${id}${suffix}`] = def;
    return rest;
  };
  /** A named schema's reference, its definition registered in components. */
  const ref = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const out = convert(schema, io);
    if (out.$ref === undefined) throw new Error('ref() needs a schema named with .meta({ id })');
    return out;
  };
  return { convert, ref, components };
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not signed in, or invalid signature',
  403: 'Signed in, but the role may not do this',
  404: 'Not found (or not yours)',
  409: 'Not allowed in the current state',
  412: 'If-Match names a version that is no longer current',
  413: 'Request too large',
  415: 'Body is not JSON',
  422: 'Idempotency-Key reused with another body, or the request cannot be processed as sent',
  428: 'If-Match is required',
  429: 'Too many requests of this kind from the account or address; see Retry-After',
  500: 'Internal error',
  502: 'A partner refused the request',
  503: 'A partner cannot be reached, or the portal is overloaded (SERVICE_BUSY: nothing was saved; send the same request again after Retry-After)',
};

/** Standard Webhooks headers, on agencies' callbacks and on the portal's deliveries alike. */
const signatureHeaders = (signer: string, content = '{raw body}'): Json[] => [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description:
      content === '{raw body}'
        ? 'Unique per message and the same on every redelivery of it: drop duplicates by it.'
        : 'Unique per request: a signed GET is answered once, so a retry is signed afresh with a new id.',
    schema: { type: 'string', minLength: 1, maxLength: 256 },
    example: 'msg_01KJR6B3Z6M1W8E2Q4T5V7X9YA_BHXHHN-260309-0001',
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'When it was signed, in Unix seconds; refused more than five minutes away from now.',
    schema: { type: 'string', pattern: '^[0-9]{1,12}$' },
    example: '1773025200',
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      `\`v1,\` and the base64 HMAC-SHA256 of \`{webhook-id}.{webhook-timestamp}.${content}\` with ${signer}'s ` +
      'secret (the bytes after `whsec_`); several space-separated signatures while a secret is rotated.',
    schema: { type: 'string', minLength: 4, maxLength: 2048 },
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  },
];

function parameters(route: Route, toSchema: ReturnType<typeof schemaConverter>['convert']): Json[] {
  const examples = OPERATION_EXAMPLES[route.operationId]?.parameters ?? {};
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const s = toSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (s.required ?? []).includes(name),
        schema: prop,
        ...(examples[name] !== undefined ? { example: examples[name] } : {}),
      });
    }
  }
  for (const h of route.requiredHeaders ?? []) {
    out.push({
      name: h,
      in: 'header',
      required: true,
      schema: { type: 'string', minLength: 8, maxLength: 128 },
      ...(examples[h] !== undefined ? { example: examples[h] } : {}),
    });
  }
  if (route.auth === 'agency') {
    const officers = route.access.kind === 'agencySignature' && route.access.officers === true;
    out.push(
      {
        name: AGENCY_HEADER,
        in: 'header',
        // An officer's bearer token names the agency instead.
        required: !officers,
        description:
          "The agency's id in the registry (GET /v1/agencies); its secret must verify the signature.",
        schema: { type: 'string', minLength: 1, maxLength: 64 },
        example: 'bhxh-hn',
      },
      // A GET has no body: it signs its method and path (functions/core/signed-get.ts).
      ...signatureHeaders('the agency', route.method === 'GET' ? 'GET {path}' : undefined).map((h) =>
        officers ? { ...h, required: false } : h,
      ),
    );
  }
  return out;
}

/** The route's access rule in words, for readers of the document. */
function accessText(access: RouteAccess): string {
  const roles = `Roles: ${rolesOf(access).join(', ')} (a token of any other role gets 403).`;
  switch (access.kind) {
    case 'public':
      return 'Public: anyone, signed in or not.';
    case 'self':
      return `The caller's own account. ${roles}`;
    case 'owned':
      return (
        `One ${access.object}: its owner, the representatives of the enterprise it was filed for and the desk officer who filed it` +
        `${access.agencyOfficers ? ', and officers of the agency it is routed to' : ''}. Anyone else gets 404, as for a missing one. ${roles}`
      );
    case 'role':
      return `${roles}${access.scope === 'agency' ? " An officer sees only their own agency's." : ''}`;
    case 'agencySignature':
      if (access.officers)
        return "The agency's own system, signed with its secret (Standard Webhooks; a GET signs `GET <path with query>`, a POST its body), or a signed-in agency_officer of that agency; either sees only its own agency's.";
      return (
        "Agencies' systems only, signed with the agency's secret (Standard Webhooks; a GET, which has no body, signs `GET {path}`). Without the " +
        `${AGENCY_HEADER} header: 400 AGENCY_HEADER_MISSING; an agency the registry does not hold: 401 ` +
        'UNKNOWN_AGENCY; a signature its secrets do not verify: 401 INVALID_SIGNATURE; a dossier or petition routed to another agency gets 404, as a missing one.'
      );
    case 'providerSignature':
      return "The payment provider only, signed with the provider's secret; an unsigned or wrongly signed call is refused in the provider's convention.";
    case 'dev':
      return 'Local mode only.';
  }
}

/** Public and provider-signed routes take no portal credential: `security: []` says so explicitly. */
function security(route: Route): Json[] {
  if (route.auth === 'citizen') return [{ bearer: [] }];
  if (route.auth === 'agency')
    return route.access.kind === 'agencySignature' && route.access.officers
      ? [{ agencySignature: [] }, { bearer: [] }]
      : [{ agencySignature: [] }];
  return [];
}

/** The statuses an operation documents besides its success. */
function errorStatuses(route: Route): number[] {
  return [
    ...new Set([
      ...(route.params || route.query || route.body || route.requiredHeaders ? [400] : []),
      ...(route.auth !== 'public' ? [401] : []),
      ...(route.auth === 'citizen' ? [403] : []),
      ...(route.params ? [404] : []),
      ...(route.body ? [415] : []),
      ...(route.errors ?? []),
      ...(route.rateLimit ? [429] : []),
      500,
      // Any operation may meet a table over its limits at a peak: SERVICE_BUSY, with Retry-After.
      503,
    ]),
  ].sort((a, b) => a - b);
}

const errorResponseName = (status: number) => `Error${status}`;

/**
 * One reusable response per error status, all with the one `Error` schema; its examples are the codes of
 * the error catalogue (functions/core/errors.ts) answered with that status.
 */
function errorResponse(status: number): Json {
  const codes = (Object.keys(ERRORS) as ErrorCode[]).filter((c) => ERRORS[c].status === status);
  return {
    description: ERROR_TEXT[status] ?? 'Error',
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/Error' },
        ...(codes.length
          ? {
              examples: Object.fromEntries(
                codes.map((code) => [
                  code,
                  {
                    summary: ERRORS[code].en,
                    value: { error: { code, message: ERRORS[code].en, messageVi: ERRORS[code].vi } },
                  },
                ]),
              ),
            }
          : {}),
      },
    },
    ...(status === 429 || status === 503
      ? {
          headers: {
            'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 0 } },
          },
        }
      : {}),
  };
}

/**
 * What the portal POSTs to an agency's endpoint (functions/dispatch):
 * one webhook per body `type`, each body the zod schema its builder returns.
 */
export const AGENCY_WEBHOOKS: readonly {
  type: string;
  schema: z.ZodType;
  summary: string;
  description: string;
}[] = [
  {
    type: 'dossier.submitted',
    schema: dossierDelivery,
    summary: 'A dossier for the agency to handle',
    description:
      'Sent once the dossier is filed, or once its fee is paid when the procedure charges one (then ' +
      '`payment` says what was paid, when, through which provider and under which receipt number). The form ' +
      'is in clear (citizen ID and phone numbers included); attachments are described, not sent.',
  },
  {
    type: 'dossier.supplemented',
    schema: supplementDelivery,
    summary: "The citizen answered the agency's request to supplement",
    description: 'The documents the citizen added in answer to `dossier.supplement_requested`.',
  },
  {
    type: 'dossier.withdrawn',
    schema: withdrawalDelivery,
    summary: 'The citizen withdrew the dossier',
    description: 'The agency stops working on it; later events about it are refused with 409.',
  },
  {
    type: 'dossier.payment_refunded',
    schema: paymentRefundedDelivery,
    summary: "The dossier's fee was given back to the citizen",
    description:
      'An operator refunded the fee paid online for a dossier the agency already holds (e.g. charged in ' +
      'error). The dossier stays with the agency and keeps its status; `payment` is the refunded payment, ' +
      'the same one `dossier.submitted` carried, now with `status: refunded`. Money charged twice or too late ' +
      'is given back without the agency: it never reached a dossier.',
  },
  {
    type: 'petition.created',
    schema: petitionDelivery,
    summary: 'A petition routed to the agency',
    description:
      'First routing, reassignment by another agency or escalation past a deadline (`routing`). Never the ' +
      "petitioner's identity: the agency answers through POST /v1/agency/petition-events.",
  },
  {
    type: 'support.handed',
    schema: supportDelivery,
    summary: 'A question to the support desk for the agency to answer',
    description:
      'The support desk hands a question to the agency responsible, or a citizen asks about a dossier the ' +
      "agency handles. Never the asker's identity: the agency answers through POST /v1/agency/support-events.",
  },
];

/** How long the portal waits for an agency's answer by default (the stage may set DISPATCH_POST_TIMEOUT_MS). */
const TIMEOUT_S = DISPATCH.postTimeoutSeconds;

/** What an agency's endpoint may answer a delivery, and what the portal does with each answer. */
export const WEBHOOK_RESPONSES: Json = {
  '2XX': {
    description:
      'Received: the delivery is acknowledged and not sent again (unless the agency asks for it with ' +
      'POST /v1/agency/redeliveries). The body is ignored.',
  },
  '410': {
    description:
      'Gone: the endpoint no longer takes deliveries. Every delivery to the agency pauses (nothing is lost: ' +
      'messages wait, then rest in the dead-letter queue) until an operator resumes the agency; the ' +
      'operators are alerted.',
  },
  '429': {
    description:
      'Too many requests: the delivery is tried again after the seconds Retry-After gives (an HTTP date ' +
      'is read too), capped at the longest backoff; without it, on the usual backoff. A 429 never counts ' +
      'towards pausing the agency.',
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before the next try, or an HTTP date.',
        required: false,
        schema: { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string' }] },
      },
    },
  },
  default: {
    description:
      `Not received (any other status, a refused connection, or no answer within ${TIMEOUT_S} seconds: ` +
      'the timeout). Tried again with capped, jittered backoff until the dead-letter queue; after a run ' +
      "of failures the circuit breaker pauses the agency's deliveries, which wait in the queue until a " +
      'probe delivery gets a 2xx.',
  },
};

function webhooks(ref: ReturnType<typeof schemaConverter>['ref']): Json {
  return Object.fromEntries(
    AGENCY_WEBHOOKS.map((w) => [
      w.type,
      {
        post: {
          operationId: `deliver_${w.type.replace('.', '_')}`,
          summary: w.summary,
          description:
            `${w.description}\n\nPOSTed as JSON to the agency's registered endpoint, signed with the agency's ` +
            `secret (Standard Webhooks). Any 2xx acknowledges it. Anything else, or no answer within ${TIMEOUT_S} ` +
            'seconds, is retried with backoff (429 with Retry-After: after the seconds it asks) until it goes to ' +
            'the dead-letter queue; 410 Gone pauses every delivery to the agency until an operator resumes them. ' +
            'The same webhook-id may arrive twice (retries, redeliveries): drop what you already hold.',
          tags: ['webhooks'],
          security: [],
          parameters: [
            {
              name: AGENCY_HEADER,
              in: 'header',
              required: true,
              description:
                'The agency this delivery is for (its id in GET /v1/agencies): one endpoint may serve every agency of a channel; pick the secret that verifies the signature by it.',
              schema: { type: 'string', minLength: 1, maxLength: 64 },
              example: 'bhxh-hn',
            },
            ...signatureHeaders('the agency'),
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: ref(w.schema, 'output'),
                ...(WEBHOOK_EXAMPLES[w.type] !== undefined ? { example: WEBHOOK_EXAMPLES[w.type] } : {}),
              },
            },
          },
          responses: WEBHOOK_RESPONSES,
        },
      },
    ]),
  );
}

/**
 * The document. `serverUrl` is the portal's public address (core/portal-url.ts: the local portal's, or the
 * stage's edge in AWS); without it, `/`: the server the document was read from.
 */
export function buildOpenApi(serverUrl?: string): Json {
  const { convert: toSchema, ref, components } = schemaConverter();
  const paths: Record<string, Record<string, Json>> = {};
  const usedErrors = new Set<number>();
  for (const route of cloudRoutes) {
    const examples = OPERATION_EXAMPLES[route.operationId];
    const responses: Record<string, Json> = {
      [route.status]: {
        description: 'OK',
        content: {
          [route.mediaType ?? 'application/json']: {
            schema: toSchema(route.response, 'output'),
            ...(examples?.response !== undefined ? { example: examples.response } : {}),
          },
          ...Object.fromEntries((route.alsoAs ?? []).map((type) => [type, { schema: { type: 'string' } }])),
        },
      },
    };
    if (route.seeOther)
      responses[303] = {
        description: route.seeOther,
        headers: { Location: { description: 'The page to go to.', schema: { type: 'string' } } },
      };
    for (const status of errorStatuses(route)) {
      usedErrors.add(status);
      responses[status] = { $ref: `#/components/responses/${errorResponseName(status)}` };
    }
    const op: Json = { operationId: route.operationId, summary: route.summary, tags: [route.fn], responses };
    op.description = accessText(route.access);
    op['x-cong-access'] = {
      ...route.access,
      ...(route.auth === 'citizen' ? { roles: rolesOf(route.access) } : {}),
    };
    const params = parameters(route, toSchema);
    if (params.length) op.parameters = params;
    if (route.body) {
      op.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: toSchema(route.body, 'input'),
            ...(examples?.requests ? { examples: examples.requests } : {}),
          },
        },
      };
    }
    op.security = security(route);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = op;
  }
  ref(errorBody, 'output');
  const schemas = components as Record<string, Json & { properties?: Record<string, Json> }>;
  // The codes an error can carry are exactly the catalogue's.
  const errorFields = schemas.Error?.properties?.error as { properties: Record<string, Json> } | undefined;
  if (errorFields) errorFields.properties.code = { type: 'string', enum: Object.keys(ERRORS) };
  const hooks = webhooks(ref);
  const tags = [...new Set(cloudRoutes.map((r) => r.fn)), 'webhooks'];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cổng — Cổng Dịch vụ công',
      version: '1.0.0',
      description:
        'National public service portal API. Errors: { error: { code, message, messageVi, details? } }. ' +
        "Agencies' systems receive the signed deliveries under webhooks and answer through /v1/agency/*.",
      license: { name: 'Proprietary', identifier: 'LicenseRef-Cong' },
    },
    servers: [
      { url: serverUrl ?? '/', description: serverUrl ? 'This stage' : 'The server this document came from' },
    ],
    tags: tags.map((name) => ({ name, description: TAG_TEXT[name] ?? name })),
    paths,
    webhooks: hooks,
    components: {
      schemas,
      responses: Object.fromEntries(
        [...usedErrors]
          .sort((a, b) => a - b)
          .map((status) => [errorResponseName(status), errorResponse(status)]),
      ),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        agencySignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description: `Standard Webhooks signature with the agency secret, with the webhook-id, webhook-timestamp and ${AGENCY_HEADER} headers.`,
        },
      },
    },
  };
}

/** What each function group's operations are about, for the document's navigation. */
const TAG_TEXT: Record<string, string> = {
  platform: 'Health, this document and its human-readable rendering',
  catalog: 'Procedures, agencies and questions and answers',
  uploads: 'Scanned documents for dossiers and petitions',
  intake: 'Submitting, supplementing and withdrawing dossiers',
  tracking: 'Following dossiers',
  agencyEvents: "Agencies' systems report steps of dossiers and petitions",
  agencyFiles: "Agencies' systems fetch the files of the dossiers routed to them",
  payments: 'Fees and bills paid online',
  me: "The signed-in person's own data",
  feedback: 'Ratings of how dossiers were handled',
  stats: "Agencies' performance",
  petitions: 'Petitions (phản ánh, kiến nghị)',
  webhooks: "What the portal delivers to agencies' systems",
};
