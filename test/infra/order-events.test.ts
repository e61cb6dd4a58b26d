// Order events leave through the Orders table's stream: the table streams new and old images, one event source
// mapping hands the order item's writes to PublishOrderEvents (batches, bisect, bounded retries, failures reported
// per record, an alarmed dead-letter queue), and only that function reads the stream and publishes to the
// order-events topic.
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog, type FunctionSpec } from '../../catalog/functions';
import { logicalId, synthesize, type Synthesized } from './synth';
import { actionsOf, asArray, referencedIds, resourcesOfType, statementsOfRole } from './template-queries';

let prod: Synthesized;

beforeAll(() => {
  prod = synthesize('prod');
});

afterAll(() => {
  prod?.cleanup();
});

const publisher = functionCatalog.find((spec) => spec.id === 'PublishOrderEvents')!;
const ordersTableId = (s: Synthesized) =>
  logicalId(s.stack, s.stack.node.findChild('Storage').node.findChild('Orders'));
const eventsTopicId = (s: Synthesized) =>
  logicalId(s.stack, s.stack.node.findChild('Notifications').node.findChild('OrderEventsTopic'));
const deadLettersId = (s: Synthesized) =>
  logicalId(s.stack, s.stack.node.findChild('Streams').node.findChild('PublishOrderEventsDeadLetters'));
const statementsOf = (s: Synthesized, spec: FunctionSpec) =>
  statementsOfRole(s.json.Resources, logicalId(s.stack, s.stack.functions.orderFunction(spec.id).role));

describe('the Orders table stream', () => {
  it('carries the image before and after every write', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
    });
    const streamed = resourcesOfType(prod.json.Resources, 'AWS::DynamoDB::Table').filter(
      ([, table]) => table.Properties?.StreamSpecification,
    );
    expect(streamed.map(([id]) => id)).toEqual([ordersTableId(prod)]);
  });

  it('is handed to PublishOrderEvents from the oldest record, in bounded batches, failures reported per record', () => {
    const mappings = resourcesOfType(prod.json.Resources, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(mapping.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: publisher.stream!.batchSize,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: publisher.stream!.retryAttempts,
      MaximumRecordAgeInSeconds: publisher.stream!.maxRecordAgeHours * 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect([...referencedIds(mapping.Properties?.FunctionName)]).toEqual([
      logicalId(prod.stack, prod.stack.functions.get('PublishOrderEvents')),
    ]);
    expect([...referencedIds(mapping.Properties?.EventSourceArn)]).toEqual([ordersTableId(prod)]);
    expect(JSON.stringify(mapping.Properties?.EventSourceArn)).toContain('StreamArn');
    expect([...referencedIds(mapping.Properties?.DestinationConfig)]).toEqual([deadLettersId(prod)]);
  });

  it('hands over only the order item’s inserts and modifications', () => {
    const [, mapping] = resourcesOfType(prod.json.Resources, 'AWS::Lambda::EventSourceMapping')[0]!;
    const filters = (mapping.Properties?.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern) as unknown)).toEqual([
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: ['ORDER'] } } } },
    ]);
  });

  it('gives up into an encrypted, TLS-only dead-letter queue that alarms the ops topic', () => {
    const queueId = deadLettersId(prod);
    expect(prod.json.Resources[queueId]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    prod.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const alarms = resourcesOfType(prod.json.Resources, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      referencedIds(alarm.Properties?.Dimensions).has(queueId),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]![1].Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
    expect([...referencedIds(alarms[0]![1].Properties?.AlarmActions)]).toEqual([
      logicalId(prod.stack, prod.stack.node.findChild('Notifications').node.findChild('OpsTopic')),
    ]);
  });
});

describe('least privilege around order events', () => {
  const streamActions = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

  it('lets only PublishOrderEvents read the stream, and only this table’s streams', () => {
    for (const spec of functionCatalog) {
      const statements = statementsOf(prod, spec).filter((statement) =>
        actionsOf(statement).some((action) => [...streamActions, 'dynamodb:ListStreams'].includes(action)),
      );
      if (spec.id !== 'PublishOrderEvents') {
        expect(statements, spec.id).toEqual([]);
        continue;
      }
      expect(statements.flatMap(actionsOf).sort()).toEqual([...streamActions, 'dynamodb:ListStreams'].sort());
      for (const statement of statements) {
        // The stream's own ARN (GetAtt StreamArn), not the table's or a pattern.
        expect([...referencedIds(statement.Resource)]).toEqual([ordersTableId(prod)]);
        expect(JSON.stringify(statement.Resource)).toContain('StreamArn');
      }
    }
  });

  it('lets only PublishOrderEvents publish to the order-events topic, and it publishes nowhere else', () => {
    const topicId = eventsTopicId(prod);
    const publishesTo = (spec: FunctionSpec) =>
      statementsOf(prod, spec)
        .filter((statement) => actionsOf(statement).includes('sns:Publish'))
        .flatMap((statement) => asArray(statement.Resource).flatMap((r) => [...referencedIds(r)]));
    for (const spec of functionCatalog) {
      if (spec.id === 'PublishOrderEvents') expect(publishesTo(spec)).toEqual([topicId]);
      else expect(publishesTo(spec), spec.id).not.toContain(topicId);
    }
  });

  it('lets PublishOrderEvents touch no table item and send only to its dead-letter queue', () => {
    const statements = statementsOf(prod, publisher);
    const itemActions = statements
      .flatMap(actionsOf)
      .filter(
        (action) =>
          action.startsWith('dynamodb:') &&
          !action.includes('Stream') &&
          action !== 'dynamodb:GetRecords' &&
          action !== 'dynamodb:GetShardIterator',
      );
    expect(itemActions).toEqual([]);
    const sqs = statements.filter((statement) => actionsOf(statement).some((a) => a.startsWith('sqs:')));
    expect(sqs.flatMap(actionsOf)).toContain('sqs:SendMessage');
    for (const statement of sqs)
      expect([...referencedIds(statement.Resource)]).toEqual([deadLettersId(prod)]);
  });

  it('gives the topic ARN to the publisher only', () => {
    for (const spec of functionCatalog) {
      const fn = prod.json.Resources[logicalId(prod.stack, prod.stack.functions.get(spec.id))]!;
      const environment = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect('ORDER_EVENTS_TOPIC_ARN' in environment, spec.id).toBe(spec.id === 'PublishOrderEvents');
    }
  });
});
