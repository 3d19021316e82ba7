/**
 * An agency callback that fails authentication says what to fix: the missing cong-agency-id header
 * (400), an agency the registry does not hold (401), or a signature that does not verify (401).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/agencies/handler.js';
import { resetConfig } from '../../functions/core/config.js';
import { ERRORS } from '../../functions/core/errors.js';
import { AGENCY_HEADER, newWebhookSecret, signWebhook } from '../../functions/core/webhooks.js';
import { buildOpenApi } from '../../functions/platform/openapi.js';
import { call } from '../support/api-event.js';

const dir = mkdtempSync(join(tmpdir(), 'cong-agency-auth-'));
const secret = newWebhookSecret();

beforeAll(() => {
  const file = join(dir, 'agency-secrets.json');
  writeFileSync(file, JSON.stringify({ bhxh: [secret] }));
  for (const [k, v] of Object.entries({
    TABLE_NAME: 'cong-test',
    UPLOADS_BUCKET: 'cong-test-uploads',
    JWT_ISSUER: 'https://issuer.example',
    JWT_AUDIENCE: 'cong-test',
    JWT_JWKS_URL: 'https://issuer.example/jwks.json',
    AGENCY_SECRETS_SOURCE: 'file',
    AGENCY_SECRETS_FILE: file,
  }))
    vi.stubEnv(k, v);
  resetConfig();
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetConfig();
  rmSync(dir, { recursive: true, force: true });
});

const body = JSON.stringify({
  type: 'dossier.received',
  eventId: 'evt-auth-0001',
  dossierCode: 'BHXHHN-261206-0001',
});
const post = (routeKey: string, headers: Record<string, string>) =>
  call(handler, { routeKey, headers: { 'content-type': 'application/json', ...headers }, body });

describe.each(['POST /v1/agency/events', 'POST /v1/agency/petition-events'])('%s', (routeKey) => {
  it('answers 400 AGENCY_HEADER_MISSING, naming the header, when no agency is named', async () => {
    const res = await post(routeKey, signWebhook(secret, 'evt-auth-0001', body));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'AGENCY_HEADER_MISSING',
      details: { header: AGENCY_HEADER },
    });
    expect(res.body.error.message).toContain(AGENCY_HEADER);
    expect(res.body.error.messageVi).toContain(AGENCY_HEADER);
  });

  it('answers 401 UNKNOWN_AGENCY when the named agency is not registered', async () => {
    const res = await post(routeKey, {
      [AGENCY_HEADER]: 'no-such-agency',
      ...signWebhook(secret, 'evt-auth-0001', body),
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'UNKNOWN_AGENCY', details: { agencyId: 'no-such-agency' } });
    expect(res.body.error.message).toContain('not registered');
  });

  it('answers 401 INVALID_SIGNATURE only for a registered agency whose signature does not verify', async () => {
    const wrong = await post(routeKey, {
      [AGENCY_HEADER]: 'bhxh-hn',
      ...signWebhook(newWebhookSecret(), 'evt-auth-0001', body),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_SIGNATURE');
    const unsigned = await post(routeKey, { [AGENCY_HEADER]: 'bhxh-hn' });
    expect(unsigned.body.error.code).toBe('INVALID_SIGNATURE');
  });
});

describe('the published document', () => {
  it('lists the new codes among the 400 and 401 answers of the agency callbacks', () => {
    const doc = buildOpenApi('http://127.0.0.1:3000') as {
      paths: Record<string, { post: { responses: Record<string, { $ref: string }>; description: string } }>;
      components: { responses: Record<string, { content: { 'application/json': { examples: object } } }> };
    };
    for (const path of ['/v1/agency/events', '/v1/agency/petition-events']) {
      const op = doc.paths[path]!.post;
      expect(op.responses['400']!.$ref).toBe('#/components/responses/Error400');
      expect(op.responses['401']!.$ref).toBe('#/components/responses/Error401');
      expect(op.description).toContain('AGENCY_HEADER_MISSING');
      expect(op.description).toContain('UNKNOWN_AGENCY');
    }
    expect(Object.keys(doc.components.responses.Error400!.content['application/json'].examples)).toContain(
      'AGENCY_HEADER_MISSING',
    );
    expect(Object.keys(doc.components.responses.Error401!.content['application/json'].examples)).toContain(
      'UNKNOWN_AGENCY',
    );
    expect(ERRORS.AGENCY_HEADER_MISSING.status).toBe(400);
  });
});
