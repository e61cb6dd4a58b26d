// Authorizes the order total (manual capture: the money moves only when the parcel ships). The provider call is
// keyed by the order, so a retried step gets the same authorization back instead of a second one.
import { redriveKey } from '../domain/redrive';
import { assertNotCancelled } from '../domain/cancellation';
import type { CoreDeps, PaymentDeps } from '../runtime/deps';
import { PaymentDeclinedError } from '../domain/errors';
import { withTimeline } from '../domain/order';
import { commitStep } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps;

export interface AuthorizationResult {
  paymentId: string;
  expiresAt: string;
}

export const authorizePayment = async (
  deps: StepDeps,
  input: { orderId: string },
): Promise<AuthorizationResult> => {
  const order = await requireOrder(deps.db, input.orderId);
  assertNotCancelled(order);
  if (
    order.payment.status === 'AUTHORIZED' &&
    order.payment.paymentId &&
    order.payment.authorizationExpiresAt
  ) {
    return { paymentId: order.payment.paymentId, expiresAt: order.payment.authorizationExpiresAt };
  }
  const provider = deps.payment(order.payment.provider);
  const at = deps.now().toISOString();
  try {
    const authorization = await provider.authorize({
      orderId: order.orderId,
      amount: order.total,
      currency: order.currency,
      token: order.paymentToken,
      idempotencyKey: redriveKey(`authorize:${order.orderId}`, order),
    });
    await commitStep(deps, order.orderId, (current) => ({
      next: withTimeline(
        {
          ...current,
          payment: {
            ...current.payment,
            status: 'AUTHORIZED',
            paymentId: authorization.paymentId,
            authorizedAmount: authorization.amount,
            authorizationExpiresAt: authorization.expiresAt,
          },
        },
        at,
        'PAYMENT_AUTHORIZED',
        { amount: authorization.amount },
      ),
      result: undefined,
    }));
    return { paymentId: authorization.paymentId, expiresAt: authorization.expiresAt };
  } catch (error) {
    if (error instanceof PaymentDeclinedError) {
      await commitStep(deps, order.orderId, (current) => ({
        next: withTimeline(
          { ...current, payment: { ...current.payment, status: 'DECLINED' } },
          at,
          'PAYMENT_DECLINED',
        ),
        result: undefined,
      }));
    }
    throw error;
  }
};
