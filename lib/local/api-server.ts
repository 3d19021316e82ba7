/**
 * The local API Gateway (HTTP API): matches requests against the one route table, hands each function
 * group a payload format 2.0 event built as AWS builds it, and writes the result back as AWS does. Dev
 * routes (test sign-in) are answered here; the citizen web page is served from web/ when it exists.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError, ERRORS, type ErrorCode } from '../../functions/core/errors.js';
import { zodDetails } from '../../functions/core/http.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../functions/core/json-depth.js';
import { apiSecurityHeaders, pageSecurityHeaders } from '../../functions/core/security-headers.js';
import { routes as allRoutes, type HttpFunction, type Route, routeKey } from '../../functions/routes.js';
import { devTokenRequest } from '../../schemas/dev.js';
import { devOutboxQuery } from '../../schemas/notification.js';
import { hasJwtAuthorizer, type LocalAuthorizer, localAuthorizer } from './api-authorizer.js';
import { buildEvent, parseQuery, toHttpResult } from './api-event.js';
import { createRouter } from './api-routing.js';
import type { DevAuth } from './dev-auth.js';
import { BodyTooLargeError, readBody, sendError, sendJson } from './http.js';
import { FunctionTimeoutError, FunctionUnavailableError, type LocalFunction } from './lambda.js';
import { createLog, errorFields, type Log } from './log.js';
import { LOOPBACK, listen, listenPreferring } from './net.js';
import type { OidcIssuer } from './oidc-issuer.js';
import { responseIssues } from './response-check.js';
import { encoded, isPageAddress, MIME, staticFile } from './web-files.js';
import type { WebAsset } from './web-page.js';

/** What API Gateway hands a function group, and what it may answer. */
export type HttpFunctionInstance = LocalFunction<APIGatewayProxyEventV2, unknown>;

export type ServedFunction = Exclude<HttpFunction, 'dev'>;

export interface ApiServerOptions {
  /** Exact port (fails when taken); 0 or absent = a free one, `preferPort` first when given. */
  port?: number;
  preferPort?: number;
  host?: string;
  routes?: readonly Route[];
  /** The function behind a group, or undefined when the group is not wired (→ 501). */
  functionFor: (fn: ServedFunction) => HttpFunctionInstance | undefined;
  dev?: DevAuth;
  /** The local OIDC issuer (discovery, login page, token, userinfo, logout under the dev issuer URL). */
  issuer?: OidcIssuer;
  /** The notifications the local transport sent (`GET /dev/outbox`). */
  devOutbox?: (filter: { dossierCode?: string; limit: number }) => Promise<unknown[]>;
  /** Folder of the citizen web page; served at `/` only while it holds an index.html. */
  webDir?: string;
  /** Generated files of the page (its bundled script, config.json), served before webDir's. */
  webAssets?: ReadonlyMap<string, WebAsset>;
  /**
   * The page's security headers, read per request (its config, which names the issuer, is known only
   * once the gateway listens); default: a page that talks to its own origin only.
   */
  pageHeaders?: () => Record<string, string>;
  maxBodyBytes?: number;
  /** Check each JSON success answer against its route's response schema; a drift is a 500 (response-check.ts). */
  checkResponses?: boolean;
  /** False: answer 503 until `open()` (the environment handlers read is not set yet). */
  open?: boolean;
  log?: Log;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  open(dev?: DevAuth, issuer?: OidcIssuer): void;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Headers browsers may send to the portal (CORS preflight answer). */
const CORS_ALLOWED_HEADERS =
  'authorization, content-type, idempotency-key, webhook-id, webhook-timestamp, webhook-signature, cong-agency-id';
const CORS_EXPOSED_HEADERS = 'apigw-requestid, location, retry-after';

/** On the gateway's own JSON answers; the local cloud is plain http, so no HSTS. */
const API_SECURITY_HEADERS = apiSecurityHeaders({ https: false });

/** API Gateway's request id shape (apigw-requestid header). */
const newRequestId = () => randomBytes(11).toString('base64');

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? createLog({ src: 'api' });
  const route = createRouter(options.routes ?? allRoutes);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let isOpen = options.open ?? true;
  let dev = options.dev;
  let issuer = options.issuer;
  // API Gateway's JWT authorizer, over the local issuer's keys (built on the first request that needs it).
  let authorizer: { dev: DevAuth; verifier: LocalAuthorizer } | undefined;
  let port = 0;
  const pageHeaders =
    options.pageHeaders ?? (() => pageSecurityHeaders({ apiUrl: '', issuer: '' }, { https: false }));

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    const own = [`http://${LOOPBACK}:${port}`, `http://localhost:${port}`];
    if (!origin || !own.includes(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': CORS_EXPOSED_HEADERS,
      vary: 'origin',
    };
  };

