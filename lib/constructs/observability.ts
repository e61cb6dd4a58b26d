// What operators look at and what wakes them: one CloudWatch dashboard (orders, cancellations and their reasons,
// rejections and payment failures, on-time delivery, fulfillment time, delays, workflow executions, API errors and
// latency, Lambda health, e-mail delivery) and alarms that publish to the ops topic (failed executions, API 5xx,
// throttles, undeliverable alerts, stream records given up on). Executions that end FAILED, TIMED_OUT or ABORTED
// are also reported one by one through an EventBridge rule.
//
// Business figures are Powertools metrics the handlers emit in the `Orderflow` namespace (see BUSINESS_METRICS), the
// events behind the KPIs of docs/kpis.md. They are read with SEARCH expressions whose schema names the dimensions
// Powertools writes (`service`, and `reason` where there is one), so one graph line shows each reason.
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EMAIL_TEMPLATE_DIMENSION, type Notifications } from './notifications';
import { METRICS_NAMESPACE } from './order-functions';

/** The business metrics the dashboard expects from the handlers (Powertools, namespace `Orderflow`). */
export const BUSINESS_METRICS = {
  /** Count, one per accepted order. */
  received: 'OrderReceived',
  /** Count per cancelled order, dimension `reason` (the cancel request's reason, or `authorization_expired`). */
  cancelled: 'OrderCancelled',
  /** Count per rejected order, dimension `reason` (the rejection code). */
  rejected: 'OrderRejected',
  /** Count per order whose payment authorization was approved, and per order whose authorization was declined. */
  paymentAuthorized: 'PaymentAuthorized',
  paymentDeclined: 'PaymentDeclined',
  /** Hours from order received to the handover to the carrier, one value per parcel handed over. */
  fulfillmentHours: 'FulfillmentHours',
  /** Count per parcel delivered to the customer, and per parcel delivered by its promised date. */
  delivered: 'OrderDelivered',
  deliveredOnTime: 'OrderDeliveredOnTime',
  /** Hours from order received to delivered, one value per delivered parcel. */
  deliveryHours: 'DeliveryHours',
  /** Count per shipment first reported late. */
  shipmentDelayed: 'ShipmentDelayed',
  /** Count per delay notice (a later estimate or a passed deadline). */
  delayNotices: 'DeliveryDelayed',
  /** Count per return opened. */
  returnOpened: 'ReturnOpened',
} as const;

/** The dimension Powertools adds to every metric (its service name). */
const SERVICE_DIMENSION = 'service';

export interface ObservabilityProps {
  stage: string;
  notifications: Notifications;
  restApi: RestApi;
  stateMachines: ReadonlyMap<string, StateMachine>;
  functions: readonly { id: string; fn: IFunction }[];
  tables: readonly Table[];
  /** Per stream-consuming function, the queue its event source mapping gives up into (stream-consumers.ts). */
  streamDeadLetters?: readonly (readonly [string, IQueue])[];
}

const FIVE_MINUTES = Duration.minutes(5);
const HOUR = Duration.hours(1);
/** CloudWatch allows at most 10 metrics in one alarm's math expression. */
const MAX_ALARM_METRICS = 10;

