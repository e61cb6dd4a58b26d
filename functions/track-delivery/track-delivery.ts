// Follows the parcel to the door. Called with a task token while the workflow waits for delivery (apply what
// arrived, then park or resume at once), or without one when the wait timed out (the deadline passed). All the
// deciding is in `planDelivery`, a pure function of the order and the time.
import { z } from 'zod';
import type { Deps } from '../shared/deps';
import { pendingCarrierEvents } from '../shared/inbox';
import {
  isForward,
  trackingRank,
  withTimeline,
  type OrderRecord,
  type PaymentState,
  type ShipmentState,
} from '../shared/model';
import { noticeContext } from '../shared/notice-context';
import { planNotice, type NoticeContext, type OpsAlert, type PlannedNotice } from '../shared/notices';
import type { OrderStatus } from '../shared/schemas';
import { commitStep, orderInput } from '../shared/step';
import { addDays } from '../shared/time';
import { deliveryDeadline } from '../shared/waits';
import { wakeSignal, type WakeSignal } from '../shared/workflow';

export const trackInput = orderInput.extend({
  token: z.string().min(1).optional(),
  until: z.iso.datetime().optional(),
});
export type TrackInput = z.infer<typeof trackInput>;

export type DeliveryAction = 'wait' | 'delivered' | 'failed';

export interface DeliveryPolicy {
  daySeconds: number;
  delayGraceDays: number;
  lostParcelDays: number;
}

export interface DeliveryPlan {
  next: OrderRecord;
  notices: PlannedNotice[];
  action: DeliveryAction;
  /** When to look again if nothing arrives. */
  until: string;
  /** Amount to refund because the parcel will not arrive. */
  refund: number;
  alert?: OpsAlert;
}

const statusFor: Partial<Record<ShipmentState['status'], OrderStatus>> = {
  in_transit: 'IN_TRANSIT',
  out_for_delivery: 'OUT_FOR_DELIVERY',
  available_for_pickup: 'OUT_FOR_DELIVERY',
  delivered: 'DELIVERED',
};

const refunded = (payment: PaymentState): PaymentState => ({
  ...payment,
  status: 'REFUNDED',
  refundedAmount: payment.capturedAmount,
});

/** Applies pending carrier events and the clock to the order: statuses, notices, delay, delivery or failure. */
export const planDelivery = (
  order: OrderRecord,
  now: Date,
  policy: DeliveryPolicy,
  ctx: NoticeContext,
): DeliveryPlan => {
  const at = now.toISOString();
  if (order.status === 'DELIVERED' || order.status === 'DELIVERY_FAILED') {
    const action = order.status === 'DELIVERED' ? 'delivered' : 'failed';
    return { next: order, notices: [], action, until: at, refund: 0 };
  }
  let next: OrderRecord = order;
  const notices: PlannedNotice[] = [];
  const notify = (template: Parameters<typeof planNotice>[1], cause: string) => {
    for (const notice of planNotice(next, template, cause, ctx, at)) {
      if (!notices.some((n) => n.key === notice.key)) notices.push(notice);
    }
  };
  let failure: string | undefined;

  for (const [key, event] of Object.entries(order.inbox)) {
    if (event.applied || event.kind !== 'carrier') continue;
    next = { ...next, inbox: { ...next.inbox, [key]: { ...event, applied: true } } };
  }
  for (const event of pendingCarrierEvents(order)) {
    const shipment = next.shipment;
    if (!shipment || !event.status) continue;
    let updated: ShipmentState = shipment;
    if (event.estimatedDelivery) updated = { ...updated, estimatedDelivery: event.estimatedDelivery };
    if (trackingRank[event.status] > trackingRank[shipment.status]) {
      updated = { ...updated, status: event.status };
      next = withTimeline(next, event.occurredAt, `CARRIER_${event.status.toUpperCase()}`, {
        ...(event.location ? { location: event.location } : {}),
      });
      const status = statusFor[event.status];
      if (status && isForward(next.status, status)) next = { ...next, status };
      if (event.status === 'delivered') updated = { ...updated, deliveredAt: event.occurredAt };
      if (event.status === 'failure' || event.status === 'return_to_sender') failure = event.status;
    }
    next = { ...next, shipment: updated };
    if (next.status === 'OUT_FOR_DELIVERY' && order.status !== 'OUT_FOR_DELIVERY') {
      notify('out_for_delivery', 'first');
    }
  }

  const shipment = next.shipment;
  if (next.status === 'DELIVERED') {
    notify('delivered', 'delivered');
    return { next: { ...next, wait: undefined }, notices, action: 'delivered', until: at, refund: 0 };
  }

  const deadline = deliveryDeadline(next, policy.delayGraceDays, policy.daySeconds);
  const lostAfter = shipment
    ? addDays(shipment.promisedDelivery, policy.lostParcelDays, policy.daySeconds)
    : at;
  if (!failure && at >= lostAfter) failure = 'lost';
  if (failure) {
    next = withTimeline(
      { ...next, status: 'DELIVERY_FAILED', payment: refunded(next.payment), wait: undefined },
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
  if (shipment) {
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
  return { next, notices, action: 'wait', until, refund: 0 };
};

export const trackDelivery = async (deps: Deps, input: TrackInput): Promise<WakeSignal | undefined> => {
  const now = deps.now();
  const { durations, daySeconds } = deps.config;
  const policy = {
    daySeconds,
    delayGraceDays: durations.delayGraceDays,
    lostParcelDays: durations.lostParcelDays,
  };
  const { order, result: plan } = await commitStep(deps, input.orderId, (current) => {
    const plan = planDelivery(current, now, policy, noticeContext(deps));
    const parked =
      input.token && plan.action === 'wait'
        ? { ...plan.next, wait: { stage: 'delivery' as const, token: input.token, until: plan.until } }
        : plan.next;
    const refund = plan.refund;
    const payment = current.payment;
    return {
      next: parked,
      notices: plan.notices,
      effects:
        refund > 0 && payment.paymentId
          ? async () => {
              await deps.payment(payment.provider).refund({
                paymentId: payment.paymentId!,
                amount: refund,
                idempotencyKey: `refund:delivery-failed:${current.orderId}`,
              });
            }
          : undefined,
      result: plan,
    };
  });
  if (plan.alert && order.status === 'DELIVERY_FAILED') await deps.messaging.alertOps(plan.alert);
  const signal = wakeSignal(plan.action, plan.until, now);
  if (!input.token) return signal;
  if (plan.action !== 'wait') await deps.workflow.resume(input.token, signal);
  return undefined;
};
