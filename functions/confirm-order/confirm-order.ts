// An order approved in review is confirmed and the customer told (email, and SMS when they opted in); an order
// approved at once was confirmed by AuthorizePayment already. Answers with the shipment wait, which BuyLabel parks
// on once the label is bought.
import type * as z from 'zod';
import { assertNotCancelled } from '../domain/cancellation';
import { confirmation } from '../domain/confirmation';
import type { CoreDeps, MessagingDeps, TrackingLinkDeps } from '../runtime/deps';
import { noticeContext } from '../runtime/notice-context';
import { commitStep, orderInput, riskInput } from '../runtime/step';
import { shipmentWait, type WakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & MessagingDeps & TrackingLinkDeps;

export const confirmInput = orderInput.extend({ risk: riskInput });

export const confirmOrder = async (
  deps: StepDeps,
  input: z.infer<typeof confirmInput>,
): Promise<WakeSignal> => {
  const now = deps.now();
  const at = now.toISOString();
  const ctx = await noticeContext(deps);
  const { order } = await commitStep(deps, input.orderId, (order) => {
    assertNotCancelled(order);
    const confirmed = confirmation(order, input.risk, ctx, at);
    return { next: confirmed?.next, notices: confirmed?.notices, result: undefined };
  });
  return shipmentWait(order, now, deps.config.daySeconds);
};
