// The provider interfaces: payment (authorize / reauthorize / capture / void / refund) and carrier (rates, labels,
// webhooks). Each has a deterministic sandbox implementation and a real one (Stripe, EasyPost). Every mutating call
// takes an idempotency key: calling it again with the same key returns the first result and changes nothing.

export type Money = number; // integer minor units

export interface AuthorizeRequest {
  orderId: string;
  amount: Money;
  currency: string;
  /** Payment token from the storefront (`tok_visa`, a Stripe PaymentMethod id, ...). Never a card number. */
  token: string;
  idempotencyKey: string;
}

export interface Authorization {
  paymentId: string;
  amount: Money;
  currency: string;
  /** When the provider stops honouring the authorization (7 days; scaled in local mode). */
  expiresAt: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** @throws PaymentDeclinedError when the provider declines. */
  authorize(request: AuthorizeRequest): Promise<Authorization>;
  /** Renews an authorization before it lapses. @throws PaymentDeclinedError when declined. */
  reauthorize(request: AuthorizeRequest & { paymentId: string }): Promise<Authorization>;
  /** Captures up to the authorized amount, exactly once per idempotency key. */
  capture(request: {
    paymentId: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<{ capturedAmount: Money }>;
  /** Releases an uncaptured authorization; a no-op if it is already voided or expired. */
  void(request: { paymentId: string; idempotencyKey: string }): Promise<void>;
  /** Refunds part or all of a capture; never more than was captured in total. */
  refund(request: {
    paymentId: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<{ refundId: string; amount: Money }>;
}

export type ServiceLevel = 'standard' | 'express' | 'overnight';

/**
 * Business days each service level promises from label purchase to delivery: the sandbox carrier delivers in them,
 * and an EasyPost rate that states neither a delivery date nor a day count is estimated with them.
 */
export const serviceLevelDays: Readonly<Record<ServiceLevel, number>> = {
  standard: 5,
  express: 2,
  overnight: 1,
};

export interface PostalAddress {
  line1: string;
  line2?: string | undefined;
  city: string;
  region?: string | undefined;
  postalCode: string;
  country: string;
}

export interface LabelRequest {
  orderId: string;
  service: ServiceLevel;
  to: PostalAddress & { name: string };
  /** Total parcel weight in grams (an estimate from the items). */
  weightGrams: number;
  idempotencyKey: string;
}

export interface Label {
  shipmentId: string;
  carrier: string;
  service: ServiceLevel;
  trackingNumber: string;
  labelUrl: string;
  trackingUrl: string;
  rateAmount: Money;
  /** The carrier's delivery estimate at purchase (service days from now). */
  estimatedDelivery: string;
  /** The carrier's id of the parcel's tracker, where it has one apart from the shipment (EasyPost `trk_...`). */
  trackerId?: string | undefined;
}

/** EasyPost's tracking status words, which the contract adopts for every carrier. */
export const trackingStatuses = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'available_for_pickup',
  'return_to_sender',
  'failure',
  'cancelled',
  'error',
  'unknown',
] as const;
export type TrackingStatus = (typeof trackingStatuses)[number];

export interface CarrierEvent {
  eventId: string;
  trackingNumber: string;
  status: TrackingStatus;
  occurredAt: string;
  estimatedDelivery?: string | undefined;
  location?: string | undefined;
  message?: string | undefined;
}

export interface InterceptRequest {
  shipmentId: string;
  trackingNumber: string;
  idempotencyKey: string;
}

export interface InterceptResult {
  /** True when the carrier will bring the parcel back to the sender (`return_to_sender`, then `delivered`). */
  accepted: boolean;
  /** Why not, when refused (e.g. the parcel is already out for delivery). */
  reason?: string | undefined;
}

export interface ReturnLabelRequest {
  orderId: string;
  returnId: string;
  /** The customer, who sends the parcel back to the warehouse. */
  from: PostalAddress & { name: string };
  weightGrams: number;
  idempotencyKey: string;
}

/** A parcel as the carrier knows it: what `trackingEvents` needs to look it up. */
export interface TrackedParcel {
  shipmentId: string;
  trackingNumber: string;
  trackerId?: string | undefined;
}

export interface CarrierProvider {
  readonly name: string;
  /** Buys the cheapest label of the requested service level. @throws AddressUndeliverableError */
  buyLabel(request: LabelRequest): Promise<Label>;
  /** Voids an unused label; a no-op if it is already voided. */
  voidLabel(request: { shipmentId: string; idempotencyKey: string }): Promise<void>;
  /** Asks the carrier to stop a parcel in transit and bring it back; the same key gives the same answer. */
  intercept(request: InterceptRequest): Promise<InterceptResult>;
  /** Buys a prepaid return label from the customer to the warehouse (standard service). */
  returnLabel(request: ReturnLabelRequest): Promise<Label>;
  /**
   * Every tracking event the carrier has for the parcel so far, oldest first, with stable event ids: the same scan
   * asked for twice has the same id. Reconciliation feeds them in as if they were webhooks.
   */
  trackingEvents(parcel: TrackedParcel): Promise<CarrierEvent[]>;
}

/** Verifies and parses one carrier's webhooks. Verification is over the raw body, before any parsing. */
export interface CarrierWebhookParser {
  readonly provider: string;
  /** True when the signature header matches the HMAC of the raw body under the secret. */
  verify(rawBody: string, headers: Readonly<Record<string, string | undefined>>, secret: string): boolean;
  /** The tracking events in a verified body. @throws InvalidRequestError for a body that is not this carrier's shape. */
  parse(rawBody: string): CarrierEvent[];
}
