// Order persistence over DynamoDB (DocumentClient). Orders are written whole, conditional on their version
// (optimistic locking): `mutateOrder` re-reads and re-applies a pure change function when another writer won.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../domain/errors';
import type { OrderRecord } from '../domain/order';
import type { OrderStatus } from '../domain/requests';
import { parcelIndexKeys } from '../domain/parcels-in-flight';
import { LOST_RACE, retryLostRaces, writeIf } from './dynamo';

export interface Db {
  doc: DynamoDBDocumentClient;
  tables: { orders: string; inventory: string };
}

export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' as const });

export const getOrder = async (db: Db, orderId: string): Promise<OrderRecord | undefined> => {
  const { Item } = await db.doc.send(
    new GetCommand({ TableName: db.tables.orders, Key: orderKey(orderId), ConsistentRead: true }),
  );
  return Item as OrderRecord | undefined;
};

export class OrderNotFoundError extends Error {
  override name = 'OrderNotFoundError';
}

export const requireOrder = async (db: Db, orderId: string): Promise<OrderRecord> => {
  const order = await getOrder(db, orderId);
  if (!order) throw new OrderNotFoundError(`order ${orderId} does not exist`);
  return order;
};

/** Creates the order unless one with its id exists; returns false when it already existed. */
export const createOrder = (db: Db, order: OrderRecord): Promise<boolean> =>
  writeIf(
    db.doc,
    new PutCommand({
      TableName: db.tables.orders,
      Item: storedItem(order),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );

/**
 * The item as stored, with the sparse indexes' keys derived from the order in the same put: an order that has left
 * RECEIVED drops out of the receivedOrders index, and an order is in the parcelsInFlight index, keyed by its last
 * carrier event, exactly while a parcel of it is with the carrier.
 */
const storedItem = (order: OrderRecord): OrderRecord => {
  const { receivedBucket, parcelBucket: _bucket, lastCarrierEventAt: _last, ...rest } = order;
  return {
    ...rest,
    ...(order.status === 'RECEIVED' && receivedBucket !== undefined ? { receivedBucket } : {}),
    ...parcelIndexKeys(order),
  };
};

/** Writes `next` only if the stored version is still `next.version - 1`. */
export const putOrderVersion = (db: Db, next: OrderRecord): Promise<boolean> =>
  writeIf(
    db.doc,
    new PutCommand({
      TableName: db.tables.orders,
      Item: storedItem(next),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': next.version - 1 },
    }),
  );

/** Points a return parcel's tracking number to its order and return (the byTracking index leads webhooks there). */
export const putReturnTracking = async (
  db: Db,
  orderId: string,
  returnId: string,
  trackingNumber: string,
): Promise<void> => {
  await db.doc.send(
    new PutCommand({
      TableName: db.tables.orders,
      Item: { pk: `ORDER#${orderId}`, sk: `RETURN#${returnId}`, orderId, returnId, trackingNumber },
    }),
  );
};

/**
 * Keeps a carrier event of a tracking number that belongs to no order, for operators, until `expiresAt` (epoch
 * seconds). False when an event of that number is kept already.
 */
export const putUnmatchedEvent = (
  db: Db,
  event: { trackingNumber: string },
  receivedAt: string,
  expiresAt: number,
): Promise<boolean> =>
  writeIf(
    db.doc,
    new PutCommand({
      TableName: db.tables.orders,
      Item: { pk: `UNMATCHED#${event.trackingNumber}`, sk: 'UNMATCHED', event, receivedAt, expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );

export interface Mutation<T> {
  /** The order as it is now stored (after the change, or unchanged when the change was a no-op). */
  order: OrderRecord;
  /** What the change function returned beside the new order. */
  result: T;
  changed: boolean;
}

/** What `change` returns: the next order (or `undefined` for "nothing to do") and a result for the caller. */
export interface Change<T> {
  next: OrderRecord | undefined;
  result: T;
}

/**
 * Applies `change` to the current order and stores the result, retrying on a lost race. `change` is pure: it gets
 * the current order and returns the next one (or `undefined` for "nothing to do"), plus a result for the caller.
 * `beforeWrite`, when given, runs in every attempt once `change` has decided, before anything is stored (also when
 * nothing is): the place for side effects the stored order records. `afterWrite` runs once the change is stored.
 */
export const mutateOrder = async <T = undefined>(
  db: Db,
  orderId: string,
  change: (order: OrderRecord) => Change<T>,
  now: () => Date = () => new Date(),
  attempts = 8,
  hooks: {
    beforeWrite?: (decided: Change<T>, current: OrderRecord) => Promise<void>;
    afterWrite?: (stored: OrderRecord, previous: OrderRecord) => Promise<void>;
  } = {},
): Promise<Mutation<T>> =>
  retryLostRaces(
    attempts,
    async () => {
      const current = await requireOrder(db, orderId);
      const decided = change(current);
      if (hooks.beforeWrite) await hooks.beforeWrite(decided, current);
      const { next, result } = decided;
      if (!next) return { order: current, result, changed: false };
      const stored: OrderRecord = { ...next, version: current.version + 1, updatedAt: now().toISOString() };
      if (!(await putOrderVersion(db, stored))) return LOST_RACE;
      if (hooks.afterWrite) await hooks.afterWrite(stored, current);
      return { order: stored, result, changed: true };
    },
    () => new ConcurrentUpdateError(`order ${orderId} kept changing under ${attempts} attempts`),
  );

export interface OrderPage {
  orders: OrderRecord[];
  nextCursor: string | null;
}

const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

const decodeCursor = (
  cursor: string | undefined,
  storefrontId: string,
): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    // A cursor only ever continues the caller's own storefront listing.
    if (key.storefrontId !== storefrontId || typeof key.pk !== 'string') throw new Error('foreign cursor');
    return key;
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned');
  }
};

/** One page of a query of an Orders table index: its items and the key to continue from (none at the end). */
const queryPage = async <T>(
  db: Db,
  query: Omit<QueryCommandInput, 'TableName'>,
): Promise<{ items: T[]; nextKey: Record<string, unknown> | undefined }> => {
  const page = await db.doc.send(new QueryCommand({ TableName: db.tables.orders, ...query }));
  return { items: (page.Items ?? []) as T[], nextKey: page.LastEvaluatedKey };
};

/** A storefront's orders, newest first, optionally of one status. */
export const listOrders = async (
  db: Db,
  query: {
    storefrontId: string;
    status?: OrderStatus | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<OrderPage> => {
  const orders: OrderRecord[] = [];
  let startKey = decodeCursor(query.cursor, query.storefrontId);
  // With a status filter a page may come back short; keep reading until the page is full or the index ends.
  do {
    const page = await queryPage<OrderRecord>(db, {
      IndexName: 'byStorefront',
      KeyConditionExpression: 'storefrontId = :s',
      ExpressionAttributeValues: {
        ':s': query.storefrontId,
        ...(query.status ? { ':st': query.status } : {}),
      },
      ...(query.status
        ? { FilterExpression: '#status = :st', ExpressionAttributeNames: { '#status': 'status' } }
        : {}),
      ScanIndexForward: false,
      Limit: query.limit - orders.length,
      ExclusiveStartKey: startKey,
    });
    orders.push(...page.items);
    startKey = page.nextKey;
  } while (startKey && orders.length < query.limit);
  return { orders, nextCursor: encodeCursor(startKey) };
};

/** The order a tracking number belongs to, if any, and the return when it is a return parcel's. */
export const findByTracking = async (
  db: Db,
  trackingNumber: string,
): Promise<{ orderId: string; returnId?: string | undefined } | undefined> => {
  const { items } = await queryPage<{ orderId?: string; returnId?: string }>(db, {
    IndexName: 'byTracking',
    KeyConditionExpression: 'trackingNumber = :t',
    ExpressionAttributeValues: { ':t': trackingNumber },
    ProjectionExpression: 'orderId, returnId',
    Limit: 1,
  });
  const first = items[0];
  return first?.orderId ? { orderId: first.orderId, returnId: first.returnId } : undefined;
};

/** The order id a tracking number belongs to, if any. */
export const findOrderIdByTracking = async (db: Db, trackingNumber: string): Promise<string | undefined> =>
  (await findByTracking(db, trackingNumber))?.orderId;

/** How many orders a customer (hashed email key) placed since `since`, and whether any came before. */
export const customerHistory = async (
  db: Db,
  customerKey: string,
  since: string,
  excludeOrderId: string,
): Promise<{ recent: number; earlier: number }> => {
  const { items } = await queryPage<{ orderId: string; createdAt: string }>(db, {
    IndexName: 'byCustomer',
    KeyConditionExpression: 'customerKey = :c',
    ExpressionAttributeValues: { ':c': customerKey },
    ProjectionExpression: 'orderId, createdAt',
    ScanIndexForward: false,
    Limit: 50,
  });
  const others = items.filter((item) => item.orderId !== excludeOrderId);
  const recent = others.filter((item) => item.createdAt >= since).length;
  return { recent, earlier: others.length - recent };
};

/** The sparse velocity indexes of the risk rules and the hashed attribute each is keyed by. */
const velocityIndexes = {
  byPaymentMethod: 'paymentFingerprint',
  bySourceIp: 'sourceIpHash',
} as const;

/**
 * How many other customers placed orders under the same keyed hash (payment method or source IP) since `since`:
 * distinct `customerKey`s among the newest 100 orders of that hash, the customer's own excluded.
 */
export const otherCustomersSince = async (
  db: Db,
  index: keyof typeof velocityIndexes,
  hash: string,
  since: string,
  customerKey: string,
): Promise<number> => {
  const attribute = velocityIndexes[index];
  const { items } = await queryPage<{ customerKey: string }>(db, {
    IndexName: index,
    KeyConditionExpression: '#h = :h AND createdAt >= :since',
    ExpressionAttributeNames: { '#h': attribute },
    ExpressionAttributeValues: { ':h': hash, ':since': since },
    ProjectionExpression: 'customerKey',
    ScanIndexForward: false,
    Limit: 100,
  });
  return new Set(items.map((item) => item.customerKey).filter((key) => key !== customerKey)).size;
};

/** A page of order ids and the key to continue from (none at the end). */
export interface OrderIdPage {
  orderIds: string[];
  nextKey: Record<string, unknown> | undefined;
}

/** One page of the order ids in one bucket of a bucketed sparse index whose sort key is below `before`, oldest first. */
const bucketBefore = async (
  db: Db,
  index: { name: string; bucketKey: string; sortKey: string },
  page: { bucket: string; before: string; limit: number; startKey?: Record<string, unknown> | undefined },
): Promise<OrderIdPage> => {
  const { items, nextKey } = await queryPage<{ orderId: string }>(db, {
    IndexName: index.name,
    KeyConditionExpression: '#bucket = :b AND #sort < :before',
    ExpressionAttributeNames: { '#bucket': index.bucketKey, '#sort': index.sortKey },
    ExpressionAttributeValues: { ':b': page.bucket, ':before': page.before },
    ProjectionExpression: 'orderId',
    Limit: page.limit,
    ExclusiveStartKey: page.startKey,
  });
  return { orderIds: items.map((item) => item.orderId), nextKey };
};

/**
 * One page of the orders of a receivedOrders bucket that were received before `before` and are still RECEIVED,
 * oldest first.
 */
export const receivedBefore = (
  db: Db,
  bucket: string,
  before: string,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<OrderIdPage> =>
  bucketBefore(
    db,
    { name: 'receivedOrders', bucketKey: 'receivedBucket', sortKey: 'createdKey' },
    { bucket, before, limit, startKey },
  );

/**
 * One page of the orders of a parcelsInFlight bucket whose last carrier event was received before `before`: orders
 * with a parcel the carrier has been silent about, longest silent first.
 */
export const silentParcelOrders = (
  db: Db,
  bucket: string,
  before: string,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<OrderIdPage> =>
  bucketBefore(
    db,
    { name: 'parcelsInFlight', bucketKey: 'parcelBucket', sortKey: 'lastCarrierEventAt' },
    { bucket, before, limit, startKey },
  );
