// Delivery planning, pure: what the pending carrier events and the clock mean for a shipped order (statuses,
// shipping/out-for-delivery/delivered notices, a delay notice per new estimate, the deadline, a lost parcel, an
// intercept's outcome). TrackDelivery (functions/track-delivery) applies the plan: refunds, stock, the wait.
import {
  completeIntercept,
  isIntercepting,
  pausesDelayNotices,
  withInterceptAnswer,
  type CancellationNotice,
} from './cancellation';
import { pendingCarrierEvents } from './inbox';
import {
  isForward,
  refundedInFull,
  trackingRank,
  withTimeline,
  type OrderRecord,
  type ShipmentState,
} from './order';
import {
  planNotice,
  type NoticeContext,
  type NoticeDetail,
  type OpsAlert,
  type PlannedNotice,
} from './notices';
import type { InterceptResult } from './providers';
import type { OrderStatus } from './requests';
import { addDays } from './time';
import { deliveryDeadline } from './waits';

export type DeliveryAction = 'wait' | 'delivered' | 'failed' | 'cancelled' | 'recheck';

export interface DeliveryPolicy {
  daySeconds: number;
  delayGraceDays: number;
  lostParcelDays: number;
}

export const deliveryPolicy = (config: {
  daySeconds: number;
  durations: { delayGraceDays: number; lostParcelDays: number };
}): DeliveryPolicy => ({
  daySeconds: config.daySeconds,
  delayGraceDays: config.durations.delayGraceDays,
  lostParcelDays: config.durations.lostParcelDays,
});

export interface DeliveryPlan {
  next: OrderRecord;
  notices: PlannedNotice[];
  action: DeliveryAction;
  /** When to look again if nothing arrives. */
  until: string;
  /** Amount to refund because the parcel will not arrive (or came back after an intercept). */
  refund: number;
  alert?: OpsAlert;
  /** Inventory key under which an intercepted parcel's items are expected back, and whether they are back. */
  expectBack?: string;
  restock?: string;
}

const statusFor: Partial<Record<ShipmentState['status'], OrderStatus>> = {
  in_transit: 'IN_TRANSIT',
  out_for_delivery: 'OUT_FOR_DELIVERY',
  available_for_pickup: 'OUT_FOR_DELIVERY',
  delivered: 'DELIVERED',
};

