// The order journeys the cost bench prices, each driven from outside as the storefront, the warehouse and the
// carrier would drive it, waiting for the workflow to apply one event before sending the next (as hours between
// real scans would). Adding a journey is one entry in `journeys`; the realistic mix of orders weights them.
import type { ApiClient } from '../local/api-client';
import type { LocalSystem } from '../local/system';
import { executionEnded, orderRequest, type BenchApi, type OrderEvents, type SideDoor } from './local';
import type { Mix } from './pricing';

export interface JourneyContext {
  system: LocalSystem;
  api: BenchApi;
  /** The same API with the answers as they come, for the calls BenchApi does not make. */
  client: ApiClient;
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
  /**
   * Runs one order through the journey; resolves once its final status is stored and every workflow execution it
   * started has ended, with the order's id (none when the API refused the order).
   */
  run(context: JourneyContext): Promise<string | undefined>;
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

/** Opens a return of everything (`POST /orders/{id}/returns`), failing on any answer but 202. */
const openReturn = async (
  context: JourneyContext,
  orderId: string,
): Promise<{ returnId: string; trackingNumber: string }> => {
  const { status, body } = await context.client.request<{ returnId?: string; trackingNumber?: string }>(
    'POST',
    `/orders/${orderId}/returns`,
    { body: { reason: 'does not fit' } },
  );
  if (status !== 202 || !body.returnId || !body.trackingNumber)
    throw new Error(`POST /orders/${orderId}/returns answered ${status}: ${JSON.stringify(body)}`);
  return { returnId: body.returnId, trackingNumber: body.trackingNumber };
};

/** Waits for the order's workflow execution to end (the engine's own table: nothing the counters see). */
const ended = async (context: JourneyContext, orderId: string): Promise<string> => {
  await executionEnded(context.system, orderId, context.timeoutMs);
  return orderId;
};

/** Waits for a return's workflow execution (named after the return) to end. */
const returnEnded = async (context: JourneyContext, returnId: string): Promise<void> => {
  const deadline = Date.now() + context.timeoutMs;
  for (;;) {
    const execution = await context.system.returnEngine.describe(returnId);
    if (execution && execution.status !== 'RUNNING') return;
    if (Date.now() > deadline)
      throw new Error(`return execution ${returnId} still running: ${JSON.stringify(execution)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** The outbound parcel's scans up to its delivery, each applied before the next. */
const delivered = async (context: JourneyContext, orderId: string, trackingNumber: string) => {
  for (const [scan, status] of [
    ['in_transit', 'IN_TRANSIT'],
    ['out_for_delivery', 'OUT_FOR_DELIVERY'],
    ['delivered', 'DELIVERED'],
  ] as const) {
    await context.api.carrierScan(trackingNumber, scan);
    await reached(context, orderId, status);
  }
};

export const happyPath: Journey = {
  name: 'happy_path',
  description:
    'POST /orders, wait for LABEL_CREATED, POST /orders/{id}/ship, signed carrier scans in_transit, ' +
    'out_for_delivery, delivered, each applied before the next; ends DELIVERED',
  targets: { stateTransitions: 25, storeWrites: 12 },
  async run(context) {
    const { orderId, trackingNumber } = await shippedOrder(context);
    await delivered(context, orderId, trackingNumber);
    return ended(context, orderId);
  },
};

export const cancelBeforeShip: Journey = {
  name: 'cancel_before_ship',
  description:
    'POST /orders, wait for LABEL_CREATED (the order waits for the warehouse), POST /orders/{id}/cancel; ' +
    'ends CANCELLED, the label and the authorization voided and the stock released',
  targets: {},
  async run(context) {
    const orderId = await context.api.postOrder(orderRequest(context.id));
    await reached(context, orderId, 'LABEL_CREATED');
    await context.api.cancel(orderId, 'changed_mind');
    await reached(context, orderId, 'CANCELLED');
    return ended(context, orderId);
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
    return ended(context, orderId);
  },
};

export const returned: Journey = {
  name: 'returned',
  description:
    'the happy path to DELIVERED, then POST /orders/{id}/returns (everything, to the original payment) and the ' +
    'return parcel scans in_transit, delivered; ends RETURNED, the items refunded and restocked',
  targets: {},
  async run(context) {
    const { orderId, trackingNumber } = await shippedOrder(context);
    await delivered(context, orderId, trackingNumber);
    await ended(context, orderId);
    const { returnId, trackingNumber: returnTracking } = await openReturn(context, orderId);
    await context.api.carrierScan(returnTracking, 'in_transit');
    await context.api.carrierScan(returnTracking, 'delivered');
    await reached(context, orderId, 'RETURNED');
    await returnEnded(context, returnId);
    return orderId;
  },
};

export const rejectedInvalid: Journey = {
  name: 'rejected_invalid',
  description: 'POST /orders whose total does not add up: 400 VALIDATION_FAILED, nothing stored, no workflow',
  targets: {},
  async run(context) {
    const request = orderRequest(context.id);
    const { status, body } = await context.client.postOrder({ ...request, total: request.total + 1 });
    if (status !== 400)
      throw new Error(`an order whose total is off answered ${status}: ${JSON.stringify(body)}`);
    return undefined;
  },
};

export const rejectedDeclined: Journey = {
  name: 'rejected_declined',
  description:
    'POST /orders with a card the sandbox declines; ends REJECTED PAYMENT_DECLINED, the stock released',
  targets: {},
  async run(context) {
    const request = orderRequest(context.id);
    const orderId = await context.api.postOrder({
      ...request,
      payment: { provider: 'sandbox', token: 'tok_chargeDeclined' },
    });
    await reached(context, orderId, 'REJECTED');
    return ended(context, orderId);
  },
};

/** 51 T-shirts: a total above 1,000.00 (35 points), from a new customer (10). */
const riskyQuantity = 51;

export const rejectedRisk: Journey = {
  name: 'rejected_risk',
  description:
    'POST /orders above 1,000.00 from a new, disposable address, billed abroad (risk score ≥ 85); ' +
    'ends REJECTED FRAUD_SUSPECTED before any stock or payment',
  targets: {},
  async run(context) {
    const request = orderRequest(context.id);
    const items = request.items.map((item) => ({ ...item, quantity: riskyQuantity }));
    const itemsTotal = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
    const orderId = await context.api.postOrder({
      ...request,
      items,
      total: itemsTotal + request.shipping.amount + request.tax,
      customer: { ...request.customer, email: `buyer-${context.id}@mailinator.com` },
      billingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
    });
    await reached(context, orderId, 'REJECTED');
    return ended(context, orderId);
  },
};

/** Every journey the cost bench prices. */
export const journeys: readonly Journey[] = [
  happyPath,
  cancelBeforeShip,
  cancelAfterShip,
  returned,
  rejectedInvalid,
  rejectedDeclined,
  rejectedRisk,
];

/**
 * A realistic mix of orders: 85 % delivered, 5 % cancelled before shipment, 2 % cancelled after it, 5 % returned,
 * 3 % rejected, the rejections split evenly between an invalid request, a declined card and a risk rejection.
 */
export const realisticMix: Mix = {
  happy_path: 0.85,
  cancel_before_ship: 0.05,
  cancel_after_ship: 0.02,
  returned: 0.05,
  rejected_invalid: 0.01,
  rejected_declined: 0.01,
  rejected_risk: 0.01,
};
