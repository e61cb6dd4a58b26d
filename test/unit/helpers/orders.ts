// Order fixtures for the unit tests: the contract's example request (test/fixtures/orders), the order record
// intake makes of it, and the later stages of its journey. Every call builds a fresh copy, so a test may change
// what it gets without touching another test's order.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import {
  indexBucketOf,
  type CancellationState,
  type InboxEvent,
  type OrderRecord,
  type ReturnRecord,
  type ShipmentState,
} from '../../../functions/domain/order';
import { customerHash } from '../../../functions/domain/hash';
import type { NoticeContext } from '../../../functions/domain/notices';
import type { CarrierEvent, TrackingStatus } from '../../../functions/domain/providers';
import {
  createOrderRequestSchema,
  type Address,
  type CreateOrderRequest,
  type Customer,
} from '../../../functions/domain/order-request';
import { addDays } from '../../../functions/domain/time';
import { loadFixture } from '../../providers/fixtures';

/** The body a storefront posts, before the schema's defaults and transforms. */
export type CreateOrderBody = z.input<typeof createOrderRequestSchema>;

/** Seconds in a business day, as in AWS. */
export const DAY_SECONDS = 86_400;
/** When the example order was received. */
export const T0 = '2030-03-04T10:00:00.000Z';
export const ORDER_ID = 'ord_0123456789abcdef01234567';
export const STOREFRONT = 'demo-store';

/** `days` business days after `from` (negative: before). */
export const daysAfter = (from: string, days: number): string => addDays(from, days, DAY_SECONDS);

export const noticeContext: NoticeContext = {
  publicBaseUrl: 'https://orders.example.com',
  trackingLinkSecret: 'test-tracking-secret',
  store: {
    name: 'Orderflow Test Store',
    supportEmail: 'help@orders.example.com',
    supportUrl: 'https://orders.example.com/help',
  },
  returnWindowDays: 30,
};

/** The contract's `POST /orders` example, exactly as a storefront sends it. */
export const aCreateOrderBody = (): CreateOrderBody =>
  loadFixture<CreateOrderBody>('orders/create-order-request.json');

/** The contract's example after the request schema (what the API hands to intake). */
export const aCreateOrderRequest = (): CreateOrderRequest =>
  createOrderRequestSchema.parse(aCreateOrderBody());

/** A real API Gateway (REST, proxy) event of `POST /orders` carrying the contract's example. */
export const aPostOrdersEvent = (): APIGatewayProxyEvent =>
  loadFixture<APIGatewayProxyEvent>('orders/api-gateway-post-orders.json');

/**
 * The example order as intake stores it (RECEIVED, version 1): what `newOrderRecord` makes of the contract's
 * example, which orders.test.ts checks. `orderId`, `storefrontId` and `createdAt` among the overrides also set the
 * keys derived from them; any other override replaces the field as given. (Built here rather than by calling
 * intake, so that tests of pure modules need not load the AWS SDK clients intake imports.)
 */
export const anOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord => {
  const orderId = overrides.orderId ?? ORDER_ID;
  const storefrontId = overrides.storefrontId ?? STOREFRONT;
  const createdAt = overrides.createdAt ?? T0;
  const request = aCreateOrderRequest();
  return {
    pk: `ORDER#${orderId}`,
    sk: 'ORDER',
    orderId,
    storefrontId,
    externalId: request.externalId,
    requestHash: 'request-hash',
    createdAt,
    updatedAt: createdAt,
    createdKey: `${createdAt}#${orderId}`,
    customerKey: `${storefrontId}#${customerHash(request.customer.email)}`,
    receivedBucket: indexBucketOf(orderId),
    status: 'RECEIVED',
    version: 1,
    customer: request.customer,
    shippingAddress: request.shippingAddress,
    billingAddress: request.billingAddress,
    items: request.items,
    currency: request.currency,
    shippingService: request.shipping.service,
    shippingAmount: request.shipping.amount,
    tax: request.tax,
    total: request.total,
    paymentToken: request.payment.token,
    payment: {
      provider: request.payment.provider,
      status: 'PENDING',
      authorizedAmount: 0,
      capturedAmount: 0,
      refundedAmount: 0,
    },
    timeline: [{ at: createdAt, type: 'ORDER_RECEIVED', detail: {} }],
    notices: {},
    inbox: {},
    ...overrides,
  };
};

