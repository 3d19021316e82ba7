/**
 * The stage's AWS WAF web ACL and its request logs. CloudFront accepts only web ACLs of scope CLOUDFRONT,
 * and those exist in us-east-1 alone: this stack always deploys there, and the Web stack in the stage's
 * own region reads the ACL's ARN through CDK's cross-region references (SSM parameters written here
 * and read there by a custom resource).
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import {
  type Alarm,
  AnomalyDetectionAlarm,
  ComparisonOperator,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { AppError } from '../functions/core/errors.js';
import { cloudRoutes } from '../functions/routes.js';
import { OperatorAlerts } from './alerts.js';
import { acknowledge } from './nag.js';
import type { StageSettings } from './settings.js';

/**
 * Path prefixes of the routes that partners call: agency systems (signed webhooks) and payment gateways
 * (signed payment notices), read from the route table. They get the higher rate budget.
 */
export function partnerPathPrefixes(): string[] {
  const prefixes = cloudRoutes
    .filter((r) => r.auth === 'agency' || r.auth === 'payment')
    .map((r) => r.path.split('{')[0] as string);
  return [...new Set(prefixes)].sort();
}

/** Seconds a rate-limited caller is asked to wait: WAF re-evaluates the rate every minute or so. */
const RATE_LIMITED_RETRY_AFTER_SECONDS = 60;

type Statement = CfnWebACL.StatementProperty;

/** URI paths starting with `prefix`, after decoding and dot-segment removal (`/v1/agency/../x` is not a partner path). */
const pathStartsWith = (prefix: string): Statement => ({
  byteMatchStatement: {
    searchString: prefix,
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    textTransformations: [
      { priority: 0, type: 'URL_DECODE' },
      { priority: 1, type: 'NORMALIZE_PATH' },
    ],
  },
});

const anyOf = (statements: Statement[]): Statement =>
  statements.length === 1 ? (statements[0] as Statement) : { orStatement: { statements } };

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

const managedGroup = (
  priority: number,
  name: string,
  extra: Partial<CfnWebACL.ManagedRuleGroupStatementProperty> = {},
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...extra } },
  visibilityConfig: visibility(name),
});

export interface EdgeStackProps extends StackProps {
  settings: StageSettings;
}

export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly logs: Bucket;
  alerts!: OperatorAlerts;
  blockedRequestsAlarm!: Alarm;
  private readonly settings: StageSettings;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const s = props.settings;
    this.settings = s;
    const partner = anyOf(partnerPathPrefixes().map(pathStartsWith));
    const rateLimited = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: 'rateLimited',
          responseHeaders: [{ name: 'retry-after', value: String(RATE_LIMITED_RETRY_AFTER_SECONDS) }],
        },
      },
    };

    const rules: CfnWebACL.RuleProperty[] = [
      managedGroup(0, 'AWSManagedRulesAmazonIpReputationList'),
      ...(s.waf.blockAnonymousIps
        ? [
            // Partners call from hosting providers, which the anonymous list includes: never for them.
            managedGroup(1, 'AWSManagedRulesAnonymousIpList', {
              scopeDownStatement: { notStatement: { statement: partner } },
            }),
          ]
        : []),
      {
        name: 'PartnerRatePerIp',
        priority: 10,
        action: rateLimited,
        statement: {
          rateBasedStatement: {
            limit: s.waf.partnerRequestsPer5Min,
            evaluationWindowSec: 300,
            aggregateKeyType: 'IP',
            scopeDownStatement: partner,
          },
        },
        visibilityConfig: visibility('PartnerRatePerIp'),
      },
      {
        name: 'CitizenRatePerIp',
        priority: 11,
        action: rateLimited,
        statement: {
          rateBasedStatement: {
            limit: s.waf.citizenRequestsPer5Min,
            evaluationWindowSec: 300,
            aggregateKeyType: 'IP',
            scopeDownStatement: { notStatement: { statement: partner } },
          },
        },
        visibilityConfig: visibility('CitizenRatePerIp'),
      },
      managedGroup(20, 'AWSManagedRulesCommonRuleSet', {
        // The rule set blocks bodies over 8 KB; dossier forms and agency reports can be longer and the
        // API enforces its own body limits (PAYLOAD_TOO_LARGE). Counted, so its metric still shows them.
        ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
      }),
      managedGroup(30, 'AWSManagedRulesKnownBadInputsRuleSet'),
    ];

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${s.prefix}-edge`,
      description: `Cong ${s.stage}: the citizen page and API at the edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules,
      customResponseBodies: {
        // The API's own error shape, so clients handle a WAF refusal like the API's 429.
        rateLimited: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(new AppError('RATE_LIMITED').toBody()),
        },
      },
      visibilityConfig: visibility(`${s.prefix}-edge`),
    });

    // WAF delivers logs only to buckets named aws-waf-logs-*; the account id keeps the name unique.
    this.logs = new Bucket(this, 'WafLogs', {
      bucketName: `aws-waf-logs-${s.prefix}-${Aws.ACCOUNT_ID}`,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: Duration.days(s.waf.logRetentionDays) }],
      removalPolicy: s.removalPolicy,
    });
    acknowledge(
      this.logs,
      'AwsSolutions-S1',
      'This bucket holds the WAF request logs themselves; logging access to it would log the log bucket.',
    );
    // The log delivery service writes under AWSLogs/<account>/ for this account's log sources only.
    const fromThisAccount = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` },
    };
    const put = this.logs.addToResourcePolicy(
      new PolicyStatement({
        sid: 'WafLogDeliveryWrite',
        principals: [new ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.logs.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: {
          ...fromThisAccount,
          StringEquals: { ...fromThisAccount.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      }),
    );
    this.logs.addToResourcePolicy(
      new PolicyStatement({
        sid: 'WafLogDeliveryAclCheck',
        principals: [new ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['s3:GetBucketAcl'],
        resources: [this.logs.bucketArn],
        conditions: fromThisAccount,
      }),
    );

    const logging = new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.logs.bucketArn],
      // Tokens, session cookies and query strings (sign-in codes, payment return parameters) stay out.
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { queryString: {} },
      ],
    });
    if (put.policyDependable) logging.node.addDependency(put.policyDependable);

    this.blockedSpike();

    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
    new CfnOutput(this, 'WafLogsBucket', { value: this.logs.bucketName });
  }

  /**
   * A spike of blocked requests (an attack, or a rule that started refusing citizens) alarms here in
   * us-east-1, where CloudFront's WAF reports; an alarm notifies a topic of its own region only, so the
   * edge has its own alerts topic with the stage's e-mail subscribers.
   */
  private blockedSpike() {
    const s = this.settings;
    this.alerts = new OperatorAlerts(this, 'Alerts', {
      topicName: `${s.prefix}-edge-alerts`,
      emails: s.alertEmails,
    });
    this.blockedRequestsAlarm = this.alerts.notify(
      new AnomalyDetectionAlarm(this, 'BlockedRequestsSpike', {
        alarmName: `${s.prefix}-WafBlockedSpike`,
        alarmDescription: `Cong ${s.stage}: the edge blocks far more requests than usual (WAF logs in aws-waf-logs-…)`,
        // CloudFront web ACLs report without a Region dimension.
        metric: new Metric({
          namespace: 'AWS/WAFV2',
          metricName: 'BlockedRequests',
          dimensionsMap: { WebACL: this.webAcl.name!, Rule: 'ALL' },
          period: Duration.minutes(5),
          statistic: 'Sum',
        }),
        stdDevs: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
