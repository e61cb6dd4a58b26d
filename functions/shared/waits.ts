// How long the workflow waits for outside events, from the order's own deadlines.
import type { OrderRecord } from './model';
import { addDays } from './time';
import { wakeSignal, type WakeSignal } from './workflow';

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
