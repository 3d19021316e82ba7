/**
 * The document a running portal serves at /openapi.json (not only the one built in process) passes
 * Redocly's lint and generates a compiling client with openapi-typescript: what an integrator downloads
 * is what the tools were run on. Its servers name the portal that served it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { startTestPortal } from '../support/local-portal.js';
import { expectRedoclyClean, expectTypesCompile } from '../support/openapi-tools.js';

let portal: LocalPortal;
const dir = mkdtempSync(join(tmpdir(), 'cong-served-openapi-'));
const file = join(dir, 'openapi.json');

beforeAll(async () => {
  portal = await startTestPortal();
  const res = await fetch(`${portal.url}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/json/);
  const doc = (await res.json()) as { openapi: string; servers: { url: string }[]; webhooks: object };
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.servers.map((s) => s.url)).toContain(portal.url);
  expect(Object.keys(doc.webhooks)).toContain('dossier.payment_refunded');
  writeFileSync(file, JSON.stringify(doc, null, 2));
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the served /openapi.json in integrators’ tools', () => {
  it('passes @redocly/cli lint with the recommended rules', { timeout: 60_000 }, () =>
    expectRedoclyClean(file),
  );

  it(
    'generates TypeScript with openapi-typescript that compiles and has the operations',
    {
      timeout: 60_000,
    },
    () => expectTypesCompile(file, dir),
  );
});
