// Closing an order that will not be fulfilled, pure: the error the workflow caught decides how. A business outcome
// rejects the order and tells the customer; a cancellation accepted before shipment is honoured whatever else
// stopped it; anything else marks it FAILED for operators. CloseOrder (functions/close-order) applies the plan.
import { cancelOnError, honourCancellation } from './cancellation';
import { rejectionCodeByError } from './errors';
import { withTimeline, type OrderRecord } from './order';
import { planNotice, type NoticeContext, type PlannedNotice } from './notices';
import type { OrderStatus } from './requests';

/** What the workflow's Catch recorded: the error's name and its cause. */
export interface CaughtError {
  Error: string;
  Cause?: unknown;
}

/**
 * The message of a caught error. In AWS `Cause` is the Lambda error as a JSON string
 * (`{"errorType","errorMessage",...}`); the local engine passes the message itself.
 */
export const causeMessage = (cause: unknown): string => {
  if (typeof cause !== 'string') return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the message itself
  }
  return cause;
};

/** Why an order was rejected, in words for the customer (the rejection notice and the tracking page). */
export const customerReason: Readonly<Record<string, string>> = {
  VALIDATION_FAILED: 'some order details could not be verified',
  OUT_OF_STOCK: 'an item is out of stock',
  PAYMENT_DECLINED: 'the payment was declined',
  FRAUD_SUSPECTED: 'it could not pass our security checks',
  ADDRESS_UNDELIVERABLE: 'the carrier cannot deliver to the shipping address',
};

export interface Closing {
  status: OrderStatus;
  next: OrderRecord;
  notices: PlannedNotice[];
  alert: boolean;
}

export const planClosing = (
  order: OrderRecord,
  input: { error: CaughtError },
  at: string,
  ctx: NoticeContext,
): Closing => {
  const message = causeMessage(input.error.Cause).slice(0, 500);
  const code = rejectionCodeByError[input.error.Error];
  // A cancellation accepted before shipment is honoured whatever else stopped the order (cancellation.ts).
  const honoured = honourCancellation(order, input.error.Error, code, at);
  if (honoured) {
    const notices = planNotice(honoured.next, 'cancellation_confirmation', 'cancelled', ctx, at, {});
    return { status: 'CANCELLED', next: honoured.next, notices, alert: honoured.alert };
  }
  if (code) {
    const next = withTimeline(
      { ...order, status: 'REJECTED', rejection: { code, message } },
      at,
      'ORDER_REJECTED',
      {
        code,
      },
    );
    const notices = planNotice(next, 'order_rejected', 'rejected', ctx, at, {
      reason: customerReason[code] ?? '',
    });
    return { status: 'REJECTED', next, notices, alert: false };
  }
  const cancelled = cancelOnError(order, input.error.Error, at);
  if (cancelled) {
    const notices = planNotice(cancelled.next, 'cancellation_confirmation', 'cancelled', ctx, at, {
      reason: cancelled.noticeReason,
    });
    return { status: 'CANCELLED', next: cancelled.next, notices, alert: cancelled.alert };
  }
  const next = withTimeline(
    { ...order, status: 'FAILED', failure: { error: input.error.Error, at, status: order.status } },
    at,
    'ORDER_FAILED',
    { error: input.error.Error },
  );
  return { status: 'FAILED', next, notices: [], alert: true };
};
