// Compensation: releases an uncaptured authorization so no money stays held for an order that will not ship. An
// authorization whose renewal was declined is `EXPIRED` a business day before its hold lapses, so it is released
// too (the providers treat releasing a lapsed hold as done).
import { redriveKey } from '../domain/redrive';
import type { PaymentStatus } from '../domain/order';
import type { CoreDeps, PaymentDeps } from '../runtime/deps';
import { withTimeline } from '../domain/order';
import { commitStep } from '../runtime/step';
import { requireOrder } from '../adapters/order-store';

/** The parts this step uses. */
type StepDeps = CoreDeps & PaymentDeps;

/** Statuses in which the provider may still hold the customer's money. */
const heldStatuses: ReadonlySet<PaymentStatus> = new Set(['AUTHORIZED', 'EXPIRED']);

export const voidAuthorization = async (deps: StepDeps, input: { orderId: string }): Promise<void> => {
  const order = await requireOrder(deps.db, input.orderId);
  const { payment } = order;
  if (!heldStatuses.has(payment.status) || !payment.paymentId) return;
  await deps
    .payment(payment.provider)
    .void({ paymentId: payment.paymentId, idempotencyKey: redriveKey(`void:${order.orderId}`, order) });
  await commitStep(deps, order.orderId, (current) =>
    heldStatuses.has(current.payment.status)
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
