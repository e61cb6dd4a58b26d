// What the payment provider's webhooks mean for an order (docs/workflow.md, "Payment events"). Three kinds matter:
//
//   authorization_lapsed  the hold on the order's current payment is gone at the provider (it expired, or someone
//                         cancelled it there) while the order still counts on it: the lapse is recorded (the expiry
//                         moves to the event's time, a `payment` event waits in the inbox) and the shipment wait,
//                         woken with `renew`, takes the renewal path at once instead of at its planned time.
//   refund_failed         a refund did not reach the customer: the order is flagged and operators alerted.
//   dispute_opened        the cardholder disputed the charge: the order is flagged and operators alerted.
//
// Each is recorded once: the provider's event id (and the refund's or dispute's id) is kept on the order in the same
// conditional write, so a redelivered event changes nothing and alerts no one again. Events about a payment id the
// order no longer holds (an authorization renewed since, or one Orderflow released itself) change nothing.
import { finalStatuses, withTimeline, type OrderRecord, type PaymentIssue } from './order';
import { formatMoney } from './format';
import type { OpsAlert } from './notices';

interface PaymentEventBase {
  /** The provider's event id (`evt_...`): the same for every delivery of one event. */
  eventId: string;
  /** The provider's event type, as sent (`charge.expired`, ...): recorded on the timeline. */
  type: string;
  /** When the event happened at the provider (ISO). */
  occurredAt: string;
  /** The payment (PaymentIntent) it is about: how the order is found. */
  paymentId: string;
}

/** A verified payment provider event Orderflow acts on. */
export type PaymentEvent =
  | (PaymentEventBase & { kind: 'authorization_lapsed' })
  | (PaymentEventBase & {
      kind: 'refund_failed';
      refundId: string;
      amount: number;
      reason?: string | undefined;
    })
  | (PaymentEventBase & { kind: 'dispute_opened'; disputeId: string; amount: number; reason: string });

export const paymentEventKey = (eventId: string): string => `payment:${eventId}`;

/** What an event does to an order: the order to store and, for a flag, the operators' alert. */
export interface PaymentEventEffect {
  next: OrderRecord;
  alert?: OpsAlert;
}

/** True when the order has recorded this provider event already (as a lapse or as an issue). */
const hasSeen = (order: OrderRecord, eventId: string): boolean =>
  paymentEventKey(eventId) in order.inbox ||
  (order.paymentIssues ?? []).some((issue) => issue.eventId === eventId);

/** A lapse of this payment recorded already (the provider reports one lapse with several events). */
const lapseRecorded = (order: OrderRecord, paymentId: string): boolean =>
  Object.values(order.inbox).some((event) => event.kind === 'payment' && event.paymentId === paymentId);

/**
 * The lapse of the order's authorization, or undefined when it changes nothing: the payment is no longer held
 * (captured, voided, expired), the order is being cancelled or is over (Orderflow released the hold itself), or the
 * lapse of this payment is recorded already.
 */
const lapsed = (order: OrderRecord, event: PaymentEvent, receivedAt: string): OrderRecord | undefined => {
  const { payment } = order;
  if (payment.status !== 'AUTHORIZED' || order.cancellation || finalStatuses.has(order.status))
    return undefined;
  if (lapseRecorded(order, event.paymentId)) return undefined;
  const expiresAt =
    payment.authorizationExpiresAt && payment.authorizationExpiresAt < event.occurredAt
      ? payment.authorizationExpiresAt
      : event.occurredAt;
  return withTimeline(
    {
      ...order,
      payment: { ...payment, authorizationExpiresAt: expiresAt },
      inbox: {
        ...order.inbox,
        [paymentEventKey(event.eventId)]: {
          kind: 'payment',
          paymentId: event.paymentId,
          receivedAt,
          occurredAt: event.occurredAt,
          applied: false,
        },
      },
    },
    event.occurredAt,
    'PAYMENT_AUTHORIZATION_LAPSED',
    { event: event.type },
  );
};

/** A lapse the renewal has not dealt with yet: the shipment wait ends with `renew` while one is pending. */
export const hasPendingLapse = (order: OrderRecord): boolean =>
  Object.values(order.inbox).some(
    (event) => event.kind === 'payment' && !event.applied && event.paymentId === order.payment.paymentId,
  );

const flagged = (order: OrderRecord, issue: PaymentIssue, timelineType: string): OrderRecord =>
  withTimeline({ ...order, paymentIssues: [...(order.paymentIssues ?? []), issue] }, issue.at, timelineType, {
    amount: issue.amount,
    ...(issue.refundId ? { refundId: issue.refundId } : {}),
    ...(issue.disputeId ? { disputeId: issue.disputeId } : {}),
    ...(issue.reason ? { reason: issue.reason } : {}),
  });

/**
 * What a verified payment event does to the order, or undefined when it changes nothing: a redelivery, an event
 * about a payment the order does not hold now, a lapse that no longer matters, a refund or dispute flagged already.
 */
export const paymentEventEffect = (
  order: OrderRecord,
  event: PaymentEvent,
  receivedAt: string,
): PaymentEventEffect | undefined => {
  if (order.payment.paymentId !== event.paymentId || hasSeen(order, event.eventId)) return undefined;
  const issues = order.paymentIssues ?? [];
  switch (event.kind) {
    case 'authorization_lapsed': {
      const next = lapsed(order, event, receivedAt);
      return next && { next };
    }
    case 'refund_failed': {
      if (issues.some((issue) => issue.kind === 'refund_failed' && issue.refundId === event.refundId)) {
        return undefined;
      }
      const issue: PaymentIssue = {
        kind: 'refund_failed',
        eventId: event.eventId,
        at: event.occurredAt,
        amount: event.amount,
        refundId: event.refundId,
        ...(event.reason ? { reason: event.reason } : {}),
      };
      return {
        next: flagged(order, issue, 'PAYMENT_REFUND_FAILED'),
        alert: {
          kind: 'refund_failed',
          subject: `Refund failed for order ${order.orderId}`,
          text:
            `The payment provider reports that refund ${event.refundId} of ${formatMoney(event.amount, order.currency)} ` +
            `for order ${order.orderId} failed (${event.reason ?? 'no reason given'}). The customer has not ` +
            'been paid back: refund them another way (store credit, bank transfer).',
          orderId: order.orderId,
        },
      };
    }
    case 'dispute_opened': {
      if (issues.some((issue) => issue.kind === 'dispute' && issue.disputeId === event.disputeId)) {
        return undefined;
      }
      const issue: PaymentIssue = {
        kind: 'dispute',
        eventId: event.eventId,
        at: event.occurredAt,
        amount: event.amount,
        disputeId: event.disputeId,
        reason: event.reason,
      };
      return {
        next: flagged(order, issue, 'PAYMENT_DISPUTED'),
        alert: {
          kind: 'payment_dispute',
          subject: `Payment disputed for order ${order.orderId}`,
          text:
            `The cardholder disputed ${formatMoney(event.amount, order.currency)} of order ${order.orderId} ` +
            `(dispute ${event.disputeId}, reason ${event.reason}). Answer it with evidence (the order, its ` +
            "tracking and delivery) in the payment provider's dashboard before its deadline.",
          orderId: order.orderId,
        },
      };
    }
  }
};
