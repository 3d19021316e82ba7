/** The app as `cdk synth` builds it, for the infrastructure tests' template assertions. */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app.js';

// CDK's CloudFormation schema validation runs in nag.test.ts; template assertions do not need it.
process.env.CDK_VALIDATION = 'false';

/** The same context `cdk synth` reads from cdk.json. */
export const cdkContext = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/** The app for `stage` (with `extra` context) and asset bundling skipped, with its data and API templates. */
export function buildStacks(stage: 'dev' | 'prod', extra: Record<string, unknown> = {}) {
  const built = buildApp({
    context: { ...cdkContext, stage, 'aws:cdk:bundling-stacks': [], ...extra },
    nag: false,
  });
  return { ...built, dataT: Template.fromStack(built.data), apiT: Template.fromStack(built.api) };
}
