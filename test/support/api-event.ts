/** Builds API Gateway HTTP API (payload v2.0) events for calling handlers directly in unit tests. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { routes } from '../../functions/routes.js';

export interface EventInput {
  routeKey: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | object;
  /** The claims API Gateway's JWT authorizer hands the function (routes that have it in AWS). */
  claims?: Record<string, string>;
}

export function apiEvent(input: EventInput): APIGatewayProxyEventV2 {
  if (!routes.some((r) => `${r.method} ${r.path}` === input.routeKey))
    throw new Error(`no route ${input.routeKey}`);
  const [method, template] = input.routeKey.split(' ') as [string, string];
  const path =
    input.path ??
    template.replace(/\{(\w+)\}/g, (_m, name: string) => input.pathParameters?.[name] ?? `{${name}}`);
  const body = typeof input.body === 'object' ? JSON.stringify(input.body) : input.body;
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: {
      ...(typeof input.body === 'object' ? { 'Content-Type': 'application/json' } : {}),
      ...input.headers,
    },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: input.routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(input.claims ? { authorizer: { jwt: { claims: input.claims, scopes: null } } } : {}),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

export const lambdaContext = {
  functionName: 'test',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export async function call(handler: Handler, input: EventInput) {
  const res = await handler(apiEvent(input), lambdaContext);
  return {
    status: res.statusCode,
    headers: res.headers ?? {},
    body: res.body ? JSON.parse(res.body) : undefined,
  };
}
