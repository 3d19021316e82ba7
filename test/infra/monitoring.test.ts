import { Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_METRICS } from '../../functions/core/metrics.js';
import { functions } from '../../functions/deployment.js';
import { buildApp } from '../../lib/app.js';
import { OUTPUT_KEYS } from '../../lib/ops/stage.js';
import { STAGES, type Stage, stageSettings } from '../../lib/settings.js';
import { buildStacks, testContext } from '../support/cdk-app.js';
import { VNEID_CONTEXT } from '../support/vneid-context.js';

type Resource = { Type: string; Properties: Record<string, unknown>; UpdatePolicy?: Record<string, unknown> };
type Dimension = { Name: string; Value: unknown };

const resources = (t: Template, type: string) =>
  Object.entries(t.findResources(type) as Record<string, Resource>);

const dimensionsOf = (alarm: Resource) => (alarm.Properties.Dimensions ?? []) as Dimension[];
const dimension = (alarm: Resource, name: string) => dimensionsOf(alarm).find((d) => d.Name === name)?.Value;

/** Export name → the value the exporting stack gives it, so imported queue names can be followed. */
function exportsOf(t: Template): Map<string, unknown> {
  const outputs = (t.toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: string } }>;
  return new Map(
    Object.values(outputs)
      .filter((o) => o.Export)
      .map((o) => [o.Export!.Name, o.Value]),
  );
}

/**
 * What a value of the monitoring stack refers to in the API stack: an import of one of its exports
 * becomes the exported value there (`{ Ref: <logical id> }`).
 */
function fromApi(value: unknown, api: Template): unknown {
  const imported = (value as { 'Fn::ImportValue'?: string } | undefined)?.['Fn::ImportValue'];
  return imported ? exportsOf(api).get(imported) : value;
}