  async function serveDev(
    res: ServerResponse,
    r: Route,
    body: Buffer,
    headers: Record<string, string>,
    rawQuery = '',
  ): Promise<number> {
    if (!dev) {
      sendError(res, 'NOT_FOUND', undefined, headers);
      return 404;
    }
    if (r.operationId === 'devJwks') {
      sendJson(res, 200, dev.jwks(), { ...headers, 'cache-control': 'max-age=300' });
      return 200;
    }
    if (r.operationId === 'devOutbox') {
      const query = devOutboxQuery.safeParse(parseQuery(rawQuery) ?? {});
      if (!query.success) {
        const details = zodDetails(query.error).map((d) => ({
          ...d,
          path: ['query', d.path].filter(Boolean).join('.'),
        }));
        sendError(res, 'VALIDATION_FAILED', details, headers);
        return 400;
      }
      const items = options.devOutbox ? await options.devOutbox(query.data) : [];
      sendJson(res, 200, { items }, { ...headers, 'cache-control': 'no-store' });
      return 200;
    }
    const text = body.toString('utf8');
    if (nestsDeeperThan(text)) {
      sendError(res, 'JSON_TOO_DEEP', { maxDepth: MAX_JSON_DEPTH }, headers);
      return 400;
    }
    let json: unknown;
    try {
      json = JSON.parse(text || 'null');
    } catch {
      sendError(res, 'MALFORMED_JSON', undefined, headers);
      return 400;
    }
    const parsed = devTokenRequest.safeParse(json);
    if (!parsed.success) {
      const details = zodDetails(parsed.error).map((d) => ({
        ...d,
        path: ['body', d.path].filter(Boolean).join('.'),
      }));
      sendError(res, 'VALIDATION_FAILED', details, headers);
      return 400;
    }
    sendJson(res, 200, await dev.issueToken(parsed.data), { ...headers, 'cache-control': 'no-store' });
    return 200;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string) {
    const started = Date.now();
    const receivedAt = new Date(started);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0]!;
    const base: Record<string, string> = { 'apigw-requestid': requestId, ...corsHeaders(req) };
    // The gateway's own answers; a function's answer carries its own (functions/core/http.ts).
    const own = () => ({ ...base, ...API_SECURITY_HEADERS });
    const done = (status: number, fields: Record<string, unknown> = {}) =>
      log.info('request', { requestId, method, status, ms: Date.now() - started, ...fields });
    const fail = (code: ErrorCode, fields: Record<string, unknown> = {}, details?: unknown) => {
      if (!res.headersSent) sendError(res, code, details, own());
      done(ERRORS[code].status, fields);
    };

    if (!isOpen) return fail('SERVICE_UNAVAILABLE');

    // A browser's CORS preflight is answered by the gateway, never by a function.
    if (
      method === 'OPTIONS' &&
      req.headers['access-control-request-method'] &&
      base['access-control-allow-origin']
    ) {
      const found = route(String(req.headers['access-control-request-method']), rawPath);
      res.writeHead(204, {
        ...own(),
        'access-control-allow-methods': 'GET, POST, PUT, DELETE',
        'access-control-allow-headers': CORS_ALLOWED_HEADERS,
        'access-control-max-age': '600',
      });
      res.end();
      return done(204, { preflight: true, known: Boolean(found && 'match' in found) });
    }

    if (issuer && rawPath.startsWith('/dev/')) {
      const status = await issuer.handle(req, res, own());
      if (status !== undefined) return done(status, { oidc: rawPath });
    }

