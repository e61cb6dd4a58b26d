// The order as stored (one DynamoDB item per order) and as shown to API callers. Every write of the order item is
// a whole-item put conditional on `version`, so concurrent writers (workflow steps, webhooks, the ship call) never
// lose each other's changes; see functions/adapters/order-store.ts `mutateOrder`.
import type { Address, Customer, LineItem, OrderStatus, ServiceLevel } from './requests';
import type { TrackingStatus } from './providers';
import type { KpiFacts } from './kpis';

export type PaymentStatus =
  | 'PENDING'
  | 'AUTHORIZED'
  | 'DECLINED'
  | 'CAPTURED'
  | 'VOIDED'
  | 'EXPIRED'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED'
  | 'FAILED';

export interface PaymentState {
  provider: string;
  status: PaymentStatus;
  paymentId?: string | undefined;
  authorizedAmount: number;
  capturedAmount: number;
  refundedAmount: number;
  /** Refunds given as store credit instead of money back (they count against the capture too). */
  creditedAmount?: number | undefined;
  authorizationExpiresAt?: string | undefined;
}

export interface ShipmentState {
  carrier: string;
  service: ServiceLevel;
  shipmentId: string;
  trackingNumber: string;
  labelUrl: string;
  trackingUrl: string;
  /** The estimate at label purchase: what the customer was promised. */
  promisedDelivery: string;
  /** The carrier's latest estimate. */
  estimatedDelivery: string;
  /** When the scan that gave `estimatedDelivery` happened: an older scan arriving late does not override it. */
  estimatedAt?: string | undefined;
  /** The carrier's latest tracking status word (never moves backwards). */
  status: TrackingStatus | 'label_created' | 'voided';
  /** The carrier's tracker id (EasyPost), kept so reconciliation can ask the carrier for the parcel's scans. */
  trackerId?: string | undefined;
  delayed: boolean;
  shippedAt?: string | undefined;
  deliveredAt?: string | undefined;
  /** The estimate for which the customer was last told of a delay. */
  delayNotifiedFor?: string | undefined;
}

export interface TimelineEntry {
  at: string;
  type: string;
  detail: Record<string, string | number | boolean>;
}

export type Channel = 'email' | 'sms';

export interface NotificationEntry {
  at: string;
  channel: Channel;
  template: string;
  to: string;
}

/**
 * An outside event waiting to be applied by a workflow: the ship call, a cancellation request, an operator's review
 * decision, a carrier scan of the parcel (`carrier`) or of a return parcel (`return`, with its `returnId`), or the
 * payment provider's word that the authorization lapsed (`payment`, with the `paymentId` it was about).
 */
export interface InboxEvent {
  kind: 'ship' | 'cancel' | 'carrier' | 'return' | 'review' | 'payment';
  /** An operator's review decision (`review` events). */
  decision?: 'approve' | 'reject' | undefined;
  returnId?: string | undefined;
  /** The payment a `payment` event was about. */
  paymentId?: string | undefined;
  receivedAt: string;
  occurredAt: string;
  status?: TrackingStatus | undefined;
  estimatedDelivery?: string | undefined;
  location?: string | undefined;
  applied: boolean;
}

export interface WaitState {
  stage: 'review' | 'shipment' | 'delivery' | 'return';
  token: string;
  /** When the wait times out (absolute), so a wake-up can resume with the remaining time. */
  until: string;
}

export type CancellationRequester = 'customer' | 'operator';

export interface CancellationState {
  /** A survey reason (`changed_mind`, ...) or `authorization_expired` when the system cancelled. */
  reason: string;
  comment?: string | undefined;
  /** Who asked: the customer (through the storefront's key), an operator (the ops key) or the system. */
  by: CancellationRequester | 'system';
  requestedAt: string;
  /**
   * requested → cancelled before shipment (completed), or, after shipment: intercept_requested → completed when
   * the parcel is back, or intercept_refused / delivered anyway → return_opened.
   */
  stage: 'requested' | 'intercept_requested' | 'intercept_refused' | 'return_opened' | 'completed';
  completedAt?: string | undefined;
}

