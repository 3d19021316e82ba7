/**
 * The Cổng CDK app, per stage: a stateful and a stateless stack in the stage's region, the monitoring
 * stack that watches them (alarms, dashboard, canaries), the edge (CloudFront in front of page and API)
 * in the same region, and its WAF web ACL in us-east-1, where CloudFront reads web ACLs from. Checked by cdk-nag's AwsSolutions rules at synthesis (an
 * unacknowledged finding fails `cdk synth`).
 */
import { App, Aws, CfnRule, Fn, type Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.js';
import { DataStack } from './data-stack.js';
import { EdgeStack } from './edge-stack.js';
import { MonitoringStack } from './monitoring-stack.js';
import { EDGE_REGION, type StageSettings, stageSettings } from './settings.js';
import { WebStack } from './web-stack.js';

export interface BuildAppOptions {
  /** Context for a new App (tests); the CLI passes cdk.json and `-c` values through the environment. */
  context?: Record<string, unknown>;
  /**
   * The account the caller's credentials belong to (the CLI sets CDK_DEFAULT_ACCOUNT from them). When it
   * differs from the stage's pinned account, nothing is synthesized.
   */
  callerAccount?: string;
  /** Register the AwsSolutions checks (default true). */
  nag?: boolean;
}

export interface PortalApp {
  app: App;
  settings: StageSettings;
  data: DataStack;
  api: ApiStack;
  monitoring: MonitoringStack;
  edge: EdgeStack;
  web: WebStack;
}

/** Refuses a deployment whose credentials name another account than the stage's pinned one. */
export function assertDeployAccount(settings: StageSettings, callerAccount: string | undefined): void {
  if (!settings.account || !callerAccount || callerAccount === settings.account) return;
  throw new Error(
    `Stage ${settings.stage} is pinned to AWS account ${settings.account}, but the credentials are for ` +
      `${callerAccount}. Nothing was synthesized or deployed: switch credentials (AWS_PROFILE) or choose ` +
      `the stage of account ${callerAccount}.`,
  );
}

/**
 * The same check inside every template: CloudFormation rejects a change set of a pinned stage in any
 * other account, even when a template is deployed without this app (console, another tool).
 */
function pinAccount(stack: Stack, settings: StageSettings) {
  if (!settings.account) return;
  new CfnRule(stack, 'PinnedAccount', {
    assertions: [
      {
        assert: Fn.conditionEquals(Aws.ACCOUNT_ID, settings.account),
        assertDescription: `Cong ${settings.stage} deploys only to AWS account ${settings.account}`,
      },
    ],
  });
}

/**
 * Feature flags the stacks depend on, fixed here so tests and `cdk synth` build the same resources:
 * S3 server access logs are delivered under a bucket policy (the logs bucket stays
 * BucketOwnerEnforced, no ACLs), and API-stack references to the data stack are strong exports, so
 * the data stack cannot drop a value the API still uses.
 */
const FEATURE_FLAGS = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

export function buildApp(options: BuildAppOptions = {}): PortalApp {
  const app = new App({ context: { ...FEATURE_FLAGS, ...options.context } });
  const settings = stageSettings((key) => app.node.tryGetContext(key));
  assertDeployAccount(settings, options.callerAccount);
  const prod = settings.stage === 'prod';
  const stackName = (part: string) => `Cong-${settings.stage}-${part}`;
  // The region is always pinned (cross-region references need it); a dev stage without a pinned
  // account deploys to the credentials' account.
  const env = { account: settings.account, region: settings.region };

  const data = new DataStack(app, stackName('Data'), {
    stackName: stackName('Data'),
    description: `Cổng ${settings.stage}: table, scans, agency queues and secrets, citizen identities`,
    env,
    settings,
    terminationProtection: prod,
  });
  const api = new ApiStack(app, stackName('Api'), {
    stackName: stackName('Api'),
    description: `Cổng ${settings.stage}: HTTP API, functions and dispatch triggers`,
    env,
    data,
  });
  // Reads the API stack, never the other way round: the API stack stays free to grow.
  const monitoring = new MonitoringStack(app, stackName('Monitoring'), {
    stackName: stackName('Monitoring'),
    description: `Cổng ${settings.stage}: alarms, alerts topic, dashboard and function canaries`,
    env,
    data,
    api,
  });
  const edge = new EdgeStack(app, stackName('Edge'), {
    stackName: stackName('Edge'),
    description: `Cổng ${settings.stage}: WAF web ACL of the edge (us-east-1, as CloudFront requires)`,
    env: { ...env, region: EDGE_REGION },
    settings,
    terminationProtection: prod,
  });
  const web = new WebStack(app, stackName('Web'), {
    stackName: stackName('Web'),
    description: `Cổng ${settings.stage}: CloudFront in front of the citizen page and the API`,
    env,
    data,
    api,
    edge,
    webBuildDir: app.node.tryGetContext('webBuildDir'),
  });
  for (const stack of [data, api, monitoring, edge, web]) pinAccount(stack, settings);

  Tags.of(app).add('project', 'cong');
  Tags.of(app).add('stage', settings.stage);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, settings, data, api, monitoring, edge, web };
}
