// The intake sweep against a real (in-memory) store: it finds orders left RECEIVED past the grace period, bucket
// by bucket and page by page, starts their workflow, and leaves young orders and orders that moved on alone.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sweepReceivedOrders } from '../../../functions/intake-sweep/intake-sweep';
import type { Deps } from '../../../functions/runtime/deps';
import { indexBucketOf } from '../../../functions/domain/order';
import { createOrder, getOrder, putOrderVersion, type Db } from '../../../functions/adapters/order-store';
import type { Workflow } from '../../../functions/adapters/workflow';
import { startLocalDynamo, type LocalDynamo } from '../helpers/dynamo';
import { anOrder } from '../helpers/orders';

const NOW = new Date('2030-03-04T10:10:00.000Z');
const minutesAgo = (minutes: number): string => new Date(NOW.getTime() - minutes * 60_000).toISOString();

let sequence = 0;
/** A fresh order id (the last hex digit picks the bucket). */
const anOrderId = (): string => `ord_${(sequence += 1).toString(16).padStart(24, '0')}`;

describe('sweepReceivedOrders', () => {
  let dynamo: LocalDynamo;
  let db: Db;
  let started: string[];
  let failing: Set<string>;
  const stored: string[] = [];

  const workflow: Workflow = {
    start: (orderId) => {
      if (failing.has(orderId)) return Promise.reject(new Error('Step Functions is unavailable'));
      started.push(orderId);
      return Promise.resolve();
    },
    startReturn: () => Promise.resolve(),
    resume: () => Promise.resolve(true),
  };
  const deps = () => ({ db, workflow, now: () => NOW }) as unknown as Deps;

  const storeOrder = async (createdMinutesAgo: number): Promise<string> => {
    const orderId = anOrderId();
    await createOrder(db, anOrder({ orderId, createdAt: minutesAgo(createdMinutesAgo) }));
    stored.push(orderId);
    return orderId;
  };

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    db = dynamo.db;
  });
  afterAll(() => dynamo.close());
  afterEach(async () => {
    // Move every order of the test on, so that the next test starts from an empty index.
    for (const orderId of stored.splice(0)) {
      const order = await getOrder(db, orderId);
      if (order?.status === 'RECEIVED')
        await putOrderVersion(db, { ...order, status: 'CONFIRMED', version: order.version + 1 });
    }
  });
  beforeEach(() => {
    started = [];
    failing = new Set();
  });

  it('starts the workflow of orders received over the grace period ago, and no others', async () => {
    // Prepare
    const stale = [await storeOrder(5), await storeOrder(2)];
    const young = await storeOrder(0.5);

    // Act
    const result = await sweepReceivedOrders(deps(), { graceSeconds: 60 });

    // Assess
    expect(result.started.sort()).toEqual([...stale].sort());
    expect(started).not.toContain(young);
  });

  it('finds orders in every bucket, across pages', async () => {
    // Prepare
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await storeOrder(3));

    // Act
    const result = await sweepReceivedOrders(deps(), { graceSeconds: 60, pageSize: 2 });

    // Assess
    expect(new Set(ids.map(indexBucketOf)).size).toBe(8);
    expect(result.started.sort()).toEqual([...ids].sort());
  });

  it('leaves orders that have left RECEIVED: they drop out of the index', async () => {
    // Prepare
    const orderId = await storeOrder(5);
    const order = (await getOrder(db, orderId))!;
    await putOrderVersion(db, { ...order, status: 'CONFIRMED', version: 2 });

    // Act
    const result = await sweepReceivedOrders(deps(), { graceSeconds: 60 });
    const stored = await getOrder(db, orderId);

    // Assess
    expect(result.started).toEqual([]);
    expect(stored?.receivedBucket).toBeUndefined();
  });

  it('starts nothing for an index entry whose order is not stored (an index written ahead of its item)', async () => {
    // Prepare: dynalite writes an item's index entries before the item, so a process killed between the two
    // leaves a receivedOrders entry for an order that was never stored.
    const ghost = anOrderId();
    const real = await storeOrder(5);
    const withGhost: Db = {
      ...db,
      doc: new Proxy(db.doc, {
        get: (target, property, receiver) => {
          if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
          return async (command: {
            input: { IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> };
          }) => {
            const output = (await target.send(command as never)) as { Items?: Record<string, unknown>[] };
            const { IndexName, ExpressionAttributeValues } = command.input;
            if (IndexName === 'receivedOrders' && ExpressionAttributeValues?.[':b'] === indexBucketOf(ghost))
              return { ...output, Items: [{ orderId: ghost }, ...(output.Items ?? [])] };
            return output;
          };
        },
      }),
    };

    // Act
    const result = await sweepReceivedOrders({ ...deps(), db: withGhost }, { graceSeconds: 60 });

    // Assess
    expect(result.started).toEqual([real]);
    expect(result.skipped).toEqual([ghost]);
    expect(started).toEqual([real]);
  });

  it('goes on past an order whose start fails, and reports it for the next run', async () => {
    // Prepare
    const broken = await storeOrder(5);
    const fine = await storeOrder(5);
    failing.add(broken);

    // Act
    const result = await sweepReceivedOrders(deps(), { graceSeconds: 60 });

    // Assess
    expect(result.failed).toEqual([broken]);
    expect(result.started).toEqual([fine]);
  });

  it('stops at maxOrders; the next run takes the rest', async () => {
    // Prepare
    for (let i = 0; i < 5; i += 1) await storeOrder(5);

    // Act
    const first = await sweepReceivedOrders(deps(), { graceSeconds: 60, maxOrders: 3 });

    // Assess
    expect(first.started).toHaveLength(3);
  });
});