/** The physical queue name an alarm's QueueName dimension resolves to (by name, or by export of the data stack). */
function queueNameOf(value: unknown, data: Template): string | undefined {
  if (typeof value === 'string') return value;
  const imported = (value as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
  if (imported) {
    const exported = exportsOf(data).get(imported) as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const [logicalId] = exported?.['Fn::GetAtt'] ?? [];
    const queue = (data.toJSON().Resources as Record<string, Resource>)[logicalId ?? ''];
    return queue?.Properties.QueueName as string | undefined;
  }
  // By name in the API stack: the stack's name prefix is joined with the fixed queue name.
  return JSON.stringify(value).match(/cong-[a-z]+-[a-z0-9-]+/)?.[0];
}

describe.each(STAGES)('monitoring of %s', (stage: Stage) => {
  let built: ReturnType<typeof buildStacks>;
  beforeAll(() => {
    built = buildStacks(stage, VNEID_CONTEXT);
  }, 120_000);

  it('alarms on every dead-letter queue: each agency channel, the outbox and the notifications', () => {
    const dlqNames = resources(built.dataT, 'AWS::SQS::Queue')
      .map(([, q]) => q.Properties.QueueName as string)
      .filter((name) => name.endsWith('-dlq'));
    // Every queue another queue or the stream dead-letters into is one of these.
    const redriveTargets = resources(built.dataT, 'AWS::SQS::Queue').filter(
      ([, q]) => q.Properties.RedrivePolicy,
    );
    expect(dlqNames.length).toBeGreaterThanOrEqual(redriveTargets.length + 1);
    expect(dlqNames).toContain(`cong-${stage}-outbox-dlq`);
    expect(dlqNames).toContain(`cong-${stage}-notifications-dlq`);
    expect(dlqNames).toContain(`cong-${stage}-notification-stream-dlq`);

    const watched = resources(built.monitoringT, 'AWS::CloudWatch::Alarm')
      .filter(([, a]) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map(([, a]) => {
        expect(a.Properties.AlarmActions, 'notifies the alerts topic').toEqual([
          { Ref: expect.stringMatching(/^AlertsTopic/) },
        ]);
        return queueNameOf(dimension(a, 'QueueName'), built.dataT);
      });
    for (const name of dlqNames) expect(watched, name).toContain(name);
  });

  it('alarms when the dispatcher logs a gone agency endpoint or paused deliveries, from its own log group', () => {
    const dispatcherLogs = resources(built.apiT, 'AWS::Logs::LogGroup')
      .map(([, g]) => g.Properties.LogGroupName)
      .find((name) => name === `/aws/lambda/cong-${stage}-dispatcher`);
    expect(dispatcherLogs).toBeDefined();
    const filters = resources(built.monitoringT, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    const alarms = resources(built.monitoringT, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const [event, metric] of [
      ['agency_endpoint_gone', `AgencyEndpointGone-${stage}`],
      ['agency_deliveries_paused', `AgencyDeliveriesPaused-${stage}`],
    ]) {
      const filter = filters.find((f) => JSON.stringify(f.FilterPattern).includes(event!));
      expect(filter, event).toMatchObject({
        LogGroupName: dispatcherLogs,
        MetricTransformations: [{ MetricNamespace: 'Cong', MetricName: metric, MetricValue: '1' }],
      });
      expect(alarms.find((a) => a.MetricName === metric && a.Namespace === 'Cong')).toMatchObject({
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: expect.stringMatching(/^AlertsTopic/) }],
      });
    }
  });

  it('alarms on errors and throttles of every function, including the sign-in trigger', () => {
    const alarms = resources(built.monitoringT, 'AWS::CloudWatch::Alarm').map(([, a]) => a);
    const lambdas = resources(built.apiT, 'AWS::Lambda::Function');
    expect(lambdas.length).toBe(Object.keys(functions).length);
    // The monitoring stack names each function of the API stack by its physical name.
    for (const [logicalId, fn] of lambdas) {
      const functionName = fn.Properties.FunctionName;
      expect(functionName, logicalId).toMatch(new RegExp(`^cong-${stage}-`));
      for (const metric of ['Errors', 'Throttles']) {
        const found = alarms.filter(
          (a) =>
            a.Properties.Namespace === 'AWS/Lambda' &&
            a.Properties.MetricName === metric &&
            dimension(a, 'FunctionName') === functionName,
        );
        expect(found, `${metric} of ${logicalId}`).toHaveLength(1);
      }
    }
    for (const metric of ['Errors', 'Throttles']) {
      expect(
        alarms.some(
          (a) =>
            a.Properties.MetricName === metric &&
            dimension(a, 'FunctionName') === `cong-${stage}-preTokenGeneration`,
        ),
      ).toBe(true);
    }
  });

  it('alarms on API 5xx rate and p99 latency, table throttles and errors, stream age, schedules', () => {
    const alarms = resources(built.monitoringT, 'AWS::CloudWatch::Alarm').map(([, a]) => a);
    const named = (suffix: string) =>
      alarms.find((a) => a.Properties.AlarmName === `cong-${stage}-${suffix}`);
    const rate = JSON.stringify(named('Api5xxRate')?.Properties.Metrics);
    expect(rate).toContain('5xx');
    expect(rate).toContain('Count');
    expect(named('ApiLatencyP99')?.Properties).toMatchObject({
      ExtendedStatistic: 'p99',
      MetricName: 'Latency',
    });
    // Both watch the API stack's HTTP API.
    const [apiId] = Object.keys(built.apiT.findResources('AWS::ApiGatewayV2::Api'));
    expect(fromApi(dimension(named('ApiLatencyP99')!, 'ApiId'), built.apiT)).toEqual({ Ref: apiId });
    expect(rate).toContain(JSON.stringify(dimension(named('ApiLatencyP99')!, 'ApiId')));
    expect(JSON.stringify(named('TableThrottles')?.Properties.Metrics)).toContain('ThrottledRequests');
    expect(JSON.stringify(named('TableSystemErrors')?.Properties.Metrics)).toContain('SystemErrors');
    for (const fn of ['outboxRelay', 'notificationRelay'])
      expect(named(`IteratorAge-${fn}`)?.Properties.MetricName).toBe('IteratorAge');
    const rules = resources(built.apiT, 'AWS::Events::Rule');
    const scheduled = Object.entries(functions).filter(([, f]) => f.trigger === 'schedule');
    expect(rules).toHaveLength(scheduled.length);
    for (const [name] of scheduled) {
      const alarm = named(`ScheduleFailed-${name}`);
      expect(alarm?.Properties).toMatchObject({ Namespace: 'AWS/Events', MetricName: 'FailedInvocations' });
      const rule = fromApi(dimension(alarm!, 'RuleName'), built.apiT) as { Ref: string };
      expect(rules.map(([id]) => id)).toContain(rule.Ref);
    }
  });

  it('alarms on the business metrics: failing deliveries of an agency system, deadlines, payments, the SLA watcher behind', () => {
    const alarms = resources(built.monitoringT, 'AWS::CloudWatch::Alarm').map(([, a]) => a);
    const named = (suffix: string) =>
      alarms.find((a) => a.Properties.AlarmName === `cong-${stage}-${suffix}`);
    const worst = JSON.stringify(named('DeliveriesFailing')?.Properties.Metrics);
    expect(worst).toContain('SUM(DeliveriesFailed)');
    expect(worst).toContain('GROUP BY Channel');
    expect(worst).toContain(`Stage = '${stage}'`);
    for (const [alarm, metric] of [
      ['AcknowledgementsOverdue', 'AcknowledgedLate'],
      ['DossiersOverdue', 'Overdue'],
      ['PaymentsFlagged', 'PaymentsFlagged'],
      ['SlaWatchBehind', 'SlaWatchUnfinished'],
    ] as const) {
      const a = named(alarm);
      expect(a?.Properties).toMatchObject({ Namespace: 'Cong', MetricName: metric });
      expect(dimension(a!, 'Stage')).toBe(stage);
      expect(dimension(a!, 'service')).toBe('cong');
    }
  });

  it('outputs every name the operator tools read with --stage', () => {
    const outputs = built.apiT.toJSON().Outputs ?? {};
    for (const key of OUTPUT_KEYS) expect(Object.keys(outputs), key).toContain(key);
    // The dashboard is the monitoring stack's; the API stack names it without reading that stack.
    const [[, dashboard]] = resources(built.monitoringT, 'AWS::CloudWatch::Dashboard') as [
      [string, Resource],
    ];
    expect(outputs.DashboardName.Value).toBe(dashboard.Properties.DashboardName);
  });

  it("keeps every stack under CloudFormation's 500 resources, the API stack with room for new routes", () => {
    const count = (t: Template) => Object.keys(t.toJSON().Resources).length;
    const counts = {
      data: count(built.dataT),
      api: count(built.apiT),
      monitoring: count(built.monitoringT),
      web: count(built.webT),
      edge: count(built.edgeT),
    };
    console.info(`${stage} resources per stack: ${JSON.stringify(counts)}`);
    for (const [stack, n] of Object.entries(counts))
      expect(n, `${stack} stack of ${stage}`).toBeLessThan(500);
    // Alarms, dashboard and canaries grow with functions and channels; they stay out of the API stack.
    for (const type of [
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Dashboard',
      'AWS::SNS::Topic',
      'AWS::CodeDeploy::DeploymentGroup',
    ])
      built.apiT.resourceCountIs(type, 0);
    expect(counts.api, 'API stack headroom for new routes').toBeLessThanOrEqual(400);
  });

  it('reads the API stack from the monitoring stack, never the other way round', () => {
    expect(built.monitoring.dependencies).toContain(built.api);
    expect(built.api.dependencies).not.toContain(built.monitoring);
    const apiJson = JSON.stringify(built.apiT.toJSON());
    expect(apiJson).not.toContain(`Cong-${stage}-Monitoring`);
    // What the monitoring stack imports from the API stack: the HTTP API and the schedules, nothing else.
    const imported = new Set(
      JSON.stringify(built.monitoringT.toJSON()).match(new RegExp(`Cong-${stage}-Api:[A-Za-z0-9]+`, 'g')),
    );
    const exported = [...imported].map((name) => JSON.stringify(exportsOf(built.apiT).get(name)));
    expect(exported.length).toBe(1 + Object.values(functions).filter((f) => f.trigger === 'schedule').length);
    for (const value of exported) expect(value).toMatch(/"Ref":"(Api|Schedule)/);
  });

  it('shows the flow from intake to delivery on one dashboard', () => {
    built.apiT.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const dashboards = resources(built.monitoringT, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const [, dashboard] = dashboards[0]!;
    expect(dashboard.Properties.DashboardName).toBe(`cong-${stage}-flow`);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    const order = [
      '1. Intake',
      '2. Outbox relay',
      '3. Agency queues',
      '4. Delivery',
      '5. Deadlines',
      '6. Payments',
    ];
    const positions = order.map((title) => body.indexOf(title));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const metric of BUSINESS_METRICS) expect(body, metric).toContain(metric);
  });

  it('deploys functions through their live alias: a canary in prod only', () => {
    const aliases = resources(built.apiT, 'AWS::Lambda::Alias');
    expect(aliases).toHaveLength(Object.keys(functions).length);
    for (const [, alias] of aliases) expect(alias.Properties.Name).toBe('live');
    // Every API integration invokes an alias, never the bare function.
    for (const [, integration] of resources(built.apiT, 'AWS::ApiGatewayV2::Integration')) {
      expect(JSON.stringify(integration.Properties.IntegrationUri)).toMatch(/Live[0-9A-F]{8}/);
    }
    const groups = resources(built.monitoringT, 'AWS::CodeDeploy::DeploymentGroup');
    built.apiT.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    if (stage !== 'prod') {
      expect(groups).toHaveLength(0);
      for (const [, alias] of aliases) expect(alias.UpdatePolicy).toBeUndefined();
      return;
    }
    // Every function of the API stack, and the sign-in trigger of the data stack.
    expect(groups).toHaveLength(Object.keys(functions).length + 1);
    expect(groups.map(([, g]) => g.Properties.DeploymentGroupName)).toContain('cong-prod-preTokenGeneration');
    const alarmIds = new Map(
      resources(built.monitoringT, 'AWS::CloudWatch::Alarm').map(([id, a]) => [id, a.Properties.AlarmName]),
    );
    for (const [, group] of groups) {
      expect(group.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
        },
        AlarmConfiguration: { Enabled: true },
      });
      const name = (group.Properties.DeploymentGroupName as string).replace('cong-prod-', '');
      const watched = (
        group.Properties.AlarmConfiguration as { Alarms: { Name: { Ref: string } }[] }
      ).Alarms.map((a) => alarmIds.get(a.Name.Ref));
      expect(watched.sort()).toEqual([`cong-prod-Errors-${name}`, `cong-prod-Throttles-${name}`]);
    }
    // Each alias names its own group and the application literally: no reference to the monitoring stack.
    const [[, application]] = resources(built.monitoringT, 'AWS::CodeDeploy::Application') as [
      [string, Resource],
    ];
    const groupNames = groups.map(([, g]) => g.Properties.DeploymentGroupName);
    const dataAliases = resources(built.dataT, 'AWS::Lambda::Alias');
    expect(dataAliases).toHaveLength(1);
    const withStack = [
      ...aliases.map(([, a]) => [built.apiT, a] as const),
      ...dataAliases.map(([, a]) => [built.dataT, a] as const),
    ];
    for (const [template, alias] of withStack) {
      const fnRef = (alias.Properties.FunctionName as { Ref: string }).Ref;
      const fnName = (template.toJSON().Resources[fnRef] as Resource).Properties.FunctionName;
      expect(alias.UpdatePolicy).toEqual({
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: application.Properties.ApplicationName,
          DeploymentGroupName: fnName,
        },
      });
      expect(groupNames).toContain(fnName);
    }
    for (const [, group] of groups)
      expect(group.Properties.ApplicationName).toEqual({
        Ref: resources(built.monitoringT, 'AWS::CodeDeploy::Application')[0]![0],
      });
  });

  it('alarms on a spike of WAF blocks in us-east-1, to a topic of that region', () => {
    const [[, alarm]] = resources(built.edgeT, 'AWS::CloudWatch::Alarm') as [[string, Resource]];
    expect(built.edge.region).toBe('us-east-1');
    expect(alarm.Properties).toMatchObject({
      ComparisonOperator: 'GreaterThanUpperThreshold',
      AlarmActions: [{ Ref: expect.stringMatching(/^AlertsTopic/) }],
    });
    const metrics = JSON.stringify(alarm.Properties.Metrics);
    expect(metrics).toContain('BlockedRequests');
    expect(metrics).toContain('ANOMALY_DETECTION_BAND');
    expect(metrics).toContain(`cong-${stage}-edge`);
    expect(resources(built.edgeT, 'AWS::SNS::Topic')).toHaveLength(1);
  });
});

