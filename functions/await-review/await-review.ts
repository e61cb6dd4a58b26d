// Parks the workflow until an operator reviews an order the risk rules held. Called with a task token once stock
// is reserved and the payment authorized: a decision or a cancellation already in the inbox resumes its own token
// at once; otherwise it stores the token with the order (IN_REVIEW), where the review and cancel calls find it,
// and tells the operators once. The review deadline is the wait's timeout (TimeoutSecondsPath).
import type { CoreDeps, TopicDeps, WorkflowDeps } from '../runtime/deps';
import { markApplied } from '../domain/inbox';
import { parkedForReview, reviewWakeAction } from '../domain/review';
import { commitStep, type ParkInput } from '../runtime/step';
import { wakeSignal } from '../domain/waits';

/** The parts this step uses. */
type StepDeps = CoreDeps & TopicDeps & WorkflowDeps;

/**
 * `approve` or `reject` (the operator's decision), `cancel` (the customer's), `timeout` when the deadline has
 * passed already (a late or restarted park); otherwise parked.
 */
export const awaitReview = async (deps: StepDeps, input: ParkInput): Promise<void> => {
  const now = deps.now();
  const at = now.toISOString();
  let alerted = false;
  const { result } = await commitStep(deps, input.orderId, (current) => {
    const action = reviewWakeAction(current);
    if (action) {
      return { next: { ...markApplied(current, ['review']), wait: undefined }, result: action };
    }
    if (Date.parse(input.until) <= now.getTime()) return { next: undefined, result: 'timeout' as const };
    const parked = parkedForReview(current, input.token, input.until, at);
    if (current.review?.alertedAt) return { next: parked, result: 'parked' as const };
    const review = current.review ?? { requestedAt: at, until: input.until };
    return {
      next: { ...parked, review: { ...review, alertedAt: at } },
      // Before the write, so that a lost alert is retried with the step; once per invocation however often the
      // write loses a race.
      effects: async () => {
        if (alerted) return;
        await deps.messaging.alertOps({
          kind: 'review_needed',
          subject: `Order ${current.orderId} needs a review`,
          text:
            `Order ${current.orderId} scored ${current.risk?.score ?? '?'} ` +
            `(${(current.risk?.reasons ?? []).join(', ') || 'no reasons'}). Stock is reserved and the payment ` +
            `authorized. Approve or reject it with POST /orders/${current.orderId}/review by ${input.until}; ` +
            'without a decision it is rejected then.',
          orderId: current.orderId,
        });
        alerted = true;
      },
      result: 'parked' as const,
    };
  });
  if (result !== 'parked') await deps.workflow.resume(input.token, wakeSignal(result, input.until, now));
};
