/**
 * Integrators' tools run over an OpenAPI document on disk: Redocly's linter (recommended rules) must find
 * no error and only the warnings the API keeps on purpose; openapi-typescript must generate types that
 * compile and name the operations and deliveries an agency's system uses. Used over the in-process
 * document (test/unit/openapi-tools.test.ts) and over the one a running portal serves (test/system).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
/**
 * Warnings the recommended rules give that the API keeps on purpose: payment provider callbacks sit beside
 * payment ids (API Gateway and the local server pick the literal segment first), and health, this document,
 * its page and the list of provinces (which takes no input) answer nothing but success.
 */
const ACCEPTED_WARNINGS: Record<string, RegExp> = {
  'no-ambiguous-paths':
    /\/v1\/payments\/\{paymentId\}\/anomaly-resolutions.*\/v1\/payments\/(callbacks|return)\/\{provider\}/,
  'operation-4xx-response': /.*/,
};
const NO_4XX = [
  '/health',
  '/openapi.json',
  '/docs',
  '/docs/redoc.standalone.js',
  '/v1/provinces',
  // The published signing keys: one fixed document, nothing to refuse.
  '/v1/verify/keys',
];

/** Lints `file` (the document) with Redocly's recommended rules: no error, only the accepted warnings. */
export async function expectRedoclyClean(file: string): Promise<void> {
  const cli = join(dirname(require.resolve('@redocly/cli/package.json')), 'bin/cli.js');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, 'lint', file, '--extends', 'recommended', '--format', 'json'],
    { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
  ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
    totals: { errors: number };
    problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
  };
  const errors = report.problems.filter((p) => p.severity === 'error');
  expect(errors.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  expect(report.totals.errors).toBe(0);
  for (const p of report.problems) {
    const accepted = ACCEPTED_WARNINGS[p.ruleId];
    expect(accepted?.test(p.message), `${p.ruleId}: ${p.message}`).toBe(true);
    if (p.ruleId === 'operation-4xx-response') {
      const path = decodeURIComponent(p.location[0]!.pointer.split('/')[2]!.replaceAll('~1', '/'));
      expect(NO_4XX, p.location[0]!.pointer).toContain(path);
    }
  }
}

/**
 * Generates TypeScript from `file` with openapi-typescript into `dir`, and compiles code written against
 * it as a client or an agency's receiver would.
 */
export async function expectTypesCompile(file: string, dir: string): Promise<void> {
  const types = astToString(await openapiTS(new URL(`file://${file}`)));
  writeFileSync(join(dir, 'api.ts'), types);
  // What an agency's or a client's code would write against the generated types.
  writeFileSync(
    join(dir, 'use.ts'),
    `import type { components, operations, paths, webhooks } from './api.js';
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Submit = Json<paths['/v1/dossiers']['post']['requestBody']>;
export type Submitted = Json<operations['submitDossier']['responses'][201]>;
export type Tracked = Json<operations['trackDossier']['responses'][200]>;
export type Payment = Json<operations['createDossierPayment']['responses'][201]>;
export type Search = operations['listProcedures']['parameters']['query'];
export type Callback = Json<operations['postAgencyEvent']['requestBody']>;
export type CallbackHeaders = operations['postAgencyEvent']['parameters']['header'];
export type Delivered = Json<NonNullable<webhooks['dossier.submitted']['post']>['requestBody']>;
export type Petition = Json<NonNullable<webhooks['petition.created']['post']>['requestBody']>;
export type Refunded = Json<NonNullable<webhooks['dossier.payment_refunded']['post']>['requestBody']>;
export const submit: Submit = { procedureCode: '1.002758', form: {}, attachments: [] };
export const headers: CallbackHeaders = {
  'cong-agency-id': 'bhxh-hn',
  'webhook-id': 'msg_1',
  'webhook-timestamp': '1773025200',
  'webhook-signature': 'v1,abc',
};
export const code: components['schemas']['Error']['error']['code'] = 'DOSSIER_NOT_FOUND';
export const received = (d: Delivered): string => d.dossierCode + d.dueAt;
export const answered = (p: Petition): string => p.petitionCode + p.answerDueAt;
export const refunded = (r: Refunded): number => r.payment.amount + (r.payment.status === 'refunded' ? 0 : 1);
export const paid = (d: Delivered): string | undefined => d.payment?.receiptNumber;
export const status = (t: Tracked, s: Submitted, pay: Payment): string =>
  t.status + s.dossiers[0]!.trackingKey + pay.redirectUrl;
export const query: Search = { q: 'the bao hiem y te' };
export const event: Callback = { type: 'dossier.approved', eventId: 'evt-000001', dossierCode: 'BHXHHN-260309-0001' };
`,
  );
  const program = ts.createProgram([join(dir, 'use.ts')], {
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(problems).toEqual([]);
}