/** Applies pending carrier events and the clock to the order: statuses, notices, delay, delivery or failure. */
export const planDelivery = (
  order: OrderRecord,
  now: Date,
  policy: DeliveryPolicy,
  ctx: NoticeContext,
  intercept?: InterceptResult,
): DeliveryPlan => {
  const at = now.toISOString();
  let next: OrderRecord = order;
  const notices: PlannedNotice[] = [];
  const notify = (template: Parameters<typeof planNotice>[1], cause: string, detail: NoticeDetail = {}) => {
    for (const notice of planNotice(next, template, cause, ctx, at, detail)) {
      if (!notices.some((n) => n.key === notice.key)) notices.push(notice);
    }
  };
  const ended = endedAction[order.status];
  if (ended) {
    // A delivery whose receiver could not send the notice handed it over (see `receiverPlan`).
    if (order.status === 'DELIVERED') notify('delivered', 'delivered');
    return { next: order, notices, action: ended, until: at, refund: 0 };
  }
  const notifyAll = (wanted: CancellationNotice[]) => {
    for (const notice of wanted) notify(notice.template, notice.cause, notice.detail);
  };
  let failure: string | undefined;

  // A cancellation after shipment: the carrier was asked to intercept the parcel (the answer comes in).
  const answered = withInterceptAnswer(order, intercept, at);
  if (answered) {
    next = answered.next;
    notifyAll(answered.notices);
  }
  const expectBack = answered?.expectBack;
  const intercepting = isIntercepting(next);
  let backAtSender = false;

  for (const [key, event] of Object.entries(order.inbox)) {
    if (event.applied || event.kind !== 'carrier') continue;
    next = { ...next, inbox: { ...next.inbox, [key]: { ...event, applied: true } } };
  }
  for (const event of pendingCarrierEvents(order)) {
    const shipment = next.shipment;
    if (!shipment || !event.status) continue;
    let updated: ShipmentState = shipment;
    if (event.estimatedDelivery && (!updated.estimatedAt || event.occurredAt >= updated.estimatedAt)) {
      updated = { ...updated, estimatedDelivery: event.estimatedDelivery, estimatedAt: event.occurredAt };
    }
    if (trackingRank[event.status] > trackingRank[shipment.status]) {
      updated = { ...updated, status: event.status };
      next = withTimeline(next, event.occurredAt, `CARRIER_${event.status.toUpperCase()}`, {
        ...(event.location ? { location: event.location } : {}),
      });
      const status = statusFor[event.status];
      if (status && isForward(next.status, status)) next = { ...next, status };
      if (event.status === 'delivered') updated = { ...updated, deliveredAt: event.occurredAt };
      if (event.status === 'failure' || (event.status === 'return_to_sender' && !intercepting)) {
        failure = event.status;
      }
    } else if (event.status === 'delivered' && shipment.status === 'return_to_sender') {
      // `delivered` after `return_to_sender`: the parcel is back at the sender.
      backAtSender = true;
      next = withTimeline(next, event.occurredAt, 'CARRIER_BACK_AT_SENDER', {
        ...(event.location ? { location: event.location } : {}),
      });
    }
    next = { ...next, shipment: updated };
    if (next.status === 'OUT_FOR_DELIVERY') notify('out_for_delivery', 'first');
  }

  // Out for delivery, also when its receiver could not send the notice and handed it over (see `receiverPlan`).
  if (next.status === 'OUT_FOR_DELIVERY') notify('out_for_delivery', 'first');

  const shipment = next.shipment;
  const completed = backAtSender ? completeIntercept(order, next, at) : undefined;
  if (completed) {
    next = completed.next;
    notifyAll(completed.notices);
    const { refund, restock } = completed;
    return { next, notices, action: 'cancelled', until: at, refund, expectBack, restock };
  }
  if (next.status === 'DELIVERED') {
    notify('delivered', 'delivered');
    // A parcel the carrier announced later than promised was delayed, also when its delay and its delivery are
    // applied in one write (a lost race with the delivered scan): the customer is then told it arrived, not late.
    if (shipment && !shipment.delayed && shipment.estimatedDelivery > shipment.promisedDelivery) {
      next = { ...next, shipment: { ...shipment, delayed: true } };
    }
    return { next: { ...next, wait: undefined }, notices, action: 'delivered', until: at, refund: 0 };
  }

  const deadline = deliveryDeadline(next, policy.delayGraceDays, policy.daySeconds);
  const lostAfter = shipment
    ? addDays(shipment.promisedDelivery, policy.lostParcelDays, policy.daySeconds)
    : at;
  if (!failure && at >= lostAfter) failure = 'lost';
  if (failure) {
    next = withTimeline(
      { ...next, status: 'DELIVERY_FAILED', payment: refundedInFull(next.payment), wait: undefined },
      at,
      'DELIVERY_FAILED',
      { reason: failure },
    );
    notify('delivery_failed', 'failure');
    return {
      next,
      notices,
      action: 'failed',
      until: at,
      refund: order.payment.capturedAmount - order.payment.refundedAmount,
      alert: {
        kind: failure === 'lost' ? 'delivery_overdue' : 'delivery_failed',
        subject: `Delivery failed: order ${order.orderId}`,
        text: `The parcel of order ${order.orderId} will not be delivered (${failure}). The payment was refunded; check the parcel with the carrier.`,
        orderId: order.orderId,
      },
    };
  }

  // A later estimate than promised, or a passed deadline: tell the customer once per estimate.
  if (shipment && !pausesDelayNotices(next)) {
    const late = shipment.estimatedDelivery > shipment.promisedDelivery || at >= deadline;
    const alreadyTold =
      shipment.delayNotifiedFor !== undefined && shipment.delayNotifiedFor >= shipment.estimatedDelivery;
    if (late && !alreadyTold) {
      next = withTimeline(
        { ...next, shipment: { ...shipment, delayed: true, delayNotifiedFor: shipment.estimatedDelivery } },
        at,
        'DELIVERY_DELAYED',
        { estimatedDelivery: shipment.estimatedDelivery },
      );
      notify('delay_notice', shipment.estimatedDelivery);
    }
  }
  // Past the deadline with no news: look again in a business day.
  const until = at >= deadline ? addDays(now, 1, policy.daySeconds) : deadline;
  return { next, notices, action: 'wait', until, refund: 0, expectBack };
};

/** Statuses at which delivery tracking is over, and what the workflow is told. */
const endedAction: Partial<Record<OrderRecord['status'], DeliveryAction>> = {
  DELIVERED: 'delivered',
  RETURN_REQUESTED: 'delivered',
  RETURNED: 'delivered',
  DELIVERY_FAILED: 'failed',
  CANCELLED: 'cancelled',
};

/**
 * The plan of a scan that its receiver (the webhook, parcel reconciliation) applies itself, in the write that
 * records it; undefined when the workflow decides. Only while the delivery wait is parked and no cancellation is
 * in play, and only when the plan asks nothing of the workflow (no refund, alert or stock move): either the wait
 * goes on to the same deadline (in transit, out for delivery: it stays parked and nobody is woken), or the parcel
 * is delivered (the wait is woken with `delivered` and ends). A failure, a return to sender, a new deadline or a
 * delay goes to TrackDelivery, which the receiver wakes.
 */
export const receiverPlan = (
  order: OrderRecord,
  now: Date,
  policy: DeliveryPolicy,
  ctx: NoticeContext,
): DeliveryPlan | undefined => {
  const wait = order.wait;
  if (wait?.stage !== 'delivery' || order.cancellation || !order.shipment?.shippedAt) return undefined;
  const plan = planDelivery(order, now, policy, ctx);
  if (plan.refund > 0 || plan.alert || plan.expectBack || plan.restock) return undefined;
  if (plan.action === 'delivered') return plan;
  return plan.action === 'wait' && plan.until === wait.until ? plan : undefined;
};
