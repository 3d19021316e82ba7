/**
 * What watches a stage, in a stack of its own so the API stack keeps room under CloudFormation's 500
 * resources for new routes: the operators' alerts topic, every alarm and the dashboard
 * (lib/monitoring.ts), and in prod the canary deployment groups that roll a function back on its
 * alarms. It reads the API stack (functions and log groups by their fixed names, the API and the
 * schedules by reference); the API stack never reads it, so the two deploy in one order: API, then
 * monitoring.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnAlias, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functions } from '../functions/deployment.js';
import { OperatorAlerts } from './alerts.js';
import type { ApiStack } from './api-stack.js';
import type { DataStack } from './data-stack.js';
import { PortalMonitoring } from './monitoring.js';
import { acknowledge } from './nag.js';

export interface MonitoringStackProps extends StackProps {
  data: DataStack;
  api: ApiStack;
}

/** The CodeDeploy names of a stage's canaries, which the API stack's aliases name literally. */
export const canaryNames = (prefix: string, fn: string) => ({
  applicationName: prefix,
  deploymentGroupName: `${prefix}-${fn}`,
});

export class MonitoringStack extends Stack {
  /** Every alarm of the stage notifies the operators through this topic. */
  readonly alerts: OperatorAlerts;
  readonly monitoring: PortalMonitoring;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { data, api } = props;
    const s = data.settings;
    this.addStackDependency(api);
    this.alerts = new OperatorAlerts(this, 'Alerts', {
      topicName: `${s.prefix}-alerts`,
      emails: s.alertEmails,
    });

    // By the names lib/portal-function.ts gives them: an alarm never holds an export of the API stack,
    // so a function can be added or removed in one deployment.
    const physical = (name: string) => `${s.prefix}-${name}`;
    const fns = Object.fromEntries(
      Object.keys(api.functions).map((name) => [
        name,
        LambdaFunction.fromFunctionName(this, `Fn-${name}`, physical(name)),
      ]),
    );
    const dispatcher = Object.entries(functions).find(([, spec]) => spec.trigger === 'agency-queues')?.[0];
    if (!dispatcher) throw new Error('no function drains the agency queues');

    this.monitoring = new PortalMonitoring(this, 'Monitoring', {
      settings: s,
      alerts: this.alerts,
      functions: fns,
      specs: functions,
      otherFunctions: { preTokenGeneration: physical('preTokenGeneration') },
      api: api.api,
      table: api.table,
      outboxDlq: api.queues.outboxDlq,
      notificationStreamDlq: api.queues.notificationStreamDlq,
      notificationsQueue: api.queues.notifications,
      notificationsDlq: api.queues.notificationsDlq,
      schedules: api.schedules,
      agencyChannels: data.channels,
      dispatcherLogs: LogGroup.fromLogGroupName(
        this,
        'DispatcherLogs',
        `/aws/lambda/${physical(dispatcher)}`,
      ),
    });
    if (s.functionDeployment === 'canary') this.canaryDeployments(api, data, s.prefix);
  }

  /**
   * Prod: each function's `live` alias moves to a new version through CodeDeploy, 10% of invocations
   * for five minutes, then all; an alarm of that function (errors, throttles) in those minutes shifts
   * everything back to the previous version.
   */
  private canaryDeployments(api: ApiStack, data: DataStack, prefix: string) {
    const application = new LambdaApplication(this, 'Deployments', {
      applicationName: prefix,
    });
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      description: 'Cong canary deployments of the functions',
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited'),
      ],
    });
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      "AWS's managed policy for CodeDeploy on Lambda: it may only read the stage's alarms and update aliases; AWS keeps it current.",
    );
    // The sign-in trigger of the data stack too: a broken one would fail every sign-in.
    const deployed = { ...api.functions, preTokenGeneration: data.identity.preToken };
    for (const [name, fn] of Object.entries(deployed)) {
      const names = canaryNames(prefix, name);
      new LambdaDeploymentGroup(this, `Canary-${name}`, {
        application,
        deploymentGroupName: names.deploymentGroupName,
        alias: fn.alias,
        deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        alarms: this.monitoring.functionAlarms[name] ?? [],
        role,
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
      // The group points the alias's update policy at itself by reference, which would make the API
      // (or data) stack read this one (a cycle): the alias names its application and group instead.
      (fn.alias.node.defaultChild as CfnAlias).cfnOptions.updatePolicy = {
        codeDeployLambdaAliasUpdate: names,
      };
    }
  }
}