/** The order with some customer fields changed. */
/** A complete US address (San Francisco), with `overrides`. */
export const aUsAddress = (overrides: Partial<Address> = {}): Address => ({
  line1: '1 Main St',
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94105',
  country: 'US',
  ...overrides,
});

export const withCustomer = (order: OrderRecord, patch: Partial<Customer>): OrderRecord => ({
  ...order,
  customer: { ...order.customer, ...patch },
});

/** The day the carrier promised at label purchase (standard service: five days). */
export const PROMISED = daysAfter(T0, 5);
export const SHIPPED_AT = daysAfter(T0, 1);

export const aShipment = (overrides: Partial<ShipmentState> = {}): ShipmentState => ({
  carrier: 'sandbox',
  service: 'standard',
  shipmentId: 'shp_sbx_0001',
  trackingNumber: 'SBX100000000001',
  labelUrl: 'https://orders.example.com/_sandbox/labels/shp_sbx_0001.pdf',
  trackingUrl: 'https://orders.example.com/_sandbox/track/SBX100000000001',
  promisedDelivery: PROMISED,
  estimatedDelivery: PROMISED,
  status: 'label_created',
  delayed: false,
  shippedAt: SHIPPED_AT,
  ...overrides,
});

/** The example order after shipment: payment captured, label bought, the ship call applied. */
export const aShippedOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord => {
  const order = anOrder();
  return {
    ...order,
    status: 'SHIPPED',
    version: 7,
    updatedAt: SHIPPED_AT,
    trackingNumber: 'SBX100000000001',
    payment: {
      provider: 'sandbox',
      status: 'CAPTURED',
      paymentId: 'pay_sbx_0001',
      authorizedAmount: order.total,
      capturedAmount: order.total,
      refundedAmount: 0,
      authorizationExpiresAt: daysAfter(T0, 7),
    },
    shipment: aShipment(),
    inbox: { ship: { kind: 'ship', receivedAt: SHIPPED_AT, occurredAt: SHIPPED_AT, applied: true } },
    ...overrides,
  };
};

let eventSequence = 0;

/** A carrier tracking event as the webhook parsers deliver it, with an id no other test uses. */
export const aCarrierEvent = (
  status: TrackingStatus,
  overrides: Partial<CarrierEvent> = {},
): CarrierEvent => {
  eventSequence += 1;
  return {
    eventId: `evt_${eventSequence}`,
    trackingNumber: 'SBX100000000001',
    status,
    occurredAt: daysAfter(SHIPPED_AT, 0.5),
    location: 'Sandbox Hub',
    ...overrides,
  };
};

/** An unapplied carrier scan as it sits in the order's inbox. */
export const aScan = (
  status: TrackingStatus,
  occurredAt: string,
  overrides: Partial<InboxEvent> = {},
): InboxEvent => ({
  kind: 'carrier',
  receivedAt: occurredAt,
  occurredAt,
  status,
  applied: false,
  ...overrides,
});

/** The order with scans put straight into its inbox (bypassing the receiver's filtering). */
export const withScans = (order: OrderRecord, ...scans: InboxEvent[]): OrderRecord => {
  const inbox = { ...order.inbox };
  for (const scan of scans) {
    eventSequence += 1;
    inbox[`carrier:scan_${eventSequence}`] = scan;
  }
  return { ...order, inbox };
};

/** The parcel on its way, its execution parked on the delivery wait until `until`. */
export const aParkedOrderInTransit = (until: string, token = 'delivery-token'): OrderRecord =>
  aShippedOrder({
    status: 'IN_TRANSIT',
    shipment: aShipment({ status: 'in_transit' }),
    wait: { stage: 'delivery', token, until },
  });

