// Compensation: puts back whatever stock the order still holds (nothing, if it holds none or already shipped).
import type { Deps } from '../runtime/deps';
import { requireOrder } from '../adapters/order-store';
import { releaseOrder } from '../adapters/inventory-store';

export const releaseStock = async (deps: Deps, input: { orderId: string }): Promise<void> => {
  await releaseOrder(deps.db, await requireOrder(deps.db, input.orderId));
};
