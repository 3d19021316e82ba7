/**
 * The portal's stateless half: the HTTP API, one Lambda per function group of the route table, and
 * the triggers that move dossiers to agencies (table stream → outbox relay → agency queues →
 * dispatcher). Everything here can be redeployed or replaced without touching data.
 */
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { type IRule, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RateLimitClass } from '../functions/core/rate-limit.js';
import {
  agencyQueues,
  DISPATCH,
  NOTIFICATIONS,
  OUTBOX,
  STATS,
  SUPPORT,
  TABLE,
} from '../functions/core/resources.js';
import { hasJwtAuthorizer } from '../functions/core/route-access.js';
import { type FunctionSpec, functions } from '../functions/deployment.js';
import { type AuthMode, cloudRoutes, type Route, routeKey } from '../functions/routes.js';
import type { DataStack } from './data-stack.js';
import { type Environment, specEnvironment } from './function-environment.js';
import { acknowledgeKmsGrant, grantAccess, type PortalResources } from './grants.js';
import { dashboardName } from './monitoring.js';
import { acknowledge } from './nag.js';
import { PortalFunction } from './portal-function.js';
import { physicalNames } from './settings.js';

export type FunctionName = keyof typeof functions;

/**
 * The Secrets Manager name of the header value CloudFront adds to API requests (functions/core/
 * edge-origin.ts), fixed so the Web stack reads it without an export.
 */
export const edgeOriginSecretName = (stage: string) => `cong/${stage}/edge-origin`;

/**
 * A Secrets Manager version id from the CDK context (`-c edgeOriginSecretVersion=…`,
 * `-c edgeOriginPreviousVersion=…`), or undefined; anything else stops the synthesis.
 */
export function edgeOriginVersion(scope: Construct, key: string): string | undefined {
  const version = scope.node.tryGetContext(key);
  if (version !== undefined && (typeof version !== 'string' || !/^[A-Za-z0-9-]{32,64}$/.test(version))) {
    throw new Error(`context "${key}" must be a Secrets Manager version id, got ${version}`);
  }
  return version;
}

/**
 * The edge header's value, `current` of the secret (of one version when given), as a CloudFormation
 * dynamic reference: resolved at deployment, never in the template. CloudFormation resolves it again only
 * when the reference itself changes, which a version id in the context does after a rotation.
 */
export const edgeOriginReference = (secretId: string, versionId: string | undefined): string =>
  SecretValue.secretsManager(secretId, {
    jsonField: 'current',
    ...(versionId ? { versionId } : {}),
  }).unsafeUnwrap();

/** The SSM parameter the Web stack writes the portal's public address to, when it has no custom domain. */
export const portalUrlParameterName = (stage: string) => `/cong/${stage}/portal-url`;

/** A context value given as JSON text on the command line, or as an object in cdk.json; {} when absent. */
export interface ApiStackProps extends StackProps {
  data: DataStack;
}

/**
 * Request headers a browser on another origin may send: tokens, JSON, retry-safe submissions, and the
 * conditional requests of optimistic concurrency (If-Match on profile updates) and catalog caching.
 */
export const CORS_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'if-match',
  'if-none-match',
] as const;
/** Response headers such a page may read: the version to send back in If-Match, back-off, support ids, file names. */
export const CORS_EXPOSED_HEADERS = ['etag', 'retry-after', 'x-request-id', 'content-disposition'] as const;

/** Seconds the dispatcher waits to fill a batch: a short delay for agencies, fewer invocations at peaks. */
const DISPATCH_BATCHING_WINDOW_SECONDS = 3;

/** Why a route has no API Gateway authorizer: who is calling and how the handler proves it. */
const UNAUTHORIZED_ROUTE_REASONS: Record<Exclude<AuthMode, 'citizen' | 'dev'>, string> = {
  public:
    'public by design, for anonymous visitors (procedure catalog, tracking by code without personal data, ' +
    'health, the API document); the route table marks it public.',
  agency:
    'agency systems do not hold Cognito tokens: the handler verifies the Standard Webhooks signature ' +
    '(webhook-id/timestamp/signature) over the raw body with the agency secret and rejects replays.',
  payment:
    'payment gateways call back with a signed IPN: the handler verifies the provider signature, amount ' +
    'and currency over the raw body before any state change.',
};

