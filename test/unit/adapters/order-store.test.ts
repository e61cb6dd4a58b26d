// Order persistence against dynalite: optimistic locking in mutateOrder (a lost race is retried and no change is
// lost), idempotent creation, and a storefront's listing (newest first, cursor, status filter, foreign cursors).
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError } from '../../../functions/domain/errors';
import { withTimeline, type OrderRecord } from '../../../functions/domain/order';
import type { OrderStatus } from '../../../functions/domain/requests';
import {
  createOrder,
  getOrder,
  InvalidCursorError,
  listOrders,
  mutateOrder,
  type Db,
} from '../../../functions/adapters/order-store';
import { useLocalDynamo } from '../helpers/dynamo';
import { anOrder, daysAfter, T0 } from '../helpers/orders';

const store = useLocalDynamo();
let sequence = 0;

/** A storefront no other test writes to. */
const aStorefront = (): string => {
  sequence += 1;
  return `store-${sequence}`;
};

/** Stores a new order with an id no other test uses. */
const storeOrder = async (overrides: Partial<OrderRecord> = {}): Promise<OrderRecord> => {
  sequence += 1;
  const order = anOrder({ orderId: `ord_store_test_${sequence}`, ...overrides });
  if (!(await createOrder(store.db, order))) throw new Error(`order ${order.orderId} already existed`);
  return order;
};

/**
 * The database with a rival writer: just before the first conditional write it is asked to make, `rival` runs to
 * completion, so that write finds the order changed under it.
 */
const withRivalBeforeFirstWrite = (base: Db, rival: () => Promise<unknown>): Db => {
  let pending: (() => Promise<unknown>) | undefined = rival;
  const send = Reflect.get(base.doc, 'send') as (command: unknown) => Promise<unknown>;
  const doc = new Proxy(base.doc, {
    get(target, property, receiver): unknown {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown) => {
        const run = pending;
        if (run && command instanceof PutCommand) {
          pending = undefined;
          await run();
        }
        return send.call(target, command);
      };
    },
  });
  return { ...base, doc: doc satisfies DynamoDBDocumentClient };
};

const note = (type: string) => (order: OrderRecord) => ({
  next: withTimeline(order, daysAfter(T0, 0.1), type),
  result: type,
});

describe('mutateOrder', () => {
  it('keeps both changes when another writer wins the race', async () => {
    // Prepare
    const order = await storeOrder();
    const racing = withRivalBeforeFirstWrite(store.db, () =>
      mutateOrder(store.db, order.orderId, note('RIVAL_CHANGE')),
    );

    // Act
    await mutateOrder(racing, order.orderId, note('OWN_CHANGE'));

    // Assess
    const stored = await getOrder(store.db, order.orderId);
    expect(stored?.timeline.map((entry) => entry.type)).toEqual([
      'ORDER_RECEIVED',
      'RIVAL_CHANGE',
      'OWN_CHANGE',
    ]);
  });

  it('applies the change again to the order the other writer left', async () => {
    // Prepare
    const order = await storeOrder();
    const racing = withRivalBeforeFirstWrite(store.db, () =>
      mutateOrder(store.db, order.orderId, note('RIVAL_CHANGE')),
    );
    const seenVersions: number[] = [];

    // Act
    await mutateOrder(racing, order.orderId, (current) => {
      seenVersions.push(current.version);
      return note('OWN_CHANGE')(current);
    });

    // Assess
    expect(seenVersions).toEqual([1, 2]);
  });

  it('stores the next version with the time of the change', async () => {
    // Prepare
    const order = await storeOrder();
    const at = new Date(daysAfter(T0, 0.5));

    // Act
    const mutation = await mutateOrder(store.db, order.orderId, note('CHANGE'), () => at);

    // Assess
    expect([mutation.changed, mutation.order.version, mutation.order.updatedAt, mutation.result]).toEqual([
      true,
      2,
      at.toISOString(),
      'CHANGE',
    ]);
  });

  it('writes nothing when the change has nothing to do', async () => {
    // Prepare
    const order = await storeOrder();

    // Act
    const mutation = await mutateOrder(store.db, order.orderId, () => ({
      next: undefined,
      result: 'nothing',
    }));

    // Assess
    const stored = await getOrder(store.db, order.orderId);
    expect([mutation.changed, mutation.result, stored?.version]).toEqual([false, 'nothing', 1]);
  });

  it('gives up with ConcurrentUpdateError when it loses every attempt', async () => {
    // Prepare
    const order = await storeOrder();
    const racing = withRivalBeforeFirstWrite(store.db, () =>
      mutateOrder(store.db, order.orderId, note('RIVAL_CHANGE')),
    );

    // Act
    const attempt = mutateOrder(racing, order.orderId, note('OWN_CHANGE'), undefined, 1);

    // Assess
    await expect(attempt).rejects.toThrow(ConcurrentUpdateError);
  });
});

