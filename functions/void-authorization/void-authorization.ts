// Compensation: releases an uncaptured authorization so no money stays held for an order that will not ship.
import type { Deps } from '../runtime/deps';
import { withTimeline } from '../domain/order';
import { commitStep } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';

export const voidAuthorization = async (deps: Deps, input: { orderId: string }): Promise<void> => {
  const order = await requireOrder(deps.db, input.orderId);
  const { payment } = order;
  if (payment.status !== 'AUTHORIZED' || !payment.paymentId) return;
  await deps
    .payment(payment.provider)
    .void({ paymentId: payment.paymentId, idempotencyKey: `void:${order.orderId}` });
  await commitStep(deps, order.orderId, (current) =>
    current.payment.status === 'AUTHORIZED'
      ? {
          next: withTimeline(
            { ...current, payment: { ...current.payment, status: 'VOIDED' } },
            deps.now().toISOString(),
            'PAYMENT_VOIDED',
          ),
          result: undefined,
        }
      : { next: undefined, result: undefined },
  );
};
