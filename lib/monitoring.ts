/**
 * What the operators on call are told, and the one page they look at: alarms on every function, dead
 * letter queue, the API, the table, the streams and the schedules, alarms on the business metrics the
 * functions emit (functions/core/metrics.ts), and one dashboard per stage that follows a dossier from
 * intake to delivery. Every alarm goes to the stage's alerts topic (lib/alerts.ts). Built in the
 * monitoring stack (lib/monitoring-stack.ts), which watches the API stack's resources by name.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type BusinessMetric, METRICS_NAMESPACE, METRICS_SERVICE } from '../functions/core/metrics.js';
import { SLA } from '../functions/core/resources.js';
import type { FunctionSpec } from '../functions/deployment.js';
import type { OperatorAlerts } from './alerts.js';
import type { AgencyChannel } from './data-stack.js';
import type { StageSettings } from './settings.js';

const FIVE_MINUTES = Duration.minutes(5);

/** Thresholds, in one place so a review of the alarms reads one table. */
export const ALARM_THRESHOLDS = {
  /** Uncaught errors per five minutes: any for background work (a whole batch failed), a few for HTTP. */
  backgroundErrors: 1,
  httpErrors: 5,
  throttles: 5,
  /** Per cent of API requests answered 5xx over five minutes (with at least 20 requests). */
  api5xxPercent: 1,
  apiP99Ms: 3000,
  tableThrottles: 10,
  tableSystemErrors: 5,
  /** Oldest stream record a relay is working on. */
  outboxIteratorAgeMs: 60_000,
  notificationsIteratorAgeMs: 300_000,
  /** Failed deliveries of the worst agency channel in fifteen minutes. */
  channelDeliveryFailures: 10,
  /** Deadlines lapsed in an hour, across the stage. */
  acknowledgedLatePerHour: 10,
  overduePerHour: 10,
} as const;

/** Table operations the portal performs; their throttles and system errors are summed. */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.BATCH_GET_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_GET_ITEMS,
  Operation.TRANSACT_WRITE_ITEMS,
];

/** The stage's dashboard, by the name the operator tools read (lib/ops/stage.ts). */
export const dashboardName = (prefix: string) => `${prefix}-flow`;

export interface PortalMonitoringProps {
  settings: StageSettings;
  alerts: OperatorAlerts;
  /** The API stack's functions, by their fixed names. */
  functions: Record<string, IFunction>;
  specs: Record<string, FunctionSpec>;
  api: IHttpApi;
  table: ITable;
  outboxDlq: IQueue;
  /** The notification relay's failed stream batches. */
  notificationStreamDlq: IQueue;
  notificationsQueue: IQueue;
  notificationsDlq: IQueue;
  /** Functions made in other stacks: name → physical function name. */
  otherFunctions?: Record<string, string>;
  /** Scheduled rules by function name. */
  schedules: Record<string, IRule>;
  /** Each agency channel's dead-letter queue. */
  agencyChannels: readonly Pick<AgencyChannel, 'channel' | 'dlq'>[];
  /** The dispatcher's log group, where it logs paused deliveries. */
  dispatcherLogs: ILogGroup;
}

export class PortalMonitoring extends Construct {
  /** Function name → its error and throttle alarms (the canary rolls back on them). */
  readonly functionAlarms: Record<string, Alarm[]> = {};
  readonly dashboard: Dashboard;
  /** Every alarm made here. */
  readonly alarms: Alarm[] = [];
  private readonly s: StageSettings;
  private readonly alerts: OperatorAlerts;

