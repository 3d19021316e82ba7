/**
 * The published document must be usable by integrators' tools: Redocly's linter (recommended rules) finds
 * no error in it, and openapi-typescript generates types from it that compile and name the operations
 * and deliveries an agency's system uses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { buildOpenApi } from '../../functions/platform/openapi.js';
import { expectRedoclyClean, expectTypesCompile } from '../support/openapi-tools.js';

const dir = mkdtempSync(join(tmpdir(), 'cong-openapi-'));
const file = join(dir, 'openapi.json');
writeFileSync(file, JSON.stringify(buildOpenApi('http://127.0.0.1:3000'), null, 2));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the OpenAPI document in integrators’ tools', () => {
  it('passes @redocly/cli lint with the recommended rules', { timeout: 30_000 }, () =>
    expectRedoclyClean(file),
  );

  it(
    'generates TypeScript with openapi-typescript that compiles and has the operations',
    {
      timeout: 30_000,
    },
    () => expectTypesCompile(file, dir),
  );
});
