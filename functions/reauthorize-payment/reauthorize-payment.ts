// The parcel has not shipped and the authorization is about to lapse, or has lapsed at the payment provider (a
// payment webhook recorded it and woke the shipment wait with `renew`): renew it. Either outcome deals with the
// recorded lapse. A declined renewal ends the order (AuthorizationExpiredError → compensation → CANCELLED with
// reason `authorization_expired`).
import type { CoreDeps, PaymentDeps } from '../runtime/deps';
import { AuthorizationExpiredError, PaymentDeclinedError } from '../domain/errors';
import { markApplied } from '../domain/inbox';
import { withTimeline } from '../domain/order';
import { addDays } from '../domain/time';
import { commitStep } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';
import { shipmentWait, type WakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps;

export const reauthorizePayment = async (deps: StepDeps, input: { orderId: string }): Promise<WakeSignal> => {
  const order = await requireOrder(deps.db, input.orderId);
  const { payment } = order;
  const now = deps.now();
  if (payment.status !== 'AUTHORIZED' || !payment.paymentId) {
    throw new AuthorizationExpiredError(`payment is ${payment.status}, nothing to renew`);
  }
  // The wait ends a business day before the hold lapses. A hold that lasts longer than two more days was renewed
  // already, by a run whose answer was lost: nothing to do but wait again.
  if (
    payment.authorizationExpiresAt &&
    payment.authorizationExpiresAt > addDays(now, 2, deps.config.daySeconds)
  ) {
    return shipmentWait(order, now, deps.config.daySeconds);
  }
  // One renewal per expiry date: a retried step renews the same authorization, not a second time.
  const renewalKey = `reauthorize:${order.orderId}:${payment.authorizationExpiresAt ?? 'none'}`;
  try {
    const renewed = await deps.payment(payment.provider).reauthorize({
      orderId: order.orderId,
      paymentId: payment.paymentId,
      amount: payment.authorizedAmount,
      currency: order.currency,
      token: order.paymentToken,
      idempotencyKey: renewalKey,
    });
    const { order: stored } = await commitStep(deps, order.orderId, (current) => ({
      next: withTimeline(
        {
          ...markApplied(current, ['payment']),
          payment: {
            ...current.payment,
            paymentId: renewed.paymentId,
            authorizedAmount: renewed.amount,
            authorizationExpiresAt: renewed.expiresAt,
          },
        },
        now.toISOString(),
        'PAYMENT_REAUTHORIZED',
      ),
      result: undefined,
    }));
    return shipmentWait(stored, now, deps.config.daySeconds);
  } catch (error) {
    if (!(error instanceof PaymentDeclinedError)) throw error;
    await commitStep(deps, order.orderId, (current) => ({
      next: withTimeline(
        { ...markApplied(current, ['payment']), payment: { ...current.payment, status: 'EXPIRED' } },
        now.toISOString(),
        'PAYMENT_AUTHORIZATION_EXPIRED',
      ),
      result: undefined,
    }));
    throw new AuthorizationExpiredError('the authorization could not be renewed before shipment', {
      cause: error,
    });
  }
};