const search = (expression: string, statistic: string, label: string, period = HOUR): MathExpression =>
  new MathExpression({
    expression: `SEARCH('${expression}', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    label,
    period,
  });

const business = (metric: string, extraDimensions: string[] = []): string =>
  `{${[METRICS_NAMESPACE, SERVICE_DIMENSION, ...extraDimensions].join(',')}} MetricName="${metric}"`;

/** `100 × sum of the numerator's events / sum of the denominator's`, hour by hour: a rate in percent. */
const percentOf = (numerator: string[], denominator: string[], label: string): MathExpression => {
  const total = (metrics: string[]) => metrics.map((m) => `SUM(SEARCH('${m}', 'Sum', 3600))`).join(' + ');
  return new MathExpression({
    expression: `100 * (${total(numerator)}) / (${total(denominator)})`,
    usingMetrics: {},
    label,
    period: HOUR,
  });
};

/** The sum of `metrics`; ids are derived from the label so that two sums can share a graph. */
const sumOf = (metrics: IMetric[], label: string, period = FIVE_MINUTES): MathExpression => {
  const prefix = label.toLowerCase().replace(/[^a-z0-9]/g, '');
  return new MathExpression({
    expression: metrics.map((_, i) => `FILL(${prefix}${i}, 0)`).join(' + '),
    usingMetrics: Object.fromEntries(metrics.map((metric, i) => [`${prefix}${i}`, metric])),
    label,
    period,
  });
};

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { notifications, restApi } = props;
    const stateMachines = [...props.stateMachines.entries()];
    const alarmAction = new SnsAction(notifications.opsTopic);
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold = 1): Alarm => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: `Orderflow ${props.stage}: ${description}`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(alarmAction);
      this.alarms.push(created);
      return created;
    };

    // Alarms.
    const executionsEndedBadly = sumOf(
      stateMachines.flatMap(([, machine]) => [
        machine.metricFailed({ statistic: 'Sum' }),
        machine.metricTimedOut({ statistic: 'Sum' }),
        machine.metricAborted({ statistic: 'Sum' }),
      ]),
      'Executions failed, timed out or aborted',
    );
    alarm(
      'WorkflowExecutionsFailed',
      'workflow executions failed, timed out or were aborted',
      executionsEndedBadly,
    );
    alarm(
      'ApiServerErrors',
      'the API answered 5xx (bad input is always 4xx, so any 5xx is a fault)',
      restApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
    );
    chunks(props.functions, MAX_ALARM_METRICS).forEach((group, i) => {
      alarm(
        `LambdaThrottles${i + 1}`,
        `Lambda invocations throttled (${group.map(({ id: fnId }) => fnId).join(', ')})`,
        sumOf(
          group.map(({ fn }) => fn.metricThrottles({ statistic: 'Sum' })),
          'Throttled invocations',
        ),
      );
    });
    alarm(
      'WorkflowThrottles',
      'Step Functions throttled workflow executions',
      sumOf(
        stateMachines.map(([, machine]) => machine.metricThrottled({ statistic: 'Sum' })),
        'Throttled executions',
      ),
    );
    alarm(
      'TableThrottles',
      'DynamoDB throttled reads or writes',
      sumOf(
        props.tables.flatMap((table) => [
          table.metric('ReadThrottleEvents', { statistic: 'Sum' }),
          table.metric('WriteThrottleEvents', { statistic: 'Sum' }),
        ]),
        'Throttled table requests',
      ),
    );
    alarm(
      'AlertsUndeliverable',
      'alerts could not be delivered and wait in the dead-letter queue',
      notifications.alertDeadLetters.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: FIVE_MINUTES,
      }),
    );

    for (const [functionId, queue] of props.streamDeadLetters ?? []) {
      alarm(
        `${functionId}RecordsUndeliverable`,
        `${functionId} gave up on stream records after its retries (their positions wait in its dead-letter queue)`,
        queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES }),
      );
    }

    // One ops message per execution that did not end on its own terms (the order id is the execution name).
    for (const [workflowId, machine] of stateMachines) {
      new Rule(this, `${workflowId}ExecutionFailed`, {
        description: `Orderflow ${props.stage}: ${workflowId} executions that failed, timed out or were aborted`,
        eventPattern: {
          source: ['aws.states'],
          detailType: ['Step Functions Execution Status Change'],
          detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [machine.stateMachineArn] },
        },
        targets: [
          new SnsTopic(notifications.opsTopic, {
            message: RuleTargetInput.fromText(
              `Orderflow ${props.stage}: ${workflowId} execution for order ${EventField.fromPath('$.detail.name')} ` +
                `ended ${EventField.fromPath('$.detail.status')}. Execution: ${EventField.fromPath('$.detail.executionArn')}`,
            ),
            deadLetterQueue: notifications.alertDeadLetters,
          }),
        ],
      });
    }

    // Dashboard.
    const m = BUSINESS_METRICS;
    const sum = (metric: string, label: string) => search(business(metric), 'Sum', label);
    const byReason = (metric: string) => search(business(metric, ['reason']), 'Sum', '');
    const wide = 12;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          `# Orderflow ${props.stage}\nBusiness figures are hourly sums of the handlers' metrics ` +
          `(namespace \`${METRICS_NAMESPACE}\`), rates those of each hour's events; \`GET /kpis\` gives the same ` +
          'figures for the orders created in a window. Platform figures are 5-minute values.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Orders',
        width: wide,
        left: [
          sum(m.received, 'Orders received'),
          sum(m.delivered, 'Delivered'),
          sum(m.returnOpened, 'Returns opened'),
        ],
      }),
      new GraphWidget({
        title: 'Cancellations by reason, and cancellation rate',
        width: wide,
        left: [byReason(m.cancelled)],
        right: [
          percentOf([business(m.cancelled, ['reason'])], [business(m.received)], 'Cancellation rate (%)'),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Rejections by code, and payment failure rate',
        width: wide,
        left: [byReason(m.rejected)],
        right: [
          percentOf(
            [business(m.paymentDeclined)],
            [business(m.paymentDeclined), business(m.paymentAuthorized)],
            'Payment failure rate (%)',
          ),
        ],
      }),
      new GraphWidget({
        title: 'Deliveries on time, and on-time rate',
        width: wide,
        left: [sum(m.delivered, 'Delivered'), sum(m.deliveredOnTime, 'Delivered by the promised date')],
        right: [percentOf([business(m.deliveredOnTime)], [business(m.delivered)], 'On-time rate (%)')],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Fulfillment time (hours)',
        width: wide,
        left: [
          search(business(m.fulfillmentHours), 'Average', 'To the carrier, average'),
          search(business(m.fulfillmentHours), 'p90', 'To the carrier, p90'),
        ],
        right: [search(business(m.deliveryHours), 'Average', 'To the door, average')],
      }),
      new GraphWidget({
        title: 'Delivery delays',
        width: wide,
        left: [sum(m.shipmentDelayed, 'Shipments delayed'), sum(m.delayNotices, 'Delay notices')],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Workflow executions',
        width: wide,
        left: stateMachines.flatMap(([workflowId, machine]) => [
          machine.metricStarted({ label: `${workflowId} started`, statistic: 'Sum', period: FIVE_MINUTES }),
          machine.metricSucceeded({
            label: `${workflowId} succeeded`,
            statistic: 'Sum',
            period: FIVE_MINUTES,
          }),
        ]),
        right: [executionsEndedBadly],
      }),
      new GraphWidget({
        title: 'API requests and errors',
        width: wide,
        left: [
          restApi.metricCount({ label: 'Requests', statistic: 'Sum', period: FIVE_MINUTES }),
          restApi.metricClientError({ label: '4xx', statistic: 'Sum', period: FIVE_MINUTES }),
          restApi.metricServerError({ label: '5xx', statistic: 'Sum', period: FIVE_MINUTES }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API latency (ms)',
        width: wide,
        left: ['p50', 'p90', 'p99'].map((statistic) =>
          restApi.metricLatency({ label: `Latency ${statistic}`, statistic, period: FIVE_MINUTES }),
        ),
        right: [
          restApi.metricIntegrationLatency({
            label: 'Integration p90',
            statistic: 'p90',
            period: FIVE_MINUTES,
          }),
        ],
      }),
      new GraphWidget({
        title: 'Lambda errors and throttles',
        width: wide,
        left: [
          sumOf(
            props.functions.map(({ fn }) => fn.metricErrors({ statistic: 'Sum' })),
            'Errors (all functions)',
          ),
        ],
        right: [
          sumOf(
            props.functions.map(({ fn }) => fn.metricThrottles({ statistic: 'Sum' })),
            'Throttles (all functions)',
          ),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Customer e-mail by template',
        width: wide,
        left: [search(`{AWS/SES,${EMAIL_TEMPLATE_DIMENSION}} MetricName="Send"`, 'Sum', '')],
        right: [
          search(`{AWS/SES,${EMAIL_TEMPLATE_DIMENSION}} MetricName="Bounce"`, 'Sum', ''),
          search(`{AWS/SES,${EMAIL_TEMPLATE_DIMENSION}} MetricName="Complaint"`, 'Sum', ''),
        ],
      }),
      new AlarmStatusWidget({ title: 'Alarms', width: wide, alarms: this.alarms }),
    );
  }
}