  constructor(scope: Construct, id: string, props: PortalMonitoringProps) {
    super(scope, id);
    this.s = props.settings;
    this.alerts = props.alerts;
    const stage = this.s.stage;

    for (const [name, fn] of Object.entries(props.functions)) {
      const http = !props.specs[name]?.trigger;
      const errors = this.alarm(`Errors-${name}`, {
        description: `${name} function failed (uncaught errors or timeouts); its logs say why`,
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: http ? ALARM_THRESHOLDS.httpErrors : ALARM_THRESHOLDS.backgroundErrors,
      });
      const throttles = this.alarm(`Throttles-${name}`, {
        description: `${name} function throttled: concurrency (reserved or the account's) is exhausted`,
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: ALARM_THRESHOLDS.throttles,
      });
      this.functionAlarms[name] = [errors, throttles];
    }

    // Functions of other stacks (the sign-in trigger in the data stack), by their fixed names.
    for (const [name, functionName] of Object.entries(props.otherFunctions ?? {})) {
      const lambda = (metricName: string) =>
        new Metric({
          namespace: 'AWS/Lambda',
          metricName,
          dimensionsMap: { FunctionName: functionName },
          period: FIVE_MINUTES,
          statistic: 'Sum',
        });
      this.functionAlarms[name] = [
        this.alarm(`Errors-${name}`, {
          description: `${name} function failed: sign-ins may fail`,
          metric: lambda('Errors'),
          threshold: ALARM_THRESHOLDS.httpErrors,
        }),
        this.alarm(`Throttles-${name}`, {
          description: `${name} function throttled: sign-ins may fail`,
          metric: lambda('Throttles'),
          threshold: ALARM_THRESHOLDS.throttles,
        }),
      ];
    }

    this.deadLetterAlarm(
      'OutboxDlq',
      props.outboxDlq,
      'outbox stream batches the relay gave up on (npm run outbox:replay)',
    );
    this.deadLetterAlarm(
      'NotificationStreamDlq',
      props.notificationStreamDlq,
      'stream batches the notification relay gave up on: citizens not told of a change (npm run outbox:replay)',
    );
    this.deadLetterAlarm(
      'NotificationsDlq',
      props.notificationsDlq,
      'citizen and agency notices the notifier could not send',
    );

    const requests = props.api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    const api5xxRate = new MathExpression({
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period: FIVE_MINUTES,
      label: '5xx %',
    });
    this.alarm('Api5xxRate', {
      description: `more than ${ALARM_THRESHOLDS.api5xxPercent}% of API answers are 5xx`,
      metric: api5xxRate,
      threshold: ALARM_THRESHOLDS.api5xxPercent,
      evaluationPeriods: 2,
    });
    const p99 = props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' });
    this.alarm('ApiLatencyP99', {
      description: `API p99 latency above ${ALARM_THRESHOLDS.apiP99Ms} ms for 15 minutes`,
      metric: p99,
      threshold: ALARM_THRESHOLDS.apiP99Ms,
      evaluationPeriods: 3,
    });

    const tableThrottles = props.table.metricThrottledRequestsForOperations({
      operations: TABLE_OPERATIONS,
      period: FIVE_MINUTES,
    });
    this.alarm('TableThrottles', {
      description: 'the table throttled requests (on-demand capacity could not follow a peak)',
      metric: tableThrottles,
      threshold: ALARM_THRESHOLDS.tableThrottles,
    });
    const tableErrors = props.table.metricSystemErrorsForOperations({
      operations: TABLE_OPERATIONS,
      period: FIVE_MINUTES,
    });
    this.alarm('TableSystemErrors', {
      description: 'DynamoDB answered with system errors (HTTP 500)',
      metric: tableErrors,
      threshold: ALARM_THRESHOLDS.tableSystemErrors,
    });

    const iteratorAge = (fn: string) =>
      props.functions[fn]!.metric('IteratorAge', { period: FIVE_MINUTES, statistic: 'Maximum' });
    for (const [name, spec] of Object.entries(props.specs)) {
      if (spec.trigger !== 'outbox-stream' && spec.trigger !== 'dossier-stream') continue;
      const outbox = spec.trigger === 'outbox-stream';
      const limit = outbox
        ? ALARM_THRESHOLDS.outboxIteratorAgeMs
        : ALARM_THRESHOLDS.notificationsIteratorAgeMs;
      this.alarm(`IteratorAge-${name}`, {
        description: `${name} is more than ${limit / 1000} s behind the table stream${outbox ? ': dossiers wait to reach agency queues' : ''}`,
        metric: iteratorAge(name),
        threshold: limit,
        evaluationPeriods: 2,
      });
    }

    for (const [name, rule] of Object.entries(props.schedules)) {
      this.alarm(`ScheduleFailed-${name}`, {
        description: `EventBridge could not start the scheduled ${name} run`,
        metric: new Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { RuleName: rule.ruleName },
          period: FIVE_MINUTES,
          statistic: 'Sum',
        }),
        threshold: 1,
      });
    }

    // The worst agency channel's failed deliveries (Metrics Insights: one series, the top channel).
    const worstChannel = new MathExpression({
      expression:
        `SELECT SUM(DeliveriesFailed) FROM SCHEMA("${METRICS_NAMESPACE}", Channel, Stage, service) ` +
        `WHERE Stage = '${stage}' GROUP BY Channel ORDER BY SUM() DESC LIMIT 1`,
      usingMetrics: {},
      period: Duration.minutes(15),
      label: 'failed deliveries, worst channel',
    });
    this.alarm('DeliveriesFailing', {
      description:
        'deliveries to one agency system keep failing (the dashboard names the channel; its DLQ and breaker alarms follow)',
      metric: worstChannel,
      threshold: ALARM_THRESHOLDS.channelDeliveryFailures,
    });
    this.alarm('AcknowledgementsOverdue', {
      description: 'agencies leave dossiers unacknowledged past the 8 working hours',
      metric: this.business('AcknowledgedLate', Duration.hours(1)),
      threshold: ALARM_THRESHOLDS.acknowledgedLatePerHour,
    });
    this.alarm('DossiersOverdue', {
      description: 'dossiers pass their due date',
      metric: this.business('Overdue', Duration.hours(1)),
      threshold: ALARM_THRESHOLDS.overduePerHour,
    });
    this.alarm('SlaWatchBehind', {
      description:
        'the SLA watcher ran out of time in two schedules in a row with lapsed deadlines left: agencies hear late (run it more often, SLA.everyMinutes; README, capacity)',
      metric: this.business('SlaWatchUnfinished', Duration.minutes(SLA.everyMinutes)),
      threshold: 1,
      evaluationPeriods: 2,
    });
    this.alarm('PaymentsFlagged', {
      description:
        'a payment needs an operator: money owed back or an amount mismatch (GET /v1/admin/payments/flagged)',
      metric: this.business('PaymentsFlagged', Duration.hours(1)),
      threshold: 1,
    });

    this.dashboard = this.buildDashboard(props, { requests, serverErrors, p99, tableThrottles, tableErrors });
    this.agencyDeliveryAlarms(props);
  }

  /**
   * Alarms of the agency deliveries: one per channel DLQ and two on the dispatcher's logged pauses. Not
   * on the dashboard's alarm widget: the graph of agency DLQs shows them, one per channel is too many.
   */
  private agencyDeliveryAlarms(props: PortalMonitoringProps) {
    const stage = this.s.stage;
    for (const channel of props.agencyChannels) {
      // A message in a DLQ is a dossier an agency has not received: an operator redrives it.
      this.alerts.notify(
        new Alarm(this, `AgencyDlqAlarm-${channel.channel}`, {
          alarmDescription: `Cong ${stage}: undelivered dossiers in ${channel.channel}'s DLQ (npm run redrive)`,
          metric: channel.dlq.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    // The dispatcher logs `alarm: agency_endpoint_gone` once per pause (an agency endpoint answered 410).
    const gone = new MetricFilter(this, 'AgencyEndpointGoneFilter', {
      logGroup: props.dispatcherLogs,
      filterPattern: FilterPattern.stringValue('$.alarm', '=', 'agency_endpoint_gone'),
      metricNamespace: 'Cong',
      metricName: `AgencyEndpointGone-${stage}`,
      metricValue: '1',
      defaultValue: 0,
    });
    this.alerts.notify(
      new Alarm(this, 'AgencyEndpointGoneAlarm', {
        alarmDescription: `Cong ${stage}: an agency endpoint answered 410 Gone; its deliveries are paused until resumed (npm run redrive -- --resume)`,
        metric: gone.metric({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    // `alarm: agency_deliveries_paused`: the circuit breaker opened on an agency's failing endpoint.
    const breaker = new MetricFilter(this, 'AgencyDeliveriesPausedFilter', {
      logGroup: props.dispatcherLogs,
      filterPattern: FilterPattern.stringValue('$.alarm', '=', 'agency_deliveries_paused'),
      metricNamespace: 'Cong',
      metricName: `AgencyDeliveriesPaused-${stage}`,
      metricValue: '1',
      defaultValue: 0,
    });
    this.alerts.notify(
      new Alarm(this, 'AgencyDeliveriesPausedAlarm', {
        alarmDescription: `Cong ${stage}: an agency endpoint kept failing and its deliveries are paused; they resume by themselves when a probe delivery succeeds`,
        metric: breaker.metric({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** A business metric of this stage (functions/core/metrics.ts), summed over `period`. */
  business(name: BusinessMetric, period: Duration = FIVE_MINUTES): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: METRICS_SERVICE, Stage: this.s.stage },
      period,
      statistic: 'Sum',
    });
  }

  private alarm(
    id: string,
    o: { description: string; metric: IMetric; threshold: number; evaluationPeriods?: number },
  ): Alarm {
    const alarm = this.alerts.notify(
      new Alarm(this, id, {
        alarmName: `${this.s.prefix}-${id}`,
        alarmDescription: `Cong ${this.s.stage}: ${o.description}`,
        metric: o.metric,
        threshold: o.threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: o.evaluationPeriods ?? 1,
        // No data is no traffic (or nothing dead-lettered): not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.alarms.push(alarm);
    return alarm;
  }

  private deadLetterAlarm(id: string, dlq: IQueue, what: string) {
    this.alarm(id, {
      description: `messages in ${id}: ${what}`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: 1,
    });
  }

  /** Intake → outbox → agency queues → delivery → deadlines, then payments and the platform under it. */
  private buildDashboard(
    props: PortalMonitoringProps,
    m: {
      requests: IMetric;
      serverErrors: IMetric;
      p99: IMetric;
      tableThrottles: IMetric;
      tableErrors: IMetric;
    },
  ): Dashboard {
    const { stage, prefix } = this.s;
    const fn = (name: string) => props.functions[name]!;
    const search = (expression: string, label: string) =>
      new MathExpression({ expression, usingMetrics: {}, period: FIVE_MINUTES, label });
    // Free-text terms of a SEARCH match name parts: the agency queues, with or without their DLQs.
    const queueSearch = (metric: string, terms: string) =>
      `SEARCH('{AWS/SQS,QueueName} MetricName="${metric}" "${prefix}-agency" ${terms}', 'Maximum', 300)`;
    const wide = 24;
    const third = 8;
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: third, height: 6 });

    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: dashboardName(prefix),
      defaultInterval: Duration.hours(6),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# Cổng ${stage}: from intake to delivery\nAlarms go to the \`${prefix}-alerts\` topic. Agency DLQs: \`npm run redrive -- --stage ${stage}\`; outbox and notification stream DLQs: \`npm run outbox:replay -- --stage ${stage}\`.`,
        width: wide,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph(
        '1. Intake: dossiers submitted',
        [this.business('DossiersSubmitted')],
        [fn('intake').metricErrors()],
      ),
      graph('API requests and 5xx', [m.requests], [m.serverErrors]),
      graph('API latency p99 (ms)', [m.p99]),
    );
    dashboard.addWidgets(
      graph(
        '2. Outbox relay: stream lag (ms)',
        [fn('outboxRelay').metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES })],
        [props.outboxDlq.metricApproximateNumberOfMessagesVisible({ label: 'outbox DLQ' })],
      ),
      graph('3. Agency queues: waiting', [
        search(queueSearch('ApproximateNumberOfMessagesVisible', 'NOT dlq'), 'waiting'),
      ]),
      graph('Agency queues: oldest message (s)', [
        search(queueSearch('ApproximateAgeOfOldestMessage', 'NOT dlq'), 'oldest'),
      ]),
    );
    dashboard.addWidgets(
      graph(
        '4. Delivery: delivered and failed',
        [this.business('DossiersDelivered')],
        [this.business('DeliveriesFailed')],
      ),
      graph('Failed deliveries by channel', [
        search(
          `SEARCH('{${METRICS_NAMESPACE},Channel,Stage,service} MetricName="DeliveriesFailed" Stage="${stage}"', 'Sum', 300)`,
          'failed',
        ),
      ]),
      graph('Agency DLQs (npm run redrive)', [
        search(queueSearch('ApproximateNumberOfMessagesVisible', 'dlq'), 'dead-lettered'),
      ]),
    );
    dashboard.addWidgets(
      graph(
        '5. Deadlines: acknowledged late, overdue; SLA watcher shards left',
        [this.business('AcknowledgedLate', Duration.hours(1)), this.business('Overdue', Duration.hours(1))],
        [this.business('SlaWatchUnfinished', Duration.hours(1))],
      ),
      graph('Petitions escalated', [this.business('PetitionsEscalated', Duration.hours(1))]),
      graph(
        '6. Payments: succeeded and flagged',
        [this.business('PaymentsSucceeded')],
        [this.business('PaymentsFlagged')],
      ),
    );
    dashboard.addWidgets(
      // Two graphs: both sums name their per-operation metrics alike, which one graph refuses.
      graph('Table throttled requests', [m.tableThrottles]),
      graph('Table system errors', [m.tableErrors]),
      graph(
        'Notifications: waiting and dead-lettered',
        [props.notificationsQueue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' })],
        [
          props.notificationsDlq.metricApproximateNumberOfMessagesVisible({ label: 'DLQ' }),
          props.notificationStreamDlq.metricApproximateNumberOfMessagesVisible({ label: 'relay stream DLQ' }),
        ],
      ),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: Object.keys(props.functions).map((name) =>
          fn(name).metricErrors({ label: name, period: FIVE_MINUTES, statistic: 'Sum' }),
        ),
        width: wide,
        height: 6,
      }),
    );
    // The state of every alarm made here (agency DLQs are the graph above: one per channel is too many).
    dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: this.alarms,
        width: wide,
        height: Math.ceil(this.alarms.length / 4) + 1,
      }),
    );
    return dashboard;
  }
}
