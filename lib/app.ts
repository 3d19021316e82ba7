/**
 * The Cổng CDK app: one stateful and one stateless stack per stage, checked by cdk-nag's AwsSolutions
 * rules at synthesis (an unacknowledged finding fails `cdk synth`).
 */
import { App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.js';
import { DataStack } from './data-stack.js';
import { type StageSettings, stageSettings } from './settings.js';

export interface BuildAppOptions {
  /** Context for a new App (tests); the CLI passes cdk.json and `-c` values through the environment. */
  context?: Record<string, unknown>;
  env?: Environment;
  /** Register the AwsSolutions checks (default true). */
  nag?: boolean;
}

export interface PortalApp {
  app: App;
  settings: StageSettings;
  data: DataStack;
  api: ApiStack;
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
  const prod = settings.stage === 'prod';
  const stackName = (part: string) => `Cong-${settings.stage}-${part}`;

  const data = new DataStack(app, stackName('Data'), {
    stackName: stackName('Data'),
    description: `Cổng ${settings.stage}: table, scans, agency queues and secrets, citizen identities`,
    env: options.env,
    settings,
    terminationProtection: prod,
  });
  const api = new ApiStack(app, stackName('Api'), {
    stackName: stackName('Api'),
    description: `Cổng ${settings.stage}: HTTP API, functions and dispatch triggers`,
    env: options.env,
    data,
  });

  Tags.of(app).add('project', 'cong');
  Tags.of(app).add('stage', settings.stage);
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, settings, data, api };
}
