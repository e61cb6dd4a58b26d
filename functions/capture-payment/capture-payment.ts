// The parcel has shipped: capture the payment (exactly once: the provider call is keyed by the order and the
// order records the capture), commit the reserved stock, and send the shipping notice with its tracking link.
import type { CoreDeps, MessagingDeps, PaymentDeps, TrackingLinkDeps } from '../runtime/deps';
import { CaptureFailedError, PaymentDeclinedError } from '../domain/errors';
import { markApplied } from '../domain/inbox';
import { commit } from '../adapters/inventory-store';
import { isForward, withTimeline } from '../domain/order';
import { noticeContext } from '../runtime/notice-context';
import { planNotice } from '../domain/notices';
import { commitStep } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';
import { deliveryDeadline, wakeSignal, type WakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps & MessagingDeps & TrackingLinkDeps;

export const capturePayment = async (deps: StepDeps, input: { orderId: string }): Promise<WakeSignal> => {
  const order = await requireOrder(deps.db, input.orderId);
  const { payment } = order;
  const now = deps.now();
  if (payment.status !== 'AUTHORIZED' && payment.status !== 'CAPTURED') {
    throw new Error(`cannot capture a payment that is ${payment.status}`);
  }
  if (payment.status === 'AUTHORIZED' && !payment.paymentId) {
    throw new Error('cannot capture an authorization that has no payment id');
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
