import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { STAGES, type Stage } from '../../lib/settings.js';
import { testContext } from '../support/cdk-app.js';
import { VNEID_CONTEXT } from '../support/vneid-context.js';

/** The context `cdk synth` reads from cdk.json, with accounts pinned, a built page and bundling skipped. */
const build = (stage: Stage, extra: Record<string, unknown> = {}) =>
  // With VNeID federation configured, so its provider, domain and groups are checked too.
  buildApp({ context: testContext(stage, { ...VNEID_CONTEXT, ...extra }) });

/** cdk-nag 3 reports through CDK policy validation; this lists what it would report, one line per finding. */
function findings(app: ReturnType<typeof build>['app']): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} ${r.constructPath}`),
  );
}

/**
 * Every finding of the validation plugins that ran at synthesis (cdk-nag and CDK's CloudFormation
 * schema check, whose findings are only warnings but would fail at deployment).
 */
function synthesisReport(app: ReturnType<typeof build>['app']): string[] {
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: { ruleName: string; description: string }[] }[];
  };
  return report.pluginReports.flatMap((p) =>
    p.violations.map((v) => `${p.pluginName} ${v.ruleName} ${v.description}`),
  );
}

describe('cdk-nag AwsSolutions', () => {
  for (const stage of STAGES) {
    it(`finds no unacknowledged error or warning in ${stage}`, () => {
      const { app } = build(stage);
      // Synthesis runs the registered checks and throws with the report on any finding.
      expect(synthesisReport(app)).toEqual([]);
      expect(findings(app)).toEqual([]);
      // The first synthesis loads CloudFormation's resource schemas: slow on a busy machine.
    }, 120_000);
  }

  it('finds nothing on a stage with a custom domain, whose TLS policy needs no acknowledgement', () => {
    const { app } = build('prod', {
      domainName: 'dichvucong.gov.vn',
      certificateArn: 'arn:aws:acm:us-east-1:333333333333:certificate/0b5c9a5e-7d5b-4a59-9c1e-2f6b8d1c3a77',
    });
    // CFR4 is acknowledged only without a domain: here the distribution itself must pass it.
    expect(findings(app)).toEqual([]);
  }, 120_000);

  it('fails synthesis when a resource breaks a rule', () => {
    const { app, data } = build('dev');
    new Bucket(data, 'Careless');
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
    expect(findings(app)).toEqual(
      expect.arrayContaining(['error AwsSolutions-S1 Cong-dev-Data/Careless/Resource']),
    );
  });

  it('acknowledges only the wildcards each role was granted', () => {
    const { app, api } = build('dev');
    // Same role, a broader grant than the acknowledged uploads/* and dossiers/* prefixes.
    api.functions.intake.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::cong-dev-scans/*'] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
    expect(findings(app)).toEqual([
      'error AwsSolutions-IAM5[Resource::arn:aws:s3:::cong-dev-scans/*] Cong-dev-Api/Fn-intake/Role/DefaultPolicy/Resource',
    ]);
  });
});
