/**
 * The API answers only its own edge. In AWS the stage's CloudFront distribution (lib/web-stack.ts) adds
 * a secret header to every request it sends to API Gateway, and API Gateway's own execute-api address,
 * which anyone can call, would otherwise skip the WAF and its per-address limits. Every HTTP function
 * refuses a request without the header before any other work (functions/core/http.ts).
 *
 * The secret lives in Secrets Manager as `{"current": "…"}`, and CloudFormation resolves it at deployment
 * into both places that need it: CloudFront's origin header and each HTTP function's EDGE_ORIGIN_VALUES
 * (lib/api-stack.ts). During a rotation the functions are deployed with the new and the old value, so no
 * request is refused while the distribution switches (README, "Rotating the edge header"). The functions
 * only compare strings: no secret-store client, no call at run time. Locally (npm start, tests) there is
 * no edge and the check is off unless EDGE_ORIGIN_CHECK=on.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { MiddlewareObj } from '@middy/core';
import { setting } from './config.js';
import { AppError } from './errors.js';
import { logger } from './logger.js';

/** The header CloudFront adds to origin requests; a viewer's own header of that name is replaced. */
export const EDGE_ORIGIN_HEADER = 'x-cong-origin-verify';

/** The viewer's address and port as CloudFront saw the connection (origin request policy forwards it). */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether the header's value is one of the accepted ones. Digests of equal length are compared in
 * constant time, and every accepted value is compared, so timing says nothing about which matched.
 */
export function matchesEdgeSecret(given: string | undefined, accepted: readonly string[]): boolean {
  if (given === undefined) return false;
  const g = digest(given);
  let ok = false;
  for (const value of accepted) if (timingSafeEqual(g, digest(value))) ok = true;
  return ok;
}

/**
 * Refuses, with 403 EDGE_REQUIRED, a request that did not come through the stage's edge, when the
 * stage turns the check on; the header is then removed, so no handler or log line ever sees it.
 */
export const edgeOrigin = <E extends { headers?: Record<string, string | undefined> }, R>(): MiddlewareObj<
  E,
  R
> => ({
  before: (request) => {
    // Its own two settings, not the whole configuration: functions such as the catalog need no table.
    if (setting('EDGE_ORIGIN_CHECK') !== 'on') return;
    const accepted = setting('EDGE_ORIGIN_VALUES');
    if (!accepted) throw new Error('EDGE_ORIGIN_CHECK=on needs EDGE_ORIGIN_VALUES');
    const headers = request.event.headers ?? {};
    const given = headers[EDGE_ORIGIN_HEADER];
    delete headers[EDGE_ORIGIN_HEADER];
    if (!matchesEdgeSecret(given, accepted)) throw new AppError('EDGE_REQUIRED');
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
