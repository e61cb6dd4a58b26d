// Returned stock against dynalite: a return (or an intercepted parcel) is expected under its own key, its arrival
// puts the quantity back on sale exactly once, a return that never comes back is forgotten without restocking,
// and none of it touches the reservations (`holds`) of orders.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  abandonReturn,
  expectReturn,
  getStock,
  release,
  reserve,
  restock,
  setAvailable,
} from '../../../functions/adapters/inventory-store';
import { interceptStockKey } from '../../../functions/domain/cancellation';
import { useLocalDynamo } from '../helpers/dynamo';

const store = useLocalDynamo();
let sequence = 0;

/** A SKU no other test uses, with `available` units on sale. */
const aSkuWith = async (available: number): Promise<string> => {
  sequence += 1;
  const sku = `SKU-RETURNS-${sequence}`;
  await setAvailable(store.db, sku, available);
  return sku;
};

/** The SKU's item as stored, with its sets. */
const storedItem = async (sku: string) => {
  const { Item } = await store.db.doc.send(
    new GetCommand({ TableName: store.db.tables.inventory, Key: { sku }, ConsistentRead: true }),
  );
  return Item as { holds?: Set<string>; expectedBack?: Set<string> } | undefined;
};

describe('expectReturn', () => {
  it('moves no stock when a return opens', async () => {
    // Prepare
    const sku = await aSkuWith(5);

    // Act
    await expectReturn(store.db, 'ret_a', sku);

    // Assess
    expect(await getStock(store.db, sku)).toEqual({ sku, available: 5, reserved: 0 });
  });

  it('keeps the key of the return expected back', async () => {
    // Prepare
    const sku = await aSkuWith(5);

    // Act
    await expectReturn(store.db, 'ret_a', sku);

    // Assess
    expect((await storedItem(sku))?.expectedBack).toEqual(new Set(['ret_a']));
  });

  it('starts a SKU inventory had no record of at nothing available', async () => {
    // Prepare
    sequence += 1;
    const sku = `SKU-RETURNS-UNKNOWN-${sequence}`;

    // Act
    await expectReturn(store.db, 'ret_a', sku);

    // Assess
    expect(await getStock(store.db, sku)).toEqual({ sku, available: 0, reserved: 0 });
  });
});

describe('restock', () => {
  it('puts the returned quantity back on sale', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);

    // Act
    const restocked = await restock(store.db, 'ret_a', sku, 2);

    // Assess
    expect([restocked, await getStock(store.db, sku)]).toEqual([true, { sku, available: 7, reserved: 0 }]);
  });

  it('puts nothing more back when restocked a second time', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);
    await restock(store.db, 'ret_a', sku, 2);

    // Act
    const restocked = await restock(store.db, 'ret_a', sku, 2);

    // Assess
    expect([restocked, await getStock(store.db, sku)]).toEqual([false, { sku, available: 7, reserved: 0 }]);
  });

  it('puts back once however many restocks race', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => restock(store.db, 'ret_a', sku, 2)));

    // Assess
    expect([results.filter(Boolean).length, await getStock(store.db, sku)]).toEqual([
      1,
      { sku, available: 7, reserved: 0 },
    ]);
  });

  it('forgets the key once the items are back', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);

    // Act
    await restock(store.db, 'ret_a', sku, 2);

    // Assess
    expect((await storedItem(sku))?.expectedBack).toBeUndefined();
  });

  it('puts nothing back for a return that was never expected', async () => {
    // Prepare
    const sku = await aSkuWith(5);

    // Act
    const restocked = await restock(store.db, 'ret_never_opened', sku, 2);

    // Assess
    expect([restocked, await getStock(store.db, sku)]).toEqual([false, { sku, available: 5, reserved: 0 }]);
  });

  it('restocks an intercepted parcel under the cancellation key of its order', async () => {
    // Prepare
    const sku = await aSkuWith(0);
    await expectReturn(store.db, interceptStockKey('ord_a'), sku);

    // Act
    const restocked = await restock(store.db, interceptStockKey('ord_a'), sku, 2);

    // Assess
    expect([restocked, await getStock(store.db, sku)]).toEqual([true, { sku, available: 2, reserved: 0 }]);
  });
});

describe('abandonReturn', () => {
  it('forgets a return that never came back without restocking', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);

    // Act
    const abandoned = await abandonReturn(store.db, 'ret_a', sku);

    // Assess
    expect([abandoned, await getStock(store.db, sku), (await storedItem(sku))?.expectedBack]).toEqual([
      true,
      { sku, available: 5, reserved: 0 },
      undefined,
    ]);
  });

  it('leaves nothing to restock for a parcel that turns up after all', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);
    await abandonReturn(store.db, 'ret_a', sku);

    // Act
    const restocked = await restock(store.db, 'ret_a', sku, 2);

    // Assess
    expect([restocked, await getStock(store.db, sku)]).toEqual([false, { sku, available: 5, reserved: 0 }]);
  });

  it('changes nothing for a return that was never expected', async () => {
    // Prepare
    const sku = await aSkuWith(5);

    // Act
    const abandoned = await abandonReturn(store.db, 'ret_never_opened', sku);

    // Assess
    expect([abandoned, await getStock(store.db, sku)]).toEqual([false, { sku, available: 5, reserved: 0 }]);
  });
});

describe('returns of one SKU', () => {
  it('restocks each return under its own key', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);
    await expectReturn(store.db, 'ret_b', sku);
    await restock(store.db, 'ret_a', sku, 1);

    // Act
    const restocked = await restock(store.db, 'ret_b', sku, 2);

    // Assess
    expect([restocked, await getStock(store.db, sku)]).toEqual([true, { sku, available: 8, reserved: 0 }]);
  });

  it('keeps expecting one return when another is restocked', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);
    await expectReturn(store.db, 'ret_b', sku);

    // Act
    await restock(store.db, 'ret_a', sku, 1);

    // Assess
    expect((await storedItem(sku))?.expectedBack).toEqual(new Set(['ret_b']));
  });

  it('keeps expecting one return when another is abandoned', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await expectReturn(store.db, 'ret_a', sku);
    await expectReturn(store.db, 'ret_b', sku);
    await abandonReturn(store.db, 'ret_a', sku);

    // Act
    const restocked = await restock(store.db, 'ret_b', sku, 2);

    // Assess
    expect([restocked, await getStock(store.db, sku)]).toEqual([true, { sku, available: 7, reserved: 0 }]);
  });
});

describe('returns and reservations', () => {
  it("leaves an order's reservation alone while a return is expected and restocked", async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);
    await expectReturn(store.db, 'ret_a', sku);

    // Act
    await restock(store.db, 'ret_a', sku, 1);

    // Assess
    expect([await getStock(store.db, sku), (await storedItem(sku))?.holds]).toEqual([
      { sku, available: 4, reserved: 2 },
      new Set(['ord_a']),
    ]);
  });

  it('still releases a reservation after a return of the same SKU', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);
    await expectReturn(store.db, 'ret_a', sku);
    await restock(store.db, 'ret_a', sku, 1);

    // Act
    const released = await release(store.db, 'ord_a', sku, 2);

    // Assess
    expect([released, await getStock(store.db, sku)]).toEqual([true, { sku, available: 6, reserved: 0 }]);
  });

  it('restocks nothing under the id of an order that only holds a reservation', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);

    // Act
    const restocked = await restock(store.db, 'ord_a', sku, 2);

    // Assess
    expect([restocked, await getStock(store.db, sku)]).toEqual([false, { sku, available: 3, reserved: 2 }]);
  });
});
