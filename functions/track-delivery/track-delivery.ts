// Follows the parcel to the door. Called with a task token while the workflow waits for delivery (apply what
// arrived, then park or resume at once), or without one when the wait timed out (the deadline passed). All the
// deciding is in `planDelivery` (functions/domain/delivery.ts), a pure function of the order and the time.
import * as z from 'zod';
import type {
  CarrierDeps,
  CoreDeps,
  MessagingDeps,
  PaymentDeps,
  TrackingLinkDeps,
  WorkflowDeps,
} from '../runtime/deps';
import { automaticReturnFor, hasPendingCancel, interceptQuestion } from '../domain/cancellation';
import { planDelivery } from '../domain/delivery';
import type { OrderRecord } from '../domain/order';
import type { InterceptResult } from '../domain/providers';
import type { WakeSignal } from '../domain/waits';
import { expectReturn, restock } from '../adapters/inventory-store';
import { requireOrder } from '../adapters/order-store';
import { noticeContext } from '../runtime/notice-context';
import { answerWait, commitStep, orderInput, waitToPark } from '../runtime/step';
import { openReturn } from '../services/open-return';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps & CarrierDeps & MessagingDeps & TrackingLinkDeps & WorkflowDeps;

export const trackInput = orderInput.extend({
  token: z.string().min(1).optional(),
  until: z.iso.datetime().optional(),
});
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
  const { durations, daySeconds } = deps.config;
  const policy = {
    daySeconds,
    delayGraceDays: durations.delayGraceDays,
    lostParcelDays: durations.lostParcelDays,
  };
  const ctx = await noticeContext(deps);
  const intercept = await askForIntercept(deps, await requireOrder(deps.db, input.orderId));
  const { order, result: plan } = await commitStep(deps, input.orderId, (current) => {
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
  if (plan.alert && order.status === 'DELIVERY_FAILED') await deps.messaging.alertOps(plan.alert);
  // A cancelled parcel delivered anyway comes back as a return the system opens.
  const automaticReturn = automaticReturnFor(order);
  if (automaticReturn) await openReturn(deps, order.orderId, automaticReturn);
  return answerWait(deps, input.token, plan.action, plan.until, now);
};
