/**
 * The local cloud checks every success answer a function gives against its route's response schema
 * (functions/<group>/routes.ts), so a handler whose answer drifts from what the API documents fails
 * loudly in development and in the tests that boot the portal, never silently in a deployment.
 */
import { zodDetails } from '../../functions/core/http.js';
import type { Route } from '../../functions/core/route.js';

/** The parts of a function's answer the check reads. */
export interface CheckedAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * Where a JSON success answer departs from the route's response schema (paths and zod codes, never
 * values: answers carry personal data); undefined when it matches or is not the route's JSON body (an
 * error, a 304, a redirect, a CSV or a page).
 */
export function responseIssues(route: Route, answer: CheckedAnswer): string[] | undefined {
  if (answer.status < 200 || answer.status >= 300 || route.mediaType) return undefined;
  const type = String(answer.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return ['(body): not JSON'];
  }
  const parsed = route.response.safeParse(body);
  return parsed.success ? undefined : zodDetails(parsed.error).map((i) => `${i.path || '(body)'}: ${i.code}`);
}
