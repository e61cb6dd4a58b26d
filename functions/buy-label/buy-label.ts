// Buys the carrier label for the requested service level. The carrier call is keyed by the order, so a retry
// returns the label already bought. Returns how long to wait for the parcel to ship.
import { assertNotCancelled } from '../domain/cancellation';
import type { CarrierDeps, CoreDeps, TopicDeps } from '../runtime/deps';
import { isForward, withTimeline } from '../domain/order';
import { parcelWeightGrams } from '../domain/parcel';
import { commitStep } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';
import { shipmentWait, type WakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & CarrierDeps & TopicDeps;

export const buyLabel = async (deps: StepDeps, input: { orderId: string }): Promise<WakeSignal> => {
  const order = await requireOrder(deps.db, input.orderId);
  const now = deps.now();
  assertNotCancelled(order);
  if (order.shipment) return shipmentWait(order, now, deps.config.daySeconds);
  const label = await deps.carrier.buyLabel({
    orderId: order.orderId,
    service: order.shippingService,
    to: { ...order.shippingAddress, name: order.customer.name },
    weightGrams: parcelWeightGrams(order.items),
    idempotencyKey: `label:${order.orderId}`,
  });
  const { order: stored } = await commitStep(deps, order.orderId, (current) => {
    if (current.shipment) return { next: undefined, result: undefined };
    const next = {
      ...current,
      status: isForward(current.status, 'LABEL_CREATED') ? ('LABEL_CREATED' as const) : current.status,
      trackingNumber: label.trackingNumber,
      shipment: {
        carrier: label.carrier,
        service: label.service,
        shipmentId: label.shipmentId,
        trackingNumber: label.trackingNumber,
        labelUrl: label.labelUrl,
        trackingUrl: label.trackingUrl,
        promisedDelivery: label.estimatedDelivery,
        estimatedDelivery: label.estimatedDelivery,
        status: 'label_created' as const,
        ...(label.trackerId ? { trackerId: label.trackerId } : {}),
        delayed: false,
      },
    };
    return {
      next: withTimeline(next, now.toISOString(), 'LABEL_CREATED', {
        carrier: label.carrier,
        trackingNumber: label.trackingNumber,
      }),
      result: undefined,
    };
  });
  return shipmentWait(stored, now, deps.config.daySeconds);
};
