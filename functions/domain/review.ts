// Manual review of an order the risk rules held (the `review` band). The workflow reserves the stock and
// authorizes the payment, then parks (AwaitReview: status IN_REVIEW, operators alerted once) until an operator's
// decision, a cancellation or the review deadline. The operator's decision goes into the order's inbox like any
// outside event (functions/domain/inbox.ts), so a decision recorded while the step parks is not lost.
import { hasPendingCancel } from './cancellation';
import { ConflictError } from './errors';
import { isForward, withTimeline, type OrderRecord, type ReviewState } from './order';
import type { ReviewRequest } from './requests';

export const reviewEventKey = 'review';

/** The review a `review` assessment opens: it must be decided by `until`. */
export const openReview = (order: OrderRecord, at: string, until: string): OrderRecord =>
  order.review ? order : { ...order, review: { requestedAt: at, until } };

/**
 * The order with an operator's decision recorded, or undefined when the same decision is recorded already (a
 * repeated request changes nothing). Throws `409 NOT_IN_REVIEW` when the order does not wait for a review, and
 * `409 REVIEW_ALREADY_DECIDED` when another decision was recorded first.
 */
export const withReviewDecision = (
  order: OrderRecord,
  request: ReviewRequest,
  at: string,
): OrderRecord | undefined => {
  const recorded = order.review?.decision;
  if (recorded === request.decision) return undefined;
  if (recorded) {
    throw new ConflictError(
      'REVIEW_ALREADY_DECIDED',
      `order ${order.orderId} was already reviewed: ${recorded}`,
    );
  }
  if (order.status !== 'IN_REVIEW' || !order.review) {
    throw new ConflictError('NOT_IN_REVIEW', `order ${order.orderId} is ${order.status}, not IN_REVIEW`);
  }
  const review: ReviewState = {
    ...order.review,
    decision: request.decision,
    note: request.note,
    decidedBy: 'ops',
    decidedAt: at,
  };
  return withTimeline(
    {
      ...order,
      review,
      inbox: {
        ...order.inbox,
        [reviewEventKey]: {
          kind: 'review',
          decision: request.decision,
          receivedAt: at,
          occurredAt: at,
          applied: false,
        },
      },
    },
    at,
    'REVIEW_DECIDED',
    { decision: request.decision },
  );
};

/**
 * How the review wait ends, if it does: a cancellation wins (nothing has shipped, and the customer asked), then
 * the operator's decision.
 */
export const reviewWakeAction = (order: OrderRecord): 'cancel' | 'approve' | 'reject' | undefined => {
  if (hasPendingCancel(order)) return 'cancel';
  const event = order.inbox[reviewEventKey];
  return event && !event.applied ? event.decision : undefined;
};

/** The order parked for review: IN_REVIEW (once), with the wait operators' decisions wake. */
export const parkedForReview = (
  order: OrderRecord,
  token: string,
  until: string,
  at: string,
): OrderRecord => {
  const waiting: OrderRecord = { ...order, wait: { stage: 'review', token, until } };
  return isForward(order.status, 'IN_REVIEW')
    ? withTimeline({ ...waiting, status: 'IN_REVIEW' }, at, 'REVIEW_REQUESTED')
    : waiting;
};
