/**
 * The HTTP side of every function group: a middy stack (header normalisation, route resolution,
 * authentication, JSON body parsing, zod validation, one error handler) in front of plain operations.
 * Each group is one Lambda built from its own routes (functions/<group>/routes.ts): API Gateway's
 * routeKey picks the operation among them, and the bundle carries no other group's schemas.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { type OwnershipReader, objectAccess } from './access.js';
import { authenticatePerson, type Principal } from './auth.js';
import { config } from './config.js';
import { isItemTooLarge, isThrottled } from './dynamo-errors.js';
import { clientAddress, edgeOrigin } from './edge-origin.js';
import { AppError } from './errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { correlate, logger } from './logger.js';
import { enforceRateLimit, type RateLimitPorts, rateLimitSubjects } from './rate-limit.js';
import type { ApiRequest, ApiResult, Operations, Route } from './route.js';
import { routeKey } from './route.js';
import { isPersonal, rolesOf } from './route-access.js';
import { apiSecurityHeaders, DOCS_CONTENT_SECURITY_POLICY } from './security-headers.js';
import { signedGetContent } from './signed-get.js';

export type {
  ApiRequest,
  ApiResult,
  BodilessResult,
  Operation,
  Operations,
  RawResult,
  RequestOf,
  ResultOf,
} from './route.js';

type PortalEvent = APIGatewayProxyEventV2 & { portal?: ApiRequest };
type Result = APIGatewayProxyStructuredResultV2;

const JSON_TYPE = 'application/json; charset=utf-8';
const BODY_LIMIT_BYTES = 1024 * 1024;

import { zodDetails } from './validation-details.js';

export { type ErrorDetail, zodDetails } from './validation-details.js';

function json(status: number, body: unknown, extra: Record<string, string> = {}): Result {
  return { statusCode: status, headers: { 'content-type': JSON_TYPE, ...extra }, body: JSON.stringify(body) };
}

/** Picks the route by API Gateway's routeKey; a function group only answers its own routes. */
const resolveRoute = (routes: readonly Route[]): MiddlewareObj<PortalEvent, Result> => {
  const own = new Map(routes.map((x) => [routeKey(x), x]));
  return {
    before: (request) => {
      const event = request.event;
      const route = own.get(event.routeKey);
      if (!route) throw new AppError('NOT_FOUND');
      const raw = event.body ?? '';
      const rawBody = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (Buffer.byteLength(rawBody) > BODY_LIMIT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE');
      event.portal = {
        route,
        params: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
        body: undefined,
        rawBody,
        headers: event.headers as Record<string, string | undefined>,
        principal: null,
        requestId: event.requestContext?.requestId ?? 'unknown',
      };
    },
  };
};

const portalOf = (event: PortalEvent): ApiRequest => {
  if (!event.portal) throw new Error('route not resolved');
  return event.portal;
};

/**
 * Verifiers for machine callers, passed in by the function groups that serve such routes, so only
 * those groups carry (and load) the secret-store client.
 */
export interface Verifiers {
  agency?: (
    headers: Record<string, string | undefined>,
    /** The raw body, or for a GET what it signs (core/signed-get.ts). */
    signedContent: string,
  ) => Promise<Principal>;
  /** For groups serving owned-object routes: reads an object's ownership fields (core/access-store.ts). */
  ownership?: OwnershipReader;
  /** For groups serving abuse-limited routes: the shared counters (core/rate-limit-store.ts). */
  rateLimits?: () => RateLimitPorts;
}

/**
 * What a signed request's signature covers: the raw body, or for a GET its method and path as the route
 * names it (stage or base-path prefixes never matter) with the query string as sent.
 */
function signedContent(req: ApiRequest, event: PortalEvent): string {
  if (req.route.method !== 'GET') return req.rawBody;
  const params = (event.pathParameters ?? {}) as Record<string, string | undefined>;
  const path = req.route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
  return signedGetContent(event.rawQueryString ? `${path}?${event.rawQueryString}` : path);
}

/** The claims API Gateway's JWT authorizer verified, when the route has one (payload format 2.0). */
const authorizerClaims = (event: PortalEvent) =>
  (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } } | undefined)
    ?.authorizer?.jwt?.claims;

/** Authentication by the route's declared mode; signatures are checked over the raw body (GET: its path). */
const authenticate = (verifiers: Verifiers): MiddlewareObj<PortalEvent, Result> => ({
  before: async (request) => {
    const req = portalOf(request.event);
    switch (req.route.auth) {
      case 'citizen': {
        // In AWS the route's JWT authorizer has verified the token and passes its claims.
        const person = await authenticatePerson(req.headers.authorization, authorizerClaims(request.event));
        req.principal = person;
        if (person.kind === 'person' && !rolesOf(req.route.access).includes(person.role))
          throw new AppError('FORBIDDEN');
        break;
      }
      case 'agency':
        if (!verifiers.agency) throw new Error('agency route without an agency verifier');
        req.principal = await verifiers.agency(req.headers, signedContent(req, request.event));
        break;
      case 'public':
      case 'dev':
        break;
      case 'payment':
        // Payment providers sign in their own formats; their operations verify the signature themselves.
        break;
    }
  },
});

