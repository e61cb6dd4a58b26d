// ReserveStock and its compensation ReleaseStock against a real (in-memory) inventory table: an order reserves
// all its lines or none, a retried reserve holds once, a cancelled order reserves nothing, and a release puts back
// only what this order holds, once, never what another order holds or what has already been sold.
import { describe, expect, it } from 'vitest';
import { commit, reserve, setAvailable } from '../../../functions/adapters/inventory-store';
import { OrderCancelledError, OutOfStockError } from '../../../functions/domain/errors';
import type { LineItem } from '../../../functions/domain/requests';
import { releaseStock } from '../../../functions/release-stock/release-stock';
import { reserveStock } from '../../../functions/reserve-stock/reserve-stock';
import { anOrderId, anSku, useStepWorld } from '../helpers/deps';
import { anOrder, withCancelRequest } from '../helpers/orders';

describe('reserveStock and releaseStock', () => {
  const world = useStepWorld();

  /** A fresh SKU with `available` on sale. */
  const stocked = async (available: number): Promise<string> => {
    const sku = anSku();
    await setAvailable(world.db, sku, available);
    return sku;
  };

  const line = (sku: string, quantity: number): LineItem => ({ sku, name: sku, quantity, unitPrice: 100 });

  /** Stores an order of the given lines. */
  const anOrderOf = (...items: LineItem[]) => world.storeOrder({ items });

  describe('reserveStock', () => {
    it('moves every line from available to reserved, held by the order', async () => {
      // Prepare
      const [shirts, mugs] = [await stocked(5), await stocked(3)];
      const order = await anOrderOf(line(shirts, 2), line(mugs, 3));

      // Act
      await reserveStock(world.deps, { orderId: order.orderId });

      // Assess
      expect([await world.stock(shirts), await world.stock(mugs)]).toEqual([
        { available: 3, reserved: 2, sold: 0, holds: [order.orderId] },
        { available: 0, reserved: 3, sold: 0, holds: [order.orderId] },
      ]);
    });

    it('holds once when run a second time', async () => {
      // Prepare
      const shirts = await stocked(5);
      const order = await anOrderOf(line(shirts, 2));
      await reserveStock(world.deps, { orderId: order.orderId });

      // Act
      await reserveStock(world.deps, { orderId: order.orderId });

      // Assess
      expect(await world.stock(shirts)).toMatchObject({ available: 3, reserved: 2 });
    });

    it('succeeds on a retry even when the first run took the last of the stock', async () => {
      // Prepare
      const shirts = await stocked(2);
      const order = await anOrderOf(line(shirts, 2));
      await reserveStock(world.deps, { orderId: order.orderId });

      // Act
      const retry = reserveStock(world.deps, { orderId: order.orderId });

      // Assess
      await expect(retry).resolves.toBeUndefined();
      expect(await world.stock(shirts)).toMatchObject({ available: 0, reserved: 2 });
    });

    describe('a line that is short', () => {
      it('throws OutOfStockError naming the SKU', async () => {
        // Prepare
        const [shirts, mugs] = [await stocked(5), await stocked(1)];
        const order = await anOrderOf(line(shirts, 2), line(mugs, 2));

        // Act
        const reserving = reserveStock(world.deps, { orderId: order.orderId });

        // Assess
        await expect(reserving).rejects.toThrow(new OutOfStockError(`not enough stock of ${mugs} for 2`));
      });

      it('puts back the lines already reserved, so the order holds nothing', async () => {
        // Prepare
        const [shirts, mugs] = [await stocked(5), await stocked(1)];
        const order = await anOrderOf(line(shirts, 2), line(mugs, 2));

        // Act
        await reserveStock(world.deps, { orderId: order.orderId }).catch(() => undefined);

        // Assess
        expect([await world.stock(shirts), await world.stock(mugs)]).toEqual([
          { available: 5, reserved: 0, sold: 0, holds: [] },
          { available: 1, reserved: 0, sold: 0, holds: [] },
        ]);
      });

      it("leaves another order's reservation of the same SKU alone", async () => {
        // Prepare
        const [shirts, mugs] = [await stocked(5), await stocked(0)];
        const other = await anOrderOf(line(shirts, 1));
        await reserveStock(world.deps, { orderId: other.orderId });
        const order = await anOrderOf(line(shirts, 2), line(mugs, 1));

        // Act
        await reserveStock(world.deps, { orderId: order.orderId }).catch(() => undefined);

        // Assess
        expect(await world.stock(shirts)).toEqual({
          available: 4,
          reserved: 1,
          sold: 0,
          holds: [other.orderId],
        });
      });
    });

    it('treats a SKU the inventory has never heard of as out of stock', async () => {
      // Prepare
      const order = await anOrderOf(line(anSku(), 1));

      // Act
      const reserving = reserveStock(world.deps, { orderId: order.orderId });

      // Assess
      await expect(reserving).rejects.toBeInstanceOf(OutOfStockError);
    });

    it('reserves nothing for an order cancelled on request', async () => {
      // Prepare
      const shirts = await stocked(5);
      const order = await world.storeOrder(
        withCancelRequest(anOrder({ orderId: anOrderId(), items: [line(shirts, 2)] })),
      );

      // Act
      const reserving = reserveStock(world.deps, { orderId: order.orderId });

      // Assess
      await expect(reserving).rejects.toBeInstanceOf(OrderCancelledError);
      expect(await world.stock(shirts)).toMatchObject({ available: 5, reserved: 0 });
    });
  });

  describe('releaseStock', () => {
    it('puts back on sale what the order holds', async () => {
      // Prepare
      const [shirts, mugs] = [await stocked(5), await stocked(3)];
      const order = await anOrderOf(line(shirts, 2), line(mugs, 1));
      await reserveStock(world.deps, { orderId: order.orderId });

      // Act
      await releaseStock(world.deps, { orderId: order.orderId });

      // Assess
      expect([await world.stock(shirts), await world.stock(mugs)]).toEqual([
        { available: 5, reserved: 0, sold: 0, holds: [] },
        { available: 3, reserved: 0, sold: 0, holds: [] },
      ]);
    });

    it('puts back once when run a second time', async () => {
      // Prepare
      const shirts = await stocked(5);
      const order = await anOrderOf(line(shirts, 2));
      await reserveStock(world.deps, { orderId: order.orderId });
      await releaseStock(world.deps, { orderId: order.orderId });

      // Act
      await releaseStock(world.deps, { orderId: order.orderId });

      // Assess
      expect(await world.stock(shirts)).toMatchObject({ available: 5, reserved: 0 });
    });

    it('puts back nothing for an order that holds nothing, whatever others hold', async () => {
      // Prepare
      const shirts = await stocked(5);
      const other = await anOrderOf(line(shirts, 2));
      await reserveStock(world.deps, { orderId: other.orderId });
      const order = await anOrderOf(line(shirts, 2));

      // Act
      await releaseStock(world.deps, { orderId: order.orderId });

      // Assess
      expect(await world.stock(shirts)).toEqual({
        available: 3,
        reserved: 2,
        sold: 0,
        holds: [other.orderId],
      });
    });

    it('puts back only the lines the order still holds', async () => {
      // Prepare: one line already shipped (committed), the other still reserved.
      const [shirts, mugs] = [await stocked(5), await stocked(3)];
      const order = await anOrderOf(line(shirts, 2), line(mugs, 1));
      await reserve(world.db, order.orderId, shirts, 2);
      await reserve(world.db, order.orderId, mugs, 1);
      await commit(world.db, order.orderId, shirts, 2);

      // Act
      await releaseStock(world.deps, { orderId: order.orderId });

      // Assess
      expect([await world.stock(shirts), await world.stock(mugs)]).toEqual([
        { available: 3, reserved: 0, sold: 2, holds: [] },
        { available: 3, reserved: 0, sold: 0, holds: [] },
      ]);
    });
  });
});
