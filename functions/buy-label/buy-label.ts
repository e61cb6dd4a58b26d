// Buys the carrier label for the requested service level. The carrier call is keyed by the order, so a retry
// returns the label already bought. Returns how long to wait for the parcel to ship.
import { assertNotCancelled } from '../shared/inbox';
import type { Deps } from '../shared/deps';
import { isForward, withTimeline } from '../shared/model';
import { commitStep } from '../shared/step';
import { requireOrder } from '../shared/store';
import { shipmentWait } from '../shared/waits';
import type { WakeSignal } from '../shared/workflow';

/** A rough parcel weight for rating: 500 g per unit. Real catalogs would carry item weights. */
const gramsPerUnit = 500;

export const buyLabel = async (deps: Deps, input: { orderId: string }): Promise<WakeSignal> => {
  const order = await requireOrder(deps.db, input.orderId);
  const now = deps.now();
  assertNotCancelled(order);
  if (order.shipment) return shipmentWait(order, now, deps.config.daySeconds);
  const label = await deps.carrier.buyLabel({
    orderId: order.orderId,
    service: order.shippingService,
    to: { ...order.shippingAddress, name: order.customer.name },
    weightGrams: order.items.reduce((sum, item) => sum + item.quantity * gramsPerUnit, 0),
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
