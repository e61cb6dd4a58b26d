// Compensation: puts back whatever stock the order still holds (nothing, if it holds none or already shipped).
import type { Deps } from '../shared/deps';
import { requireOrder } from '../shared/store';
import { releaseAll } from '../reserve-stock/reserve-stock';

export const releaseStock = async (deps: Deps, input: { orderId: string }): Promise<void> => {
  await releaseAll(deps, await requireOrder(deps.db, input.orderId));
};
