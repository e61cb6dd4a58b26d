// AwaitReview, which parks an order the risk rules held until an operator decides: with nothing in the inbox it
// stores its token (IN_REVIEW) and alerts the operators once; a decision or a cancellation already in the inbox
// resumes its own token at once; a deadline already passed resumes it with `timeout`.
import { describe, expect, it } from 'vitest';
import { awaitReview } from '../../../functions/await-review/await-review';
import { withCancellationRequest } from '../../../functions/domain/cancellation';
import type { OrderRecord } from '../../../functions/domain/order';
import { withReviewDecision } from '../../../functions/domain/review';
import type { ParkInput } from '../../../functions/runtime/step';
import { anOrderId, useStepWorld } from '../helpers/deps';
import { anOrder, daysAfter, T0 } from '../helpers/orders';

const NOW = daysAfter(T0, 0.1);
const UNTIL = daysAfter(T0, 2);
const TOKEN = 'task-token-await-review';

describe('awaitReview', () => {
  const world = useStepWorld();

  /** An order in the review band, its stock reserved and payment authorized, not yet parked. */
  const aHeldOrder = async (change: (order: OrderRecord) => OrderRecord = (o) => o) => {
    world.clock.set(NOW);
    return world.storeOrder(
      change(
        anOrder({
          orderId: anOrderId(),
          risk: { score: 70, decision: 'review', reasons: ['very_high_value'] },
          review: { requestedAt: T0, until: UNTIL },
        }),
      ),
    );
  };
  const park = (order: OrderRecord, until = UNTIL): ParkInput => ({
    orderId: order.orderId,
    token: TOKEN,
    until,
  });
  const inReview = (order: OrderRecord): OrderRecord => ({ ...order, status: 'IN_REVIEW' });

  it('parks: IN_REVIEW, the token stored, nothing resumed', async () => {
    const order = await aHeldOrder();

    await awaitReview(world.deps, park(order));

    const stored = await world.order(order.orderId);
    expect([stored.status, stored.wait]).toEqual([
      'IN_REVIEW',
      { stage: 'review', token: TOKEN, until: UNTIL },
    ]);
    expect(world.workflow.resumed).toEqual([]);
  });

  it('alerts the operators once, without customer data, however often it parks again', async () => {
    const order = await aHeldOrder();

    await awaitReview(world.deps, park(order));
    await awaitReview(world.deps, park(order));

    expect(world.messaging.alerts.map((a) => [a.kind, a.orderId])).toEqual([
      ['review_needed', order.orderId],
    ]);
    expect(world.messaging.alerts[0]!.text).not.toContain(order.customer.email);
    expect(world.messaging.alerts[0]!.text).not.toContain(order.customer.name);
  });

  it.each(['approve', 'reject'] as const)(
    'resumes at once with %s when the decision is in the inbox already',
    async (decision) => {
      const order = await aHeldOrder((o) => withReviewDecision(inReview(o), { decision }, NOW)!);

      await awaitReview(world.deps, park(order));

      expect(world.workflow.resumed.map((r) => [r.token, r.output.action])).toEqual([[TOKEN, decision]]);
      const stored = await world.order(order.orderId);
      expect([stored.wait, stored.inbox.review?.applied]).toEqual([undefined, true]);
    },
  );

  it('resumes with cancel when the customer cancelled, even with an approval in', async () => {
    const order = await aHeldOrder((o) =>
      withCancellationRequest(
        withReviewDecision(inReview(o), { decision: 'approve' }, NOW)!,
        { reason: 'other' },
        NOW,
      )!,
    );

    await awaitReview(world.deps, park(order));

    expect(world.workflow.resumed.map((r) => r.output.action)).toEqual(['cancel']);
  });

  it('resumes with timeout when the deadline has passed already', async () => {
    const order = await aHeldOrder();

    await awaitReview(world.deps, park(order, daysAfter(T0, 0.05)));

    expect(world.workflow.resumed.map((r) => r.output.action)).toEqual(['timeout']);
    expect(world.messaging.alerts).toEqual([]);
  });
});
