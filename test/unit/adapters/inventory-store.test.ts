// Stock per SKU against dynalite: reserve, release and commit are each idempotent per order, and conditional
// updates keep stock from being oversold however many reservations race.
import { describe, expect, it } from 'vitest';
import {
  commit,
  getStock,
  isKnownSku,
  release,
  reserve,
  setAvailable,
} from '../../../functions/adapters/inventory-store';
import { useLocalDynamo } from '../helpers/dynamo';

const store = useLocalDynamo();
let sequence = 0;

/** A SKU no other test uses, with `available` units on sale. */
const aSkuWith = async (available: number): Promise<string> => {
  sequence += 1;
  const sku = `SKU-UNIT-${sequence}`;
  await setAvailable(store.db, sku, available);
  return sku;
};

describe('setAvailable and getStock', () => {
  it('puts the quantity on sale with nothing reserved', async () => {
    // Prepare
    const sku = await aSkuWith(25);

    // Act
    const stock = await getStock(store.db, sku);

    // Assess
    expect(stock).toEqual({ sku, available: 25, reserved: 0 });
  });

  it('leaves reservations alone when the quantity on sale changes', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);

    // Act
    const stock = await setAvailable(store.db, sku, 10);

    // Assess
    expect(stock).toEqual({ sku, available: 10, reserved: 2 });
  });

  it('has nothing available of an unknown SKU', async () => {
    // Act
    const stock = await getStock(store.db, 'SKU-NEVER-STOCKED');

    // Assess
    expect([stock, await isKnownSku(store.db, 'SKU-NEVER-STOCKED')]).toEqual([
      { sku: 'SKU-NEVER-STOCKED', available: 0, reserved: 0 },
      false,
    ]);
  });
});

describe('reserve', () => {
  it('moves the quantity from available to reserved', async () => {
    // Prepare
    const sku = await aSkuWith(5);

    // Act
    const reserved = await reserve(store.db, 'ord_a', sku, 2);

    // Assess
    expect([reserved, await getStock(store.db, sku)]).toEqual([true, { sku, available: 3, reserved: 2 }]);
  });

  it('reserves nothing more when the same order reserves again', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);

    // Act
    const reserved = await reserve(store.db, 'ord_a', sku, 2);

    // Assess
    expect([reserved, await getStock(store.db, sku)]).toEqual([true, { sku, available: 3, reserved: 2 }]);
  });

  it('still confirms a repeated reservation once the rest of the stock is gone', async () => {
    // Prepare
    const sku = await aSkuWith(3);
    await reserve(store.db, 'ord_a', sku, 2);
    await reserve(store.db, 'ord_b', sku, 1);

    // Act
    const reserved = await reserve(store.db, 'ord_a', sku, 2);

    // Assess
    expect([reserved, await getStock(store.db, sku)]).toEqual([true, { sku, available: 0, reserved: 3 }]);
  });

  it('refuses a reservation larger than what is available and changes nothing', async () => {
    // Prepare
    const sku = await aSkuWith(1);

    // Act
    const reserved = await reserve(store.db, 'ord_a', sku, 2);

    // Assess
    expect([reserved, await getStock(store.db, sku)]).toEqual([false, { sku, available: 1, reserved: 0 }]);
  });

  it('refuses a reservation of an unknown SKU', async () => {
    // Act
    const reserved = await reserve(store.db, 'ord_a', 'SKU-NEVER-STOCKED', 1);

    // Assess
    expect(reserved).toBe(false);
  });

  it('never oversells when 20 orders race for 5 units', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    const orders = Array.from({ length: 20 }, (_, i) => `ord_race_${i}`);

    // Act
    const results = await Promise.all(orders.map((orderId) => reserve(store.db, orderId, sku, 1)));

    // Assess
    expect([results.filter(Boolean).length, await getStock(store.db, sku)]).toEqual([
      5,
      { sku, available: 0, reserved: 5 },
    ]);
  });
});

describe('release', () => {
  it('puts the reserved quantity back on sale', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);

    // Act
    const released = await release(store.db, 'ord_a', sku, 2);

    // Assess
    expect([released, await getStock(store.db, sku)]).toEqual([true, { sku, available: 5, reserved: 0 }]);
  });

  it('puts nothing back when released a second time', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);
    await release(store.db, 'ord_a', sku, 2);

    // Act
    const released = await release(store.db, 'ord_a', sku, 2);

    // Assess
    expect([released, await getStock(store.db, sku)]).toEqual([false, { sku, available: 5, reserved: 0 }]);
  });

  it("leaves another order's reservation alone", async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);

    // Act
    const released = await release(store.db, 'ord_b', sku, 2);

    // Assess
    expect([released, await getStock(store.db, sku)]).toEqual([false, { sku, available: 3, reserved: 2 }]);
  });

  it('lets the order reserve again after a release', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);
    await release(store.db, 'ord_a', sku, 2);

    // Act
    const reserved = await reserve(store.db, 'ord_a', sku, 2);

    // Assess
    expect([reserved, await getStock(store.db, sku)]).toEqual([true, { sku, available: 3, reserved: 2 }]);
  });
});

describe('commit', () => {
  it('takes the reserved quantity out of stock for good', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);

    // Act
    const committed = await commit(store.db, 'ord_a', sku, 2);

    // Assess
    expect([committed, await getStock(store.db, sku)]).toEqual([true, { sku, available: 3, reserved: 0 }]);
  });

  it('takes nothing more when committed a second time', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);
    await commit(store.db, 'ord_a', sku, 2);

    // Act
    const committed = await commit(store.db, 'ord_a', sku, 2);

    // Assess
    expect([committed, await getStock(store.db, sku)]).toEqual([false, { sku, available: 3, reserved: 0 }]);
  });

  it('puts nothing back when a committed order is released', async () => {
    // Prepare
    const sku = await aSkuWith(5);
    await reserve(store.db, 'ord_a', sku, 2);
    await commit(store.db, 'ord_a', sku, 2);

    // Act
    const released = await release(store.db, 'ord_a', sku, 2);

    // Assess
    expect([released, await getStock(store.db, sku)]).toEqual([false, { sku, available: 3, reserved: 0 }]);
  });
});