export interface ReturnLine {
  sku: string;
  quantity: number;
}

export interface ReturnRecord {
  returnId: string;
  status: 'label_created' | 'in_transit' | 'refunded' | 'expired';
  reason: string;
  items: ReturnLine[];
  /** What the request asked for (returns.ts `returnRequestSignature`): a retry must ask for the same. */
  requestSignature?: string | undefined;
  refundTo: 'original_payment' | 'store_credit';
  /** Computed on the server when the return opens; never more than is left of the capture. */
  refundAmount: number;
  /** The part of `refundAmount` that is tax (kept so the last return refunds exactly the tax left). */
  taxAmount: number;
  includesShipping: boolean;
  /** Opened by the system because a cancelled parcel was delivered anyway. */
  automatic: boolean;
  shipmentId: string;
  trackingNumber: string;
  /** The carrier's tracker id of the return parcel (EasyPost), for reconciliation. */
  trackerId?: string | undefined;
  labelUrl: string;
  trackingStatus: string;
  createdAt: string;
  /** The return parcel must be back by then, or the return expires. */
  expiresAt: string;
  refundedAt?: string | undefined;
  wait?: WaitState | undefined;
}

/**
 * Something the payment provider reported about a captured payment that needs a person: a refund that failed (the
 * customer did not get the money back) or a dispute the cardholder opened. Recorded once per provider event and
 * per refund or dispute; shown in the order view.
 */
export interface PaymentIssue {
  kind: 'refund_failed' | 'dispute';
  /** The provider's event id (a redelivery of the same event changes nothing). */
  eventId: string;
  /** When it happened at the provider. */
  at: string;
  /** Minor units: the refund that failed, or the amount disputed. */
  amount: number;
  /** The provider's refund id (`refund_failed`). */
  refundId?: string | undefined;
  /** The provider's dispute id (`dispute`). */
  disputeId?: string | undefined;
  /** The provider's reason word: why the refund failed, or the dispute's reason (`fraudulent`, ...). */
  reason?: string | undefined;
}

export interface RiskAssessment {
  score: number;
  decision: 'approve' | 'review' | 'reject';
  reasons: string[];
}

/** A manual review of an order the risk rules held: its deadline and, once made, the operator's decision. */
export interface ReviewState {
  requestedAt: string;
  /** No decision by then rejects the order. */
  until: string;
  /** When operators were told the order needs a review (once). */
  alertedAt?: string | undefined;
  decision?: 'approve' | 'reject' | undefined;
  note?: string | undefined;
  decidedBy?: 'ops' | undefined;
  decidedAt?: string | undefined;
}