/** When the customer asked to cancel the shipped example order (the day after it left). */
export const CANCEL_REQUESTED_AT = daysAfter(SHIPPED_AT, 1);

/** A customer's cancellation as the cancel call records it, before the workflow acts on it. */
export const aCancellation = (overrides: Partial<CancellationState> = {}): CancellationState => ({
  reason: 'changed_mind',
  comment: 'Found it cheaper elsewhere',
  by: 'customer',
  requestedAt: CANCEL_REQUESTED_AT,
  stage: 'requested',
  ...overrides,
});

/**
 * The order with a cancellation request as `POST /orders/{id}/cancel` stores it: the cancellation, and the cancel
 * event in the inbox, not yet applied.
 */
export const withCancelRequest = (
  order: OrderRecord,
  cancellation: CancellationState = aCancellation(),
): OrderRecord => ({
  ...order,
  cancellation,
  inbox: {
    ...order.inbox,
    cancel: {
      kind: 'cancel',
      receivedAt: cancellation.requestedAt,
      occurredAt: cancellation.requestedAt,
      applied: false,
    },
  },
});

/** When the example order was delivered (on the promised day). */
export const DELIVERED_AT = PROMISED;

/** The example order delivered: its delivered scan applied, the delivery wait over. */
export const aDeliveredOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  aShippedOrder({
    status: 'DELIVERED',
    updatedAt: DELIVERED_AT,
    shipment: aShipment({ status: 'delivered', deliveredAt: DELIVERED_AT, estimatedAt: SHIPPED_AT }),
    ...overrides,
  });

/** When the example return was opened (the day after delivery). */
export const RETURN_OPENED_AT = daysAfter(DELIVERED_AT, 1);
export const RETURN_ID = 'ret_0123456789abcdef0123';

/**
 * A return as `openReturn` records it: label bought, nothing scanned yet, both T-shirts coming back for their price
 * (the example order has no tax; shipping is kept), to be back within a 30-day window.
 */
export const aReturn = (overrides: Partial<ReturnRecord> = {}): ReturnRecord => ({
  returnId: RETURN_ID,
  status: 'label_created',
  reason: 'too small',
  items: [{ sku: 'SKU-TSHIRT', quantity: 2 }],
  refundTo: 'original_payment',
  refundAmount: 3998,
  taxAmount: 0,
  includesShipping: false,
  automatic: false,
  shipmentId: 'shp_sbx_ret_0001',
  trackingNumber: 'SBX900000000001',
  labelUrl: 'https://orders.example.com/_sandbox/labels/shp_sbx_ret_0001.pdf',
  trackingStatus: 'label_created',
  createdAt: RETURN_OPENED_AT,
  expiresAt: daysAfter(RETURN_OPENED_AT, 30),
  ...overrides,
});

/** The delivered example order with returns opened on it (RETURN_REQUESTED, as `openReturn` leaves it). */
export const withReturns = (order: OrderRecord, ...returns: ReturnRecord[]): OrderRecord => ({
  ...order,
  status: 'RETURN_REQUESTED',
  returns: [...(order.returns ?? []), ...returns],
});

/** An unapplied scan of a return parcel as it sits in the order's inbox. */
export const aReturnScan = (
  returnId: string,
  status: TrackingStatus,
  occurredAt: string,
  overrides: Partial<InboxEvent> = {},
): InboxEvent => ({
  kind: 'return',
  returnId,
  receivedAt: occurredAt,
  occurredAt,
  status,
  applied: false,
  ...overrides,
});

/** The order with return-parcel scans put straight into its inbox (bypassing the receiver's filtering). */
export const withReturnScans = (order: OrderRecord, ...scans: InboxEvent[]): OrderRecord => {
  const inbox = { ...order.inbox };
  for (const scan of scans) {
    eventSequence += 1;
    inbox[`return:scan_${eventSequence}`] = scan;
  }
  return { ...order, inbox };
};
