/**
 * The one way the portal runs code in AWS: every Lambda gets the same runtime, architecture, bundle
 * shape, tracing, its own log group and role, and the shared environment with its own values on top.
 */
import { AssetHashType, DockerImage, Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Alias,
  ApplicationLogLevel,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import type { FunctionSpec } from '../functions/deployment.js';
import { type Environment, variables } from './function-environment.js';
import { copyFunctionFiles, LAMBDA_HANDLER, lambdaBuildOptions, repoRoot } from './lambda-bundle.js';
import { acknowledge } from './nag.js';
import type { StageSettings } from './settings.js';

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
  readonly function: LambdaFunction;
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
    this.function = new LambdaFunction(this, 'Function', {
      functionName,
      handler: LAMBDA_HANDLER,
      code: functionCode(spec),
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

/**
 * The function's code, built by the locally installed esbuild into chunks (lib/lambda-bundle.ts) with
 * the files it reads beside it. The asset's hash is the output's, so a release that changes nothing a
 * function runs publishes no new version of it. No container is ever used: esbuild is a dependency.
 */
function functionCode(spec: FunctionSpec): Code {
  return Code.fromAsset(repoRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never pulled: local bundling below always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      // CDK reuses one bundling per source and options; the function's own build must be part of them.
      environment: {
        CONG_ENTRY: spec.entry,
        CONG_FILES: JSON.stringify({ catalogData: spec.catalogData ?? false, assets: spec.assets ?? [] }),
      },
      local: {
        tryBundle(outputDir: string) {
          buildSync(lambdaBuildOptions(spec.entry, outputDir));
          copyFunctionFiles(spec, outputDir);
          return true;
        },
      },
    },
  });
}
