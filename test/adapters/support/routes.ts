/**
 * The portal's HTTP API without the whole portal: each request is matched in the one route table, made
 * into the payload 2.0 event API Gateway would send, and given to its group's real handler, run as the
 * local cloud runs it, against a table of its own in the tier's shared DynamoDB Local (and local S3 when
 * asked). Citizens sign in with the local portal's dev tokens. No streams, queues, simulator or
 * schedules run: a flow that needs one of them belongs in the system tier.
 */

import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { resetConfig } from '../../../functions/core/config.js';
import { functions } from '../../../functions/deployment.js';
import { type Route, routes } from '../../../functions/routes.js';
import { type Environment, processEnvironment, variables } from '../../../lib/function-environment.js';
import { toHttpResult } from '../../../lib/local/api-event.js';
import { createRouter } from '../../../lib/local/api-routing.js';
import { createDevAuth, type DevTokenInput } from '../../../lib/local/dev-auth.js';
import { ensureTable } from '../../../lib/local/dynamodb-table.js';
import { LOOPBACK } from '../../../lib/local/net.js';
import { JWT_AUDIENCE } from '../../../lib/local/portal.js';
import { ensureProfileKey } from '../../../lib/local/profile-key.js';
import { responseIssues } from '../../../lib/local/response-check.js';
import { ensureResultSigningKey } from '../../../lib/local/result-key.js';
import { startS3Local } from '../../../lib/local/s3-local.js';
import { localFunction } from '../../../lib/local/triggers.js';
import { apiEvent } from '../../support/api-event.js';
import {
  type ApiOptions,
  type ApiResponse,
  type PortalApi,
  upload,
  uploadScan,
} from '../../support/portal-api.js';
import { type SharedStore, useSharedStore } from './store.js';

