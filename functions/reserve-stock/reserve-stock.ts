// Reserves every line of the order. If any line is short, whatever this order holds is released again before
// the OutOfStockError, so a rejected order never keeps stock.
import { assertNotCancelled } from '../shared/inbox';
import type { Deps } from '../shared/deps';
import { OutOfStockError } from '../shared/errors';
import { release, reserve } from '../shared/inventory';
import type { OrderRecord } from '../shared/model';
import { requireOrder } from '../shared/store';

export const releaseAll = async (deps: Deps, order: OrderRecord): Promise<void> => {
  for (const item of order.items) await release(deps.db, order.orderId, item.sku, item.quantity);
};

export const reserveStock = async (deps: Deps, input: { orderId: string }): Promise<void> => {
  const order = await requireOrder(deps.db, input.orderId);
  assertNotCancelled(order);
  for (const item of order.items) {
    if (!(await reserve(deps.db, order.orderId, item.sku, item.quantity))) {
      await releaseAll(deps, order);
      throw new OutOfStockError(`not enough stock of ${item.sku} for ${item.quantity}`);
    }
  }
};
