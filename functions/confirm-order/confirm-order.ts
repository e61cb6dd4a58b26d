// Stock is held and the payment authorized: the order is confirmed and the customer told (email, and SMS when
// they opted in).
import * as z from 'zod';
import { assertNotCancelled } from '../domain/cancellation';
import type { CoreDeps, MessagingDeps, TrackingLinkDeps } from '../runtime/deps';
import { isForward, withTimeline } from '../domain/order';
import { noticeContext } from '../runtime/notice-context';
import { planNotice } from '../domain/notices';
import { commitStep, orderInput } from '../runtime/step';

/** The parts this step uses. */
type StepDeps = CoreDeps & MessagingDeps & TrackingLinkDeps;

export const confirmInput = orderInput.extend({
  risk: z.object({
    score: z.number(),
    decision: z.enum(['approve', 'review', 'reject']),
    reasons: z.array(z.string()),
  }),
});

export const confirmOrder = async (deps: StepDeps, input: z.infer<typeof confirmInput>): Promise<void> => {
  const at = deps.now().toISOString();
  const ctx = await noticeContext(deps);
  await commitStep(deps, input.orderId, (order) => {
    assertNotCancelled(order);
    if (!isForward(order.status, 'CONFIRMED')) return { next: undefined, result: undefined };
    return {
      next: withTimeline({ ...order, status: 'CONFIRMED', risk: input.risk }, at, 'ORDER_CONFIRMED'),
      notices: planNotice(order, 'order_confirmation', 'order', ctx, at),
      result: undefined,
    };
  });
};
