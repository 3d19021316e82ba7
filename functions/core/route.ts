/**
 * Routes as typed values. A function group declares its routes with `defineRoute` in its own
 * `routes.ts`; its operations then receive params, query and body typed from the route's zod schemas
 * and must return the response schema's type, so no handler casts a request part. `functions/routes.ts`
 * concatenates every group's routes into the one table CDK, the local server and OpenAPI read.
 */
import type * as z from 'zod';
import type { Reach } from './access.js';
import type { Principal } from './auth.js';
import type { RateClaim, RateLimitClass } from './rate-limit.js';
import {
  type AuthMode,
  authOfAccess,
  type HttpFunction,
  type HttpMethod,
  type RouteAccess,
} from './route-access.js';

export interface Route {
  method: HttpMethod;
  path: string;
  fn: HttpFunction;
  operationId: string;
  /** Derived from `access` by `defineRoute` (authOfAccess): declared once per route. */
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
  /**
   * `commit`: the operation is one transaction and counts the account inside it (`accountLimit` on the
   * request) instead of in a write of its own before the work; the address is still counted first.
   */
  accountLimitAt?: 'commit';
  /** A 303 the route answers instead of its success body in some cases: when, and where it points. */
  seeOther?: string;
}

type Schema = z.ZodType | undefined;

/** A route that keeps its operation id and schemas in its type. */
export type TypedRoute<
  O extends string = string,
  P extends Schema = Schema,
  Q extends Schema = Schema,
  B extends Schema = Schema,
  R extends z.ZodType = z.ZodType,
> = Route & { operationId: O; params?: P; query?: Q; body?: B; response: R };

/** A route as its group writes it: everything but `auth`, which its access rule decides. */
export type RouteDefinition<
  O extends string,
  P extends Schema,
  Q extends Schema,
  B extends Schema,
  R extends z.ZodType,
> = Omit<Route, 'auth' | 'operationId' | 'params' | 'query' | 'body' | 'response'> & {
  operationId: O;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
};

export function defineRoute<
  const O extends string,
  R extends z.ZodType,
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
>(route: RouteDefinition<O, P, Q, B, R>): TypedRoute<O, P, Q, B, R> {
  return { ...route, auth: authOfAccess(route.access) } as TypedRoute<O, P, Q, B, R>;
}

/** API Gateway's route key, which is also how a function group picks the operation. */
export const routeKey = (x: Pick<Route, 'method' | 'path'>) => `${x.method} ${x.path}`;

/** What a validated request part holds: the schema's output, or nothing known when the route has none. */
type Parsed<S> = [NonNullable<S>] extends [never] ? unknown : z.output<NonNullable<S>>;

export interface ApiRequest<P = unknown, Q = unknown, B = unknown> {
  route: Route;
  params: P;
  query: Q;
  body: B;
  rawBody: string;
  headers: Record<string, string | undefined>;
  principal: Principal | null;
  requestId: string;
  /** On routes of an owned object: how the caller reached it (owner, enterprise, filer, agency). */
  reach?: Reach;
  /** On routes with `accountLimitAt: 'commit'`: the account's counter, for the operation's transaction. */
  accountLimit?: RateClaim;
}

export interface ApiResult<T = unknown> {
  status?: number;
  body: T;
  headers?: Record<string, string>;
  /** A body in another format the route offers (e.g. CSV): sent as is with its own content type. */
  raw?: { contentType: string; text: string };
}

/** A bodiless answer (304 Not Modified, a 303 redirect) instead of the route's success body. */
export interface BodilessResult {
  status: 204 | 303 | 304;
  body: undefined;
  headers?: Record<string, string>;
  /** An empty body of another media type, for clients that want one. */
  raw?: { contentType: string; text: string };
}

/** A page or a script in the route's own media type (`mediaType`): no JSON body at all. */
export interface RawResult {
  status?: number;
  body: null;
  headers?: Record<string, string>;
  raw: { contentType: string; text: string };
}

/** The request an operation of this route receives, typed from its schemas. */
export type RequestOf<R extends Route> = ApiRequest<
  Parsed<R['params']>,
  Parsed<R['query']>,
  Parsed<R['body']>
>;

/** What an operation of this route answers: its response schema's type (or a bodiless status). */
export type ResultOf<R extends Route> = ApiResult<z.input<R['response']>> | BodilessResult | RawResult;

export type Operation<R extends Route = Route> = (req: RequestOf<R>) => Promise<ResultOf<R>>;

/** One operation per route of a group, keyed by operation id. */
export type Operations<G extends readonly Route[]> = {
  [O in G[number]['operationId']]: Operation<Extract<G[number], { operationId: O }>>;
};