describe('createOrder', () => {
  it('does not overwrite an order that already exists', async () => {
    // Prepare
    const order = await storeOrder();

    // Act
    const created = await createOrder(store.db, { ...order, total: 1 });

    // Assess
    const stored = await getOrder(store.db, order.orderId);
    expect([created, stored?.total]).toEqual([false, 4498]);
  });
});

describe('listOrders', () => {
  /** Stores `count` orders of one storefront, one business hour apart; returns their ids, oldest first. */
  const storeOrders = async (storefrontId: string, statuses: OrderStatus[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const [i, status] of statuses.entries()) {
      const order = await storeOrder({ storefrontId, status, createdAt: daysAfter(T0, i / 24) });
      ids.push(order.orderId);
    }
    return ids;
  };

  it('lists the orders of the storefront, newest first', async () => {
    // Prepare
    const storefrontId = aStorefront();
    const ids = await storeOrders(storefrontId, ['RECEIVED', 'RECEIVED', 'RECEIVED']);
    await storeOrders(aStorefront(), ['RECEIVED']);

    // Act
    const page = await listOrders(store.db, { storefrontId, limit: 10 });

    // Assess
    expect(page.orders.map((order) => order.orderId)).toEqual([...ids].reverse());
  });

  it('continues from the cursor without repeating or skipping an order', async () => {
    // Prepare
    const storefrontId = aStorefront();
    const ids = await storeOrders(storefrontId, ['RECEIVED', 'RECEIVED', 'RECEIVED', 'RECEIVED', 'RECEIVED']);

    // Act
    const first = await listOrders(store.db, { storefrontId, limit: 2 });
    const second = await listOrders(store.db, {
      storefrontId,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    const third = await listOrders(store.db, {
      storefrontId,
      limit: 2,
      cursor: second.nextCursor ?? undefined,
    });

    // Assess
    expect([first, second, third].map((page) => page.orders.map((order) => order.orderId))).toEqual([
      [ids[4], ids[3]],
      [ids[2], ids[1]],
      [ids[0]],
    ]);
  });

  it('gives no cursor with the last page', async () => {
    // Prepare
    const storefrontId = aStorefront();
    await storeOrders(storefrontId, ['RECEIVED', 'RECEIVED', 'RECEIVED']);
    const first = await listOrders(store.db, { storefrontId, limit: 2 });

    // Act
    const last = await listOrders(store.db, {
      storefrontId,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });

    // Assess
    expect([first.nextCursor === null, last.orders.length, last.nextCursor]).toEqual([false, 1, null]);
  });

  it('lists only the orders of the status asked for, filling the page', async () => {
    // Prepare
    const storefrontId = aStorefront();
    const ids = await storeOrders(storefrontId, [
      'CONFIRMED',
      'RECEIVED',
      'RECEIVED',
      'CONFIRMED',
      'RECEIVED',
    ]);

    // Act
    const page = await listOrders(store.db, { storefrontId, statuses: ['CONFIRMED'], limit: 2 });

    // Assess
    expect(page.orders.map((order) => order.orderId)).toEqual([ids[3], ids[0]]);
  });

  it('rejects the cursor of another storefront with InvalidCursorError', async () => {
    // Prepare
    const storefrontId = aStorefront();
    await storeOrders(storefrontId, ['RECEIVED', 'RECEIVED']);
    const { nextCursor } = await listOrders(store.db, { storefrontId, limit: 1 });

    // Act
    const listing = listOrders(store.db, {
      storefrontId: aStorefront(),
      limit: 1,
      cursor: nextCursor ?? undefined,
    });

    // Assess
    await expect(listing).rejects.toThrow(InvalidCursorError);
  });

  it('rejects a cursor it did not issue with InvalidCursorError', async () => {
    // Act
    const listing = listOrders(store.db, { storefrontId: aStorefront(), limit: 1, cursor: 'not-a-cursor' });

    // Assess
    await expect(listing).rejects.toThrow(InvalidCursorError);
  });
});
