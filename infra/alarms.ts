import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BridgeFunction } from './bridge-function';

/** Properties of {@link BridgeAlarms}. */
export interface BridgeAlarmsProps {
  readonly httpFunction: BridgeFunction;
  readonly refreshFunction: BridgeFunction;
  /** Where scheduled runs that failed for good wait. */
  readonly failedRuns: sqs.IQueue;
  /** Every log group whose error-level lines count. */
  readonly logGroups: readonly logs.ILogGroup[];
  /** Subscribed to the topic when given; AWS mails it a confirmation link first. */
  readonly email?: string;
}

const PERIOD = Duration.minutes(5);
const LOOSE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The alarm address, refused unless it looks like an e-mail address. */
export function checkAlarmEmail(email: string): string {
  if (!LOOSE_EMAIL.test(email)) throw new Error(`alarmEmail must be an e-mail address; got "${email}"`);
  return email;
}

/**
 * The bridge's alarms and the SNS topic they notify. Each alarm fires on the first occurrence
 * in five minutes: every one of them means something a person should look at. The stage's
 * 5xx count is left out on purpose: an offline device answers 504 by design.
 *
 * @example
 * const alarms = new BridgeAlarms(this, 'Alarms', { httpFunction, refreshFunction, failedRuns, logGroups, email: 'ops@example.com' });
 */
export class BridgeAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly refreshErrors: cloudwatch.Alarm;
  readonly failedRunsWaiting: cloudwatch.Alarm;
  readonly httpErrors: cloudwatch.Alarm;
  readonly errorLogLines: cloudwatch.Alarm;
  /** The metric the error-level log lines of every function add up in. */
  readonly errorLogMetric: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: BridgeAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.email !== undefined) checkAlarmEmail(props.email);

    this.topic = new sns.Topic(this, 'Topic', { displayName: 'ewelink-bridge alarms', enforceSSL: true });
    // A topic with a policy of its own (enforceSSL adds one) no longer has the default one that
    // let the account's services publish, so CloudWatch is allowed back in, for this account's alarms only.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    const notify = new SnsAction(this.topic);

    this.refreshErrors = this.alarm('RefreshErrors', {
      name: 'refresh-errors',
      description:
        'The token refresh threw. Its log names the account and why; a dead refresh token needs a new login or token import before the access token runs out (30 days after its last refresh).',
      metric: props.refreshFunction.handler.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      notify,
    });
    this.failedRunsWaiting = this.alarm('FailedRunsWaiting', {
      name: 'failed-runs',
      description:
        'A scheduled run (token refresh or timer reconcile) failed after all its retries and waits in the failed-runs queue. Read the message for the cause, then delete it; the alarm clears when the queue is empty.',
      metric: props.failedRuns.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
      notify,
    });
    // Notice when the queue has been emptied, too: that is when the matter is closed.
    this.failedRunsWaiting.addOkAction(notify);
    this.httpErrors = this.alarm('HttpErrors', {
      name: 'http-errors',
      description:
        'The HTTP function crashed or ran out of time (Errors counts timeouts); the caller got a 5xx from API Gateway. Its log has the error; a timeout logs no error line of its own.',
      metric: props.httpFunction.handler.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      notify,
    });

    this.errorLogMetric = new cloudwatch.Metric({
      namespace: `ewelink-bridge/${stack.stackName}`,
      metricName: 'ErrorLogLines',
      period: PERIOD,
      statistic: cloudwatch.Stats.SUM,
    });
    props.logGroups.forEach((logGroup, index) => {
      new logs.MetricFilter(this, `ErrorLines${index}`, {
        logGroup,
        // The handlers log JSON through Powertools; its error levels are ERROR and CRITICAL.
        filterPattern: logs.FilterPattern.any(logs.FilterPattern.stringValue('$.level', '=', 'ERROR'), logs.FilterPattern.stringValue('$.level', '=', 'CRITICAL')),
        metricNamespace: this.errorLogMetric.namespace,
        metricName: this.errorLogMetric.metricName,
        metricValue: '1',
      });
    });
    this.errorLogLines = this.alarm('ErrorLogLines', {
      name: 'error-log-lines',
      description: 'A function of the bridge logged an error-level line (a failed request, refresh or reconcile). Search its log group for "level":"ERROR".',
      metric: this.errorLogMetric,
      notify,
    });
  }

  private alarm(id: string, options: { name: string; description: string; metric: cloudwatch.IMetric; notify: SnsAction }): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${Stack.of(this).stackName}-${options.name}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No data means nothing happened: the functions did not fail, the queue is empty.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(options.notify);
    return alarm;
  }
}