    const found = route(method, rawPath);
    if (!found || 'allowed' in found) {
      if (method === 'GET' || method === 'HEAD') {
        // The page's own routes (the sign-in callback) load the page itself.
        const page =
          !options.webAssets?.has(rawPath) && isPageAddress(rawPath, req.headers.accept)
            ? '/index.html'
            : rawPath;
        const asset = options.webAssets?.get(page);
        if (asset) {
          const { body, encoding } = encoded(asset, req.headers['accept-encoding']);
          res.writeHead(200, {
            ...base,
            ...pageHeaders(),
            'content-type': asset.type,
            'content-length': body.length,
            'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
            ...(encoding ? { 'content-encoding': encoding } : {}),
            ...(asset.gzip || asset.br ? { vary: 'accept-encoding' } : {}),
          });
          res.end(method === 'HEAD' ? undefined : body);
          return done(200, { static: true });
        }
        // A built page is whole: its sources in webDir are not served beside it.
        const file = options.webAssets?.has('/index.html') ? undefined : staticFile(options.webDir, page);
        if (file) {
          const content = await readFile(file);
          res.writeHead(200, {
            ...base,
            ...pageHeaders(),
            'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
            'content-length': content.length,
            'cache-control': 'no-cache',
          });
          res.end(method === 'HEAD' ? undefined : content);
          return done(200, { static: true });
        }
      }
      if (found) {
        base.allow = found.allowed.join(', ');
        return fail('METHOD_NOT_ALLOWED');
      }
      return fail('NOT_FOUND');
    }

    const { route: r, pathParameters } = found.match;
    const key = routeKey(r);
    let body: Buffer;
    try {
      body = await readBody(req, maxBody);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        return fail('PAYLOAD_TOO_LARGE', { routeKey: key }, { maxBytes: maxBody });
      }
      throw err;
    }

    if (r.fn === 'dev') {
      const status = await serveDev(res, r, body, own(), url.split('?')[1] ?? '');
      return done(status, { routeKey: key });
    }

    // As in AWS, a route with the JWT authorizer reaches its function only with a valid token, and the
    // function receives the token's claims in the event this gateway builds, never from the client.
    let claims: Record<string, string> | undefined;
    if (hasJwtAuthorizer(r.auth)) {
      if (dev && authorizer?.dev !== dev) authorizer = { dev, verifier: localAuthorizer(dev) };
      claims = authorizer ? await authorizer.verifier.authorize(req.headers.authorization) : undefined;
      // The answer the functions gave when they verified tokens themselves: the API's own 401.
      if (!claims) {
        base['x-request-id'] = requestId;
        return fail('UNAUTHENTICATED', { routeKey: key, authorizer: 'refused' });
      }
    }

    const fn = options.functionFor(r.fn);
    if (!fn) return fail('FUNCTION_UNAVAILABLE', { routeKey: key });
    const event = buildEvent({
      req,
      route: r,
      pathParameters,
      body,
      requestId,
      receivedAt,
      localPort: port,
      ...(claims ? { claims } : {}),
    });
    let result: unknown;
    try {
      result = await fn.invoke(event);
    } catch (err) {
      if (err instanceof FunctionUnavailableError) return fail('FUNCTION_UNAVAILABLE', { routeKey: key });
      log.error(err instanceof FunctionTimeoutError ? 'function timed out' : 'function failed', {
        requestId,
        routeKey: key,
        fn: fn.name,
        ...errorFields(err),
      });
      return fail('INTERNAL', { routeKey: key });
    }
    const out = toHttpResult(result);
    if (!out) {
      log.error('function returned a malformed response', { requestId, routeKey: key, fn: fn.name });
      return fail('INTERNAL', { routeKey: key });
    }
    const issues = options.checkResponses ? responseIssues(r, out) : undefined;
    if (issues) {
      log.error('response does not match its schema', { requestId, routeKey: key, fn: fn.name, issues });
      return fail('INTERNAL', { routeKey: key });
    }
    res.writeHead(out.status, { ...out.headers, ...base, 'content-length': out.body.length });
    res.end(out.body);
    done(out.status, { routeKey: key });
  }

  const server = createServer((req, res) => {
    const requestId = newRequestId();
    handle(req, res, requestId).catch((err: unknown) => {
      log.error('request failed', { requestId, ...errorFields(err) });
      if (!res.headersSent)
        sendJson(res, 500, new AppError('INTERNAL').toBody(), {
          'apigw-requestid': requestId,
          ...API_SECURITY_HEADERS,
        });
      else res.destroy();
    });
  });
  // Keep-alive sockets must not hold a stopping portal open.
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? LOOPBACK;
  port = options.port
    ? await listen(server, options.port, host)
    : await listenPreferring(server, options.preferPort, host);
  const url = `http://${host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    server,
    open(devAuth, oidcIssuer) {
      if (devAuth) dev = devAuth;
      if (oidcIssuer) issuer = oidcIssuer;
      isOpen = true;
    },
    close: () => {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
