// Ends an order that will not be fulfilled, after the compensations have run: stores the closing that
// functions/domain/closing.ts plans from the error the workflow caught, and alerts operators of a failure.
import * as z from 'zod';
import { planClosing } from '../domain/closing';
import { finalStatuses } from '../domain/order';
import type { OrderStatus } from '../domain/requests';
import type { CoreDeps, MessagingDeps, TrackingLinkDeps } from '../runtime/deps';
import { noticeContext } from '../runtime/notice-context';
import { commitStep, orderInput } from '../runtime/step';

/** The parts this step uses. */
type StepDeps = CoreDeps & MessagingDeps & TrackingLinkDeps;

export const closeInput = orderInput.extend({
  error: z.object({ Error: z.string(), Cause: z.unknown().optional() }),
});
export type CloseInput = z.infer<typeof closeInput>;

export const closeOrder = async (deps: StepDeps, input: CloseInput): Promise<{ status: OrderStatus }> => {
  const at = deps.now().toISOString();
  const ctx = await noticeContext(deps);
  const { order, result } = await commitStep(deps, input.orderId, (current) => {
    // Shipped or already closed orders keep their status; a failure after shipment is for operators to resolve.
    if (finalStatuses.has(current.status))
      return { next: undefined, result: { status: current.status, alert: false } };
    const closing = planClosing(current, input, at, ctx);
    return { next: { ...closing.next, wait: undefined }, notices: closing.notices, result: closing };
  });
  if (result.alert) {
    await deps.messaging.alertOps({
      kind: 'workflow_failed',
      subject: `Order ${order.orderId} failed`,
      text: `The workflow of order ${order.orderId} stopped on ${input.error.Error}. Stock, authorization and label were released; see the execution history.`,
      orderId: order.orderId,
    });
  }
  return { status: order.status };
};
