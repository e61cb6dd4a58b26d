// The order-events publisher, fed stream records as DynamoDB Streams shapes them: a write that created an order or
// moved its status is one event, with an id derived from the write alone (so a record handed twice is the same
// event); any other write is none; a failed publish is the batch item reported, and the order's later records wait.
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SNSClient } from '@aws-sdk/client-sns';
import { snsTopics } from '../../../functions/adapters/sns-messaging';
import type { OrderEvent, TopicMessaging } from '../../../functions/domain/notices';
import type { OrderRecord } from '../../../functions/domain/order';
import { publishOrderEvents } from '../../../functions/publish-order-events/publish-order-events';
import { anOrder } from '../helpers/orders';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
type Value = Image[string];

/** A value as DynamoDB stores it (the stream's images are in this form). */
const attribute = (value: unknown): Value => {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(attribute) };
  if (value === null) return { NULL: true };
  return {
    M: Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, attribute(v)]),
    ),
  };
};
const image = (item: object): Image => attribute(item).M as Image;

let sequence = 100;
/** The stream record of one write: `before` undefined for a new item. */
const aRecord = (before: object | undefined, after: object, eventName = before ? 'MODIFY' : 'INSERT') => {
  sequence += 1;
  const keys = after as { pk: string; sk: string };
  return {
    eventID: String(sequence),
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: image({ pk: keys.pk, sk: keys.sk }),
      NewImage: image(after),
      ...(before ? { OldImage: image(before) } : {}),
      SequenceNumber: String(sequence),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  } as DynamoDBRecord;
};

const moved = (order: OrderRecord, status: OrderRecord['status'], at: string): OrderRecord => ({
  ...order,
  status,
  version: order.version + 1,
  updatedAt: at,
});

/** Topic messaging that keeps what it published, and fails for the event ids in `failing`. */
const recordingTopic = (failing = new Set<string>()) => {
  const published: OrderEvent[] = [];
  const messaging: TopicMessaging = {
    alertOps: () => Promise.resolve(),
    publishOrderEvent: (event) =>
      failing.has(event.eventId)
        ? Promise.reject(new Error('SNS is unavailable'))
        : Promise.resolve(void published.push(event)),
  };
  return { published, deps: { messaging } };
};

describe('publishOrderEvents', () => {
  it('publishes one event for a status change, with the id of the write and no customer data', async () => {
    // Prepare
    const received = anOrder({ orderId: 'ord_events_1', version: 3, status: 'RECEIVED' });
    const confirmed = moved(received, 'CONFIRMED', '2030-03-04T10:00:05.000Z');
    const topic = recordingTopic();

    // Act
    const answer = await publishOrderEvents(topic.deps, { Records: [aRecord(received, confirmed)] });

    // Assess
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(topic.published).toEqual([
      {
        eventId: 'ord_events_1:4',
        type: 'order.confirmed',
        orderId: 'ord_events_1',
        storefrontId: received.storefrontId,
        status: 'CONFIRMED',
        version: 4,
        at: '2030-03-04T10:00:05.000Z',
      },
    ]);
    const message = JSON.stringify(topic.published);
    for (const pii of [received.customer.email, received.customer.name, received.shippingAddress.line1]) {
      expect(message).not.toContain(pii);
    }
  });

  it('publishes order.received for a new order item', async () => {
    // Prepare
    const order = anOrder({ orderId: 'ord_events_2' });
    const topic = recordingTopic();

    // Act
    await publishOrderEvents(topic.deps, { Records: [aRecord(undefined, order)] });

    // Assess
    expect(topic.published.map((event) => [event.eventId, event.type])).toEqual([
      ['ord_events_2:1', 'order.received'],
    ]);
  });

  it('publishes nothing for a write that keeps the status, another item of the table, or a removal', async () => {
    // Prepare
    const order = anOrder({ orderId: 'ord_events_3', status: 'LABEL_CREATED', version: 7 });
    const noticeRecorded = { ...order, version: 8, notices: { 'x:email': '2030-03-04T10:00:00.000Z' } };
    const returnItem = { pk: order.pk, sk: 'RETURN#ret_1', orderId: order.orderId, trackingNumber: 'T1' };
    const topic = recordingTopic();

    // Act
    const answer = await publishOrderEvents(topic.deps, {
      Records: [
        aRecord(order, noticeRecorded),
        aRecord(undefined, returnItem),
        aRecord(noticeRecorded, noticeRecorded, 'REMOVE'),
      ],
    });

    // Assess
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(topic.published).toEqual([]);
  });

  it('reports the record whose publish failed, holds back that order’s later records, and goes on with others', async () => {
    // Prepare
    const first = anOrder({ orderId: 'ord_events_4', status: 'RECEIVED', version: 4 });
    const confirmed = moved(first, 'CONFIRMED', '2030-03-04T10:00:05.000Z');
    const labelled = moved(confirmed, 'LABEL_CREATED', '2030-03-04T10:00:06.000Z');
    const other = anOrder({ orderId: 'ord_events_5' });
    const failing = aRecord(first, confirmed);
    const topic = recordingTopic(new Set(['ord_events_4:5']));

    // Act
    const answer = await publishOrderEvents(topic.deps, {
      Records: [failing, aRecord(confirmed, labelled), aRecord(undefined, other)],
    });

    // Assess
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: failing.dynamodb!.SequenceNumber }] });
    expect(topic.published.map((event) => event.eventId)).toEqual(['ord_events_5:1']);
  });

  it('gives a record handed twice the same event id', async () => {
    // Prepare
    const before = anOrder({ orderId: 'ord_events_6', status: 'LABEL_CREATED', version: 9 });
    const record = aRecord(before, moved(before, 'SHIPPED', '2030-03-05T09:00:00.000Z'));
    const topic = recordingTopic();

    // Act
    await publishOrderEvents(topic.deps, { Records: [record] });
    await publishOrderEvents(topic.deps, { Records: [structuredClone(record)] });

    // Assess
    expect(topic.published.map((event) => event.eventId)).toEqual(['ord_events_6:10', 'ord_events_6:10']);
  });

  it('fails a record of an order item without its status, rather than skipping it', async () => {
    // Prepare
    const { status: _status, ...broken } = anOrder({ orderId: 'ord_events_7' });
    const record = aRecord(undefined, broken);
    const topic = recordingTopic();

    // Act
    const answer = await publishOrderEvents(topic.deps, { Records: [record] });

    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: record.dynamodb!.SequenceNumber }]);
    expect(topic.published).toEqual([]);
  });
});

