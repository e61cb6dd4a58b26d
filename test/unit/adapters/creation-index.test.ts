// The byCreation index against dynalite: every order item is in it with its KPI facts, kept up to date by the
// order's own writes and without PII; `kpiRecords` reads a window of it across its buckets, and `listOrders` pages
// through it (and through a customer's partitions) newest first, with several statuses, a time range and a cursor.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { customerHash } from '../../../functions/domain/hash';
import { indexBucketOf, withTimeline, type OrderRecord } from '../../../functions/domain/order';
import type { OrderStatus } from '../../../functions/domain/requests';
import {
  createOrder,
  InvalidCursorError,
  kpiRecords,
  listOrders,
  mutateOrder,
} from '../../../functions/adapters/order-store';
import { useLocalDynamo } from '../helpers/dynamo';
import { aCancellation, anOrder } from '../helpers/orders';

const store = useLocalDynamo();
let sequence = 0;

/**
 * A day of its own for each test (the index holds every test's orders), with a day between any two: `2031-01-02`,
 * `2031-01-04`, ...
 */
let days = 0;
const aDay = (): { at: (hour: number) => string; from: string; to: string } => {
  days += 2;
  const day = `2031-01-${String(days).padStart(2, '0')}`;
  const next = new Date(Date.parse(day) + 86_400_000).toISOString();
  return {
    at: (hour) => new Date(Date.parse(day) + hour * 3_600_000).toISOString(),
    from: `${day}T00:00:00.000Z`,
    to: next,
  };
};

/** Stores a new order (hex id, so its bucket varies) created at `createdAt`. */
const storeOrder = async (createdAt: string, overrides: Partial<OrderRecord> = {}): Promise<OrderRecord> => {
  sequence += 1;
  const order = anOrder({
    orderId: `ord_${sequence.toString(16).padStart(24, '0')}`,
    createdAt,
    ...overrides,
  });
  if (!(await createOrder(store.db, order))) throw new Error(`order ${order.orderId} already existed`);
  return order;
};

const ids = (orders: readonly OrderRecord[]): string[] => orders.map((order) => order.orderId);

describe('the byCreation index', () => {
  it('holds the KPI facts and status of every order, and none of its customer data', async () => {
    // Prepare
    const day = aDay();
    const order = await storeOrder(day.at(1));

    // Act
    const { Items } = await store.db.doc.send(
      new QueryCommand({
        TableName: store.db.tables.orders,
        IndexName: 'byCreation',
        KeyConditionExpression: 'creationBucket = :b AND createdKey = :k',
        ExpressionAttributeValues: { ':b': indexBucketOf(order.orderId), ':k': order.createdKey },
      }),
    );

    // Assess
    expect(Object.keys(Items?.[0] ?? {}).sort()).toEqual(
      [
        'createdAt',
        'createdKey',
        'creationBucket',
        'kpi',
        'orderId',
        'pk',
        'sk',
        'status',
        'storefrontId',
      ].sort(),
    );
    expect(JSON.stringify(Items)).not.toContain(order.customer.email);
  });
});

describe('kpiRecords', () => {
  it('reads the orders created in the window, from every bucket, and none outside it', async () => {
    // Prepare
    const day = aDay();
    const inside = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((hour) => storeOrder(day.at(hour))));
    await storeOrder(day.at(-1));
    await storeOrder(day.at(24));

    // Act
    const records = await kpiRecords(store.db, { from: day.from, to: day.to });

    // Assess
    expect(records.map((r) => r.createdAt).sort()).toEqual(inside.map((o) => o.createdAt).sort());
    expect(new Set(inside.map((o) => o.orderId.slice(-1))).size).toBeGreaterThan(1);
  });

  it('follows the order as it changes, with the writes the order makes anyway', async () => {
    // Prepare
    const day = aDay();
    const order = await storeOrder(day.at(1));

    // Act
    await mutateOrder(store.db, order.orderId, (current) => ({
      next: withTimeline(
        { ...current, status: 'CANCELLED', cancellation: aCancellation({ stage: 'completed' }) },
        day.at(2),
        'CANCELLED',
      ),
      result: undefined,
    }));
    const records = await kpiRecords(store.db, { from: day.from, to: day.to });

    // Assess
    expect(records).toEqual([
      { createdAt: order.createdAt, status: 'CANCELLED', kpi: { cancellationReason: 'changed_mind' } },
    ]);
  });

  it("reads one storefront's orders when asked", async () => {
    // Prepare
    const day = aDay();
    await storeOrder(day.at(1), { storefrontId: 'kpi-store-a' });
    const theirs = await storeOrder(day.at(2), { storefrontId: 'kpi-store-b' });

    // Act
    const records = await kpiRecords(store.db, { from: day.from, to: day.to, storefrontId: 'kpi-store-b' });

    // Assess
    expect(records.map((r) => r.createdAt)).toEqual([theirs.createdAt]);
  });
});

