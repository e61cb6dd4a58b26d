// Redriving a FAILED order, pure. A failure past its retries ends the order FAILED after the compensations gave back
// what it held (functions/domain/closing.ts), and its execution fails in the `OrderFailed` state. Once operators
// have fixed the cause they redrive the execution (Step Functions RedriveExecution): `OrderFailed` runs again, with
// `$$.Execution.RedriveCount` above zero, and reopens the order here so the journey goes on.
import { withTimeline, type OrderRecord, type PaymentState } from './order';
import type { OrderStatus } from './requests';

/** Where the redriven journey goes on. */
export type ResumePoint = 'start' | 'delivery';

export interface Reopening {
  next: OrderRecord;
  resume: ResumePoint;
}

/** The redrive an order was last reopened by (0: never). */
export const redriveOf = (order: OrderRecord): number => order.redrive?.count ?? 0;

/**
 * A provider idempotency key of this redrive: the key itself before any redrive, then suffixed, so that a payment
 * authorized or a label bought again after the compensations voided the first is a new one, not the voided one
 * answered again. Steps that find their effect stored do not call the provider at all.
 */
export const redriveKey = (key: string, order: OrderRecord): string =>
  order.redrive ? `${key}:redrive-${order.redrive.count}` : key;

/** Whether the parcel has left: from then on nothing is compensated and the journey resumes at delivery. */
const hasShipped = (order: OrderRecord): boolean =>
  order.payment.status === 'CAPTURED' || Boolean(order.shipment?.shippedAt);

const freshPayment = (payment: PaymentState): PaymentState => ({
  provider: payment.provider,
  status: 'PENDING',
  authorizedAmount: 0,
  capturedAmount: 0,
  refundedAmount: 0,
});

/**
 * Reopens a FAILED order for redrive `count`, or answers undefined when there is nothing to reopen: the order is not
 * FAILED (and was not reopened by this redrive already, which a retried step finds). Before shipment the journey
 * starts again from validation: what a compensation gave back (a voided authorization, a voided label) is
 * forgotten so that it is taken anew, and what is still held (stock, a live authorization or label) is found by the
 * steps, which do not take it twice; notices already sent are not sent again. After shipment it resumes at the
 * delivery deadline check, in the status the failure interrupted.
 */
export const planReopening = (order: OrderRecord, count: number, at: string): Reopening | undefined => {
  const shipped = hasShipped(order);
  const resume: ResumePoint = shipped ? 'delivery' : 'start';
  if (order.status !== 'FAILED') return redriveOf(order) === count ? { next: order, resume } : undefined;
  const payment = ['VOIDED', 'EXPIRED', 'DECLINED'].includes(order.payment.status)
    ? freshPayment(order.payment)
    : order.payment;
  const shipment = order.shipment?.status === 'voided' ? undefined : order.shipment;
  const status: OrderStatus = shipped ? (order.failure?.status ?? 'SHIPPED') : 'RECEIVED';
  const next = withTimeline(
    {
      ...order,
      status,
      payment,
      shipment,
      failure: undefined,
      wait: undefined,
      redrive: { count, at },
    },
    at,
    'ORDER_REDRIVEN',
    { redrive: count, failedOn: order.failure?.error ?? '' },
  );
  return { next, resume };
};
