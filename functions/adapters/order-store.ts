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
import { kpiFacts, type KpiRecord } from '../domain/kpis';
import { indexBucketOf, indexBuckets, type OrderRecord } from '../domain/order';
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
 * The item as stored, with the indexes' keys derived from the order in the same put: an order that has left
 * RECEIVED drops out of the receivedOrders index, an order is in the parcelsInFlight index, keyed by its last
 * carrier event, exactly while a parcel of it is with the carrier, it is in the byPayment index under its current
 * payment id (a renewal's new id replaces the old one), and its KPI facts in the byCreation index follow every
 * change.
 */
const storedItem = (order: OrderRecord): OrderRecord => {
  const {
    receivedBucket,
    parcelBucket: _bucket,
    lastCarrierEventAt: _last,
    currentPaymentId: _payment,
    ...rest
  } = order;
  return {
    ...rest,
    ...(order.status === 'RECEIVED' && receivedBucket !== undefined ? { receivedBucket } : {}),
    ...parcelIndexKeys(order),
    ...(order.payment.paymentId ? { currentPaymentId: order.payment.paymentId } : {}),
    creationBucket: indexBucketOf(order.orderId),
    kpi: kpiFacts(order),
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

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

/**
 * A listing's cursor: the `createdKey` of the last order it gave and the scope it lists (a storefront, or `*` for
 * all), so a cursor only ever continues a listing of the same scope. (Listings by one storefront gave the
 * byStorefront index's last key, which has the same two fields: such cursors still work.)
 */
interface Cursor {
  storefrontId: string;
  createdKey: string;
}

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

const decodeCursor = (cursor: string | undefined, scope: string): Cursor | undefined => {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (key.storefrontId !== scope || typeof key.createdKey !== 'string') throw new Error('foreign cursor');
    return { storefrontId: scope, createdKey: key.createdKey };
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

/** Every item a query finds, page after page. */
const queryAll = async <T>(db: Db, query: Omit<QueryCommandInput, 'TableName'>): Promise<T[]> => {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPage<T>(db, { ...query, ExclusiveStartKey: startKey });
    items.push(...page.items);
    startKey = page.nextKey;
  } while (startKey);
  return items;
};

const allBuckets = (): string[] => Array.from({ length: indexBuckets }, (_, bucket) => String(bucket));

/**
 * Creation times are ISO timestamps, which begin with a digit: these sort before and after every `createdKey` and
 * `createdAt`, for a range left open.
 */
const EARLIEST = '0';
const LATEST = '9';

/**
 * The KPI records of the orders created in [from, to) (ISO timestamps), of one storefront or all: the byCreation
 * index, every bucket read through, in parallel. Only the index's narrow projection is read.
 */
export const kpiRecords = async (
  db: Db,
  query: { from: string; to: string; storefrontId?: string | undefined },
): Promise<KpiRecord[]> => {
  const { storefrontId } = query;
  const buckets = await Promise.all(
    allBuckets().map((bucket) =>
      queryAll<KpiRecord>(db, {
        IndexName: 'byCreation',
        // `createdKey` = `<createdAt>#<orderId>`, so BETWEEN on it is createdAt >= from AND createdAt < to.
        KeyConditionExpression: 'creationBucket = :b AND createdKey BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':b': bucket,
          ':from': query.from,
          ':to': query.to,
          ...(storefrontId ? { ':s': storefrontId } : {}),
        },
        ...(storefrontId ? { FilterExpression: 'storefrontId = :s' } : {}),
        ProjectionExpression: 'createdAt, #status, kpi',
      }),
    ),
  );
  return buckets.flat();
};

/** Which orders a listing wants, newest first. */
export interface OrderListQuery {
  /** One storefront's orders; absent, every storefront's. */
  storefrontId?: string | undefined;
  /** Only the orders of these customers (byCustomer keys: storefront + email hash), when given. */
  customerKeys?: readonly string[] | undefined;
  /** Only orders in one of these statuses, when given. */
  statuses?: readonly OrderStatus[] | undefined;
  /** Only orders created at or after `from` and before `to` (ISO timestamps), when given. */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One partition of an index that holds orders by creation time. */
interface OrderSource {
  index: 'byStorefront' | 'byCreation' | 'byCustomer';
  partition: { name: string; value: string };
  sortKey: 'createdKey' | 'createdAt';
}

/** Where a listing reads: the customers' partitions, the storefront's, or every bucket of the creation index. */
const sourcesOf = (query: OrderListQuery): OrderSource[] => {
  if (query.customerKeys) {
    return query.customerKeys.map((value) => ({
      index: 'byCustomer',
      partition: { name: 'customerKey', value },
      sortKey: 'createdAt',
    }));
  }
  if (query.storefrontId) {
    return [
      {
        index: 'byStorefront',
        partition: { name: 'storefrontId', value: query.storefrontId },
        sortKey: 'createdKey',
      },
    ];
  }
  return allBuckets().map((value) => ({
    index: 'byCreation',
    partition: { name: 'creationBucket', value },
    sortKey: 'createdKey',
  }));
};

/** What a source gave: up to a page of orders (whole, or only their keys from byCreation), newest first. */
interface SourcePage {
  items: Pick<OrderRecord, 'orderId' | 'createdKey'>[];
  more: boolean;
}

/**
 * The newest `limit` orders of one source created in [lower, upper) that match the status filter. `upper` is the
 * creation time `to` or the cursor's key; an order at exactly the cursor's key was given already.
 */
const readSource = async (
  db: Db,
  source: OrderSource,
  range: { lower: string; upper: string },
  statuses: readonly OrderStatus[] | undefined,
  limit: number,
): Promise<SourcePage> => {
  const items: SourcePage['items'] = [];
  const statusValues = Object.fromEntries((statuses ?? []).map((status, i) => [`:st${i}`, status]));
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPage<Pick<OrderRecord, 'orderId' | 'createdKey'>>(db, {
      IndexName: source.index,
      KeyConditionExpression: '#p = :p AND #sort BETWEEN :lower AND :upper',
      ExpressionAttributeNames: {
        '#p': source.partition.name,
        '#sort': source.sortKey,
        ...(statuses ? { '#status': 'status' } : {}),
      },
      ExpressionAttributeValues: {
        ':p': source.partition.value,
        ':lower': range.lower,
        ':upper': range.upper,
        ...statusValues,
      },
      ...(statuses ? { FilterExpression: `#status IN (${Object.keys(statusValues).join(', ')})` } : {}),
      // The creation index holds no whole orders: its keys are enough to read them from the table.
      ...(source.index === 'byCreation' ? { ProjectionExpression: 'orderId, createdKey' } : {}),
      ScanIndexForward: false,
      Limit: limit - items.length,
      ExclusiveStartKey: startKey,
    });
    items.push(...page.items.filter((item) => item.createdKey < range.upper));
    startKey = page.nextKey;
  } while (startKey && items.length < limit);
  return { items: items.slice(0, limit), more: startKey !== undefined };
};

/**
 * One page of orders, newest first (by `createdKey`), across the sources the query names: each source gives its
 * newest matching orders below the cursor, and the page is the newest `limit` of them all. Orders found in the
 * creation index are then read from the table, and one whose status has meanwhile left the filter is left out.
 */
export const listOrders = async (db: Db, query: OrderListQuery): Promise<OrderPage> => {
  const scope = query.storefrontId ?? '*';
  const cursor = decodeCursor(query.cursor, scope);
  const lower = query.from ?? EARLIEST;
  const bounds = [query.to ?? LATEST, ...(cursor ? [cursor.createdKey] : [])];
  const upper = bounds.reduce((least, bound) => (bound < least ? bound : least));
  if (upper <= lower) return { orders: [], nextCursor: null };
  const sources = sourcesOf(query);
  const pages = await Promise.all(
    sources.map((source) => readSource(db, source, { lower, upper }, query.statuses, query.limit)),
  );
  const found = pages
    .flatMap((page) => page.items)
    .sort((a, b) => (a.createdKey < b.createdKey ? 1 : a.createdKey > b.createdKey ? -1 : 0));
  const page = found.slice(0, query.limit);
  const more = found.length > query.limit || pages.some((p) => p.more);
  const last = page.at(-1);
  return {
    orders: sources.some((source) => source.index === 'byCreation')
      ? await readListed(db, page, query.statuses)
      : (page as OrderRecord[]),
    nextCursor: more && last ? encodeCursor({ storefrontId: scope, createdKey: last.createdKey }) : null,
  };
};

/** The listed orders read from the table (in parallel), in the listing's order. */
const readListed = async (
  db: Db,
  listed: readonly Pick<OrderRecord, 'orderId'>[],
  statuses: readonly OrderStatus[] | undefined,
): Promise<OrderRecord[]> => {
  const orders = await Promise.all(listed.map((item) => getOrder(db, item.orderId)));
  return orders.filter(
    (order): order is OrderRecord => order !== undefined && (!statuses || statuses.includes(order.status)),
  );
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

/**
 * The order whose current payment is `paymentId`, if any (the byPayment index; eventually consistent, so the caller
 * checks the order it then reads still holds that payment).
 */
export const findOrderIdByPayment = async (db: Db, paymentId: string): Promise<string | undefined> => {
  const { items } = await queryPage<{ orderId?: string }>(db, {
    IndexName: 'byPayment',
    KeyConditionExpression: 'currentPaymentId = :p',
    ExpressionAttributeValues: { ':p': paymentId },
    ProjectionExpression: 'orderId',
    Limit: 1,
  });
  return items[0]?.orderId;
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
