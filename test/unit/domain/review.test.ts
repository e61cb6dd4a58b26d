// The review command's rules (functions/domain/review.ts): a decision is recorded once for an order IN_REVIEW,
// the same decision again changes nothing, another decision or an order not in review is refused with 409.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../functions/domain/errors';
import type { OrderRecord } from '../../../functions/domain/order';
import { reviewWakeAction, withReviewDecision } from '../../../functions/domain/review';
import { orderWake } from '../../../functions/domain/waits';
import { anOrder, daysAfter, T0 } from '../helpers/orders';

const AT = daysAfter(T0, 0.5);
const inReview = (): OrderRecord =>
  anOrder({
    status: 'IN_REVIEW',
    review: { requestedAt: T0, until: daysAfter(T0, 2) },
    wait: { stage: 'review', token: 'review-token', until: daysAfter(T0, 2) },
  });
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConflictError) return error.code;
    throw error;
  }
  return undefined;
};

describe('withReviewDecision', () => {
  it('records the decision, its note, ops and the time, and puts it into the inbox', () => {
    const next = withReviewDecision(inReview(), { decision: 'approve', note: 'called the customer' }, AT)!;

    expect(next.review).toMatchObject({
      decision: 'approve',
      note: 'called the customer',
      decidedBy: 'ops',
      decidedAt: AT,
    });
    expect(reviewWakeAction(next)).toBe('approve');
  });

  it('wakes the parked review with the decision and its original deadline', () => {
    const next = withReviewDecision(inReview(), { decision: 'reject' }, AT)!;

    expect(orderWake(next, { daySeconds: 86_400, delayGraceDays: 1 })).toEqual({
      token: 'review-token',
      action: 'reject',
      until: daysAfter(T0, 2),
    });
  });

  it('changes nothing for the same decision again, also once the order went on', () => {
    const decided = withReviewDecision(inReview(), { decision: 'approve' }, AT)!;

    expect(withReviewDecision(decided, { decision: 'approve' }, AT)).toBeUndefined();
    expect(
      withReviewDecision({ ...decided, status: 'CONFIRMED' }, { decision: 'approve' }, AT),
    ).toBeUndefined();
  });

  it('refuses another decision once one is recorded', () => {
    const decided = withReviewDecision(inReview(), { decision: 'approve' }, AT)!;

    expect(codeOf(() => withReviewDecision(decided, { decision: 'reject' }, AT))).toBe(
      'REVIEW_ALREADY_DECIDED',
    );
  });

  it.each(['RECEIVED', 'CONFIRMED', 'CANCELLATION_REQUESTED', 'REJECTED'] as const)(
    'refuses an order that is %s with NOT_IN_REVIEW',
    (status) => {
      expect(codeOf(() => withReviewDecision({ ...inReview(), status }, { decision: 'approve' }, AT))).toBe(
        'NOT_IN_REVIEW',
      );
    },
  );
});
