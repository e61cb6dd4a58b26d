// Topics, e-mail configuration, dashboard and alarms: alerts reach the ops topic, which is encrypted, TLS-only and
// e-mailed to the stage's ops address.
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logicalId, synthesize, type Synthesized } from './synth';
import { referencedIds, resourcesOfType } from './template-queries';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize('dev');
  prod = synthesize('prod');
});

afterAll(() => {
  dev?.cleanup();
  prod?.cleanup();
});

const opsTopicId = (s: Synthesized) =>
  logicalId(s.stack, s.stack.node.findChild('Notifications').node.findChild('OpsTopic'));

describe('notifications', () => {
  it('encrypts both topics with a rotating customer managed key and refuses plain-HTTP publishers', () => {
    const topics = resourcesOfType(prod.json.Resources, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(2);
    for (const [, topic] of topics) expect(topic.Properties).toHaveProperty('KmsMasterKeyId');
    prod.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const [id] of topics) {
      prod.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('e-mails the ops topic to the stage ops address, with a dead-letter queue', () => {
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: prod.config.opsAlertEmail,
      TopicArn: { Ref: opsTopicId(prod) },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('sends customer e-mail through a configuration set that suppresses bounces and complaints', () => {
    prod.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });
});

describe('alarms', () => {
  const alarms = (s: Synthesized) => resourcesOfType(s.json.Resources, 'AWS::CloudWatch::Alarm');

  it('all notify the ops topic', () => {
    expect(alarms(prod).length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms(prod)) {
      expect([...referencedIds(alarm.Properties?.AlarmActions)], id).toEqual([opsTopicId(prod)]);
    }
  });

  it('cover failed executions, API 5xx, throttles and undeliverable alerts', () => {
    const metricNames = alarms(prod).map(([, alarm]) => JSON.stringify(alarm.Properties));
    for (const metric of [
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      '5XXError',
      'Throttles',
      'ExecutionThrottled',
      'WriteThrottleEvents',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(
        metricNames.some((properties) => properties.includes(`"${metric}"`)),
        metric,
      ).toBe(true);
    }
  });

  it('watch every function for throttles', () => {
    const throttleAlarms = alarms(prod)
      .map(([, alarm]) => alarm.Properties)
      .filter((properties) => JSON.stringify(properties).includes('"Throttles"'));
    const watched = new Set(throttleAlarms.flatMap((properties) => [...referencedIds(properties)]));
    for (const fn of prod.stack.functions.all())
      expect(watched).toContain(logicalId(prod.stack, fn.function));
  });

  it('report each execution that fails, times out or is aborted to the ops topic', () => {
    prod.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: opsTopicId(prod) }, DeadLetterConfig: Match.anyValue() })],
    });
  });
});

describe('dashboard', () => {
  /** The dashboard's widgets, its deploy-time values (region, ids) read as `token` within their strings. */
  const dashboardWidgets = (s: Synthesized): { properties: { title?: string } }[] => {
    const body = resourcesOfType(s.json.Resources, 'AWS::CloudWatch::Dashboard')[0]![1].Properties
      ?.DashboardBody as { 'Fn::Join': [string, unknown[]] };
    const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'token')).join('');
    return (JSON.parse(text) as { widgets: { properties: { title?: string } }[] }).widgets;
  };

  const dashboardBody = (s: Synthesized): string =>
    JSON.stringify(
      resourcesOfType(s.json.Resources, 'AWS::CloudWatch::Dashboard')[0]![1].Properties?.DashboardBody,
    );

  it('shows orders, cancellations and reasons, fulfillment time, delays, executions and the API', () => {
    const body = dashboardBody(prod);
    for (const expected of [
      'OrderReceived',
      'OrderCancelled',
      'reason',
      'DeliveryDelayed',
      'ExecutionsFailed',
      '4XXError',
      '5XXError',
      'Latency',
    ]) {
      expect(body, expected).toContain(expected);
    }
  });

  it.each([
    [
      'Cancellations by reason, and cancellation rate',
      ['OrderCancelled', 'OrderReceived', 'Cancellation rate'],
    ],
    [
      'Rejections by code, and payment failure rate',
      ['OrderRejected', 'PaymentDeclined', 'PaymentAuthorized'],
    ],
    ['Deliveries on time, and on-time rate', ['OrderDelivered', 'OrderDeliveredOnTime', 'On-time rate']],
    ['Fulfillment time (hours)', ['FulfillmentHours', 'DeliveryHours']],
    ['Delivery delays', ['ShipmentDelayed', 'DeliveryDelayed']],
  ])('has the widget "%s" with its metrics', (title, metrics) => {
    const widget = dashboardWidgets(prod).find((w) => w.properties.title === title);
    expect(widget, title).toBeDefined();
    for (const metric of metrics) expect(JSON.stringify(widget), metric).toContain(metric);
  });

  it('shows the average and the 90th percentile of the fulfillment time', () => {
    const body = dashboardBody(prod);
    for (const statistic of ['Average', 'p90']) {
      expect(body).toMatch(new RegExp(`FulfillmentHours[^']*', '${statistic}'`));
    }
  });

  it('reads the business metrics with the dimensions Powertools writes (its service, and the reason)', () => {
    const body = dashboardBody(prod);
    expect(body).toContain('{Orderflow,service} MetricName=');
    expect(body).toContain('{Orderflow,service,reason} MetricName=');
    expect(body).not.toMatch(/\{Orderflow(,reason)?\} MetricName/);
  });
});
