// Reserves every line of the order. If any line is short, whatever this order holds is released again before
// the OutOfStockError, so a rejected order never keeps stock.
import { assertNotCancelled } from '../domain/cancellation';
import type { CoreDeps } from '../runtime/deps';
import { OutOfStockError } from '../domain/errors';
import { releaseOrder, reserve } from '../adapters/inventory-store';
import { requireOrder } from '../adapters/order-store';

/** The parts this step uses. */
type StepDeps = CoreDeps;

export const reserveStock = async (deps: StepDeps, input: { orderId: string }): Promise<void> => {
  const order = await requireOrder(deps.db, input.orderId);
  assertNotCancelled(order);
  for (const item of order.items) {
    if (!(await reserve(deps.db, order.orderId, item.sku, item.quantity))) {
      await releaseOrder(deps.db, order);
      throw new OutOfStockError(`not enough stock of ${item.sku} for ${item.quantity}`);
    }
  }
};