export interface LocalRoutes {
  /** Requests as test/support/portal-api.ts sends them, answered by the handlers directly. */
  readonly api: PortalApi;
  /** Uploads through the presigned POST form into local S3 (only with `s3: true`). */
  upload(token: string, input: Parameters<typeof upload>[2]): Promise<string>;
  uploadScan(token: string, name: string): Promise<string>;
  /** A dev token, as the local portal's `token` gives it (role citizen unless told). */
  token(input: Partial<DevTokenInput> & { sub: string; expiresInSeconds?: number }): Promise<string>;
  readonly store: SharedStore;
  /** The variables set in process.env for the handlers. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts what the handlers need: their table, the dev issuer's key set, and local S3 if asked. */
export async function startLocalRoutes(options: { s3?: boolean } = {}): Promise<LocalRoutes> {
  const stops: Array<() => Promise<void>> = [];
  // A table of its own in the tier's DynamoDB Local, as each system-tier portal has: the flows here
  // list a person's or an agency's items and must see only their own.
  const shared = useSharedStore();
  const store: SharedStore = { ...shared, tableName: `cong-adapters-${randomUUID().slice(0, 8)}` };
  const ddb = store.client();
  await ensureTable(ddb, store.tableName);
  stops.push(async () => {
    await ddb.send(new DeleteTableCommand({ TableName: store.tableName }));
    ddb.destroy();
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'cong-adapters-'));
  stops.push(() => rm(dataDir, { recursive: true, force: true }));

  // The handlers fetch the issuer's keys over HTTP, as from Cognito; the dev issuer signs the tokens.
  let jwks = '{"keys":[]}';
  const keyServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(jwks);
  });
  await new Promise<void>((resolve) => keyServer.listen(0, LOOPBACK, resolve));
  stops.push(() => new Promise((resolve) => keyServer.close(() => resolve())));
  const base = `http://${LOOPBACK}:${(keyServer.address() as AddressInfo).port}`;
  const dev = await createDevAuth({ issuer: `${base}/dev`, audience: JWT_AUDIENCE });
  jwks = JSON.stringify(dev.jwks());

  const bucket = process.env.UPLOADS_BUCKET!;
  const s3 = options.s3
    ? await startS3Local({ directory: join(dataDir, 's3'), buckets: [bucket] })
    : undefined;
  if (s3) stops.unshift(() => s3.stop());

  // The settings the local cloud gives these handlers (lib/local/portal.ts), minus the parts not running.
  const settings: Environment = {
    STAGE: 'local',
    TABLE_NAME: store.tableName,
    AWS_DEFAULT_REGION: process.env.AWS_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(s3 ? { AWS_ENDPOINT_URL_S3: s3.endpoint, S3_FORCE_PATH_STYLE: 'true' } : {}),
    JWT_ISSUER: dev.issuer,
    JWT_AUDIENCE,
    JWT_JWKS_URL: `${base}/dev/jwks.json`,
    NOTIFY_TRANSPORT: 'local-file',
    NOTIFY_OUTBOX_FILE: join(dataDir, 'notifications-outbox.jsonl'),
  };
  const env = variables(
    processEnvironment(settings, Object.values(functions), {
      profileKey: { dataKey: await ensureProfileKey(join(dataDir, 'profile-data-key')) },
      resultSigningKey: { pem: await ensureResultSigningKey(join(dataDir, 'result-signing-key.pem')) },
      portalUrl: base,
    }),
  );
  Object.assign(process.env, env);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  resetConfig();

  // One caller address per file, as if each were its own client: per-address limits in the shared
  // table then count only this file's requests.
  const sourceIp = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  const route = createRouter(routes);
  const handlers = new Map<Route['fn'], ReturnType<typeof localFunction>>();
  const handlerOf = (fn: Route['fn']) => {
    const known = handlers.get(fn);
    if (known) return known;
    const made = localFunction(fn as keyof typeof functions);
    handlers.set(fn, made);
    return made;
  };

  const api: PortalApi = async (method, path, opts: ApiOptions = {}) => {
    const [rawPath, rawQuery = ''] = path.split('?') as [string, string?];
    const found = route(method, rawPath);
    if (!found || !('match' in found)) throw new Error(`no route for ${method} ${rawPath}`);
    const { route: r, pathParameters } = found.match;
    // The dev routes are the local gateway's own (lib/local/api-server.ts), not a function's.
    if (r.fn === 'dev') throw new Error(`${method} ${rawPath} is served by the local gateway itself`);
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.accept) headers.accept = opts.accept;
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
    const query = rawQuery ? Object.fromEntries(new URLSearchParams(rawQuery)) : undefined;
    const event = apiEvent({
      routeKey: `${r.method} ${r.path}`,
      path: rawPath,
      pathParameters,
      headers,
      ...(query ? { query } : {}),
      ...(opts.body === undefined
        ? {}
        : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
    });
    event.requestContext.http.sourceIp = sourceIp;
    const out = toHttpResult(await handlerOf(r.fn).invoke(event));
    if (!out) throw new Error(`${method} ${path}: the handler's answer is not one API Gateway could use`);
    // As the local gateway does: an answer its route's schema does not allow is a failure.
    const issues = responseIssues(r, out);
    if (issues)
      throw new Error(`${method} ${path}: response does not match its schema: ${issues.join('; ')}`);
    const answer = new Headers();
    for (const [k, v] of Object.entries(out.headers)) {
      for (const one of Array.isArray(v) ? v : [v]) answer.append(k, one);
    }
    const text = out.body.toString('utf8');
    const type = answer.get('content-type') ?? '';
    let body: ApiResponse['body'];
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: out.status, headers: answer, type, text, body };
  };

  return {
    api,
    upload: (token, input) => upload(api, token, input),
    uploadScan: (token, name) => uploadScan(api, token, name),
    token: async ({ expiresInSeconds, ...input }) =>
      (await dev.issueToken({ role: 'citizen', ...input }, { expiresInSeconds })).token,
    store,
    env,
    stop: async () => {
      for (const stop of stops) await stop();
    },
  };
}
