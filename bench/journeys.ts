// The order journeys the cost bench prices, each driven from outside as the storefront, the warehouse and the
// carrier would drive it, waiting for the workflow to apply one event before sending the next (as hours between
// real scans would). Adding a journey is one entry in `journeys`.
import type { LocalSystem } from '../local/system';
import { orderRequest, type BenchApi, type OrderEvents, type SideDoor } from './local';

export interface JourneyContext {
  system: LocalSystem;
  api: BenchApi;
  events: OrderEvents;
  side: SideDoor;
  /** Unique per order: it becomes the order's externalId. */
  id: string;
  /** Bound on each wait for a status. */
  timeoutMs: number;
}

export interface Journey {
  /** snake_case; figures are named `cost.<name>.<figure>`. */
  name: string;
  description: string;
  /** The targets for this journey, where it names them. */
  targets: { stateTransitions?: number; storeWrites?: number };
  /** Runs one order through the journey; resolves with its order id once its final status is stored. */
  run(context: JourneyContext): Promise<string>;
}

const reached = async (context: JourneyContext, orderId: string, status: string): Promise<void> => {
  await context.events.reached(orderId, status, context.timeoutMs, () =>
    context.side.explain(context.system, orderId),
  );
};

/** Posts an order, waits for its label, hands it to the carrier and waits for SHIPPED. */
const shippedOrder = async (
  context: JourneyContext,
): Promise<{ orderId: string; trackingNumber: string }> => {
  const orderId = await context.api.postOrder(orderRequest(context.id));
  await reached(context, orderId, 'LABEL_CREATED');
  const trackingNumber = (await context.side.order(orderId))?.shipment?.trackingNumber;
  if (!trackingNumber) throw new Error(`order ${orderId} is LABEL_CREATED without a tracking number`);
  await context.api.ship(orderId);
  await reached(context, orderId, 'SHIPPED');
  return { orderId, trackingNumber };
};

export const happyPath: Journey = {
  name: 'happy_path',
  description:
    'POST /orders, wait for LABEL_CREATED, POST /orders/{id}/ship, signed carrier scans in_transit, ' +
    'out_for_delivery, delivered, each applied before the next; ends DELIVERED',
  targets: { stateTransitions: 25, storeWrites: 12 },
  async run(context) {
    const { orderId, trackingNumber } = await shippedOrder(context);
    for (const [scan, status] of [
      ['in_transit', 'IN_TRANSIT'],
      ['out_for_delivery', 'OUT_FOR_DELIVERY'],
      ['delivered', 'DELIVERED'],
    ] as const) {
      await context.api.carrierScan(trackingNumber, scan);
      await reached(context, orderId, status);
    }
    return orderId;
  },
};

export const cancelAfterShip: Journey = {
  name: 'cancel_after_ship',
  description:
    'POST /orders, wait for LABEL_CREATED, ship, in_transit scan, POST /orders/{id}/cancel (carrier intercept), ' +
    'return_to_sender and delivered (back at the sender) scans; ends CANCELLED, refunded and restocked',
  targets: {},
  async run(context) {
    const { orderId, trackingNumber } = await shippedOrder(context);
    await context.api.carrierScan(trackingNumber, 'in_transit');
    await reached(context, orderId, 'IN_TRANSIT');
    await context.api.cancel(orderId, 'changed_mind');
    await reached(context, orderId, 'INTERCEPT_REQUESTED');
    await context.api.carrierScan(trackingNumber, 'return_to_sender');
    await context.api.carrierScan(trackingNumber, 'delivered');
    await reached(context, orderId, 'CANCELLED');
    return orderId;
  },
};

/** Every journey the cost bench prices. */
export const journeys: readonly Journey[] = [happyPath, cancelAfterShip];
