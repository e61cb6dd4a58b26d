// Compensation: voids a label that was bought but never used (the parcel did not ship).
import { redriveKey } from '../domain/redrive';
import type { CarrierDeps, CoreDeps } from '../runtime/deps';
import { withTimeline } from '../domain/order';
import { commitStep } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';

/** The parts this step uses. */
type StepDeps = CoreDeps & CarrierDeps;

export const voidLabel = async (deps: StepDeps, input: { orderId: string }): Promise<void> => {
  const order = await requireOrder(deps.db, input.orderId);
  const shipment = order.shipment;
  if (!shipment || shipment.shippedAt || shipment.status === 'voided') return;
  await deps.carrier.voidLabel({
    shipmentId: shipment.shipmentId,
    idempotencyKey: redriveKey(`void-label:${order.orderId}`, order),
  });
  await commitStep(deps, order.orderId, (current) =>
    current.shipment && current.shipment.status !== 'voided'
      ? {
          next: withTimeline(
            { ...current, shipment: { ...current.shipment, status: 'voided' } },
            deps.now().toISOString(),
            'LABEL_VOIDED',
          ),
          result: undefined,
        }
      : { next: undefined, result: undefined },
  );
};