export interface OrderRecord {
  pk: string;
  sk: 'ORDER';
  orderId: string;
  storefrontId: string;
  externalId?: string | undefined;
  /** SHA-256 of the canonical request body: same key + other body = idempotency conflict. */
  requestHash: string;
  createdAt: string;
  updatedAt: string;
  /** Sort key of the byStorefront index: createdAt + orderId. */
  createdKey: string;
  /** Partition key of the byCustomer index: storefront + SHA-256 of the email (no PII in the key). */
  customerKey: string;
  /**
   * Partition key of the receivedOrders index, present only while the order is RECEIVED: the sweep that starts a
   * missing workflow finds such orders there (docs/data-model.md).
   */
  receivedBucket?: string | undefined;
  /**
   * Keyed hashes (HMAC under the stage's risk key) of the request's source IP and of the payment method: the keys
   * of the sparse bySourceIp and byPaymentMethod indexes the velocity rules count with. Never the raw values.
   */
  sourceIpHash?: string | undefined;
  paymentFingerprint?: string | undefined;
  /**
   * Keys of the parcelsInFlight index, present only while a parcel of the order is with the carrier (see
   * parcels-in-flight.ts `parcelIndexKeys`): the bucket, and when the last carrier event for it was received.
   */
  parcelBucket?: string | undefined;
  lastCarrierEventAt?: string | undefined;
  /**
   * Partition key of the byCreation index (every order item, over the index buckets) and the KPI facts it holds
   * (kpis.ts `kpiFacts`); both derived from the order in every put of its item (order-store.ts `storedItem`).
   */
  creationBucket?: string | undefined;
  kpi?: KpiFacts | undefined;
  /** Present once a label exists: the byTracking index key. */
  trackingNumber?: string | undefined;
  /**
   * Key of the sparse byPayment index: the order's current payment id, derived from `payment.paymentId` in every put
   * of the item (order-store.ts `storedItem`), so payment webhooks find the order. (Not `paymentId`: the sandbox
   * provider's own records carry that attribute and would land in the index too.)
   */
  currentPaymentId?: string | undefined;
  status: OrderStatus;
  version: number;
  customer: Customer;
  shippingAddress: Address;
  billingAddress?: Address | undefined;
  items: LineItem[];
  currency: string;
  shippingService: ServiceLevel;
  shippingAmount: number;
  tax: number;
  total: number;
  paymentToken: string;
  payment: PaymentState;
  shipment?: ShipmentState | undefined;
  risk?: RiskAssessment | undefined;
  review?: ReviewState | undefined;
  rejection?: { code: string; message: string } | undefined;
  /** Why the order FAILED, and the status the failure interrupted (a redrive after shipment goes back to it). */
  failure?: { error: string; at: string; status?: OrderStatus | undefined } | undefined;
  /** The last redrive that reopened a FAILED order (functions/domain/redrive.ts). */
  redrive?: { count: number; at: string } | undefined;
  cancellation?: CancellationState | undefined;
  returns?: ReturnRecord[] | undefined;
  /** Refunds that failed and disputes, as the payment provider reported them (payment-events.ts). */
  paymentIssues?: PaymentIssue[] | undefined;
  timeline: TimelineEntry[];
  /** Sent notices keyed by `template:cause:channel`, the key that makes each notice once per cause. */
  notices: Record<string, NotificationEntry>;
  inbox: Record<string, InboxEvent>;
  wait?: WaitState | undefined;
}

/**
 * How many partitions each bucketed index (receivedOrders, parcelsInFlight, byCreation) spreads its orders over; a
 * sweep or a report reads each.
 */
export const indexBuckets = 8;

/** The bucket of an order id in the bucketed indexes (ids end in hex digits). */
export const indexBucketOf = (orderId: string): string =>
  String((Number.parseInt(orderId.slice(-1), 16) || 0) % indexBuckets);

export const finalStatuses: ReadonlySet<OrderStatus> = new Set([
  'REJECTED',
  'CANCELLED',
  'RETURNED',
  'DELIVERY_FAILED',
  'FAILED',
  'DELIVERED',
]);

/** The forward order of the fulfillment statuses; a status never moves back along it. */
const progress: Partial<Record<OrderStatus, number>> = {
  RECEIVED: 0,
  IN_REVIEW: 1,
  CONFIRMED: 2,
  LABEL_CREATED: 3,
  CANCELLATION_REQUESTED: 3.5,
  SHIPPED: 4,
  IN_TRANSIT: 5,
  OUT_FOR_DELIVERY: 6,
  INTERCEPT_REQUESTED: 6.5,
  DELIVERED: 7,
  RETURN_REQUESTED: 8,
};

/** True when moving from `from` to `to` is forward along the fulfillment path. */
export const isForward = (from: OrderStatus, to: OrderStatus): boolean =>
  (progress[to] ?? -1) > (progress[from] ?? Number.POSITIVE_INFINITY);

export const trackingRank: Record<ShipmentState['status'], number> = {
  voided: -1,
  label_created: 0,
  unknown: 0,
  pre_transit: 1,
  in_transit: 2,
  available_for_pickup: 3,
  out_for_delivery: 3,
  delivered: 4,
  return_to_sender: 4,
  failure: 4,
  cancelled: 4,
  error: 0,
};

/** A carrier scan that means the parcel is in the carrier's hands: it counts as shipment. */
export const shipmentScans: ReadonlySet<TrackingStatus> = new Set([
  'in_transit',
  'out_for_delivery',
  'available_for_pickup',
  'delivered',
]);

