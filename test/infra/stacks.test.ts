import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../functions/core/config.js';
import {
  agencyQueues,
  DISPATCH,
  NOTIFICATIONS,
  OUTBOX,
  PAYMENTS,
  SLA,
  STATS,
  SUPPORT,
  TABLE,
  UPLOADS,
} from '../../functions/core/resources.js';
import { functions } from '../../functions/deployment.js';
import { allAgencies, channels } from '../../functions/registry/agencies.js';
import { cloudRoutes, routeKey } from '../../functions/routes.js';
import { buildApp } from '../../lib/app.js';
import { PortalFunction } from '../../lib/portal-function.js';
import { DISPATCH_CONCURRENCY_PER_CHANNEL, NOTIFIER_CONCURRENCY, stageSettings } from '../../lib/settings.js';
import { buildStacks, cdkContext, testContext } from '../support/cdk-app.js';
import { VNEID_CONTEXT } from '../support/vneid-context.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

function only<T>(xs: T[]): T {
  expect(xs).toHaveLength(1);
  return xs[0] as T;
}

/** Policy statements attached to the role of one function group. */
function statementsOf(t: Template, fnName: string): Statement[] {
  // A role with many channel grants gets CDK's overflow managed policy beside its inline one.
  const policies = {
    ...t.findResources('AWS::IAM::Policy'),
    ...t.findResources('AWS::IAM::ManagedPolicy'),
  } as Record<string, Resource>;
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(`Fn${fnName}Role`))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => asArray(s.Action));
/** A statement's resources as text, so ARN suffixes can be checked whatever intrinsic builds them. */
const resourcesOf = (s: Statement) => asArray(s.Resource).map((r) => JSON.stringify(r));