describe('the order-events topic adapter', () => {
  /** An SNS client whose requests are kept instead of sent, each answered as SNS answers a publish. */
  const recordingSns = () => {
    const bodies: URLSearchParams[] = [];
    const sns = new SNSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: (request: { body?: unknown }) => {
          bodies.push(new URLSearchParams(String(request.body)));
          const body = new TextEncoder().encode(
            '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>',
          );
          return Promise.resolve({ response: { statusCode: 200, headers: {}, body } });
        },
      },
    });
    return { sns, bodies };
  };
  const anEvent: OrderEvent = {
    eventId: 'ord_1:4',
    type: 'order.confirmed',
    orderId: 'ord_1',
    storefrontId: 'demo-store',
    status: 'CONFIRMED',
    version: 4,
    at: '2030-03-04T10:00:05.000Z',
  };

  it('publishes the event as JSON with its type, storefront and id as message attributes', async () => {
    // Prepare
    const { sns, bodies } = recordingSns();
    const topics = snsTopics({ sns, opsTopicArn: '', orderEventsTopicArn: 'arn:aws:sns:us-east-1:1:events' });

    // Act
    await topics.publishOrderEvent(anEvent);

    // Assess
    const [body] = bodies;
    expect(JSON.parse(body!.get('Message')!) as unknown).toEqual(anEvent);
    expect(body!.get('TopicArn')).toBe('arn:aws:sns:us-east-1:1:events');
    const attributes = Object.fromEntries(
      [1, 2, 3].map((i) => [
        body!.get(`MessageAttributes.entry.${i}.Name`) ?? '',
        body!.get(`MessageAttributes.entry.${i}.Value.StringValue`),
      ]),
    );
    expect(attributes).toEqual({ type: 'order.confirmed', storefrontId: 'demo-store', eventId: 'ord_1:4' });
  });

  it('fails without a topic, so the record is handed again instead of the event being dropped', async () => {
    // Prepare
    const { sns, bodies } = recordingSns();
    const topics = snsTopics({ sns, opsTopicArn: '', orderEventsTopicArn: '' });

    // Act / Assess
    await expect(topics.publishOrderEvent(anEvent)).rejects.toThrow(/ORDER_EVENTS_TOPIC_ARN/);
    expect(bodies).toEqual([]);
  });
});
