// Closing an order the customer cancelled before it shipped: a step stopped with OrderCancelledError, the
// compensations ran, and the order ends CANCELLED with the customer's reason kept, the cancellation applied and
// one confirmation sent.
import { describe, expect, it } from 'vitest';
import type { CloseInput } from '../../../functions/close-order/close-order';
import { planClosing } from '../../../functions/domain/closing';
import { cancelEventKey } from '../../../functions/domain/cancellation';
import type { OrderRecord } from '../../../functions/domain/order';
import type { PlannedNotice } from '../../../functions/domain/notices';
import {
  aCancellation,
  anOrder,
  daysAfter,
  noticeContext,
  ORDER_ID,
  T0,
  withCancelRequest,
  withCustomer,
} from '../helpers/orders';

const REQUESTED_AT = daysAfter(T0, 0.05);
const AT = daysAfter(T0, 0.1);

/** What the workflow's Catch passes on after a step found the cancellation (local engine shape). */
const cancelledInput: CloseInput = {
  orderId: ORDER_ID,
  error: { Error: 'OrderCancelledError', Cause: `order ${ORDER_ID} was cancelled on request` },
};

/** An order with a label, cancelled by its customer before the warehouse handed it over. */
const aCancelledOrder = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  withCancelRequest(
    withCustomer(anOrder({ status: 'CANCELLATION_REQUESTED', ...overrides }), { smsOptIn: false }),
    aCancellation({
      reason: 'long_shipping_time',
      comment: 'Needed it by Friday',
      requestedAt: REQUESTED_AT,
    }),
  );

/** What the customer is sent: each notice's template and channel. */
const templates = (notices: readonly PlannedNotice[]): string[] =>
  notices.map((notice) => `${notice.entry.template} by ${notice.entry.channel}`);

describe('planClosing after OrderCancelledError', () => {
  it('cancels the order', () => {
    // Act
    const closing = planClosing(aCancelledOrder(), cancelledInput, AT, noticeContext);

    // Assess
    expect([closing.status, closing.next.status]).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it("completes the cancellation with the customer's reason and comment kept", () => {
    // Act
    const closing = planClosing(aCancelledOrder(), cancelledInput, AT, noticeContext);

    // Assess
    expect(closing.next.cancellation).toEqual({
      reason: 'long_shipping_time',
      comment: 'Needed it by Friday',
      by: 'customer',
      requestedAt: REQUESTED_AT,
      stage: 'completed',
      completedAt: AT,
    });
  });

  it('marks the cancellation applied', () => {
    // Act
    const closing = planClosing(aCancelledOrder(), cancelledInput, AT, noticeContext);

    // Assess
    expect(closing.next.inbox[cancelEventKey]?.applied).toBe(true);
  });

  it('sends the customer one cancellation confirmation', () => {
    // Act
    const closing = planClosing(aCancelledOrder(), cancelledInput, AT, noticeContext);

    // Assess
    expect(templates(closing.notices)).toEqual(['cancellation_confirmation by email']);
  });

  it('texts the confirmation too to a customer who opted in', () => {
    // Prepare
    const order = withCustomer(aCancelledOrder(), { smsOptIn: true });

    // Act
    const closing = planClosing(order, cancelledInput, AT, noticeContext);

    // Assess
    expect(templates(closing.notices)).toEqual([
      'cancellation_confirmation by email',
      'cancellation_confirmation by sms',
    ]);
  });

  it('tells the customer nothing of an expired authorization', () => {
    // Act
    const closing = planClosing(aCancelledOrder(), cancelledInput, AT, noticeContext);

    // Assess
    expect(closing.notices[0]?.text).toContain('Your order 1001 was cancelled. You have not been charged.');
  });

  it("records the cancellation with the customer's reason on the timeline", () => {
    // Act
    const closing = planClosing(aCancelledOrder(), cancelledInput, AT, noticeContext);

    // Assess
    expect(closing.next.timeline.at(-1)).toEqual({
      at: AT,
      type: 'ORDER_CANCELLED',
      detail: { reason: 'long_shipping_time' },
    });
  });

  it('raises no operator alert and records no failure or rejection', () => {
    // Act
    const closing = planClosing(aCancelledOrder(), cancelledInput, AT, noticeContext);

    // Assess
    expect([closing.alert, closing.next.failure, closing.next.rejection]).toEqual([
      false,
      undefined,
      undefined,
    ]);
  });

  it('takes the same course with the JSON cause of AWS', () => {
    // Prepare
    const input: CloseInput = {
      orderId: ORDER_ID,
      error: {
        Error: 'OrderCancelledError',
        Cause: JSON.stringify({
          errorType: 'OrderCancelledError',
          errorMessage: `order ${ORDER_ID} was cancelled on request`,
        }),
      },
    };

    // Act
    const closing = planClosing(aCancelledOrder(), input, AT, noticeContext);

    // Assess
    expect([closing.status, closing.next.cancellation?.reason]).toEqual(['CANCELLED', 'long_shipping_time']);
  });

  it('sends no second confirmation once the first is recorded', () => {
    // Prepare
    const first = planClosing(aCancelledOrder(), cancelledInput, AT, noticeContext);
    const order: OrderRecord = {
      ...aCancelledOrder(),
      notices: Object.fromEntries(first.notices.map((n) => [n.key, n.entry])),
    };

    // Act
    const closing = planClosing(order, cancelledInput, daysAfter(AT, 0.01), noticeContext);

    // Assess
    expect(closing.notices).toEqual([]);
  });
});
