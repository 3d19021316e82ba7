/** The payload format 2.0 event API Gateway hands a function, and the function's answer read back. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Route, routeKey } from '../../functions/routes.js';
import { safeDecode } from './api-routing.js';
import { LOCAL_ACCOUNT } from './lambda.js';
import { LOOPBACK } from './net.js';

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
  /** The claims of the token the gateway's JWT authorizer verified (lib/local/api-authorizer.ts). */
  claims?: Record<string, string>;
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
      ...(input.claims ? { authorizer: { jwt: { claims: input.claims, scopes: null } } } : {}),
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
