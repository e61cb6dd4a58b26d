// Stock is held and the payment authorized: the order is confirmed and the customer told (email, and SMS when
// they opted in). Answers with the shipment wait, which BuyLabel parks on once the label is bought.
import * as z from 'zod';
import { assertNotCancelled } from '../domain/cancellation';
import type { CoreDeps, MessagingDeps, TrackingLinkDeps } from '../runtime/deps';
import { isForward, withTimeline } from '../domain/order';
import { noticeContext } from '../runtime/notice-context';
import { planNotice } from '../domain/notices';
import { commitStep, orderInput } from '../runtime/step';
import { shipmentWait, type WakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & MessagingDeps & TrackingLinkDeps;

export const confirmInput = orderInput.extend({
  risk: z.object({
    score: z.number(),
    decision: z.enum(['approve', 'review', 'reject']),
    reasons: z.array(z.string()),
  }),
});

export const confirmOrder = async (
  deps: StepDeps,
  input: z.infer<typeof confirmInput>,
): Promise<WakeSignal> => {
  const now = deps.now();
  const at = now.toISOString();
  const ctx = await noticeContext(deps);
  const { order } = await commitStep(deps, input.orderId, (order) => {
    assertNotCancelled(order);
    if (!isForward(order.status, 'CONFIRMED')) return { next: undefined, result: undefined };
    return {
      next: withTimeline({ ...order, status: 'CONFIRMED', risk: input.risk }, at, 'ORDER_CONFIRMED'),
      notices: planNotice(order, 'order_confirmation', 'order', ctx, at),
      result: undefined,
    };
  });
  return shipmentWait(order, now, deps.config.daySeconds);
};
