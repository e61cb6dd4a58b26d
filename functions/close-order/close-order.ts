// Ends an order that will not be fulfilled, after the compensations have run. The error the workflow caught
// decides how: a business outcome rejects the order and tells the customer; a lapsed authorization cancels it;
// anything else marks it FAILED and alerts the operators.
import * as z from 'zod';
import type { Deps } from '../runtime/deps';
import { rejectionCodeByError } from '../domain/errors';
import { cancelOnError, honourCancellation } from '../domain/cancellation';
import { finalStatuses, withTimeline, type OrderRecord } from '../domain/order';
import { noticeContext } from '../runtime/notice-context';
import { planNotice, type NoticeContext, type PlannedNotice } from '../domain/notices';
import type { OrderStatus } from '../domain/requests';
import { commitStep, orderInput } from '../runtime/step';

export const closeInput = orderInput.extend({
  error: z.object({ Error: z.string(), Cause: z.unknown().optional() }),
});
export type CloseInput = z.infer<typeof closeInput>;

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

const customerReason: Record<string, string> = {
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
  input: CloseInput,
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
    { ...order, status: 'FAILED', failure: { error: input.error.Error, at } },
    at,
    'ORDER_FAILED',
    { error: input.error.Error },
  );
  return { status: 'FAILED', next, notices: [], alert: true };
};

export const closeOrder = async (deps: Deps, input: CloseInput): Promise<{ status: OrderStatus }> => {
  const at = deps.now().toISOString();
  const ctx = await noticeContext(deps);
  const { order, result } = await commitStep(deps, input.orderId, (current) => {
    // Shipped or already closed orders keep their status; a failure after shipment is for operators to resolve.
    if (finalStatuses.has(current.status))
      return { next: undefined, result: { status: current.status, alert: false } };
    const closing = planClosing(current, input, at, ctx);
    return { next: { ...closing.next, wait: undefined }, notices: closing.notices, result: closing };
  });
  if (result.alert) {
    await deps.messaging.alertOps({
      kind: 'workflow_failed',
      subject: `Order ${order.orderId} failed`,
      text: `The workflow of order ${order.orderId} stopped on ${input.error.Error}. Stock, authorization and label were released; see the execution history.`,
      orderId: order.orderId,
    });
  }
  return { status: order.status };
};
