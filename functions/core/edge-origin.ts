/**
 * The API answers only its own edge. In AWS the stage's CloudFront distribution (lib/web-stack.ts) adds
 * a secret header to every request it sends to API Gateway, and API Gateway's own execute-api address,
 * which anyone can call, would otherwise skip the WAF and its per-address limits. Every HTTP function
 * refuses a request without the header before any other work (functions/core/http.ts).
 *
 * The secret lives in Secrets Manager as `{"current": "…", "previous"?: "…"}`: CloudFront sends
 * `current`; during a rotation the functions accept `previous` too, so no request is refused while the
 * distribution switches. Locally (npm start, tests) there is no edge and the check is off unless
 * EDGE_ORIGIN_CHECK=on.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { MiddlewareObj } from '@middy/core';
import * as z from 'zod';
import { setting } from './config.js';
import { AppError } from './errors.js';
import { logger } from './logger.js';

/** The header CloudFront adds to origin requests; a viewer's own header of that name is replaced. */
export const EDGE_ORIGIN_HEADER = 'x-cong-origin-verify';

/** The viewer's address and port as CloudFront saw the connection (origin request policy forwards it). */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/** Seconds a container keeps the values it read: a rotation is picked up within this time. */
export const EDGE_SECRET_CACHE_SECONDS = 300;

export const edgeSecretSchema = z.object({
  current: z.string().min(32),
  previous: z.string().min(32).optional(),
});
export type EdgeSecret = z.infer<typeof edgeSecretSchema>;

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether the header's value is one of the accepted ones. Digests of equal length are compared in
 * constant time, and every accepted value is compared, so timing says nothing about which matched.
 */
export function matchesEdgeSecret(given: string | undefined, secret: EdgeSecret): boolean {
  if (given === undefined) return false;
  const g = digest(given);
  let ok = false;
  for (const accepted of [secret.current, secret.previous]) {
    if (accepted !== undefined && timingSafeEqual(g, digest(accepted))) ok = true;
  }
  return ok;
}

let cached: { name: string; at: number; value: Promise<EdgeSecret> } | undefined;

/**
 * The values the functions accept, from Secrets Manager, kept for EDGE_SECRET_CACHE_SECONDS. The bare
 * client, loaded on first use: every HTTP function carries this code, and the check is off locally.
 */
async function edgeSecretFromStore(name: string): Promise<EdgeSecret> {
  const now = Date.now();
  if (cached?.name !== name || now - cached.at > EDGE_SECRET_CACHE_SECONDS * 1000) {
    const value = (async () => {
      const [{ GetSecretValueCommand, SecretsManagerClient }, { traced }] = await Promise.all([
        import('@aws-sdk/client-secrets-manager'),
        import('./tracing.js'),
      ]);
      client ??= traced(new SecretsManagerClient({}));
      const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
      return edgeSecretSchema.parse(JSON.parse(out.SecretString ?? ''));
    })();
    // A failed read is tried again by the next request rather than kept for minutes.
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
    cached = { name, at: now, value };
  }
  return cached.value;
}

let client: import('@aws-sdk/client-secrets-manager').SecretsManagerClient | undefined;

/**
 * Refuses, with 403 EDGE_REQUIRED, a request that did not come through the stage's edge, when the
 * stage turns the check on; the header is then removed, so no handler or log line ever sees it.
 */
export const edgeOrigin = <E extends { headers?: Record<string, string | undefined> }, R>(
  load: (name: string) => Promise<EdgeSecret> = edgeSecretFromStore,
): MiddlewareObj<E, R> => ({
  before: async (request) => {
    // Its own two settings, not the whole configuration: functions such as the catalog need no table.
    if (setting('EDGE_ORIGIN_CHECK') !== 'on') return;
    const secretName = setting('EDGE_ORIGIN_SECRET');
    if (!secretName) throw new Error('EDGE_ORIGIN_CHECK=on needs EDGE_ORIGIN_SECRET');
    const headers = request.event.headers ?? {};
    const given = headers[EDGE_ORIGIN_HEADER];
    delete headers[EDGE_ORIGIN_HEADER];
    // A caller without the header is refused without a Secrets Manager read.
    if (given === undefined || !matchesEdgeSecret(given, await load(secretName))) {
      throw new AppError('EDGE_REQUIRED');
    }
  },
});

let missingViewerAddressLogged = false;

/**
 * The address a request counts against for per-address limits. Behind the edge API Gateway's sourceIp
 * is a CloudFront server, shared by thousands of citizens, so the viewer's address comes from
 * CloudFront-Viewer-Address (`198.51.100.10:46532`, `2001:db8::1:46532`). That header is trusted only
 * when the edge check is on: anyone can send it to an API that does not check where requests come from.
 */
export function clientAddress(
  headers: Record<string, string | undefined>,
  sourceIp: string | undefined,
  behindEdge: boolean,
): string | undefined {
  if (!behindEdge) return sourceIp;
  const viewer = parseViewerAddress(headers[VIEWER_ADDRESS_HEADER]);
  if (viewer) return viewer;
  if (!missingViewerAddressLogged) {
    // The origin request policy should always forward it: limits would count CloudFront's addresses.
    missingViewerAddressLogged = true;
    logger.warn('edge request without a viewer address: per-address limits count the edge');
  }
  return sourceIp;
}

/** The IP address of a CloudFront-Viewer-Address value (address, colon, port); undefined if malformed. */
export function parseViewerAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim();
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || !/^\d{1,5}$/.test(text.slice(colon + 1))) return undefined;
  let ip = text.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  return isIP(ip) ? ip : undefined;
}
