/**
 * The local API Gateway (HTTP API): matches requests against the one route table, hands each function
 * group a payload format 2.0 event built as AWS builds it, and writes the result back as AWS does. Dev
 * routes (test sign-in) are answered here; the citizen web page is served from web/ when it exists.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError, ERRORS, type ErrorCode } from '../../functions/core/errors.js';
import { zodDetails } from '../../functions/core/http.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../functions/core/json-depth.js';
import { apiSecurityHeaders, pageSecurityHeaders } from '../../functions/core/security-headers.js';
import { routes as allRoutes, type HttpFunction, type Route, routeKey } from '../../functions/routes.js';
import { devTokenRequest } from '../../schemas/dev.js';
import { devOutboxQuery } from '../../schemas/notification.js';
import type { DevAuth } from './dev-auth.js';
import { BodyTooLargeError, readBody, sendError, sendJson } from './http.js';
import {
  FunctionTimeoutError,
  FunctionUnavailableError,
  LOCAL_ACCOUNT,
  type LocalFunction,
} from './lambda.js';
import { createLog, errorFields, type Log } from './log.js';
import { LOOPBACK, listen, listenPreferring } from './net.js';
import type { OidcIssuer } from './oidc-issuer.js';
import { responseIssues } from './response-check.js';
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

// ---------------------------------------------------------------------------------------------------
// Route matching, with API Gateway's precedence: a literal segment beats a {param}, which beats {proxy+}.

interface CompiledRoute {
  route: Route;
  segments: Array<{ kind: 'literal'; value: string } | { kind: 'param' | 'greedy'; name: string }>;
}

export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

export type RouteLookup = { match: RouteMatch } | { allowed: string[] } | undefined;

function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s) => {
      const greedy = /^\{(.+)\+\}$/.exec(s);
      if (greedy) return { kind: 'greedy' as const, name: greedy[1]! };
      const param = /^\{(.+)\}$/.exec(s);
      if (param) return { kind: 'param' as const, name: param[1]! };
      return { kind: 'literal' as const, value: s };
    });
  return { route, segments };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function matchPath(
  c: CompiledRoute,
  parts: string[],
): { params: Record<string, string>; score: number[] } | undefined {
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < c.segments.length; i++) {
    const seg = c.segments[i]!;
    if (seg.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      const value = safeDecode(rest.join('/'));
      if (value === undefined) return undefined;
      params[seg.name] = value;
      score.push(0);
      return { params, score };
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    const decoded = safeDecode(part);
    if (decoded === undefined) return undefined;
    if (seg.kind === 'literal') {
      if (decoded !== seg.value) return undefined;
      score.push(2);
    } else {
      if (part === '') return undefined;
      params[seg.name] = decoded;
      score.push(1);
    }
  }
  return parts.length === c.segments.length ? { params, score } : undefined;
}

const moreSpecific = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d > 0;
  }
  return false;
};

export function createRouter(routes: readonly Route[]) {
  const compiled = routes.map(compile);
  return (method: string, rawPath: string): RouteLookup => {
    const parts = rawPath.split('/').slice(1);
    let best: { c: CompiledRoute; params: Record<string, string>; score: number[] } | undefined;
    const allowed = new Set<string>();
    for (const c of compiled) {
      const m = matchPath(c, parts);
      if (!m) continue;
      allowed.add(c.route.method);
      if (c.route.method !== method) continue;
      if (!best || moreSpecific(m.score, best.score)) best = { c, ...m };
    }
    if (best) return { match: { route: best.c.route, pathParameters: best.params } };
    return allowed.size ? { allowed: [...allowed].sort() } : undefined;
  };
}

// ---------------------------------------------------------------------------------------------------
// The payload format 2.0 event.

const TEXT_TYPES = [
  /^text\//,
  /^application\/(.+\+)?json$/,
  /^application\/(.+\+)?xml$/,
  /^application\/javascript$/,
  /^application\/x-www-form-urlencoded$/,
  /^application\/graphql$/,
  /^application\/(x-)?yaml$/,
];

export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  return TEXT_TYPES.some((re) => re.test(mime));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** API Gateway's `requestContext.time`: 12/Mar/2020:19:03:58 +0000. */
export function apiGatewayTime(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
}

function decodeQueryComponent(s: string): string {
  return safeDecode(s.replaceAll('+', ' ')) ?? s;
}

/** Duplicate keys are comma-joined, as format 2.0 does; undefined when there is no query. */
export function parseQuery(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decodeQueryComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryComponent(pair.slice(eq + 1));
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return Object.keys(out).length ? out : undefined;
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')}`;
}

export interface EventInput {
  req: IncomingMessage;
  route: Route;
  pathParameters: Record<string, string>;
  body: Buffer;
  requestId: string;
  receivedAt: Date;
  localPort: number;
}

