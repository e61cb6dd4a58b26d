// Typed errors. Step tasks throw these; the ASL's Retry/Catch match them by `name`, so the class name and the
// `name` property must stay equal. Business outcomes (a declined card, no stock) are caught into their own branch;
// TransientError is retried; anything else is an unexpected failure that compensates and ends FAILED.

export class OrderflowError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The order fails the workflow's deeper validation (address, phone, totals, unknown SKU). */
export class OrderInvalidError extends OrderflowError {}
/** Not enough stock for at least one line; nothing stays reserved. */
export class OutOfStockError extends OrderflowError {}
/** The payment provider declined the authorization or the re-authorization. */
export class PaymentDeclinedError extends OrderflowError {}
/** The risk rules rejected the order. */
export class FraudSuspectedError extends OrderflowError {}
/** The carrier cannot deliver to the shipping address. */
export class AddressUndeliverableError extends OrderflowError {}
/** The customer or storefront cancelled the order before it shipped. */
export class OrderCancelledError extends OrderflowError {}
/** The authorization lapsed before shipment and could not be renewed. */
export class AuthorizationExpiredError extends OrderflowError {}
/**
 * The provider refused to capture a payment for a parcel that has already shipped. Not a rejection (the goods are
 * gone): the order ends FAILED and operators are alerted to collect the payment.
 */
export class CaptureFailedError extends OrderflowError {}
/** A dependency failed in a way that is worth retrying (throttling, timeouts, 5xx). */
export class TransientError extends OrderflowError {}
/** A conditional write lost a race; the step re-reads and retries. */
export class ConcurrentUpdateError extends OrderflowError {}

/** Maps a business error name (as the workflow's Catch records it) to the contract's rejection code. */
export const rejectionCodeByError: Readonly<Record<string, string>> = {
  OrderInvalidError: 'VALIDATION_FAILED',
  OutOfStockError: 'OUT_OF_STOCK',
  PaymentDeclinedError: 'PAYMENT_DECLINED',
  FraudSuspectedError: 'FRAUD_SUSPECTED',
  AddressUndeliverableError: 'ADDRESS_UNDELIVERABLE',
};

/** An error the HTTP layer turns into the contract's error body. */
export class HttpError extends OrderflowError {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}
