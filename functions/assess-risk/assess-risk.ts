// AssessRisk: gathers what the store knows about the order's neighbours in the last business day (the customer,
// the payment method, the source IP), scores the order with the rules of functions/domain/risk.ts and the stage's
// bands. A `review` or `reject` assessment is stored with the order at once; `reject` then throws.
import { assertNotCancelled } from '../domain/cancellation';
import type { CoreDeps } from '../runtime/deps';
import { FraudSuspectedError } from '../domain/errors';
import type { OrderRecord, RiskAssessment } from '../domain/order';
import { customerHistory, otherCustomersSince, requireOrder } from '../adapters/order-store';
import { openReview } from '../domain/review';
import { scoreOrder, type RiskSignals } from '../domain/risk';
import { commitStep } from '../runtime/step';
import { addDays } from '../domain/time';
import { wakeSignal, type WakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps;

/** The assessment, and for a `review` the review wait (its deadline: the stage's review timeout). */
export type RiskOutcome = RiskAssessment & { wait?: WakeSignal['wait'] };

const riskSignals = async (deps: StepDeps, order: OrderRecord): Promise<RiskSignals> => {
  const since = addDays(deps.now(), -1, deps.config.daySeconds);
  const others = (index: 'byPaymentMethod' | 'bySourceIp', hash: string | undefined) =>
    hash ? otherCustomersSince(deps.db, index, hash, since, order.customerKey) : Promise.resolve(0);
  const [history, paymentMethodCustomers, sourceIpCustomers] = await Promise.all([
    customerHistory(deps.db, order.customerKey, since, order.orderId),
    others('byPaymentMethod', order.paymentFingerprint),
    others('bySourceIp', order.sourceIpHash),
  ]);
  return {
    recentOrders: history.recent,
    earlierOrders: history.earlier,
    paymentMethodCustomers,
    sourceIpCustomers,
  };
};

export const assessRisk = async (deps: StepDeps, input: { orderId: string }): Promise<RiskOutcome> => {
  const order = await requireOrder(deps.db, input.orderId);
  assertNotCancelled(order);
  const risk = scoreOrder(order, await riskSignals(deps, order), deps.config.riskThresholds);
  if (risk.decision === 'approve') return risk;
  const now = deps.now();
  const until = addDays(now, deps.config.durations.reviewTimeoutDays, deps.config.daySeconds);
  // Keep the score and reasons with the order before the workflow turns to the review or the rejection. A retry
  // keeps the review (and its deadline) the first run opened.
  const { order: stored } = await commitStep(deps, order.orderId, (current) => ({
    next: {
      ...(risk.decision === 'review' ? openReview(current, now.toISOString(), until) : current),
      risk,
    },
    result: undefined,
  }));
  if (risk.decision === 'reject')
    throw new FraudSuspectedError(`risk score ${risk.score}: ${risk.reasons.join(', ')}`);
  const deadline = stored.review?.until ?? until;
  return { ...risk, wait: wakeSignal('wait', deadline, now).wait };
};
