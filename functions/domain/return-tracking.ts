// Return tracking, pure: what a return parcel's scans and the clock mean for its return and its order. Back at
// the warehouse: the refund (or store credit) quoted when the return opened, the items restocked, the customer told;
// never back: the return expires. TrackReturn (functions/track-return) applies the plan.
import { pendingReturnEvents } from './inbox';
import {
  trackingRank,
  withTimeline,
  type OrderRecord,
  type PaymentState,
  type ReturnRecord,
  type ShipmentState,
} from './order';
import { planNotice, type NoticeContext, type NoticeDetail, type PlannedNotice } from './notices';
import { openReturnStatuses } from './returns';
import type { OrderStatus } from './requests';

export type ReturnAction = 'wait' | 'refunded' | 'expired';

export interface ReturnPlan {
  next: OrderRecord;
  notices: PlannedNotice[];
  action: ReturnAction;
  until: string;
  /** Money to give back, and how, once the parcel is back. */
  refund?: { amount: number; to: ReturnRecord['refundTo'] };
  restock?: ReturnRecord['items'];
  abandon?: ReturnRecord['items'];
}

/** The order's status once a return ends: another still open, everything back, or delivered as before. */
export const statusAfterReturns = (order: OrderRecord): OrderStatus => {
  const returns = order.returns ?? [];
  if (returns.some((r) => openReturnStatuses.has(r.status))) return 'RETURN_REQUESTED';
  const back = new Map<string, number>();
  for (const ret of returns.filter((r) => r.status === 'refunded')) {
    for (const line of ret.items) back.set(line.sku, (back.get(line.sku) ?? 0) + line.quantity);
  }
  return order.items.every((item) => (back.get(item.sku) ?? 0) >= item.quantity) ? 'RETURNED' : 'DELIVERED';
};

const afterRefund = (payment: PaymentState, amount: number, to: ReturnRecord['refundTo']): PaymentState => {
  if (to === 'store_credit') return { ...payment, creditedAmount: (payment.creditedAmount ?? 0) + amount };
  const refundedAmount = payment.refundedAmount + amount;
  return {
    ...payment,
    refundedAmount,
    status: refundedAmount >= payment.capturedAmount ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
  };
};

export const replaceReturn = (order: OrderRecord, ret: ReturnRecord): OrderRecord => ({
  ...order,
  returns: (order.returns ?? []).map((r) => (r.returnId === ret.returnId ? ret : r)),
});

export const planReturn = (
  order: OrderRecord,
  returnId: string,
  now: Date,
  ctx: NoticeContext,
): ReturnPlan => {
  const at = now.toISOString();
  const original = order.returns?.find((r) => r.returnId === returnId);
  if (!original) throw new Error(`order ${order.orderId} has no return ${returnId}`);
  if (original.status === 'refunded' || original.status === 'expired') {
    return { next: order, notices: [], action: original.status, until: at };
  }
  const notices: PlannedNotice[] = [];
  const notify = (next: OrderRecord, template: Parameters<typeof planNotice>[1], detail: NoticeDetail) => {
    notices.push(...planNotice(next, template, returnId, ctx, at, detail));
  };
  let next = order;
  notify(next, 'return_label', { returnId });

  let ret = original;
  let arrived = false;
  for (const [key, event] of pendingReturnEvents(order, returnId)) {
    next = { ...next, inbox: { ...next.inbox, [key]: { ...event, applied: true } } };
    const status = event.status;
    if (!status) continue;
    if (trackingRank[status] > trackingRank[ret.trackingStatus as ShipmentState['status']]) {
      ret = {
        ...ret,
        trackingStatus: status,
        // Any scan from in_transit on means the parcel is moving, even if the in_transit scan itself was lost.
        status: trackingRank[status] >= trackingRank.in_transit ? 'in_transit' : ret.status,
      };
      next = withTimeline(next, event.occurredAt, `RETURN_${status.toUpperCase()}`, { returnId });
    }
    if (status === 'delivered') arrived = true;
  }

  if (arrived) {
    ret = { ...ret, status: 'refunded', refundedAt: at, wait: undefined };
    next = replaceReturn(
      { ...next, payment: afterRefund(next.payment, ret.refundAmount, ret.refundTo) },
      ret,
    );
    next = withTimeline({ ...next, status: statusAfterReturns(next) }, at, 'RETURN_REFUNDED', {
      returnId,
      amount: ret.refundAmount,
      refundTo: ret.refundTo,
    });
    notify(next, 'refund_issued', { returnId, amount: ret.refundAmount, refundTo: ret.refundTo });
    return {
      next,
      notices,
      action: 'refunded',
      until: at,
      refund: { amount: ret.refundAmount, to: ret.refundTo },
      restock: ret.items,
    };
  }
  if (at >= ret.expiresAt) {
    ret = { ...ret, status: 'expired', wait: undefined };
    next = replaceReturn(next, ret);
    next = withTimeline({ ...next, status: statusAfterReturns(next) }, at, 'RETURN_EXPIRED', { returnId });
    return { next, notices, action: 'expired', until: at, abandon: ret.items };
  }
  return { next: replaceReturn(next, ret), notices, action: 'wait', until: ret.expiresAt };
};