describe('Cổng dev stacks', () => {
  let dev: ReturnType<typeof buildStacks>;
  beforeAll(() => {
    dev = buildStacks('dev');
  });

  it('names both stacks by stage', () => {
    expect(dev.data.stackName).toBe('Cong-dev-Data');
    expect(dev.api.stackName).toBe('Cong-dev-Api');
    expect(dev.api.dependencies).toContain(dev.data);
  });

  it('provisions the one table from TABLE', () => {
    dev.dataT.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.dataT.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'cong-dev',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: TABLE.streamView },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      GlobalSecondaryIndexes: TABLE.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
    dev.dataT.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('keeps scans private, encrypted, versioned, logged and tidy', () => {
    const scans = dev.dataT.findResources('AWS::S3::Bucket', {
      Properties: { BucketName: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
    }) as Record<string, Resource>;
    const [id, bucket] = only(Object.entries(scans));
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      },
      LoggingConfiguration: { DestinationBucketName: expect.anything() },
      CorsConfiguration: { CorsRules: [expect.objectContaining({ AllowedMethods: ['POST'] })] },
    });
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: UPLOADS.pendingPrefix,
        ExpirationInDays: UPLOADS.abandonedAfterDays,
      }),
    );
    expect(rules.some((r) => r.NoncurrentVersionExpiration)).toBe(true);
    expect(rules.some((r) => r.AbortIncompleteMultipartUpload)).toBe(true);

    dev.dataT.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('gives every agency channel a queue with a DLQ and dispatcher-safe visibility', () => {
    const defs = agencyQueues('cong-dev');
    expect(defs.length).toBeGreaterThan(0);
    const queues = dev.dataT.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    const byName = new Map(Object.entries(queues).map(([id, q]) => [q.Properties.QueueName, { id, q }]));
    for (const def of defs) {
      const queue = byName.get(def.name);
      const dlq = byName.get(def.dlqName);
      expect(queue, def.name).toBeDefined();
      expect(dlq, def.dlqName).toBeDefined();
      const visibility = queue?.q.Properties.VisibilityTimeout as number;
      expect(visibility).toBe(DISPATCH.visibilityTimeoutSeconds);
      expect(visibility).toBeGreaterThanOrEqual(6 * functions.dispatcher.timeoutSeconds);
      expect(queue?.q.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq?.id, 'Arn'] },
        maxReceiveCount: DISPATCH.maxReceiveCount,
      });
      expect(dlq?.q.Properties.MessageRetentionPeriod).toBe(DISPATCH.dlqRetentionDays * 86_400);
      for (const q of [queue, dlq]) expect(q?.q.Properties.KmsMasterKeyId).toBeDefined();
    }
    expect(byName.has('cong-dev-outbox-dlq')).toBe(true);
    // enforceSSL on every queue
    const policies = dev.dataT.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(Object.keys(queues).length);
  });

  it('holds one signing secret per channel under the configured prefix, however many agencies', () => {
    for (const channel of channels) {
      dev.dataT.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `cong/dev/channel/${channel}`,
        GenerateSecretString: Match.objectLike({}),
      });
    }
    for (const partner of PAYMENTS.cloudPartners)
      dev.dataT.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `cong/dev/payment/${partner}` });
    dev.dataT.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'cong/dev/profile-data-key' });
    dev.dataT.resourceCountIs(
      'AWS::SecretsManager::Secret',
      channels.length + PAYMENTS.cloudPartners.length + 1,
    );
    expect(channels.length).toBeLessThan(allAgencies().length / 5);
    // CloudFormation refuses stacks of more than 500 resources (every stage is checked in monitoring.test.ts).
    for (const t of [dev.dataT, dev.apiT, dev.monitoringT])
      expect(Object.keys(t.toJSON().Resources).length).toBeLessThan(500);
  });

  it('lets nobody sign up and gives the web page a public PKCE client', () => {
    dev.dataT.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
    dev.dataT.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      // The page keeps tokens in memory for one sitting: a refresh token lasts a working day, not a month.
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 480,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
    });
  });

  it('runs every function of the route table on Node 24 arm64 with its own log group', () => {
    const lambdas = dev.apiT.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    expect(Object.keys(lambdas)).toHaveLength(Object.keys(functions).length);
    for (const [name, spec] of Object.entries(functions)) {
      const fn = Object.values(lambdas).find((l) => l.Properties.FunctionName === `cong-dev-${name}`);
      expect(fn, name).toBeDefined();
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(new RegExp(`^Fn${name}Logs`)) } },
      });
    }
    dev.apiT.resourcePropertiesCountIs(
      'AWS::Logs::LogGroup',
      { RetentionInDays: 30 },
      Object.keys(functions).length + 1, // + API access logs
    );
  });

  it('sets exactly the settings the handlers read', () => {
    const shape = configSchema().shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    const required = Object.keys(shape).filter((k) => !shape[k]?.safeParse(undefined).success);
    const platformKeys = [
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_TRACER_CAPTURE_RESPONSE',
    ];
    const lambdas = dev.apiT.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    for (const fn of Object.values(lambdas)) {
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const key of required) expect(env, `${fn.Properties.FunctionName} ${key}`).toHaveProperty(key);
      for (const key of Object.keys(env)) expect([...Object.keys(shape), ...platformKeys]).toContain(key);
      expect(env).toMatchObject({
        STAGE: 'dev',
        TABLE_NAME: 'cong-dev',
        AGENCY_SECRETS_SOURCE: 'secretsmanager',
        AGENCY_SECRET_PREFIX: 'cong/dev/channel/',
        AGENCY_ENDPOINTS: '{}',
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(JSON.stringify(env.JWT_JWKS_URL)).toContain('/.well-known/jwks.json');
      expect(JSON.stringify(env.JWT_ISSUER)).toContain('https://cognito-idp.');
    }
  });

  it('routes every cloud route to its function group with the right authorizer', () => {
    const routes = dev.apiT.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>;
    expect(Object.keys(routes)).toHaveLength(cloudRoutes.length);
    const integrations = dev.apiT.findResources('AWS::ApiGatewayV2::Integration') as Record<string, Resource>;
    expect(Object.keys(integrations)).toHaveLength(new Set(cloudRoutes.map((r) => r.fn)).size);
    const authorizers = dev.apiT.findResources('AWS::ApiGatewayV2::Authorizer') as Record<string, Resource>;
    const [jwtId, jwt] = only(Object.entries(authorizers));
    expect(jwt.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });

    for (const route of cloudRoutes) {
      const found = Object.values(routes).find((r) => r.Properties.RouteKey === routeKey(route));
      expect(found, routeKey(route)).toBeDefined();
      if (route.auth === 'citizen') {
        expect(found?.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: jwtId } });
      } else {
        expect(found?.Properties.AuthorizationType).toBe('NONE');
        expect(found?.Properties.AuthorizerId).toBeUndefined();
      }
      const target = JSON.stringify(found?.Properties.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(id));
      const uri = JSON.stringify(integrations[integrationId ?? '']?.Properties.IntegrationUri);
      // The function's `live` alias, which a canary deployment shifts.
      expect(uri, routeKey(route)).toMatch(new RegExp(`"Fn${route.fn}Live`));
    }
  });

  it('logs API access as JSON without headers or bodies, and throttles the default stage', () => {
    const stages = dev.apiT.findResources('AWS::ApiGatewayV2::Stage') as Record<string, Resource>;
    const stage = only(Object.values(stages));
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const format = JSON.parse((stage.Properties.AccessLogSettings as { Format: string }).Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    expect(JSON.stringify(format)).not.toMatch(/header|body|sourceIp|userAgent/i);
  });

  it('throttles the abuse-limited routes tighter than the stage default, per stage', () => {
    const stageOf = (t: Template) =>
      only(Object.values(t.findResources('AWS::ApiGatewayV2::Stage') as Record<string, Resource>));
    const limited = cloudRoutes.filter((r) => r.rateLimit);
    expect(limited.map(routeKey)).toEqual(
      expect.arrayContaining([
        'POST /v1/uploads',
        'POST /v1/dossiers',
        'POST /v1/dossiers/{code}/supplements',
      ]),
    );
    // The limit counts in the table: every group serving a limited route may write it.
    for (const r of limited)
      expect(functions[r.fn as keyof typeof functions]?.table, routeKey(r)).toBe('readwrite');
    const devStage = stageOf(dev.apiT);
    const settings = devStage.Properties.RouteSettings as Record<string, Record<string, number>>;
    expect(Object.keys(settings).sort()).toEqual(limited.map(routeKey).sort());
    expect(settings['POST /v1/dossiers']).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(settings['POST /v1/uploads']).toEqual({ ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 });
    for (const s of Object.values(settings)) expect(s.ThrottlingRateLimit).toBeLessThan(50);
    // The stage names routes by key, so it is created after them.
    const routes = dev.apiT.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>;
    const intakeRoute = Object.entries(routes).find(
      ([, r]) => r.Properties.RouteKey === 'POST /v1/dossiers',
    )?.[0];
    expect((devStage as { DependsOn?: string[] }).DependsOn).toContain(intakeRoute);
  });

  it('relays only outbox INSERTs from the table stream, with partial failures and a DLQ', () => {
    const mappings = dev.apiT.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>;
    const stream = only(
      Object.values(mappings).filter(
        (m) =>
          JSON.stringify(m.Properties.EventSourceArn).includes('Stream') &&
          JSON.stringify(m.Properties.FunctionName).includes('FnoutboxRelayLive'),
      ),
    );
    const props = stream.Properties;
    // The `live` alias (function name and `:live`), which a canary deployment shifts.
    expect(JSON.stringify(props.FunctionName)).toMatch(/"FnoutboxRelayLive\w+"\}.*":live"/);
    expect(props).toMatchObject({
      BatchSize: 100,
      // Several batches of a shard at once (each partition key's records stay in order).
      ParallelizationFactor: TABLE.streamParallelization,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: OUTBOX.maxStreamRetries,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    expect(JSON.stringify(props.DestinationConfig)).toContain('OutboxDlq');
    expect(JSON.stringify(props.DestinationConfig)).not.toContain('notification-stream-dlq');
    const filters = (props.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      {
        eventName: ['INSERT'],
        dynamodb: { NewImage: { [TABLE.partitionKey]: { S: [{ prefix: OUTBOX.pkPrefix }] } } },
      },
    ]);
  });

  it('queues notifications encrypted, with a DLQ, drained by the notifier with partial failures', () => {
    const queues = dev.dataT.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    const byName = new Map(Object.entries(queues).map(([id, q]) => [q.Properties.QueueName, { id, q }]));
    const queue = byName.get('cong-dev-notifications');
    const dlq = byName.get('cong-dev-notifications-dlq');
    expect(queue?.q.Properties).toMatchObject({
      VisibilityTimeout: NOTIFICATIONS.visibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq?.id, 'Arn'] },
        maxReceiveCount: NOTIFICATIONS.maxReceiveCount,
      },
      KmsMasterKeyId: expect.anything(),
    });
    expect(dlq?.q.Properties.KmsMasterKeyId).toBeDefined();
    expect(NOTIFICATIONS.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
      6 * functions.notifier.timeoutSeconds,
    );
    const mappings = dev.apiT.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>;
    const notifier = only(
      Object.values(mappings).filter((m) =>
        JSON.stringify(m.Properties.FunctionName).includes('FnnotifierLive'),
      ),
    );
    expect(notifier.Properties).toMatchObject({
      BatchSize: NOTIFICATIONS.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // Bounded: past the account's sending rate more notifiers only meet more refusals.
      ScalingConfig: { MaximumConcurrency: NOTIFIER_CONCURRENCY.dev },
    });
    expect(JSON.stringify(notifier.Properties.EventSourceArn)).toContain('NotificationsQueue');
  });

  it('feeds the notification relay new timeline events and dossier images only', () => {
    const mappings = dev.apiT.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>;
    const relay = only(
      Object.values(mappings).filter((m) =>
        JSON.stringify(m.Properties.FunctionName).includes('FnnotificationRelayLive'),
      ),
    );
    expect(relay.Properties).toMatchObject({
      ParallelizationFactor: TABLE.streamParallelization,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: NOTIFICATIONS.maxStreamRetries,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    // Its own DLQ, not the outbox relay's: a replay must know whose failed batch it holds.
    const destination = JSON.stringify(relay.Properties.DestinationConfig);
    expect(destination).toContain('cong-dev-notification-stream-dlq');
    expect(destination).not.toContain('OutboxDlq');
    const queues = dev.dataT.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    const dlq = Object.values(queues).find(
      (q) => q.Properties.QueueName === 'cong-dev-notification-stream-dlq',
    );
    expect(dlq?.Properties).toMatchObject({
      MessageRetentionPeriod: NOTIFICATIONS.dlqRetentionDays * 24 * 3600,
      KmsMasterKeyId: expect.anything(),
    });
    const filters = (relay.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    const dossierPk = { [TABLE.partitionKey]: { S: [{ prefix: NOTIFICATIONS.dossierPkPrefix }] } };
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      {
        eventName: ['INSERT'],
        dynamodb: { NewImage: { ...dossierPk, kind: { S: [NOTIFICATIONS.eventKind] } } },
      },
      {
        eventName: ['INSERT', 'MODIFY'],
        dynamodb: { NewImage: { ...dossierPk, [TABLE.sortKey]: { S: [NOTIFICATIONS.dossierSk] } } },
      },
      {
        eventName: ['INSERT'],
        dynamodb: { NewImage: { ...dossierPk, [TABLE.sortKey]: { S: [STATS.ratingSk] } } },
      },
      {
        eventName: ['INSERT'],
        dynamodb: {
          NewImage: {
            [TABLE.partitionKey]: { S: [{ prefix: STATS.petitionPkPrefix }] },
            kind: { S: [STATS.petitionEventKind] },
          },
        },
      },
      {
        eventName: ['INSERT'],
        dynamodb: {
          NewImage: {
            [TABLE.partitionKey]: { S: [{ prefix: SUPPORT.pkPrefix }] },
            kind: { S: [SUPPORT.eventKind] },
          },
        },
      },
    ]);
  });

  it('reads the table stream with at most two consumers (AWS advice per shard)', () => {
    const mappings = dev.apiT.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>;
    const streams = Object.values(mappings).filter((m) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('StreamArn'),
    );
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.length).toBeLessThanOrEqual(2);
    const readers = streams.map((m) => JSON.stringify(m.Properties.FunctionName));
    expect(readers.some((r) => r.includes('FnoutboxRelayLive'))).toBe(true);
    expect(readers.some((r) => r.includes('FnnotificationRelayLive'))).toBe(true);
    expect(Object.values(functions).filter((f) => f.trigger?.endsWith('-stream'))).toHaveLength(
      streams.length,
    );
  });

  it('runs the SLA watcher every 15 minutes in parts at once and lets only the notifier text and e-mail citizens', () => {
    // One target a part, each with its own event: the parts share the shards out between them.
    dev.apiT.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${SLA.everyMinutes} minutes)`,
      Targets: Array.from({ length: SLA.watchParts }, (_, part) =>
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^FnslaWatcherLive') },
          Input: JSON.stringify({ part }),
        }),
      ),
    });
    // The other schedules start one run with an empty event.
    dev.apiT.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^FnpaymentsReconcileLive') },
          Input: Match.absent(),
        }),
      ],
    });
    const notifier = statementsOf(dev.apiT, 'notifier');
    const sns = only(notifier.filter((s) => actionsOf([s]).includes('sns:Publish')));
    expect(sns.Resource).toBe('*');
    const ses = only(notifier.filter((s) => actionsOf([s]).includes('ses:SendEmail')));
    expect(JSON.stringify(ses.Resource)).toContain(':identity/dichvucong.gov.vn');
    const custom = buildStacks('dev', {
      sesIdentity: 'arn:aws:ses:ap-southeast-1:123456789012:identity/hcm.gov.vn',
    });
    const customSes = statementsOf(custom.apiT, 'notifier').filter((s) =>
      actionsOf([s]).includes('ses:SendEmail'),
    );
    expect(customSes.map((s) => s.Resource)).toEqual([
      'arn:aws:ses:ap-southeast-1:123456789012:identity/hcm.gov.vn',
    ]);
  });

  it('feeds the dispatcher from every agency queue with partial batch failures', () => {
    const mappings = dev.apiT.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>;
    const sqs = Object.values(mappings).filter((m) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('AgencyQueue'),
    );
    expect(sqs).toHaveLength(agencyQueues('cong-dev').length);
    for (const m of sqs) {
      expect(JSON.stringify(m.Properties.FunctionName)).toMatch(/"FndispatcherLive\w+"\}.*":live"/);
      expect(m.Properties).toMatchObject({
        BatchSize: DISPATCH.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumBatchingWindowInSeconds: expect.any(Number),
        // Bulkheads: one channel's backlog runs at most this many dispatchers.
        ScalingConfig: { MaximumConcurrency: DISPATCH_CONCURRENCY_PER_CHANNEL.dev },
      });
    }
    // Backoff is applied by changing message visibility.
    const dispatcher = statementsOf(dev.apiT, 'dispatcher');
    const visibility = dispatcher.filter((s) => asArray(s.Action).includes('sqs:ChangeMessageVisibility'));
    const queueRefs = visibility.flatMap(resourcesOf).join(' ');
    for (const def of agencyQueues('cong-dev')) expect(queueRefs).toContain(`AgencyQueue${def.channel}`);
  });

  it('sends every alarm, and its recovery, to the encrypted TLS-only operator topic', () => {
    // The topic and every alarm of the stage live in the monitoring stack, none in the API stack.
    dev.apiT.resourceCountIs('AWS::SNS::Topic', 0);
    dev.apiT.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    const topicId = only(Object.keys(dev.monitoringT.findResources('AWS::SNS::Topic')));
    dev.monitoringT.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'cong-dev-alerts',
      KmsMasterKeyId: Match.anyValue(),
    });
    dev.monitoringT.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const alarms = Object.values(dev.monitoringT.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms.length).toBeGreaterThan(agencyQueues('cong-dev').length);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
    const withEmails = buildStacks('dev', { alertEmails: '["ops@dichvucong.gov.vn"]' });
    withEmails.monitoringT.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@dichvucong.gov.vn',
    });
    expect(() => buildStacks('dev', { alertEmails: '["not an address"]' })).toThrow(/alertEmails/);
  });

  it('signs results with an asymmetric KMS key that only the agency-events function may use to sign', () => {
    dev.dataT.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const lambdas = dev.apiT.findResources('AWS::Lambda::Function') as Record<string, Resource>;
    const withKey = Object.values(lambdas)
      .filter(
        (fn) => 'RESULT_SIGNING_KEY_ID' in (fn.Properties.Environment as { Variables: object }).Variables,
      )
      .map((fn) => String(fn.Properties.FunctionName));
    expect(withKey.sort()).toEqual(['cong-dev-agencyEvents', 'cong-dev-results']);
    const signers = Object.keys(functions).filter((name) =>
      actionsOf(statementsOf(dev.apiT, name)).includes('kms:Sign'),
    );
    expect(signers).toEqual(['agencyEvents']);
    expect(actionsOf(statementsOf(dev.apiT, 'results'))).toContain('kms:GetPublicKey');
  });

  it('lets intake read only uploads/ (and results/, to attach a result held) and write only dossiers/', () => {
    const intake = statementsOf(dev.apiT, 'intake');
    const s3 = intake.filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')));
    for (const statement of s3) {
      for (const action of asArray(statement.Action)) {
        expect(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket']).toContain(action);
        const resources = resourcesOf(statement);
        if (action === 's3:PutObject' || action === 's3:DeleteObject') {
          for (const r of resources) expect(r).toMatch(/\/dossiers\/\*"\]\]\}$/);
        }
        if (action === 's3:GetObject')
          for (const r of resources) expect(r).toMatch(/\/(uploads|results)\/\*"\]\]\}$/);
      }
    }
    expect(actionsOf(s3)).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']),
    );
  });

  it('lets the upload signer create objects under uploads/ only', () => {
    const uploads = statementsOf(dev.apiT, 'uploads').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('s3:')),
    );
    expect(actionsOf(uploads)).toEqual(['s3:PutObject']);
    for (const r of uploads.flatMap(resourcesOf)) expect(r).toMatch(/\/uploads\/\*"\]\]\}$/);
  });

  it('grants each function only what its FunctionSpec declares', () => {
    for (const [name, spec] of Object.entries(functions)) {
      const actions = actionsOf(statementsOf(dev.apiT, name));
      const tableWrites = actions.filter((a) =>
        ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'].includes(a),
      );
      expect(tableWrites.length > 0, `${name} table writes`).toBe(spec.table === 'readwrite');
      expect(actions.includes('dynamodb:Query'), `${name} table reads`).toBe(spec.table !== undefined);
      // A stream mapping's on-failure destination is a queue the function's role sends to.
      expect(actions.includes('sqs:SendMessage'), `${name} queue sends`).toBe(
        spec.sendsToAgencyQueues === true ||
          spec.sendsNotifications === true ||
          spec.trigger?.endsWith('-stream') === true,
      );
      expect(actions.includes('sns:Publish'), `${name} SMS`).toBe(spec.deliversNotifications === true);
      expect(actions.includes('ses:SendEmail'), `${name} e-mail`).toBe(spec.deliversNotifications === true);
      const declaresSecrets =
        spec.readsAgencySecrets === true ||
        spec.readsPaymentSecrets === true ||
        spec.readsProfileKey === true;
      // The edge's origin header value reaches the HTTP functions in their environment
      // (functions/core/edge-origin.ts): only the secrets a function declares are read at run time.
      expect(actions.includes('secretsmanager:GetSecretValue'), `${name} secrets`).toBe(declaresSecrets);
      expect(
        actions.some((a) => a.startsWith('s3:')),
        `${name} scans`,
      ).toBe(spec.uploads !== undefined || spec.results !== undefined);
      expect(
        actions.filter((a) => a.endsWith(':*') || a === '*'),
        `${name} service wildcards`,
      ).toEqual([]);
    }
    // No AWS managed policies (AWSLambdaBasicExecutionRole): each role writes to its own log group only.
    for (const role of Object.values(dev.apiT.findResources('AWS::IAM::Role') as Record<string, Resource>)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it("lets an agency's redelivery take messages from the agency DLQs only, and send to the agency queues", () => {
    const sqs = statementsOf(dev.apiT, 'agencyDeliveries').filter((st) =>
      actionsOf([st]).some((a) => a.startsWith('sqs:')),
    );
    const consuming = sqs.filter((st) =>
      actionsOf([st]).some((a) =>
        ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'].includes(a),
      ),
    );
    expect(consuming.length).toBeGreaterThan(0);
    const dlqs = consuming.flatMap(resourcesOf);
    expect(dlqs).toHaveLength(channels.length);
    for (const r of dlqs) expect(r).toMatch(/-agency-[a-z0-9-]+-dlq"/);
    const sending = sqs.filter((st) => actionsOf([st]).includes('sqs:SendMessage'));
    for (const r of sending.flatMap(resourcesOf)) expect(r).not.toMatch(/-dlq/);
  });

  it('lets agency events write results and tracking read them, under results/ only', () => {
    const s3Of = (fn: string) =>
      statementsOf(dev.apiT, fn).filter((st) => actionsOf([st]).some((a) => a.startsWith('s3:')));
    const put = s3Of('agencyEvents');
    expect(put.flatMap((st) => actionsOf([st]))).toEqual(['s3:PutObject']);
    expect(put.flatMap(resourcesOf).every((r) => r.includes('/results/*'))).toBe(true);
    const get = s3Of('tracking');
    expect(get.flatMap((st) => actionsOf([st]))).toEqual(['s3:GetObject']);
    expect(get.flatMap(resourcesOf).every((r) => r.includes('/results/*'))).toBe(true);
  });

  it("lets agencies' file fetches read accepted scans under dossiers/ and results under results/ only", () => {
    const s3 = statementsOf(dev.apiT, 'agencyFiles').filter((st) =>
      actionsOf([st]).some((a) => a.startsWith('s3:')),
    );
    expect([...new Set(s3.flatMap((st) => actionsOf([st])))]).toEqual(['s3:GetObject']);
    const resources = s3.flatMap(resourcesOf);
    for (const r of resources) expect(r).toMatch(/\/(dossiers|results)\/\*"\]\]\}$/);
    expect(resources.some((r) => r.includes('/dossiers/*'))).toBe(true);
    expect(resources.some((r) => r.includes('/results/*'))).toBe(true);
  });

  it('outputs what clients and operators need', () => {
    dev.apiT.hasOutput('ApiUrl', {});
    for (const out of ['TableName', 'UploadsBucketName', 'UserPoolId', 'UserPoolClientId'])
      dev.dataT.hasOutput(out, {});
  });
});

describe('Cổng prod stacks', () => {
  let prod: ReturnType<typeof buildStacks>;
  beforeAll(() => {
    prod = buildStacks('prod', {
      ...VNEID_CONTEXT,
      agencyEndpoints: JSON.stringify({ bca: 'https://lienthong.bocongan.gov.vn/cong' }),
      agencyOpsEmails: JSON.stringify({ bca: 'ops@bca.example' }),
    });
  });

  it("gives the dispatcher the agencies' operations e-mails", () => {
    const lambdas = Object.values(
      prod.apiT.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    );
    const dispatcher = lambdas.filter((fn) => String(fn.Properties.FunctionName).includes('dispatch'));
    expect(dispatcher.length).toBeGreaterThan(0);
    for (const fn of dispatcher) {
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.AGENCY_OPS_EMAILS).toBe(JSON.stringify({ bca: 'ops@bca.example' }));
    }
  });

  it('throttles abuse-limited routes at production rates', () => {
    const stage = only(
      Object.values(prod.apiT.findResources('AWS::ApiGatewayV2::Stage') as Record<string, Resource>),
    );
    const settings = stage.Properties.RouteSettings as Record<string, Record<string, number>>;
    expect(settings['POST /v1/dossiers']).toEqual({ ThrottlingRateLimit: 300, ThrottlingBurstLimit: 600 });
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 2000 });
  });

  it('retains and protects the stateful resources', () => {
    expect(prod.data.terminationProtection).toBe(true);
    prod.dataT.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    for (const type of [
      'AWS::S3::Bucket',
      'AWS::KMS::Key',
      'AWS::Cognito::UserPool',
      'AWS::SecretsManager::Secret',
    ]) {
      for (const r of Object.values(prod.dataT.findResources(type) as Record<string, Resource>)) {
        expect(r.DeletionPolicy, type).toBe('Retain');
      }
    }
    prod.dataT.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });

  it('bounds every agency queue to its share of dispatchers, all of them reserved', () => {
    const perChannel = DISPATCH_CONCURRENCY_PER_CHANNEL.prod;
    expect(perChannel).toBeGreaterThanOrEqual(2);
    const mappings = prod.apiT.findResources('AWS::Lambda::EventSourceMapping') as Record<string, Resource>;
    const sqs = Object.values(mappings).filter((m) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('AgencyQueue'),
    );
    expect(sqs).toHaveLength(channels.length);
    for (const m of sqs) expect(m.Properties.ScalingConfig).toEqual({ MaximumConcurrency: perChannel });
    const dispatcher = only(
      Object.values(prod.apiT.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
        (fn) => String(fn.Properties.FunctionName).endsWith('-dispatcher'),
      ),
    );
    expect(dispatcher.Properties.ReservedConcurrentExecutions).toBeGreaterThanOrEqual(
      perChannel * channels.length,
    );
    // One agency's share of a batch, each POST near its timeout, still ends within the function's.
    expect(
      Math.ceil(DISPATCH.batchSize / DISPATCH.perAgencyInBatch) * DISPATCH.postTimeoutSeconds,
    ).toBeLessThan(functions.dispatcher.timeoutSeconds);
  });

  it('keeps logs for a year and passes agency endpoints through', () => {
    prod.apiT.resourcePropertiesCountIs(
      'AWS::Logs::LogGroup',
      { RetentionInDays: 365 },
      Object.keys(functions).length + 1,
    );
    const lambdas = Object.values(
      prod.apiT.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    );
    for (const fn of lambdas) {
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.parse(env.AGENCY_ENDPOINTS as string)).toEqual({
        bca: 'https://lienthong.bocongan.gov.vn/cong',
      });
      expect(env.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    }
  });
});

describe('stage settings', () => {
  const ctx = (values: Record<string, unknown>) => (key: string) => values[key];

  it('accepts only known stages', () => {
    expect(stageSettings(ctx({ stage: 'dev' })).stage).toBe('dev');
    expect(() => stageSettings(ctx({ stage: 'test' }))).toThrow(/stage/);
    expect(() => stageSettings(ctx({}))).toThrow(/stage/);
  });

  it('validates agency endpoints and web origins', () => {
    expect(() => stageSettings(ctx({ stage: 'dev', agencyEndpoints: '{"nobody":"https://x.vn"}' }))).toThrow(
      /unknown agency/,
    );
    expect(() => stageSettings(ctx({ stage: 'prod', agencyEndpoints: { bca: 'http://x.vn' } }))).toThrow(
      /https/,
    );
    expect(() => stageSettings(ctx({ stage: 'prod', webOrigins: '["http://x.vn"]' }))).toThrow(/https/);
    expect(() => stageSettings(ctx({ stage: 'dev', webOrigins: '["https://x.vn/path"]' }))).toThrow(/origin/);
    expect(
      stageSettings(ctx({ stage: 'dev', agencyEndpoints: { bca: 'http://127.0.0.1:9000' } })).agencyEndpoints,
    ).toEqual({
      bca: 'http://127.0.0.1:9000',
    });
  });

  it("validates agencies' operations e-mails: a known channel or agency, and an e-mail address", () => {
    const ops = { bhxh: 'ops@bhxh.example', 'bhxh-hn': 'ops@hanoi.example' };
    expect(
      stageSettings(ctx({ stage: 'dev', agencyOpsEmails: JSON.stringify(ops) })).agencyOpsEmails,
    ).toEqual(ops);
    expect(stageSettings(ctx({ stage: 'dev' })).agencyOpsEmails).toEqual({});
    expect(() => stageSettings(ctx({ stage: 'dev', agencyOpsEmails: { nobody: 'a@b.vn' } }))).toThrow(
      /unknown channel or agency/,
    );
    expect(() => stageSettings(ctx({ stage: 'dev', agencyOpsEmails: { bhxh: 'not an address' } }))).toThrow(
      /e-mail/,
    );
  });
});

describe('PortalFunction', () => {
  it('merges its own environment over the shared one', () => {
    const { app, settings } = buildApp({
      context: testContext('dev'),
      nag: false,
    });
    const stack = new Stack(app, 'Probe');
    new PortalFunction(stack, 'Probe', {
      name: 'probe',
      // Any existing module will do: bundling is skipped.
      spec: { entry: 'functions/core/config.ts', memoryMb: 128, timeoutSeconds: 3 },
      settings,
      sharedEnvironment: { STAGE: 'shared', TABLE_NAME: 'shared' },
      environment: { TABLE_NAME: 'own', PORTAL_URL: 'own' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { STAGE: 'shared', TABLE_NAME: 'own', PORTAL_URL: 'own' } },
    });
  });
});

describe('the catalog function asset', () => {
  it('carries the catalog data beside the handler: search index, summaries and every details file', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'cong-asset-'));
    try {
      // This one stack is bundled for real (local esbuild), unlike the stacks above.
      const app = new App({
        outdir,
        context: { ...cdkContext, stage: 'dev', 'aws:cdk:bundling-stacks': ['CatalogAsset'] },
      });
      const settings = stageSettings((key) => app.node.tryGetContext(key));
      const stack = new Stack(app, 'CatalogAsset');
      new PortalFunction(stack, 'Catalog', {
        name: 'catalog',
        spec: functions.catalog,
        settings,
        sharedEnvironment: {},
      });
      new PortalFunction(stack, 'Platform', {
        name: 'platform',
        spec: functions.platform,
        settings,
        sharedEnvironment: {},
      });
      app.synth();
      // Each function is built from its own entry: no two share a bundle.
      const keys = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map((f) =>
        JSON.stringify(f.Properties.Code.S3Key),
      );
      expect(new Set(keys).size).toBe(2);
      const assets = (await readdir(outdir)).filter((d) => d.startsWith('asset.'));
      // The catalog's bundle is the one that carries its data.
      const bundle = only(
        (
          await Promise.all(
            assets.map(async (d) => ((await readdir(join(outdir, d))).includes('data') ? d : undefined)),
          )
        ).filter(Boolean),
      )!;
      const data = join(outdir, bundle, 'data');
      expect((await readdir(data)).sort()).toEqual(['details', 'forms', 'national', 'search-index.json']);
      const details = await readdir(join(data, 'details'));
      expect(details).toHaveLength(2849);
      expect(details).toContain('1.000823.json');
      expect(await readdir(join(data, 'national'))).toEqual(
        expect.arrayContaining(['index.json', 'codes.json']),
      );
      // The handler and its chunks (code behind dynamic imports) sit side by side; together they carry
      // neither the details nor the search index.
      const files = (await readdir(join(outdir, bundle))).filter((f) => f.endsWith('.mjs'));
      expect(files).toContain('index.mjs');
      expect(files.filter((f) => f.startsWith('chunk-')).length).toBeGreaterThan(0);
      const code = (await Promise.all(files.map((f) => readFile(join(outdir, bundle, f), 'utf8')))).join(
        '\n',
      );
      expect(code).not.toContain('KQ.G19.000181');
      expect(code.length).toBeLessThan(2 * 1024 * 1024);
      // The SDK's credential chain reduced to the environment's credentials, all Lambda provides: no
      // SSO, profile or credential_process links, so no child_process loaded at import.
      expect(code).toContain('no AWS credentials in the environment');
      expect(code).not.toContain('child_process');
      expect(code).not.toContain('defaultProvider::fromSSO');
      // The asset runs as Lambda runs it: its handler answers a look-up and a search from data/ beside it.
      const answers = await runAssetHandler(join(outdir, bundle, 'index.mjs'), [
        { path: '/v1/procedures/1.002758', routeKey: 'GET /v1/procedures/{code}', code: '1.002758' },
        { path: '/v1/procedures', routeKey: 'GET /v1/procedures', q: 'khai sinh' },
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(answers[0]!.body).toContain('1.002758');
      expect(JSON.parse(answers[1]!.body).items.length).toBeGreaterThan(0);
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** Calls a bundled HTTP handler in a Node process of its own, from its own directory, as Lambda does. */
async function runAssetHandler(
  file: string,
  requests: { path: string; routeKey: string; code?: string; q?: string }[],
): Promise<{ status: number; body: string }[]> {
  const events = requests.map((r) => ({
    version: '2.0',
    routeKey: r.routeKey,
    rawPath: r.path,
    rawQueryString: r.q ? `q=${encodeURIComponent(r.q)}` : '',
    headers: {},
    ...(r.code ? { pathParameters: { code: r.code } } : {}),
    ...(r.q ? { queryStringParameters: { q: r.q } } : {}),
    requestContext: { requestId: 'asset', http: { method: 'GET', path: r.path, sourceIp: '192.0.2.1' } },
    isBase64Encoded: false,
  }));
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const out = []; for (const e of ${JSON.stringify(events)}) { const r = await m.handler(e, { awsRequestId: 'asset', getRemainingTimeInMillis: () => 5000 }); out.push({ status: r.statusCode, body: r.body }); } process.stdout.write(JSON.stringify(out));`;
  const env = {
    PATH: process.env.PATH,
    STAGE: 'dev',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_REGION: 'ap-southeast-1',
  };
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dirname(file),
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}
