// Buys the carrier label for the requested service level and starts the shipment wait. The carrier call is keyed
// by the order, so a retry returns the label already bought. Invoked with a task token (the workflow's first
// shipment wait), it stores the token in the same write as the label, or resumes it at once when the ship call, a
// shipping scan or a cancellation is already in the inbox; without one it answers with the wait.
import { redriveKey } from '../domain/redrive';
import { assertNotCancelled, shipmentWakeAction } from '../domain/cancellation';
import type { CarrierDeps, CoreDeps, WorkflowDeps } from '../runtime/deps';

/** The parts this step uses. */
type StepDeps = CoreDeps & CarrierDeps & WorkflowDeps;
import { isForward, withTimeline, type OrderRecord } from '../domain/order';
import { parcelWeightGrams } from '../domain/parcel';
import type { Label } from '../domain/providers';
import { commitStep, parkedOn, type OrderInput } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';
import { shipmentWait, waitPolicy, wakeDeadline, wakeSignal, type WakeSignal } from '../domain/waits';

const withLabel = (order: OrderRecord, label: Label, at: string): OrderRecord =>
  withTimeline(
    {
      ...order,
      status: isForward(order.status, 'LABEL_CREATED') ? 'LABEL_CREATED' : order.status,
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
        status: 'label_created',
        ...(label.trackerId ? { trackerId: label.trackerId } : {}),
        delayed: false,
      },
    },
    at,
    'LABEL_CREATED',
    { carrier: label.carrier, trackingNumber: label.trackingNumber },
  );

export const buyLabel = async (deps: StepDeps, input: OrderInput): Promise<WakeSignal | undefined> => {
  const order = await requireOrder(deps.db, input.orderId);
  const now = deps.now();
  const parked = parkedOn(input);
  assertNotCancelled(order);
  const label = order.shipment
    ? undefined
    : await deps.carrier.buyLabel({
        orderId: order.orderId,
        service: order.shippingService,
        to: { ...order.shippingAddress, name: order.customer.name },
        weightGrams: parcelWeightGrams(order.items),
        idempotencyKey: redriveKey(`label:${order.orderId}`, order),
      });
  const { order: stored, result: action } = await commitStep(deps, order.orderId, (current) => {
    if (!current.shipment && !label) throw new Error(`order ${current.orderId} lost its label`);
    const labelled = current.shipment || !label ? current : withLabel(current, label, now.toISOString());
    const changed = labelled === current ? undefined : labelled;
    if (!parked) return { next: changed, result: 'wait' as const };
    // A cancellation recorded while the label was bought still gets the label stored: VoidLabel voids it.
    const wake = shipmentWakeAction(labelled);
    if (wake) return { next: changed, result: wake };
    return {
      next: { ...labelled, wait: { stage: 'shipment' as const, token: parked.token, until: parked.until } },
      result: 'wait' as const,
    };
  });
  if (!parked) return shipmentWait(stored, now, deps.config.daySeconds);
  if (action !== 'wait') {
    const until = wakeDeadline(stored, action, parked.until, waitPolicy(deps.config));
    await deps.workflow.resume(parked.token, wakeSignal(action, until, now));
  }
  return undefined;
};