export function buildEvent(input: EventInput): APIGatewayProxyEventV2 {
  const { req, route, body, receivedAt } = input;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQueryString = q === -1 ? '' : url.slice(q + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      // Format 2.0 moves cookies out of the headers into their own list.
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const sourceIp = (req.socket.remoteAddress ?? LOOPBACK).replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']},${sourceIp}`
    : sourceIp;
  headers['x-forwarded-port'] = String(input.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId();

  const host = headers.host ?? `${LOOPBACK}:${input.localPort}`;
  const key = routeKey(input.route);
  const queryStringParameters = parseQuery(rawQueryString);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split(/[.:]/)[0] ?? host,
      http: {
        method: route.method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: key,
      stage: '$default',
      time: apiGatewayTime(receivedAt),
      timeEpoch: receivedAt.getTime(),
    },
    ...(Object.keys(input.pathParameters).length ? { pathParameters: input.pathParameters } : {}),
    isBase64Encoded: false,
  };
  if (body.length > 0) {
    const text = isTextContentType(headers['content-type']);
    event.body = text ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

// ---------------------------------------------------------------------------------------------------
// Writing the function's answer back.

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Returns undefined for an answer API Gateway could not use (it would reply 500). */
export function toHttpResult(result: unknown): HttpResult | undefined {
  const inferred = (body: string): HttpResult => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body, 'utf8'),
  });
  if (typeof result === 'string') return inferred(result);
  if (result === undefined || result === null) return inferred('');
  if (typeof result !== 'object' || Array.isArray(result) || !('statusCode' in result)) {
    return inferred(JSON.stringify(result));
  }
  const r = result as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
    cookies?: unknown[];
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const status = Number(r.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  for (const [name, values] of Object.entries(r.multiValueHeaders ?? {})) {
    if (!Array.isArray(values)) continue;
    const key = name.toLowerCase();
    const prior = headers[key];
    headers[key] = [
      ...(prior === undefined ? [] : Array.isArray(prior) ? prior : [prior]),
      ...values.map(String),
    ];
  }
  if (Array.isArray(r.cookies) && r.cookies.length) {
    const prior = headers['set-cookie'];
    headers['set-cookie'] = [
      ...(prior === undefined ? [] : Array.isArray(prior) ? prior : [prior]),
      ...r.cookies.map(String),
    ];
  }
  const text = r.body === undefined || r.body === null ? '' : String(r.body);
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { status, headers, body };
}

// ---------------------------------------------------------------------------------------------------
// Static files for the citizen web page.

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The citizen page routes on the client (/thu-tuc/1.001612, /auth/callback): a browser asking for a page
 * address (HTML, not a file type the page serves, outside the API and the issuer — procedure codes such as
 * 1.001612 have dots) gets index.html; API clients asking for an unknown path still get the API's 404.
 */
const isPageAddress = (rawPath: string, accept: string | undefined) =>
  rawPath === '/' ||
  ((accept ?? '').includes('text/html') &&
    !/^\/(v1|dev)(\/|$)/.test(rawPath) &&
    !(extname(rawPath.split('/').pop() ?? '').toLowerCase() in MIME));

/** The precompressed body the browser accepts, brotli first. */
function encoded(asset: WebAsset, acceptEncoding: string | undefined): { body: Buffer; encoding?: string } {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !/^q=0(\.0*)?$/.test(q?.trim() ?? ''))
      .map(([name]) => name?.trim()),
  );
  const accepts = (name: string) => accepted.has(name);
  if (asset.br && accepts('br')) return { body: asset.br, encoding: 'br' };
  if (asset.gzip && accepts('gzip')) return { body: asset.gzip, encoding: 'gzip' };
  return { body: asset.body };
}

function staticFile(webDir: string | undefined, rawPath: string): string | undefined {
  if (!webDir || !existsSync(join(webDir, 'index.html'))) return undefined;
  const decoded = safeDecode(rawPath);
  if (decoded === undefined || decoded.includes('\0')) return undefined;
  const root = resolve(webDir);
  let file = normalize(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------

/** API Gateway's request id shape (apigw-requestid header). */
const newRequestId = () => randomBytes(11).toString('base64');

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? createLog({ src: 'api' });
  const route = createRouter(options.routes ?? allRoutes);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let isOpen = options.open ?? true;
  let dev = options.dev;
  let issuer = options.issuer;
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

    const fn = options.functionFor(r.fn);
    if (!fn) return fail('FUNCTION_UNAVAILABLE', { routeKey: key });
    const event = buildEvent({ req, route: r, pathParameters, body, requestId, receivedAt, localPort: port });
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