/**
 * The timeline in time order. Entries carry the time of what happened (a carrier scan's `occurredAt`, say), which
 * can be earlier than entries already recorded; entries of the same instant keep the order they were recorded in.
 */
export const inTimeOrder = (timeline: readonly TimelineEntry[]): TimelineEntry[] =>
  timeline
    .map((entry, index) => ({ entry, index, time: Date.parse(entry.at) }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map(({ entry }) => entry);

export const withTimeline = (
  order: OrderRecord,
  at: string,
  type: string,
  detail: TimelineEntry['detail'] = {},
): OrderRecord => ({ ...order, timeline: inTimeOrder([...order.timeline, { at, type, detail }]) });

/** The payment once all of its capture is refunded (a failed delivery, or an intercepted parcel back). */
export const refundedInFull = (payment: PaymentState): PaymentState => ({
  ...payment,
  status: 'REFUNDED',
  refundedAmount: payment.capturedAmount,
});

export type ReturnView = Omit<ReturnRecord, 'wait' | 'shipmentId' | 'trackerId' | 'requestSignature'>;

export const toReturnView = ({
  wait: _wait,
  shipmentId: _shipmentId,
  trackerId: _trackerId,
  requestSignature: _signature,
  ...visible
}: ReturnRecord): ReturnView => visible;

/** The review as the order view shows it: the deadline and the operator's decision (no PII). */
export interface ReviewView {
  requestedAt: string;
  until: string;
  decision: 'approve' | 'reject' | null;
  note: string | null;
  decidedBy: 'ops' | null;
  decidedAt: string | null;
}

const toReviewView = (review: ReviewState): ReviewView => ({
  requestedAt: review.requestedAt,
  until: review.until,
  decision: review.decision ?? null,
  note: review.note ?? null,
  decidedBy: review.decidedBy ?? null,
  decidedAt: review.decidedAt ?? null,
});

export interface OrderView {
  orderId: string;
  storefrontId: string;
  externalId: string | null;
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
  customer: Customer;
  shippingAddress: Address;
  billingAddress: Address | null;
  items: LineItem[];
  currency: string;
  shipping: { service: ServiceLevel; amount: number };
  tax: number;
  total: number;
  payment: Omit<PaymentState, 'provider' | 'paymentId'> & { provider: string };
  shipment: Omit<ShipmentState, 'shipmentId' | 'trackerId' | 'delayNotifiedFor' | 'estimatedAt'> | null;
  risk: (RiskAssessment & { review: ReviewView | null }) | null;
  cancellation: CancellationState | null;
  rejection: { code: string; message: string } | null;
  returns: ReturnView[];
  paymentIssues: PaymentIssue[];
  timeline: TimelineEntry[];
  notifications: NotificationEntry[];
}

export const toOrderView = (order: OrderRecord): OrderView => {
  const { paymentId: _paymentId, ...payment } = order.payment;
  let shipment: OrderView['shipment'] = null;
  if (order.shipment) {
    const {
      shipmentId: _shipmentId,
      trackerId: _trackerId,
      delayNotifiedFor: _notified,
      estimatedAt: _estimatedAt,
      ...visible
    } = order.shipment;
    shipment = visible;
  }
  return {
    orderId: order.orderId,
    storefrontId: order.storefrontId,
    externalId: order.externalId ?? null,
    status: order.status,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    customer: order.customer,
    shippingAddress: order.shippingAddress,
    billingAddress: order.billingAddress ?? null,
    items: order.items,
    currency: order.currency,
    shipping: { service: order.shippingService, amount: order.shippingAmount },
    tax: order.tax,
    total: order.total,
    payment,
    shipment,
    risk: order.risk
      ? {
          score: order.risk.score,
          decision: order.risk.decision,
          reasons: order.risk.reasons,
          review: order.review ? toReviewView(order.review) : null,
        }
      : null,
    cancellation: order.cancellation ?? null,
    rejection: order.rejection ?? null,
    returns: (order.returns ?? []).map(toReturnView),
    paymentIssues: order.paymentIssues ?? [],
    timeline: inTimeOrder(order.timeline),
    notifications: Object.values(order.notices).sort((a, b) => a.at.localeCompare(b.at)),
  };
};
