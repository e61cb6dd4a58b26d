// Follows a return parcel back to the warehouse (the return workflow). Called with a task token while waiting
// (apply scans, then park or resume at once) or without one when the wait timed out. When the parcel is back it
// refunds (or credits) the amount quoted when the return opened, restocks the items and tells the customer; a
// parcel that never comes back expires the return. All deciding is in `planReturn` (functions/domain/return-tracking.ts), a pure function.
import * as z from 'zod';
import { planReturn, replaceReturn } from '../domain/return-tracking';
import type { WakeSignal } from '../domain/waits';
import { addCredit } from '../adapters/credit-store';
import { abandonReturn, restock } from '../adapters/inventory-store';
import type { CoreDeps, MessagingDeps, PaymentDeps, TrackingLinkDeps, WorkflowDeps } from '../runtime/deps';
import { noticeContext } from '../runtime/notice-context';
import { answerWait, commitStep, orderInput, waitToPark } from '../runtime/step';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps & MessagingDeps & TrackingLinkDeps & WorkflowDeps;

export const trackReturnInput = orderInput.extend({
  returnId: z.string().min(1).max(64),
});
export type TrackReturnInput = z.infer<typeof trackReturnInput>;

export const trackReturn = async (
  deps: StepDeps,
  input: TrackReturnInput,
): Promise<WakeSignal | undefined> => {
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