/**
 * Abuse limits on the routes the table marks (`rateLimit`): per account and per client address, after
 * authentication so the account is known, and after validation so a request refused for its form costs
 * no allowance (API Gateway's route throttling caps floods of those). The store loads only in the
 * groups that serve such routes.
 */
const rateLimit = (store: Verifiers['rateLimits']): MiddlewareObj<PortalEvent, Result> => {
  let ports: RateLimitPorts | undefined;
  return {
    before: async (request) => {
      const req = portalOf(request.event);
      const limitClass = req.route.rateLimit;
      if (!limitClass || config().CONG_RATE_LIMITS === 'off') return;
      if (!store) throw new Error(`${limitClass}-limited route without a rate-limit store`);
      ports ??= store();
      const cfg = config();
      // Behind the edge (the check passed) the viewer's address, not the CloudFront server's.
      const address = clientAddress(
        req.headers,
        request.event.requestContext?.http?.sourceIp,
        cfg.EDGE_ORIGIN_CHECK === 'on',
      );
      const claim = await enforceRateLimit(ports, cfg.RATE_LIMITS[limitClass], {
        limitClass,
        ...rateLimitSubjects(req.principal, address),
        now: Date.now(),
        ...(req.route.accountLimitAt ? { accountAt: req.route.accountLimitAt } : {}),
      });
      if (claim) req.accountLimit = claim;
    },
  };
};

const jsonBody = (): MiddlewareObj<PortalEvent, Result> => ({
  before: (request) => {
    const req = portalOf(request.event);
    if (!req.route.body) return;
    // A request with nothing to say (a withdrawal without a note, sent with no body and no content type)
    // reads as an empty object; the route's schema then says what, if anything, is missing.
    if (!req.headers['content-type'] && req.rawBody.trim() === '') {
      req.body = {};
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    if (nestsDeeperThan(req.rawBody)) throw new AppError('JSON_TOO_DEEP', { maxDepth: MAX_JSON_DEPTH });
    try {
      req.body = JSON.parse(req.rawBody);
    } catch {
      throw new AppError('MALFORMED_JSON');
    }
  },
});

/** Path, query, headers and body through the route's zod schemas; handlers see only parsed input. */
const validate = (): MiddlewareObj<PortalEvent, Result> => ({
  before: (request) => {
    const req = portalOf(request.event);
    const issues: ReturnType<typeof zodDetails> = [];
    const check = (part: 'params' | 'query' | 'body', schema: z.ZodType | undefined) => {
      if (!schema) return;
      const parsed = schema.safeParse(req[part]);
      if (parsed.success) req[part] = parsed.data;
      else
        for (const i of zodDetails(parsed.error))
          issues.push({ ...i, path: [part, i.path].filter(Boolean).join('.') });
    };
    check('params', req.route.params);
    check('query', req.route.query);
    if (issues.length) throw new AppError('VALIDATION_FAILED', issues);
    for (const h of req.route.requiredHeaders ?? []) {
      const value = req.headers[h];
      if (h === 'idempotency-key') {
        if (!value) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
        if (!/^[A-Za-z0-9_.:-]{8,128}$/.test(value)) {
          throw new AppError('VALIDATION_FAILED', [
            {
              path: 'headers.idempotency-key',
              code: 'invalid_format',
              message: '8–128 letters, digits or _.:-',
              messageVi: 'Từ 8 đến 128 ký tự: chữ, số hoặc _.:-',
            },
          ]);
        }
      } else if (!value) {
        throw new AppError('VALIDATION_FAILED', [
          { path: `headers.${h}`, code: 'required', message: 'required' },
        ]);
      }
    }
    check('body', req.route.body);
    if (issues.length) throw new AppError('VALIDATION_FAILED', issues);
  },
});

/** Seconds a caller waits before sending a throttled request again: a partition's limit is per second. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/** The answer to a request the table refused for load: 503, Retry-After, nothing saved. */
export function busy(): AppError {
  const err = new AppError('SERVICE_BUSY');
  err.headers = { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) };
  return err;
}

/** The one place errors become responses: AppErrors as they are, anything else as a bare 500. */
const errorResponses = (): MiddlewareObj<PortalEvent, Result> => ({
  onError: (request) => {
    const requestId = request.event.requestContext?.requestId ?? 'unknown';
    let err = request.error;
    if (isItemTooLarge(err)) {
      // A body bound is missing somewhere: worth a look, but the caller's answer is a clear 413.
      logger.warn('record too large for the table', { requestId, routeKey: request.event.routeKey });
      err = new AppError('PAYLOAD_TOO_LARGE');
    }
    if (isThrottled(err)) {
      // Over a partition's or the account's limit even after the SDK's retries: nothing was written,
      // so the caller may send the same request again (with its Idempotency-Key) once the peak eases.
      logger.warn('throttled by the table', {
        requestId,
        routeKey: request.event.routeKey,
        error: (err as Error).name,
      });
      err = busy();
    }
    if (err instanceof AppError) {
      if (err.status >= 500) logger.error('request failed', { code: err.code, requestId });
      request.response = json(err.status, err.toBody(), { ...err.headers, 'x-request-id': requestId });
      return;
    }
    logger.error('unhandled error', { requestId, error: err as Error });
    request.response = json(500, new AppError('INTERNAL').toBody(), { 'x-request-id': requestId });
  },
});