/** EventBridge's limit of targets on one rule. */
const MAX_RULE_TARGETS = 5;

/** A schedule's targets: one invocation of the function's live alias per event it starts, all at once. */
function scheduleTargets(name: string, spec: FunctionSpec, fn: PortalFunction): LambdaFunction[] {
  const events = spec.scheduleEvents ?? [undefined];
  if (events.length > MAX_RULE_TARGETS)
    throw new Error(
      `${name}: a schedule starts at most ${MAX_RULE_TARGETS} runs (EventBridge targets a rule)`,
    );
  return events.map(
    (event) =>
      new LambdaFunction(fn.alias, {
        retryAttempts: 2,
        ...(event ? { event: RuleTargetInput.fromObject(event) } : {}),
      }),
  );
}

export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: Record<FunctionName, PortalFunction>;
  readonly table: ITable;
  /** Scheduled rules by function name. */
  readonly schedules: Record<string, IRule> = {};
  readonly queues: {
    outboxDlq: IQueue;
    notificationStreamDlq: IQueue;
    notifications: IQueue;
    notificationsDlq: IQueue;
  };
  /** What CloudFront sends in the edge header; the functions refuse API requests without it. */
  readonly edgeOriginSecret: Secret;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { data } = props;
    const s = data.settings;
    const names = physicalNames(s);
    this.addStackDependency(data);

    // Table and bucket are addressed by their fixed names (see physicalNames); queues, secrets, key
    // and user pool are referenced across stacks.
    const table = Table.fromTableAttributes(this, 'Table', {
      tableName: names.table,
      tableStreamArn: data.table.tableStreamArn,
      encryptionKey: data.dataKey,
      globalIndexes: TABLE.indexes.map((i) => i.name),
    });
    this.table = table;
    const scans = Bucket.fromBucketAttributes(this, 'Scans', {
      bucketName: names.scansBucket,
      encryptionKey: data.dataKey,
    });
    // Citizens' e-mail leaves from one verified SES identity (settings `sesIdentity`).
    const ses = {
      identityArn:
        s.ses.identityArn ??
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: s.ses.identity }),
      from: s.ses.from,
    };

    const resources: PortalResources = {
      table,
      scans,
      dataKey: data.dataKey,
      resultSigningKey: data.resultSigningKey,
      agencyQueues: data.channels.map((c) => c.queue),
      // By name (resources.ts), not by the queue object: 30-odd ARNs exported from the data stack would
      // push it past CloudFormation's 200 outputs.
      agencyDlqArns: agencyQueues(s.prefix).map((q) =>
        this.formatArn({ service: 'sqs', resource: q.dlqName, arnFormat: ArnFormat.NO_RESOURCE_NAME }),
      ),
      agencySecrets: [...data.agencySecrets.values()],
      paymentSecrets: data.paymentSecrets,
      profileKeySecret: data.profileKeySecret,
      notificationsQueue: data.notificationsQueue,
      sesIdentityArn: ses.identityArn,
    };

    const { issuer, webClient } = data.identity;
    const sharedEnvironment: Environment = {
      STAGE: s.stage,
      TABLE_NAME: names.table,
      UPLOADS_BUCKET: names.scansBucket,
      AGENCY_QUEUE_URLS: this.toJsonString(
        Object.fromEntries(data.channels.map((c) => [c.channel, c.queue.queueUrl])),
      ),
      AGENCY_ENDPOINTS: JSON.stringify(s.agencyEndpoints),
      AGENCY_OPS_EMAILS: JSON.stringify(s.agencyOpsEmails),
      AGENCY_SECRETS_SOURCE: 'secretsmanager',
      AGENCY_SECRET_PREFIX: names.agencySecretPrefix,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: webClient.userPoolClientId,
      JWT_JWKS_URL: `${issuer}/.well-known/jwks.json`,
      // Providers and billers are stage settings, their secrets in Secrets Manager; without them
      // payment routes answer 503.
      PAYMENT_PROVIDERS: JSON.stringify(s.payments.providers),
      PAYMENT_PROVIDER: 'vnpay',
      BILLERS: JSON.stringify(s.payments.billers),
      PAYMENT_SECRETS_SOURCE: 'secretsmanager',
      PAYMENT_SECRET_PREFIX: names.paymentSecretPrefix,
      NOTIFICATIONS_QUEUE_URL: data.notificationsQueue.queueUrl,
      NOTIFY_TRANSPORT: 'aws',
      NOTIFY_EMAIL_FROM: ses.from,
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'cong',
      POWERTOOLS_LOG_LEVEL: s.logLevel,
      // Traces carry timings and AWS call names, never handler results (dossiers, profiles).
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    };

    const keySources = {
      profileKey: { secretName: names.profileKeySecret },
      resultSigningKey: { keyId: data.resultSigningKey.keyArn },
    };
    const entries = Object.entries(functions) as [FunctionName, FunctionSpec][];
    this.functions = Object.fromEntries(
      entries.map(([name, spec]) => {
        const fn = new PortalFunction(this, `Fn-${name}`, {
          name,
          spec,
          settings: s,
          sharedEnvironment,
          environment: specEnvironment(spec, keySources),
        });
        grantAccess(fn, spec, resources);
        if (spec.trigger === 'outbox-stream') this.relayOutbox(fn, table, data);
        if (spec.trigger === 'agency-queues') this.dispatchAgencyQueues(fn, spec, data);
        if (spec.trigger === 'dossier-stream') this.relayNotifications(fn, table, data);
        if (spec.trigger === 'notifications-queue') this.drainNotifications(fn, spec, data);
        if (spec.trigger === 'schedule') {
          this.schedules[name] = new Rule(this, `Schedule-${name}`, {
            description: `Cong ${s.stage}: runs ${name} every ${spec.everyMinutes ?? 15} minutes`,
            schedule: Schedule.rate(Duration.minutes(spec.everyMinutes ?? 15)),
            targets: scheduleTargets(name, spec, fn),
          });
        }
        return [name, fn];
      }),
    ) as Record<FunctionName, PortalFunction>;

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${s.prefix}-api`,
      retention: s.logRetention,
      removalPolicy: s.removalPolicy,
    });
    const methods = [...new Set(cloudRoutes.map((r) => r.method))];
    this.api = new HttpApi(this, 'Api', {
      apiName: `${s.prefix}-api`,
      description: `Cổng ${s.stage}: national public service portal API`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: s.webOrigins,
        allowMethods: methods.map((m) => CorsHttpMethod[m]),
        allowHeaders: [...CORS_REQUEST_HEADERS],
        exposeHeaders: [...CORS_EXPOSED_HEADERS],
        maxAge: Duration.hours(1),
      },
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: s.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // One JSON line per request, without headers, bodies or caller addresses (personal data).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            responseLength: '$context.responseLength',
          }),
        ),
      },
    });

    const citizenAuthorizer = new HttpJwtAuthorizer('CitizenJwt', issuer, {
      authorizerName: 'citizen-jwt',
      jwtAudience: [webClient.userPoolClientId],
    });
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const limitedRoutes: [Route, HttpRoute][] = [];
    for (const route of cloudRoutes) {
      if (route.fn === 'dev') throw new Error(`${routeKey(route)}: dev routes exist only in the local cloud`);
      const fnName = route.fn;
      let integration = integrations.get(fnName);
      if (!integration) {
        // The alias, so a canary's traffic split applies to API calls too.
        integration = new HttpLambdaIntegration(`Integration-${fnName}`, this.functions[fnName].alias);
        integrations.set(fnName, integration);
      }
      const httpRoute = new HttpRoute(this, `Route-${route.operationId}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration,
        authorizer: this.authorizerFor(route.auth, citizenAuthorizer),
      });
      if (route.auth !== 'citizen' && route.auth !== 'dev') {
        acknowledge(
          httpRoute,
          'AwsSolutions-APIG4',
          `${routeKey(route)}: ${UNAUTHORIZED_ROUTE_REASONS[route.auth]}`,
        );
      }
      if (route.rateLimit) limitedRoutes.push([route, httpRoute]);
    }
    this.throttleLimitedRoutes(limitedRoutes, s.routeThrottle);

    // Providers send the citizen's browser back to the portal's own address; the OpenAPI document names
    // it as its server; deliveries link each file to this stage's agency download route. It is always the
    // edge, which serves page and API together (API Gateway's own address answers only the edge). With a
    // custom domain it is known now; otherwise the distribution, created after this stack, writes its
    // address to an SSM parameter that the functions read at run time (functions/core/portal-url.ts).
    const portalUrl = s.domain ? `https://${s.domain.name}` : undefined;
    const parameter = portalUrlParameterName(s.stage);
    for (const [name, spec] of entries) {
      if (!spec.linksToPortal) continue;
      const fn = this.functions[name].function;
      if (portalUrl) {
        const late = specEnvironment(spec, { ...keySources, portalUrl });
        if (late.PORTAL_URL) fn.addEnvironment('PORTAL_URL', late.PORTAL_URL);
        continue;
      }
      fn.addEnvironment('PORTAL_URL_PARAMETER', parameter);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: [
            this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameter.slice(1) }),
          ],
        }),
      );
    }

    this.edgeOriginSecret = this.edgeOnly(s.stage);

    new CfnOutput(this, 'ApiUrl', {
      value: this.stage.url,
      description:
        "API Gateway's own address, the edge's origin: it refuses requests that did not come through " +
        'the distribution (403 EDGE_REQUIRED). Clients use the Web stack PortalUrl.',
    });

    // Queues by their fixed names, not by export: the data stack is near CloudFormation's 200 outputs.
    const queueByName = (id: string, queueName: string) =>
      Queue.fromQueueArn(
        this,
        id,
        this.formatArn({ service: 'sqs', resource: queueName, arnFormat: ArnFormat.NO_RESOURCE_NAME }),
      );
    const notificationsName = `${names.queuePrefix}-${NOTIFICATIONS.queueSuffix}`;
    this.queues = {
      outboxDlq: queueByName('OutboxDlqByName', names.outboxDlq),
      notificationStreamDlq: queueByName('NotificationStreamDlqByName', names.notificationStreamDlq),
      notifications: queueByName('NotificationsByName', notificationsName),
      notificationsDlq: queueByName('NotificationsDlqByName', `${notificationsName}-dlq`),
    };
    this.operatorOutputs(data);
  }

  /**
   * The HTTP API answers only the stage's CloudFront distribution, whose WAF and per-address limits must
   * see every request: the distribution adds a generated secret header (lib/web-stack.ts) and every HTTP
   * function refuses a request without it before any other work (functions/core/edge-origin.ts). API
   * Gateway's execute-api endpoint stays enabled because it is the distribution's origin: disabling it
   * would need a regional custom domain per stage, which would itself be reachable without the edge.
   */
  private edgeOnly(stage: string): Secret {
    const secret = new Secret(this, 'EdgeOriginSecret', {
      secretName: edgeOriginSecretName(stage),
      description: `Cong ${stage}: the header value CloudFront adds to API requests ({"current"})`,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        // Letters and digits: a header value CloudFront and every proxy pass through as it is.
        excludePunctuation: true,
        passwordLength: 64,
      },
      // Not data: a new stage generates its own.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      'CloudFront and the functions take the header value when their stacks deploy, so an automatic rotation ' +
        'would change the secret without changing what the edge sends or the functions accept. Operators ' +
        'rotate with deployments (README: functions accept new and old, the Web stack sends new, then new only).',
    );
    // CloudFormation resolves the values into each HTTP function's environment at deployment, so the
    // functions compare strings and never call Secrets Manager (no client in their bundles, no call on a
    // cold start). The value is then readable by whoever may read a function's configuration
    // (lambda:GetFunctionConfiguration), exactly as it already is by whoever may read the distribution's
    // (cloudfront:GetDistributionConfig); it only proves that a request came through CloudFront. The
    // secret's ARN, not its name, so each function waits for the secret on a stage's first deployment.
    // During a rotation the old version's `current` is accepted too: a field of a version that exists,
    // never a field that might be missing (a reference to a missing one fails the deployment).
    const previous = edgeOriginVersion(this, 'edgeOriginPreviousVersion');
    const accepted = [
      edgeOriginReference(secret.secretArn, edgeOriginVersion(this, 'edgeOriginSecretVersion')),
      ...(previous ? [edgeOriginReference(secret.secretArn, previous)] : []),
    ].join(',');
    const http = new Set<string>(cloudRoutes.map((r) => r.fn));
    for (const [name, fn] of Object.entries(this.functions)) {
      if (!http.has(name)) continue;
      fn.function.addEnvironment('EDGE_ORIGIN_CHECK', 'on');
      fn.function.addEnvironment('EDGE_ORIGIN_VALUES', accepted);
    }
    return secret;
  }

  /**
   * What the operator tools read in `--stage` mode (lib/ops/stage.ts): the queues and dead-letter
   * queues, the stream, so no tool guesses a physical name.
   */
  private operatorOutputs(data: DataStack) {
    const names = physicalNames(data.settings);
    new CfnOutput(this, 'TableName', { value: names.table });
    new CfnOutput(this, 'UploadsBucketName', { value: names.scansBucket });
    // The shared configuration requires the token settings, though no operator tool checks a token.
    new CfnOutput(this, 'JwtIssuer', { value: data.identity.issuer });
    new CfnOutput(this, 'JwtAudience', { value: data.identity.webClient.userPoolClientId });
    // Agency queues are named from this prefix by functions/core/resources.ts (agencyQueues): forty URLs
    // would not fit in one output.
    new CfnOutput(this, 'QueueNamePrefix', { value: physicalNames(data.settings).queuePrefix });
    new CfnOutput(this, 'OutboxDlqUrl', { value: this.queues.outboxDlq.queueUrl });
    new CfnOutput(this, 'NotificationsDlqUrl', { value: this.queues.notificationsDlq.queueUrl });
    new CfnOutput(this, 'NotificationStreamDlqUrl', { value: this.queues.notificationStreamDlq.queueUrl });
    new CfnOutput(this, 'TableStreamArn', { value: data.table.tableStreamArn ?? '' });
    // The dashboard lives in the monitoring stack under a fixed name: the tools read this stack only.
    new CfnOutput(this, 'DashboardName', { value: dashboardName(data.settings.prefix) });
    new CfnOutput(this, 'PaymentsReconcileFunction', {
      value: this.functions.paymentsReconcile.alias.functionArn,
    });
    new CfnOutput(this, 'NotificationRelayFunction', {
      value: this.functions.notificationRelay.alias.functionArn,
    });
  }

  /**
   * Routes with abuse limits also get a tighter API Gateway throttle than the stage default, so a flood
   * is turned away before it reaches the Lambda and the table-backed per-account and per-address limits.
   */
  private throttleLimitedRoutes(
    limited: readonly [Route, HttpRoute][],
    throttle: Record<RateLimitClass, { rateLimit: number; burstLimit: number }>,
  ) {
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = Object.fromEntries(
      limited.map(([route]) => [
        routeKey(route),
        {
          ThrottlingRateLimit: throttle[route.rateLimit!].rateLimit,
          ThrottlingBurstLimit: throttle[route.rateLimit!].burstLimit,
        },
      ]),
    );
    // Route settings name routes by key: the routes must exist before the stage refers to them.
    for (const [, httpRoute] of limited) stage.node.addDependency(httpRoute);
  }

  private authorizerFor(auth: AuthMode, citizen: HttpJwtAuthorizer): IHttpRouteAuthorizer {
    // The one answer the local gateway follows too (lib/local/api-authorizer.ts).
    if (hasJwtAuthorizer(auth)) return citizen;
    switch (auth) {
      case 'citizen':
        throw new Error('citizen routes have the JWT authorizer');
      case 'public':
      case 'agency':
      case 'payment':
        // Explicitly none, so a default authorizer added to the API later cannot lock out callers
        // that prove themselves another way.
        return new HttpNoneAuthorizer();
      case 'dev':
        throw new Error('dev routes exist only in the local cloud');
    }
  }

  /**
   * One table-stream consumer: its own mapping (so one consumer's failures never hold up another),
   * bounded retries with batch bisection, failed batches to the consumer's own stream DLQ (a replay
   * must know whose records it holds), and only the records its filters select.
   */
  private consumeStream(
    fn: PortalFunction,
    table: ReturnType<typeof Table.fromTableAttributes>,
    o: {
      what: string;
      dlq: IQueue;
      startingPosition: StartingPosition;
      retryAttempts: number;
      filters: Record<string, unknown>[];
    },
  ) {
    fn.alias.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: o.startingPosition,
        batchSize: 100,
        parallelizationFactor: TABLE.streamParallelization,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: o.retryAttempts,
        onFailure: new SqsDlq(o.dlq),
        filters: o.filters,
      }),
    );
    acknowledge(
      fn.role,
      'AwsSolutions-IAM5[Resource::*]',
      `The ${o.what} needs dynamodb:ListStreams to find the table stream; that action accepts no resource ARN.`,
    );
    acknowledgeKmsGrant(fn);
  }

  /** Outbox items (written in the same transaction as the dossier change) become agency queue messages. */
  private relayOutbox(
    fn: PortalFunction,
    table: ReturnType<typeof Table.fromTableAttributes>,
    data: DataStack,
  ) {
    this.consumeStream(fn, table, {
      what: 'outbox relay',
      dlq: data.outboxDlq,
      // TRIM_HORIZON: outbox items written before the mapping exists (first deployment, a replaced
      // mapping) are still relayed; a replayed item is harmless because its id is the webhook-id
      // agencies deduplicate on, whereas LATEST would silently drop them.
      startingPosition: StartingPosition.TRIM_HORIZON,
      retryAttempts: OUTBOX.maxStreamRetries,
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { [TABLE.partitionKey]: { S: FilterRule.beginsWith(OUTBOX.pkPrefix) } } },
        }),
      ],
    });
  }

  /**
   * New timeline events (citizen notifications, statistics), dossier images (SLA deadline index), new
   * ratings and new petition events (statistics) feed the notification relay. LATEST: a new mapping does
   * not re-announce past changes; counters a replaced mapping missed are restored by `stats:rebuild`.
   */
  private relayNotifications(
    fn: PortalFunction,
    table: ReturnType<typeof Table.fromTableAttributes>,
    data: DataStack,
  ) {
    const dossierPk = { [TABLE.partitionKey]: { S: FilterRule.beginsWith(NOTIFICATIONS.dossierPkPrefix) } };
    this.consumeStream(fn, table, {
      what: 'notification relay',
      // By name, as this stack's other queues (the data stack is near its 200 outputs); the relay's
      // grant on the notifications queue covers the data key that encrypts both.
      dlq: Queue.fromQueueArn(
        this,
        'NotificationStreamDlqTarget',
        this.formatArn({
          service: 'sqs',
          resource: physicalNames(data.settings).notificationStreamDlq,
          arnFormat: ArnFormat.NO_RESOURCE_NAME,
        }),
      ),
      // LATEST: a new mapping does not re-announce a day of past changes to citizens.
      startingPosition: StartingPosition.LATEST,
      retryAttempts: NOTIFICATIONS.maxStreamRetries,
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { ...dossierPk, kind: { S: FilterRule.isEqual(NOTIFICATIONS.eventKind) } } },
        }),
        FilterCriteria.filter({
          eventName: FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: {
            NewImage: { ...dossierPk, [TABLE.sortKey]: { S: FilterRule.isEqual(NOTIFICATIONS.dossierSk) } },
          },
        }),
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: {
            NewImage: { ...dossierPk, [TABLE.sortKey]: { S: FilterRule.isEqual(STATS.ratingSk) } },
          },
        }),
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: {
            NewImage: {
              [TABLE.partitionKey]: { S: FilterRule.beginsWith(STATS.petitionPkPrefix) },
              kind: { S: FilterRule.isEqual(STATS.petitionEventKind) },
            },
          },
        }),
        // Support desk answers: the asker is notified (functions/notifications/support-notice.ts).
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: {
            NewImage: {
              [TABLE.partitionKey]: { S: FilterRule.beginsWith(SUPPORT.pkPrefix) },
              kind: { S: FilterRule.isEqual(SUPPORT.eventKind) },
            },
          },
        }),
      ],
    });
  }

  /** The notifications queue feeds the notifier; a message failing maxReceiveCount times goes to the DLQ. */
  private drainNotifications(fn: PortalFunction, spec: FunctionSpec, data: DataStack) {
    if (NOTIFICATIONS.visibilityTimeoutSeconds < 6 * spec.timeoutSeconds) {
      throw new Error(
        `notifications queue visibility ${NOTIFICATIONS.visibilityTimeoutSeconds}s is below 6 × notifier timeout ${spec.timeoutSeconds}s`,
      );
    }
    fn.alias.addEventSource(
      new SqsEventSource(data.notificationsQueue, {
        batchSize: NOTIFICATIONS.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: data.settings.notifierConcurrency,
      }),
    );
    acknowledgeKmsGrant(fn);
  }

  /** Each agency channel's queue feeds the dispatcher; partial batch failures go back with backoff. */
  private dispatchAgencyQueues(fn: PortalFunction, spec: FunctionSpec, data: DataStack) {
    // AWS guidance: queue visibility ≥ 6 × function timeout, so throttled retries of a batch do not
    // make its messages visible to a second consumer while the first still works on them.
    if (DISPATCH.visibilityTimeoutSeconds < 6 * spec.timeoutSeconds) {
      throw new Error(
        `agency queue visibility ${DISPATCH.visibilityTimeoutSeconds}s is below 6 × dispatcher timeout ${spec.timeoutSeconds}s`,
      );
    }
    // Bulkheads: each channel's queue runs at most this many dispatchers, so one slow or failing channel
    // cannot take every dispatcher; a reservation below their sum would let channels starve each other.
    const perChannel = data.settings.dispatchConcurrencyPerChannel;
    if (!Number.isInteger(perChannel) || perChannel < 2 || perChannel > 1000) {
      throw new Error(`dispatch concurrency per channel ${perChannel} is outside SQS's 2–1,000`);
    }
    const reserved = data.settings.reservedConcurrency.dispatcher;
    if (reserved !== undefined && reserved < perChannel * data.channels.length) {
      throw new Error(
        `dispatcher reserved concurrency ${reserved} is below ${data.channels.length} channels × ${perChannel}`,
      );
    }
    // Within a batch each agency's deliveries run side by side with the others' (functions/dispatch/
    // dispatcher.ts); one agency's share of a batch must finish before the function's timeout even when
    // every POST takes nearly its own timeout.
    const rounds = Math.ceil(DISPATCH.batchSize / DISPATCH.perAgencyInBatch);
    if (rounds * DISPATCH.postTimeoutSeconds >= spec.timeoutSeconds) {
      throw new Error(
        `${rounds} rounds of ${DISPATCH.postTimeoutSeconds}s deliveries do not fit the dispatcher timeout ${spec.timeoutSeconds}s`,
      );
    }
    for (const channel of data.channels) {
      // The mapping's consume grant includes sqs:ChangeMessageVisibility, which the dispatcher uses
      // to apply backoff to a message it could not deliver.
      fn.alias.addEventSource(
        new SqsEventSource(channel.queue, {
          batchSize: DISPATCH.batchSize,
          maxBatchingWindow: Duration.seconds(DISPATCH_BATCHING_WINDOW_SECONDS),
          reportBatchItemFailures: true,
          maxConcurrency: perChannel,
        }),
      );
    }
  }
}
