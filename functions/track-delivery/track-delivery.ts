// Follows the parcel to the door. Called with a task token while the workflow waits for delivery (apply what
// arrived, then park or resume at once), or without one when the wait timed out (the deadline passed). All the
// deciding is in `planDelivery` (functions/domain/delivery.ts), a pure function of the order and the time.
import type * as z from 'zod';
import type {
  CarrierDeps,
  CoreDeps,
  MessagingDeps,
  PaymentDeps,
  TrackingLinkDeps,
  WorkflowDeps,
} from '../runtime/deps';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps & CarrierDeps & MessagingDeps & TrackingLinkDeps & WorkflowDeps;
import { automaticReturnFor, hasPendingCancel, interceptQuestion } from '../domain/cancellation';
import { deliveryPolicy, planDelivery } from '../domain/delivery';
import { TransientError } from '../domain/errors';
import type { OrderRecord } from '../domain/order';
import type { InterceptResult } from '../domain/providers';
import type { WakeSignal } from '../domain/waits';
import { expectReturn, restock } from '../adapters/inventory-store';
import { requireOrder } from '../adapters/order-store';
import { noticeContext } from '../runtime/notice-context';
import { answerWait, commitStep, orderInput, waitToPark } from '../runtime/step';
import { openReturn } from '../services/open-return';

export const trackInput = orderInput;
export type TrackInput = z.infer<typeof trackInput>;

/** The carrier's answer to a cancellation after shipment, when there is one to ask for (cancellation.ts). */
const askForIntercept = async (deps: StepDeps, order: OrderRecord): Promise<InterceptResult | undefined> => {
  const question = interceptQuestion(order);
  if (question.kind === 'none') return undefined;
  if (question.kind === 'answered') return question.answer;
  return deps.carrier.intercept(question.request);
};

export const trackDelivery = async (deps: StepDeps, input: TrackInput): Promise<WakeSignal | undefined> => {
  const now = deps.now();
  const policy = deliveryPolicy(deps.config);
  const ctx = await noticeContext(deps);
  const order = await requireOrder(deps.db, input.orderId);
  // CapturePayment's wait timed out while its invocation still runs: the parcel is tracked once the capture (and
  // the token it parks) is stored, so that no wait parked here is overwritten by it.
  if (!order.shipment?.shippedAt)
    throw new TransientError(`order ${order.orderId} has no shipment recorded yet`);
  const intercept = await askForIntercept(deps, order);
  const { order: stored, result: plan } = await commitStep(deps, input.orderId, (current) => {
    const plan = planDelivery(current, now, policy, ctx, intercept);
    // A cancellation that came in after the intercept question was asked: do not park, look again at once.
    const action = plan.action === 'wait' && hasPendingCancel(plan.next) ? 'recheck' : plan.action;
    const wait = waitToPark(input.token, action, 'delivery', plan.until);
    const parked = wait ? { ...plan.next, wait } : plan.next;
    const payment = current.payment;
    const effects = async () => {
      if (plan.refund > 0 && payment.paymentId) {
        await deps.payment(payment.provider).refund({
          paymentId: payment.paymentId,
          amount: plan.refund,
          idempotencyKey: `refund:${plan.action}:${current.orderId}`,
        });
      }
      for (const item of current.items) {
        if (plan.expectBack) await expectReturn(deps.db, plan.expectBack, item.sku);
        if (plan.restock) await restock(deps.db, plan.restock, item.sku, item.quantity);
      }
    };
    return { next: parked, notices: plan.notices, effects, result: { ...plan, action } };
  });
  if (plan.alert && stored.status === 'DELIVERY_FAILED') await deps.messaging.alertOps(plan.alert);
  // A cancelled parcel delivered anyway comes back as a return the system opens.
  const automaticReturn = automaticReturnFor(stored);
  if (automaticReturn) await openReturn(deps, stored.orderId, automaticReturn);
  return answerWait(deps, input.token, plan.action, plan.until, now);
};
