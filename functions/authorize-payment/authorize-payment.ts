// Authorizes the order total (manual capture: the money moves only when the parcel ships). The provider call is
// keyed by the order, so a retried step gets the same authorization back instead of a second one. An order the risk
// assessment approved is confirmed in the same write (CONFIRMED, the customer told) and the answer is its shipment
// wait, which BuyLabel parks on; an order held for review is confirmed by ConfirmOrder once an operator approves.
import type * as z from 'zod';
import { assertNotCancelled, cancelEventKey } from '../domain/cancellation';
import { redriveKey } from '../domain/redrive';
import { confirmation } from '../domain/confirmation';
import type { CoreDeps, MessagingDeps, PaymentDeps, TrackingLinkDeps } from '../runtime/deps';
import { PaymentDeclinedError } from '../domain/errors';
import { withTimeline, type OrderRecord } from '../domain/order';
import { noticeContext } from '../runtime/notice-context';
import { commitStep, orderInput, riskInput } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';
import { shipmentWait, type WakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps & MessagingDeps & TrackingLinkDeps;

export const authorizeInput = orderInput.extend({ risk: riskInput });

/** Approved: the shipment wait of the order it confirmed. Held for review: `review` (the review wait follows). */
export type AuthorizationOutcome = WakeSignal | { action: 'review' };

interface Authorization {
  paymentId: string;
  amount: number;
  expiresAt: string;
}

/** The authorization the order holds already, if any (a retried step). */
const heldBy = (order: OrderRecord): Authorization | undefined =>
  order.payment.status === 'AUTHORIZED' && order.payment.paymentId && order.payment.authorizationExpiresAt
    ? {
        paymentId: order.payment.paymentId,
        amount: order.payment.authorizedAmount,
        expiresAt: order.payment.authorizationExpiresAt,
      }
    : undefined;

/** The provider's authorization of the total; a decline is recorded on the order before it is thrown. */
const authorize = async (deps: StepDeps, order: OrderRecord, at: string): Promise<Authorization> => {
  try {
    return await deps.payment(order.payment.provider).authorize({
      orderId: order.orderId,
      amount: order.total,
      currency: order.currency,
      token: order.paymentToken,
      idempotencyKey: redriveKey(`authorize:${order.orderId}`, order),
    });
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

export const authorizePayment = async (
  deps: StepDeps,
  input: z.infer<typeof authorizeInput>,
): Promise<AuthorizationOutcome> => {
  const now = deps.now();
  const at = now.toISOString();
  const order = await requireOrder(deps.db, input.orderId);
  assertNotCancelled(order);
  const authorization = heldBy(order) ?? (await authorize(deps, order, at));
  const approved = input.risk.decision === 'approve';
  const ctx = approved ? await noticeContext(deps) : undefined;
  // One write: the authorization (unless a retry finds it stored) and, for an approved order, the confirmation. A
  // cancellation that came in meanwhile still gets the authorization recorded, for VoidAuthorization to release.
  const { order: stored } = await commitStep(deps, order.orderId, (current) => {
    const authorized = heldBy(current)
      ? current
      : withTimeline(
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
        );
    const confirmed =
      ctx && !(cancelEventKey in current.inbox) ? confirmation(authorized, input.risk, ctx, at) : undefined;
    return { next: confirmed?.next ?? authorized, notices: confirmed?.notices, result: undefined };
  });
  assertNotCancelled(stored);
  return approved ? shipmentWait(stored, now, deps.config.daySeconds) : { action: 'review' };
};
