// Typed errors. Step tasks throw these; Lambda reports a thrown error's `name` as its error type, and the ASL's
// Retry/Catch (and CloseOrder) match that. Each class states its name as a literal: the deployed bundles are
// minified, so a class's own name (`new.target.name`) is a mangled one there. Business outcomes (a declined card,
// no stock) are caught into their own branch; TransientError is retried; anything else is an unexpected failure
// that compensates and ends FAILED.

export class OrderflowError extends Error {
  override name = 'OrderflowError';
}

/** The order fails the workflow's deeper validation (address, phone, totals, unknown SKU). */
export class OrderInvalidError extends OrderflowError {
  override name = 'OrderInvalidError';
}
/** Not enough stock for at least one line; nothing stays reserved. */
export class OutOfStockError extends OrderflowError {
  override name = 'OutOfStockError';
}
/** The payment provider declined the authorization or the re-authorization. */
export class PaymentDeclinedError extends OrderflowError {
  override name = 'PaymentDeclinedError';
}
/** The risk rules rejected the order. */
export class FraudSuspectedError extends OrderflowError {
  override name = 'FraudSuspectedError';
}
/** The carrier cannot deliver to the shipping address. */
export class AddressUndeliverableError extends OrderflowError {
  override name = 'AddressUndeliverableError';
}
/** The customer or storefront cancelled the order before it shipped. */
export class OrderCancelledError extends OrderflowError {
  override name = 'OrderCancelledError';
}
/** The authorization lapsed before shipment and could not be renewed. */
export class AuthorizationExpiredError extends OrderflowError {
  override name = 'AuthorizationExpiredError';
}
/**
 * The provider refused to capture a payment for a parcel that has already shipped. Not a rejection (the goods are
 * gone): the order ends FAILED and operators are alerted to collect the payment.
 */
export class CaptureFailedError extends OrderflowError {
  override name = 'CaptureFailedError';
}
/** A dependency failed in a way that is worth retrying (throttling, timeouts, 5xx). */
export class TransientError extends OrderflowError {
  override name = 'TransientError';
}
/** A conditional write lost a race; the step re-reads and retries. */
export class ConcurrentUpdateError extends OrderflowError {
  override name = 'ConcurrentUpdateError';
}

/** Maps a business error name (as the workflow's Catch records it) to the contract's rejection code. */
export const rejectionCodeByError: Readonly<Record<string, string>> = {
  OrderInvalidError: 'VALIDATION_FAILED',
  OutOfStockError: 'OUT_OF_STOCK',
  PaymentDeclinedError: 'PAYMENT_DECLINED',
  FraudSuspectedError: 'FRAUD_SUSPECTED',
  AddressUndeliverableError: 'ADDRESS_UNDELIVERABLE',
};

export interface ErrorDetail {
  path: string;
  message: string;
}

// Refusals of a request. The API answers each with the contract's error body (see functions/runtime/http.ts).

/** The request is malformed or names what the order does not hold: `400 VALIDATION_FAILED` with the details. */
export class InvalidRequestError extends OrderflowError {
  override name = 'InvalidRequestError';
  constructor(
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** What the request names does not exist for this caller: `404 NOT_FOUND`. */
export class NotFoundError extends OrderflowError {
  override name = 'NotFoundError';
}

/**
 * The request conflicts with the order's state or with an earlier request under the same key: `409` with the
 * code (`NOT_SHIPPABLE`, `NOT_CANCELLABLE`, `NOT_RETURNABLE`, `IDEMPOTENCY_CONFLICT`).
 */
export class ConflictError extends OrderflowError {
  override name = 'ConflictError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