describe('listOrders across storefronts', () => {
  /** Orders one hour apart, of alternating storefronts; returns them newest first. */
  const storeDay = async (statuses: OrderStatus[]) => {
    const day = aDay();
    const orders: OrderRecord[] = [];
    for (const [i, status] of statuses.entries()) {
      orders.push(await storeOrder(day.at(i + 1), { status, storefrontId: i % 2 ? 'list-a' : 'list-b' }));
    }
    return { day, newestFirst: [...orders].reverse() };
  };

  it('lists every storefront, newest first, page by page without repeating or skipping an order', async () => {
    // Prepare
    const { day, newestFirst } = await storeDay(Array<OrderStatus>(5).fill('RECEIVED'));
    const window = { from: day.from, to: day.to };

    // Act
    const first = await listOrders(store.db, { ...window, limit: 2 });
    const second = await listOrders(store.db, { ...window, limit: 2, cursor: first.nextCursor ?? undefined });
    const third = await listOrders(store.db, { ...window, limit: 2, cursor: second.nextCursor ?? undefined });

    // Assess
    expect([ids(first.orders), ids(second.orders), ids(third.orders)]).toEqual([
      ids(newestFirst.slice(0, 2)),
      ids(newestFirst.slice(2, 4)),
      ids(newestFirst.slice(4)),
    ]);
    expect(third.nextCursor).toBeNull();
  });

  it('gives whole orders, as the table holds them', async () => {
    // Prepare
    const { day, newestFirst } = await storeDay(['RECEIVED']);

    // Act
    const page = await listOrders(store.db, { from: day.from, to: day.to, limit: 10 });

    // Assess
    expect(page.orders[0]?.customer).toEqual(newestFirst[0]?.customer);
  });

  it('lists only the statuses asked for', async () => {
    // Prepare
    const { day, newestFirst } = await storeDay([
      'IN_REVIEW',
      'RECEIVED',
      'CONFIRMED',
      'SHIPPED',
      'IN_REVIEW',
    ]);

    // Act
    const page = await listOrders(store.db, {
      from: day.from,
      to: day.to,
      statuses: ['IN_REVIEW', 'CONFIRMED'],
      limit: 10,
    });

    // Assess
    expect(ids(page.orders)).toEqual(
      ids(newestFirst.filter((o) => o.status === 'IN_REVIEW' || o.status === 'CONFIRMED')),
    );
  });

  it('lists only the orders created in [from, to)', async () => {
    // Prepare
    const { day, newestFirst } = await storeDay(['RECEIVED', 'RECEIVED', 'RECEIVED', 'RECEIVED']);

    // Act: from the second order's creation to the fourth's.
    const page = await listOrders(store.db, { from: day.at(2), to: day.at(4), limit: 10 });

    // Assess
    expect(ids(page.orders)).toEqual(ids(newestFirst.slice(1, 3)));
  });

  it("lists a customer's orders in every storefront searched, newest first", async () => {
    // Prepare
    const day = aDay();
    const email = 'grace@example.com';
    await storeOrder(day.at(1), { storefrontId: 'cust-a' });
    const ofGrace = (storefrontId: string, hour: number) =>
      storeOrder(day.at(hour), {
        storefrontId,
        customer: { ...anOrder().customer, email },
        customerKey: `${storefrontId}#${customerHash(email)}`,
      });
    const first = await ofGrace('cust-a', 2);
    const second = await ofGrace('cust-b', 3);
    await ofGrace('cust-c', 4);

    // Act
    const page = await listOrders(store.db, {
      customerKeys: ['cust-a', 'cust-b'].map((id) => `${id}#${customerHash(email)}`),
      limit: 10,
    });

    // Assess
    expect(ids(page.orders)).toEqual([second.orderId, first.orderId]);
  });

  it("refuses a cursor of the all-storefronts listing for one storefront's listing", async () => {
    // Prepare
    const { day } = await storeDay(['RECEIVED', 'RECEIVED']);
    const { nextCursor } = await listOrders(store.db, { from: day.from, to: day.to, limit: 1 });

    // Act
    const listing = listOrders(store.db, {
      storefrontId: 'list-a',
      limit: 1,
      cursor: nextCursor ?? undefined,
    });

    // Assess
    expect(nextCursor).not.toBeNull();
    await expect(listing).rejects.toThrow(InvalidCursorError);
  });
});
