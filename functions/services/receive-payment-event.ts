// A verified payment provider event (payment-events.ts): the order of its payment is found by payment id (the
// byPayment index), the event's effect is stored in one version-conditional write that also records the event's
// id, and, when that write changed the order, operators are alerted (a flag) and a parked shipment wait the event
// matters to is woken (a lapse: `renew`). A redelivered event, one about a payment no order holds now, or one that
// no longer matters changes nothing and alerts no one.
import type { CoreDeps, TopicDeps, WorkflowDeps } from '../runtime/deps';
import { logger } from '../runtime/observability';
import { paymentEventEffect, type PaymentEvent } from '../domain/payment-events';
import type { OpsAlert } from '../domain/notices';
import { orderWake, waitPolicy, wakeSignal } from '../domain/waits';
import { findOrderIdByPayment, mutateOrder } from '../adapters/order-store';

export type PaymentEventOutcome = 'recorded' | 'ignored';

export const receivePaymentEvent = async (
  deps: CoreDeps & TopicDeps & WorkflowDeps,
  event: PaymentEvent,
): Promise<PaymentEventOutcome> => {
  const orderId = await findOrderIdByPayment(deps.db, event.paymentId);
  if (!orderId) {
    // Ids only: the event names a payment, never a person.
    logger.info('payment event for a payment no order holds', { eventId: event.eventId, type: event.type });
    return 'ignored';
  }
  const receivedAt = deps.now().toISOString();
  let alerted = false;
  const { order, changed } = await mutateOrder<OpsAlert | undefined>(
    deps.db,
    orderId,
    (current) => {
      const effect = paymentEventEffect(current, event, receivedAt);
      return { next: effect?.next, result: effect?.alert };
    },
    deps.now,
    undefined,
    {
      // Before the write, so that an alert that could not be sent fails the request and the provider's redelivery
      // tries again (the event is not recorded yet); once per delivery however often the write loses a race.
      beforeWrite: async ({ next, result: alert }) => {
        if (!next || !alert || alerted) return;
        await deps.messaging.alertOps(alert);
        alerted = true;
      },
    },
  );
  if (!changed) {
    logger.info('payment event changed nothing', { orderId, eventId: event.eventId, type: event.type });
    return 'ignored';
  }
  const due = orderWake(order, waitPolicy(deps.config));
  if (due) await deps.workflow.resume(due.token, wakeSignal(due.action, due.until, deps.now()));
  return 'recorded';
};
