// Follows a return parcel back to the warehouse (the return workflow). Called with a task token while waiting
// (apply scans, then park or resume at once) or without one when the wait timed out. When the parcel is back it
// refunds (or credits) the amount quoted when the return opened, restocks the items and tells the customer; a
// parcel that never comes back expires the return. All deciding is in `planReturn`, a pure function.
import * as z from 'zod';
import { addCredit } from '../adapters/credit-store';
import type { Deps } from '../runtime/deps';
import { pendingReturnEvents } from '../domain/inbox';
import { abandonReturn, restock } from '../adapters/inventory-store';
import {
  trackingRank,
  withTimeline,
  type OrderRecord,
  type PaymentState,
  type ReturnRecord,
  type ShipmentState,
} from '../domain/order';
import { noticeContext } from '../runtime/notice-context';
import { planNotice, type NoticeContext, type NoticeDetail, type PlannedNotice } from '../domain/notices';
import { openReturnStatuses } from '../domain/returns';
import type { OrderStatus } from '../domain/requests';
import { answerWait, commitStep, orderInput, waitToPark } from '../runtime/step';
import type { WakeSignal } from '../domain/waits';

export const trackReturnInput = orderInput.extend({
  returnId: z.string().min(1).max(64),
  token: z.string().min(1).optional(),
  until: z.iso.datetime().optional(),
});
export type TrackReturnInput = z.infer<typeof trackReturnInput>;

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

const replaceReturn = (order: OrderRecord, ret: ReturnRecord): OrderRecord => ({
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

export const trackReturn = async (deps: Deps, input: TrackReturnInput): Promise<WakeSignal | undefined> => {
  const now = deps.now();
  const ctx = await noticeContext(deps);
  const { result: plan } = await commitStep(deps, input.orderId, (current) => {
    const plan = planReturn(current, input.returnId, now, ctx);
    let next = plan.next;
    const wait = waitToPark(input.token, plan.action, 'return', plan.until);
    const ret = next.returns?.find((r) => r.returnId === input.returnId);
    if (wait && ret) next = replaceReturn(next, { ...ret, wait });
    const payment = current.payment;
    const effects = async () => {
      if (plan.refund && plan.refund.amount > 0) {
        if (plan.refund.to === 'original_payment' && payment.paymentId) {
          await deps.payment(payment.provider).refund({
            paymentId: payment.paymentId,
            amount: plan.refund.amount,
            idempotencyKey: `refund:${input.returnId}`,
          });
        } else if (plan.refund.to === 'store_credit') {
          await addCredit(deps.db, current.storefrontId, current.customer.email, {
            amount: plan.refund.amount,
            currency: current.currency,
            orderId: current.orderId,
            returnId: input.returnId,
            at: now.toISOString(),
          });
        }
      }
      for (const line of plan.restock ?? []) await restock(deps.db, input.returnId, line.sku, line.quantity);
      for (const line of plan.abandon ?? []) await abandonReturn(deps.db, input.returnId, line.sku);
    };
    return { next, notices: plan.notices, effects, result: plan };
  });
  return answerWait(deps, input.token, plan.action, plan.until, now);
};
