// The parcel has shipped: capture the payment (exactly once: the provider call is keyed by the order and the
// order records the capture), commit the reserved stock, and send the shipping notice with its tracking link.
import type { Deps } from '../shared/deps';
import { CaptureFailedError, PaymentDeclinedError } from '../shared/errors';
import { markApplied } from '../shared/inbox';
import { commit } from '../shared/inventory';
import { isForward, withTimeline } from '../shared/model';
import { noticeContext } from '../shared/notice-context';
import { planNotice } from '../shared/notices';
import { commitStep } from '../shared/step';
import { requireOrder } from '../shared/store';
import { deliveryDeadline } from '../shared/waits';
import { wakeSignal, type WakeSignal } from '../shared/workflow';

export const capturePayment = async (deps: Deps, input: { orderId: string }): Promise<WakeSignal> => {
  const order = await requireOrder(deps.db, input.orderId);
  const { payment } = order;
  const now = deps.now();
  if (payment.status !== 'AUTHORIZED' && payment.status !== 'CAPTURED') {
    throw new Error(`cannot capture a payment that is ${payment.status}`);
  }
  let capturedAmount = payment.capturedAmount;
  if (payment.status === 'AUTHORIZED' && payment.paymentId) {
    try {
      ({ capturedAmount } = await deps.payment(payment.provider).capture({
        paymentId: payment.paymentId,
        amount: payment.authorizedAmount,
        idempotencyKey: `capture:${order.orderId}`,
      }));
    } catch (error) {
      if (error instanceof PaymentDeclinedError) {
        throw new CaptureFailedError(`the shipped order's capture was refused: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
  for (const item of order.items) await commit(deps.db, order.orderId, item.sku, item.quantity);
  const at = now.toISOString();
  const ctx = await noticeContext(deps);
  const { order: stored } = await commitStep(deps, order.orderId, (current) => {
    if (current.shipment?.shippedAt) return { next: undefined, result: undefined };
    let next = markApplied(
      {
        ...current,
        status: isForward(current.status, 'SHIPPED') ? 'SHIPPED' : current.status,
        payment: { ...current.payment, status: 'CAPTURED', capturedAmount },
        shipment: current.shipment && { ...current.shipment, shippedAt: at },
        wait: undefined,
      },
      ['ship'],
    );
    next = withTimeline(next, at, 'PAYMENT_CAPTURED', { amount: capturedAmount });
    next = withTimeline(next, at, 'SHIPPED', { trackingNumber: current.shipment?.trackingNumber ?? '' });
    return {
      next,
      notices: planNotice(next, 'shipping_confirmation', 'shipment', ctx, at),
      result: undefined,
    };
  });
  return wakeSignal(
    'wait',
    deliveryDeadline(stored, deps.config.durations.delayGraceDays, deps.config.daySeconds),
    now,
  );
};
