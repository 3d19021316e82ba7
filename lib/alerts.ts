/**
 * Where the portal's alarms go: one SNS topic per stage for the operators on call, encrypted and
 * reachable over TLS only, with the e-mail addresses given in context `alertEmails`.
 */
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface OperatorAlertsProps {
  topicName: string;
  emails: readonly string[];
}

export class OperatorAlerts extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OperatorAlertsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: 'Cổng operator alerts',
      // Alarm texts name queues and agencies, not people; the AWS managed key is enough and lets
      // CloudWatch publish without a key policy of our own.
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.topic);
  }

  /** Sends the alarm's state changes into ALARM and back to OK to the operators. */
  notify(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
