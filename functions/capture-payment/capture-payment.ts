// The parcel has shipped: capture the payment (exactly once: the provider call is keyed by the order and the
// order records the capture), commit the reserved stock, send the shipping notice with its tracking link, and
// start the delivery wait. Invoked with a task token (the ship wake carries the delivery wait's deadline), it
// stores the token in the same write as the capture, or resumes it at once when scans or a cancellation are
// already waiting for TrackDelivery; without one it answers with the wait.
import { redriveKey } from '../domain/redrive';
import type { CoreDeps, MessagingDeps, PaymentDeps, TrackingLinkDeps, WorkflowDeps } from '../runtime/deps';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps & MessagingDeps & TrackingLinkDeps & WorkflowDeps;
import { hasPendingCancel } from '../domain/cancellation';
import { CaptureFailedError, PaymentDeclinedError } from '../domain/errors';
import { markApplied, pendingCarrierEvents } from '../domain/inbox';
import { commit } from '../adapters/inventory-store';
import { isForward, withTimeline, type OrderRecord } from '../domain/order';
import { noticeContext } from '../runtime/notice-context';
import { planNotice, type PlannedNotice } from '../domain/notices';
import { commitStep, parkedOn, type OrderInput } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';
import { deliveryDeadline, wakeSignal, type WakeSignal } from '../domain/waits';

export const capturePayment = async (deps: StepDeps, input: OrderInput): Promise<WakeSignal | undefined> => {
  const order = await requireOrder(deps.db, input.orderId);
  const { payment } = order;
  const now = deps.now();
  const parked = parkedOn(input);
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
        idempotencyKey: redriveKey(`capture:${order.orderId}`, order),
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
  const { order: stored, result: action } = await commitStep(deps, order.orderId, (current) => {
    let shipped: OrderRecord = current;
    let notices: PlannedNotice[] = [];
    if (!current.shipment?.shippedAt) {
      shipped = markApplied(
        {
          ...current,
          status: isForward(current.status, 'SHIPPED') ? 'SHIPPED' : current.status,
          payment: { ...current.payment, status: 'CAPTURED', capturedAmount },
          shipment: current.shipment && { ...current.shipment, shippedAt: at },
          wait: undefined,
        },
        ['ship'],
      );
      shipped = withTimeline(shipped, at, 'PAYMENT_CAPTURED', { amount: capturedAmount });
      shipped = withTimeline(shipped, at, 'SHIPPED', {
        trackingNumber: current.shipment?.trackingNumber ?? '',
      });
      notices = planNotice(shipped, 'shipping_confirmation', 'shipment', ctx, at);
    }
    if (!parked) return { next: shipped === current ? undefined : shipped, notices, result: 'wait' as const };
    // Scans that came with the shipment, or a cancellation: TrackDelivery applies them at once.
    if (pendingCarrierEvents(shipped).length > 0 || hasPendingCancel(shipped)) {
      return { next: shipped === current ? undefined : shipped, notices, result: 'recheck' as const };
    }
    const wait = { stage: 'delivery' as const, token: parked.token, until: parked.until };
    return { next: { ...shipped, wait }, notices, result: 'wait' as const };
  });
  if (!parked) {
    const { delayGraceDays } = deps.config.durations;
    return wakeSignal('wait', deliveryDeadline(stored, delayGraceDays, deps.config.daySeconds), now);
  }
  if (action !== 'wait') await deps.workflow.resume(parked.token, wakeSignal(action, parked.until, now));
  return undefined;
};
