import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Route } from '../../functions/core/route.js';
import { routes } from '../../functions/routes.js';
import { responseIssues } from '../../lib/local/response-check.js';

const route: Route = {
  method: 'GET',
  path: '/v1/things',
  fn: 'catalog',
  operationId: 'listThings',
  auth: 'public',
  access: { kind: 'public' },
  summary: 'test route',
  status: 200,
  response: z.object({ items: z.array(z.object({ code: z.string() })), nextCursor: z.string().nullable() }),
};

const answer = (status: number, body: unknown, type = 'application/json; charset=utf-8') => ({
  status,
  headers: { 'content-type': type },
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('the local check of answers against their route', () => {
  it('passes an answer the response schema documents', () => {
    expect(responseIssues(route, answer(200, { items: [{ code: 'a' }], nextCursor: null }))).toBeUndefined();
  });

  it('names each field that departs from the schema, never its value', () => {
    const issues = responseIssues(route, answer(200, { items: [{ code: 7 }], cursor: 'secret-0912345678' }));
    expect(issues).toEqual(['items.0.code: invalid_type', 'nextCursor: invalid_type']);
    expect(JSON.stringify(issues)).not.toContain('0912345678');
  });

  it('refuses a JSON answer that is not JSON', () => {
    expect(responseIssues(route, answer(200, '{"items": ['))).toEqual(['(body): not JSON']);
  });

  it('leaves errors, bodiless answers, CSV and pages alone', () => {
    expect(responseIssues(route, answer(404, { error: { code: 'NOT_FOUND' } }))).toBeUndefined();
    expect(responseIssues(route, answer(304, ''))).toBeUndefined();
    expect(responseIssues(route, answer(200, 'code\na', 'text/csv; charset=utf-8'))).toBeUndefined();
    const page = { ...route, mediaType: 'text/html', response: z.string() };
    expect(responseIssues(page, answer(200, '<!doctype html>', 'text/html'))).toBeUndefined();
  });

  it('checks against the real table: a route documents an answer its schema accepts', () => {
    const health = routes.find((r) => r.operationId === 'health')!;
    expect(
      responseIssues(health, answer(200, { status: 'ok', stage: 'local', time: new Date().toISOString() })),
    ).toBeUndefined();
    expect(responseIssues(health, answer(200, { status: 'up' }))).toEqual([
      'status: invalid_value',
      'stage: invalid_type',
      'time: invalid_type',
    ]);
  });
});
