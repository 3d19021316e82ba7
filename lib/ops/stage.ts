/**
 * `--stage <name>` for the operator tools: the deployed stage's resource names come from its
 * CloudFormation outputs (never guessed), and become the same environment the functions read, so the
 * tools run the very code the local mode runs, against AWS. Region: the stage's own, from cdk.json
 * context `regions` as the deploy reads it (a shell's AWS_REGION for another stage must not send the
 * tools elsewhere); credentials: the usual AWS chain (AWS_PROFILE, …).
 */
import { readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { agencyQueues } from '../../functions/core/resources.js';
import { STAGES, type Stage, stageRegion } from '../settings.js';

/** What a tool needs of a deployed stage, all read from the outputs of `Cong-<stage>-Api`. */
export interface StageResources {
  stage: Stage;
  stackName: string;
  tableName: string;
  uploadsBucket: string;
  jwtIssuer: string;
  jwtAudience: string;
  tableStreamArn: string;
  outboxDlqUrl: string;
  /** The notification relay's failed stream batches. */
  notificationStreamDlqUrl: string;
  notificationsDlqUrl: string;
  /** Channel → agency queue URL (each DLQ is the same URL with `-dlq`). */
  agencyQueueUrls: Record<string, string>;
  paymentsReconcileFunction: string;
  /** The notification relay's live alias: notification replays run there, where the keys are. */
  notificationRelayFunction: string;
  dashboardName: string;
}

export const OUTPUT_KEYS = [
  'TableName',
  'UploadsBucketName',
  'JwtIssuer',
  'JwtAudience',
  'TableStreamArn',
  'QueueNamePrefix',
  'OutboxDlqUrl',
  'NotificationStreamDlqUrl',
  'NotificationsDlqUrl',
  'PaymentsReconcileFunction',
  'NotificationRelayFunction',
  'DashboardName',
] as const;

export function parseStage(value: string | undefined): Stage {
  if (value && (STAGES as readonly string[]).includes(value)) return value as Stage;
  throw new Error(`--stage must be one of ${STAGES.join(', ')}, got ${value ?? 'nothing'}`);
}

/** The deploy's context (cdk.json), the one place a stage's region is set. */
export function cdkJsonContext(file = new URL('../../cdk.json', import.meta.url)): (key: string) => unknown {
  const context = (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context;
  return (key) => context?.[key];
}

/** The region the stage is deployed in, as `npm run deploy -- --stage <name>` resolves it. */
export function regionOf(stage: Stage, context = cdkJsonContext()): string {
  return stageRegion(context, stage);
}

export function cloudFormation(stage: Stage, context = cdkJsonContext()): CloudFormationClient {
  return new CloudFormationClient({ region: regionOf(stage, context) });
}

/** Reads the stage's outputs; fails naming the missing ones (a stage deployed before they existed). */
export async function stageResources(stage: Stage, cfn: CloudFormationClient): Promise<StageResources> {
  const stackName = `Cong-${stage}-Api`;
  const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = out.Stacks?.[0];
  if (!stack)
    throw new Error(`stack ${stackName} not found: is the stage deployed in this account and region?`);
  const outputs = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const missing = OUTPUT_KEYS.filter((k) => !outputs.get(k));
  if (missing.length)
    throw new Error(
      `${stackName} lacks outputs ${missing.join(', ')}: deploy the stage with this release first`,
    );
  const get = (k: (typeof OUTPUT_KEYS)[number]) => outputs.get(k) as string;
  // Queue URLs share the account's base (https://sqs.<region>.amazonaws.com/<account>/); the agency
  // queues are named from the prefix by the same code that named them at deployment.
  const base = get('OutboxDlqUrl').slice(0, get('OutboxDlqUrl').lastIndexOf('/') + 1);
  return {
    stage,
    stackName,
    tableName: get('TableName'),
    uploadsBucket: get('UploadsBucketName'),
    jwtIssuer: get('JwtIssuer'),
    jwtAudience: get('JwtAudience'),
    tableStreamArn: get('TableStreamArn'),
    outboxDlqUrl: get('OutboxDlqUrl'),
    notificationStreamDlqUrl: get('NotificationStreamDlqUrl'),
    notificationsDlqUrl: get('NotificationsDlqUrl'),
    agencyQueueUrls: Object.fromEntries(
      agencyQueues(get('QueueNamePrefix')).map((q) => [q.channel, `${base}${q.name}`]),
    ),
    paymentsReconcileFunction: get('PaymentsReconcileFunction'),
    notificationRelayFunction: get('NotificationRelayFunction'),
    dashboardName: get('DashboardName'),
  };
}

/**
 * The environment the shared code reads (functions/core/config.ts) for a deployed stage: its table and
 * queues, the AWS endpoints and the stage's region.
 */
export function stageEnvironment(r: StageResources, region: string): Record<string, string> {
  return {
    STAGE: r.stage,
    AWS_REGION: region,
    TABLE_NAME: r.tableName,
    UPLOADS_BUCKET: r.uploadsBucket,
    JWT_ISSUER: r.jwtIssuer,
    JWT_AUDIENCE: r.jwtAudience,
    JWT_JWKS_URL: `${r.jwtIssuer}/.well-known/jwks.json`,
    AGENCY_QUEUE_URLS: JSON.stringify(r.agencyQueueUrls),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  };
}

/** Resolves `--stage` and applies its environment; the tools import the shared code only after this. */
export async function attachToStage(
  stage: Stage,
  cfn?: CloudFormationClient,
  context = cdkJsonContext(),
): Promise<StageResources> {
  const region = regionOf(stage, context);
  const resources = await stageResources(stage, cfn ?? cloudFormation(stage, context));
  Object.assign(process.env, stageEnvironment(resources, region));
  return resources;
}
