// Compensation: puts back whatever stock the order still holds (nothing, if it holds none or already shipped).
import type { CoreDeps } from '../runtime/deps';
import { requireOrder } from '../adapters/order-store';
import { releaseOrder } from '../adapters/inventory-store';

/** The parts this step uses. */
type StepDeps = CoreDeps;

export const releaseStock = async (deps: StepDeps, input: { orderId: string }): Promise<void> => {
  await releaseOrder(deps.db, await requireOrder(deps.db, input.orderId));
};