describe('function deployment settings', () => {
  const settings = (stage: Stage, extra: Record<string, unknown> = {}) => {
    const context = testContext(stage, { ...VNEID_CONTEXT, ...extra });
    return stageSettings((key) => (context as Record<string, unknown>)[key]);
  };

  it('is a canary in prod and all at once elsewhere, unless context says otherwise', () => {
    expect(settings('prod').functionDeployment).toBe('canary');
    expect(settings('staging').functionDeployment).toBe('all-at-once');
    expect(settings('dev').functionDeployment).toBe('all-at-once');
    expect(settings('prod', { functionDeployment: 'all-at-once' }).functionDeployment).toBe('all-at-once');
    expect(() => settings('prod', { functionDeployment: 'linear' })).toThrow(/functionDeployment/);
  });
});

describe('cdk-nag acknowledgements', () => {
  it('carry a reason each, in every stage', () => {
    for (const stage of STAGES) {
      const { app } = buildApp({ context: testContext(stage, VNEID_CONTEXT), nag: false });
      const reasons = app.node
        .findAll()
        .flatMap((c) => c.node.metadata)
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>));
      expect(reasons.length).toBeGreaterThan(0);
      for (const [id, reason] of reasons) {
        expect(reason.trim().length, `${stage} ${id}`).toBeGreaterThanOrEqual(40);
      }
    }
  }, 120_000);
});
