// How long the workflow waits for outside events, from the order's own deadlines, and what a parked wait is woken
// with when an event comes in.
import { hasPendingCancel, shipmentWakeAction } from './cancellation';
import { pendingCarrierEvents } from './inbox';
import type { OrderRecord } from './order';
import { reviewWakeAction } from './review';
import { addDays } from './time';

/** What a parked execution is woken with: the wait's next timeout, so a wake-up keeps the original deadline. */
export interface WakeSignal {
  action: string;
  wait: { until: string; seconds: number };
}

/** Seconds from now until `until`, at least one (a timeout of 0 is invalid in Step Functions). */
export const secondsUntil = (until: string, now: Date): number =>
  Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000));

export const wakeSignal = (action: string, until: string, now: Date): WakeSignal => ({
  action,
  wait: { until, seconds: secondsUntil(until, now) },
});

/**
 * The shipment wait ends one business day before the authorization lapses, leaving time to renew it. (With a
 * missing expiry, e.g. an order stored by an older version, it renews after one day.)
 */
export const shipmentWait = (order: OrderRecord, now: Date, daySeconds: number): WakeSignal => {
  const expiresAt = order.payment.authorizationExpiresAt ?? addDays(now, 2, daySeconds);
  return wakeSignal('wait', addDays(expiresAt, -1, daySeconds), now);
};

/** The delivery wait ends at the carrier's latest estimate plus the stage's grace period. */
export const deliveryDeadline = (order: OrderRecord, graceDays: number, daySeconds: number): string =>
  addDays(order.shipment?.estimatedDelivery ?? order.updatedAt, graceDays, daySeconds);

/** The stage's durations the waits are computed from. */
export interface WaitPolicy {
  daySeconds: number;
  delayGraceDays: number;
}

export const waitPolicy = (config: {
  daySeconds: number;
  durations: { delayGraceDays: number };
}): WaitPolicy => ({ daySeconds: config.daySeconds, delayGraceDays: config.durations.delayGraceDays });

/**
 * The deadline a wake-up carries on with. A wake keeps its wait's deadline, except `ship`: the parcel has left, so
 * the signal carries the delivery wait that `CapturePayment` parks on once the capture is recorded (the carrier's
 * estimate plus the grace period; the estimate is the label's, as no scan is applied before the capture).
 */
export const wakeDeadline = (
  order: OrderRecord,
  action: string,
  until: string,
  policy: WaitPolicy,
): string => (action === 'ship' ? deliveryDeadline(order, policy.delayGraceDays, policy.daySeconds) : until);

/**
 * What the order's parked execution should be woken with, if anything. Waiting for a review, the operator's
 * decision or a cancellation ends the wait (review.ts `reviewWakeAction`); waiting for shipment, a ship trigger, a
 * cancellation or a lapsed authorization (cancellation.ts `shipmentWakeAction`); waiting for delivery, a new carrier event or a
 * cancellation makes it look again.
 */
export const wakeAction = (
  order: OrderRecord,
): 'ship' | 'cancel' | 'renew' | 'recheck' | 'approve' | 'reject' | undefined => {
  if (!order.wait) return undefined;
  if (order.wait.stage === 'review') return reviewWakeAction(order);
  if (order.wait.stage === 'shipment') return shipmentWakeAction(order);
  return pendingCarrierEvents(order).length > 0 || hasPendingCancel(order) ? 'recheck' : undefined;
};

/** A parked wait an event should wake: its token, the action, and its deadline (kept by the wake-up). */
export interface DueWake {
  token: string;
  action: string;
  until: string;
}

/** The order's own wait (review, shipment or delivery), when the events in its inbox matter to it. */
export const orderWake = (order: OrderRecord, policy: WaitPolicy): DueWake | undefined => {
  const action = wakeAction(order);
  if (!action || !order.wait) return undefined;
  return { token: order.wait.token, action, until: wakeDeadline(order, action, order.wait.until, policy) };
};

/** A return's wait: any scan recorded for its parcel makes it look again. */
export const returnWake = (order: OrderRecord, returnId: string): DueWake | undefined => {
  const wait = order.returns?.find((r) => r.returnId === returnId)?.wait;
  return wait ? { token: wait.token, action: 'recheck', until: wait.until } : undefined;
};
