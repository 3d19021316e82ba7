/**
 * The one way the portal runs code in AWS: every Lambda gets the same runtime, architecture, bundle
 * shape, tracing, its own log group and role, and the shared environment with its own values on top.
 */
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Alias,
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../functions/deployment.js';
import { type Environment, variables } from './function-environment.js';
import { acknowledge } from './nag.js';
import type { StageSettings } from './settings.js';

/** Handler entries in the route table are relative to the repository root. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** ESM bundles still meet CommonJS dependencies that call `require`; give them one. */
/**
 * The SDK's default credential chain, and what the bundles carry instead (relative to the project root,
 * where esbuild runs, locally or in the bundling container).
 */
export const SDK_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';
export const LAMBDA_CREDENTIALS = './functions/core/lambda-credentials.ts';

const requireBanner =
  "import { createRequire as __cong_createRequire } from 'node:module'; const require = __cong_createRequire(import.meta.url);";

/** The catalog's data files the catalog function reads from disk (functions/catalog/published.ts). */
export const CATALOG_DATA_FILES = ['search-index.json', 'forms', 'national', 'details'] as const;

/**
 * Shell commands that copy the catalog's data files into a bundle's output as data/, where the
 * bundled handler finds them beside itself.
 */
export function catalogDataCommands(inputDir: string, outputDir: string): string[] {
  const from = `${inputDir}/functions/catalog/data`;
  return [
    `mkdir -p "${outputDir}/data"`,
    ...CATALOG_DATA_FILES.map((f) => `cp -R "${from}/${f}" "${outputDir}/data/"`),
  ];
}

export interface PortalFunctionProps {
  /** Function group name from the route table, e.g. `intake`. */
  name: string;
  spec: FunctionSpec;
  settings: StageSettings;
  /** Settings every function reads (table, bucket, issuer...). */
  sharedEnvironment: Environment;
  /** This function's own settings (lib/function-environment.ts), merged over the shared ones. */
  environment?: Environment;
}

export class PortalFunction extends Construct {
  readonly function: NodejsFunction;
  /**
   * `live`: what API routes, queues, streams and schedules invoke. A deployment moves it to the new
   * version, at once or as a canary (lib/monitoring-stack.ts), so a bad release can be shifted back.
   */
  readonly alias: Alias;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PortalFunctionProps) {
    super(scope, id);
    const { name, spec, settings } = props;
    const functionName = `${settings.prefix}-${name}`;

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      // IAM descriptions accept Latin-1 only, hence "Cong".
      description: `Cong ${settings.stage} ${name} function`,
    });
    this.logGroup.grantWrite(this.role);

    const logLevel = settings.logLevel === 'DEBUG' ? ApplicationLogLevel.DEBUG : ApplicationLogLevel.INFO;
    this.function = new NodejsFunction(this, 'Function', {
      functionName,
      entry: `${repoRoot}${spec.entry}`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      reservedConcurrentExecutions:
        settings.reservedConcurrency[name as keyof typeof settings.reservedConcurrency],
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: logLevel,
      systemLogLevelV2: SystemLogLevel.INFO,
      tracing: Tracing.ACTIVE,
      environment: variables({ ...props.sharedEnvironment, ...props.environment }),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: requireBanner,
        minify: true,
        // External .map files without the sources: readable stack traces, smaller bundles.
        sourceMap: true,
        sourcesContent: false,
        // Vietnamese messages stay readable UTF-8 instead of \u escapes (the `charset` bundling
        // option is not passed on to esbuild by this aws-cdk-lib release).
        esbuildArgs: {
          '--charset': 'utf8',
          // Only the environment's credentials, all Lambda ever provides (functions/core/lambda-credentials.ts).
          [`--alias:${SDK_CREDENTIAL_CHAIN}`]: LAMBDA_CREDENTIALS,
        },
        // The AWS SDK is bundled rather than taken from the runtime, so the version running in Lambda
        // is the one pinned in package-lock.json and tested locally.
        externalModules: [],
        commandHooks:
          spec.catalogData || spec.assets?.length
            ? {
                beforeBundling: () => [],
                beforeInstall: () => [],
                // Files the function reads beside its code: the published catalog, and assets
                // such as the documentation page's renderer.
                afterBundling: (inputDir: string, outputDir: string) => [
                  ...(spec.catalogData ? catalogDataCommands(inputDir, outputDir) : []),
                  ...(spec.assets ?? []).map((file) => `cp "${inputDir}/${file}" "${outputDir}/"`),
                ],
              }
            : undefined,
      },
    });

    // currentVersion publishes a version whenever code or configuration changes.
    this.alias = new Alias(this, 'Live', { aliasName: 'live', version: this.function.currentVersion });

    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which accept no resource ARN.',
    );
  }
}