/**
 * Every answer, success or error, leaves with the API's security headers, over whatever the operation
 * set; HSTS when API Gateway says the request came over HTTPS.
 */
const securityHeaders = (): MiddlewareObj<PortalEvent, Result> => {
  const add = (request: { event: PortalEvent; response: Result | null }) => {
    if (!request.response) return;
    const https = request.event.headers?.['x-forwarded-proto'] === 'https';
    // Only the documentation page's fixed policy may replace the API's; no other answer can loosen it.
    const docs = request.response.headers?.['content-security-policy'] === DOCS_CONTENT_SECURITY_POLICY;
    request.response.headers = { ...request.response.headers, ...apiSecurityHeaders({ https, docs }) };
  };
  return { after: add, onError: add };
};

/** Every log line of the request carries its request id, the same the answer's x-request-id names. */
const correlation = (): MiddlewareObj<PortalEvent, Result> => ({
  before: (request) => {
    correlate(request.event.requestContext?.requestId, request.context);
  },
});

const accessLog = (): MiddlewareObj<PortalEvent, Result> => {
  const started = new WeakMap<object, number>();
  const log = (request: { event: PortalEvent; response: Result | null }) => {
    const t0 = started.get(request.event) ?? Date.now();
    logger.info('request', {
      routeKey: request.event.routeKey,
      requestId: request.event.requestContext?.requestId,
      status: request.response?.statusCode,
      ms: Date.now() - t0,
      caller: request.event.portal?.principal?.kind,
      reach: request.event.portal?.reach,
    });
  };
  return {
    before: (request) => {
      started.set(request.event, Date.now());
    },
    after: log,
    onError: log,
  };
};

/**
 * Builds one function group's Lambda handler from its routes (functions/<group>/routes.ts) and one
 * operation per route, each typed by its route's schemas.
 */
export function httpFunction<const G extends readonly Route[]>(
  own: G,
  operations: Operations<G>,
  verifiers: Verifiers = {},
) {
  const fn = [...new Set(own.map((x) => x.fn))].join(', ');
  const byId = operations as Record<string, (req: ApiRequest) => Promise<ApiResult>>;
  const missing = own.filter((x) => !byId[x.operationId]).map((x) => x.operationId);
  if (missing.length) throw new Error(`function group ${fn} lacks operations: ${missing.join(', ')}`);
  if (own.some((x) => x.auth === 'agency') && !verifiers.agency)
    throw new Error(`${fn} serves agency routes without a verifier`);
  if (own.some((x) => x.rateLimit) && !verifiers.rateLimits)
    throw new Error(`${fn} serves abuse-limited routes without a rate-limit store`);
  if (own.some((x) => x.access.kind === 'owned') && !verifiers.ownership)
    throw new Error(`${fn} serves owned-object routes without an ownership reader`);

  const dispatch = async (event: PortalEvent, _context: Context): Promise<Result> => {
    const req = portalOf(event);
    const operation = byId[req.route.operationId]!;
    const result = await operation(req);
    const status = result.status ?? req.route.status;
    // A personal answer is never stored by a cache, whatever the operation says.
    const headers = {
      'x-request-id': req.requestId,
      ...result.headers,
      ...(isPersonal(req.route.access) ? { 'cache-control': 'no-store' } : {}),
    };
    if (result.raw) {
      return {
        statusCode: status,
        headers: { ...headers, 'content-type': result.raw.contentType },
        body: result.raw.text,
      };
    }
    return json(status, result.body, headers);
  };

  return (
    middy<PortalEvent, Result>()
      .use(correlation())
      .use(securityHeaders())
      .use(accessLog())
      .use(errorResponses())
      .use(httpHeaderNormalizer())
      // First after the headers are readable: a request that bypassed the edge costs nothing more.
      .use(edgeOrigin<PortalEvent, Result>())
      .use(resolveRoute(own))
      .use(authenticate(verifiers))
      .use(jsonBody())
      .use(validate())
      .use(rateLimit(verifiers.rateLimits))
      .use(objectAccess(verifiers.ownership))
      .handler(dispatch)
  );
}

/** Narrows an authenticated request to a person (routes with auth 'citizen'). */
export function personOf(req: ApiRequest) {
  if (req.principal?.kind !== 'person') throw new AppError('UNAUTHENTICATED');
  return req.principal;
}

export function agencyOf(req: ApiRequest) {
  if (req.principal?.kind !== 'agency') throw new AppError('INVALID_SIGNATURE');
  return req.principal;
}
