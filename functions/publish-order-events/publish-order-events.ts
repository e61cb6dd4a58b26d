// The one path order events take to other systems: the Orders table's stream hands this function every write of
// an order item (its old and new image), and each write that created the order or moved its status becomes one
// event on the order-events topic. The write is committed before its record exists, so no status change is left
// unpublished by a handler that stopped after its write; a failed publish is reported as the batch item that
// failed, and the stream hands that record (and the ones after it) again. Records of one order are published in
// stream order, orders side by side.
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { orderEventFor, type StoredOrderFields } from '../domain/order-events';
import type { OrderEvent } from '../domain/notices';
import type { TopicDeps } from '../runtime/deps';
import { logger } from '../runtime/observability';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const text = (image: Image | undefined, name: string): string | undefined => image?.[name]?.S;

/** The fields of an order item's image an event is made of; an order item lacking one is a fault. */
const storedFields = (image: Image): StoredOrderFields => {
  const fields = {
    orderId: text(image, 'orderId'),
    storefrontId: text(image, 'storefrontId'),
    status: text(image, 'status'),
    version: image.version?.N === undefined ? undefined : Number(image.version.N),
    updatedAt: text(image, 'updatedAt'),
  };
  const missing = Object.entries(fields)
    .filter(([, value]) => value === undefined || value === '' || Number.isNaN(value))
    .map(([name]) => name);
  if (missing.length > 0) throw new Error(`order item without ${missing.join(', ')}`);
  return fields as StoredOrderFields;
};

/**
 * The order event a stream record carries: the record of a new order item, or of a write of one that changed its
 * status. Other items of the table (returns, sandbox records, leases) and removals carry none.
 */
export const orderEventOf = (record: DynamoDBRecord): OrderEvent | undefined => {
  const next = record.dynamodb?.NewImage;
  if (record.eventName === 'REMOVE' || !next || text(next, 'sk') !== 'ORDER') return undefined;
  return orderEventFor(text(record.dynamodb?.OldImage, 'status'), storedFields(next));
};

const sequenceOf = (record: DynamoDBRecord): string => {
  const sequence = record.dynamodb?.SequenceNumber;
  if (!sequence) throw new Error('a stream record without a sequence number');
  return sequence;
};

/**
 * Publishes the events of a batch of stream records. Each order's records go in order and stop at the first that
 * fails; the answer names those first failures (Lambda hands the batch again from the lowest), so a later status of
 * an order is never published before an earlier one that failed.
 */
export const publishOrderEvents = async (
  deps: TopicDeps,
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse> => {
  const byOrder = new Map<string, DynamoDBRecord[]>();
  for (const record of event.Records) {
    const key = record.dynamodb?.Keys?.pk?.S ?? '';
    byOrder.set(key, [...(byOrder.get(key) ?? []), record]);
  }
  const failed = await Promise.all(
    [...byOrder.values()].map(async (records) => {
      for (const record of records) {
        const sequence = sequenceOf(record);
        let orderEvent: OrderEvent | undefined;
        try {
          orderEvent = orderEventOf(record);
          if (orderEvent) await deps.messaging.publishOrderEvent(orderEvent);
        } catch (error) {
          logger.error('order event not published; the stream hands it again', {
            error: error as Error,
            orderId: record.dynamodb?.Keys?.pk?.S?.replace(/^ORDER#/, ''),
            eventId: orderEvent?.eventId,
            sequence,
          });
          return sequence;
        }
      }
      return undefined;
    }),
  );
  const failures = failed
    .filter((sequence): sequence is string => sequence !== undefined)
    .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};
