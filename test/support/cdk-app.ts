/** The app as `cdk synth` builds it, for the infrastructure tests' template assertions. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app.js';
import type { Stage } from '../../lib/settings.js';

// CDK's CloudFormation schema validation runs in nag.test.ts; template assertions do not need it.
process.env.CDK_VALIDATION = 'false';

/** The same context `cdk synth` reads from cdk.json. */
export const cdkContext = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/** Accounts the tests pin each stage to, as an operator does in cdk.json (context `accounts`). */
export const TEST_ACCOUNTS = { dev: '111111111111', staging: '222222222222', prod: '333333333333' } as const;

/**
 * The per-stage settings the tests give, as an operator does in cdk.json (context `stages`): staging and
 * prod refuse to synthesize without someone to alert.
 */
export const TEST_STAGES = {
  staging: { alertEmails: ['truc-van@thu-nghiem.dichvucong.example.vn'] },
  prod: { alertEmails: ['truc-van@dichvucong.example.vn'] },
} as const;

/** A stand-in for `npm run web:build`'s output: index.html and one asset with a hashed name. */
export const FAKE_WEB_BUILD = mkdtempSync(join(tmpdir(), 'cong-web-'));
writeFileSync(join(FAKE_WEB_BUILD, 'index.html'), '<!doctype html><script src="/app-3F2A9C.js"></script>');
writeFileSync(join(FAKE_WEB_BUILD, 'app-3F2A9C.js'), 'console.log(1)');
process.on('exit', () => rmSync(FAKE_WEB_BUILD, { recursive: true, force: true }));

/** Context every test app starts from: cdk.json, pinned accounts, the fake page build, no bundling. */
export const testContext = (stage: Stage, extra: Record<string, unknown> = {}) => ({
  ...cdkContext,
  accounts: TEST_ACCOUNTS,
  stages: TEST_STAGES,
  webBuildDir: FAKE_WEB_BUILD,
  ...(stage === 'staging' ? { webOrigins: '["https://thu-nghiem.dichvucong.example.vn"]' } : {}),
  stage,
  'aws:cdk:bundling-stacks': [],
  ...extra,
});

/** The app for `stage` (with `extra` context) and asset bundling skipped, with its templates. */
export function buildStacks(stage: Stage, extra: Record<string, unknown> = {}) {
  const built = buildApp({ context: testContext(stage, extra), nag: false });
  return {
    ...built,
    dataT: Template.fromStack(built.data),
    apiT: Template.fromStack(built.api),
    monitoringT: Template.fromStack(built.monitoring),
    edgeT: Template.fromStack(built.edge),
    webT: Template.fromStack(built.web),
  };
}
