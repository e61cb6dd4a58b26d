// Closing an order that will not be fulfilled: the caught error's message (AWS and local shapes), and the end
// it decides: a business error rejects with the contract's code and tells the customer, a lapsed authorization
// cancels, anything else fails the order and alerts operators without telling the customer.
import { describe, expect, it } from 'vitest';
import type { CloseInput } from '../../../functions/close-order/close-order';
import { causeMessage, planClosing } from '../../../functions/domain/closing';
import type { PlannedNotice } from '../../../functions/domain/notices';
import {
  anOrder,
  daysAfter,
  noticeContext,
  ORDER_ID,
  T0,
  withCancelRequest,
  withCustomer,
} from '../helpers/orders';

const AT = daysAfter(T0, 0.1);

/** planClosing is pure: it needs only what customer messages need (base URL and tracking-link key). */
const deps = noticeContext;

const closeInput = (error: string, cause?: unknown): CloseInput => ({
  orderId: ORDER_ID,
  error: { Error: error, Cause: cause },
});

/** What the customer is sent: each notice's template and channel. */
const templates = (notices: readonly PlannedNotice[]): string[] =>
  notices.map((notice) => `${notice.entry.template} by ${notice.entry.channel}`);

/** The Cause Step Functions records for an error a Lambda function threw. */
const awsCause = (errorType: string, errorMessage: string): string =>
  JSON.stringify({
    errorType,
    errorMessage,
    trace: [`${errorType}: ${errorMessage}`, '    at handler (index.mjs:1:1)'],
  });

describe('causeMessage', () => {
  it('takes the error message out of the JSON cause of AWS', () => {
    // Act
    const message = causeMessage(awsCause('OutOfStockError', 'SKU-TSHIRT: 2 wanted, 1 available'));

    // Assess
    expect(message).toBe('SKU-TSHIRT: 2 wanted, 1 available');
  });

  it('takes a plain cause of the local engine as the message itself', () => {
    // Act
    const message = causeMessage('SKU-TSHIRT: 2 wanted, 1 available');

    // Assess
    expect(message).toBe('SKU-TSHIRT: 2 wanted, 1 available');
  });

  it('takes JSON without an errorMessage as the message itself', () => {
    // Act
    const message = causeMessage('{"reason":"unknown"}');

    // Assess
    expect(message).toBe('{"reason":"unknown"}');
  });

  it('gives an empty message without a cause', () => {
    // Act
    const message = causeMessage(undefined);

    // Assess
    expect(message).toBe('');
  });
});

describe('planClosing', () => {
  describe.each([
    ['OrderInvalidError', 'VALIDATION_FAILED'],
    ['OutOfStockError', 'OUT_OF_STOCK'],
    ['PaymentDeclinedError', 'PAYMENT_DECLINED'],
    ['FraudSuspectedError', 'FRAUD_SUSPECTED'],
    ['AddressUndeliverableError', 'ADDRESS_UNDELIVERABLE'],
  ])('after %s', (error, code) => {
    it(`rejects the order with the code ${code} and the error's message`, () => {
      // Act
      const closing = planClosing(anOrder(), closeInput(error, awsCause(error, 'the reason')), AT, deps);

      // Assess
      expect([closing.status, closing.next.status, closing.next.rejection]).toEqual([
        'REJECTED',
        'REJECTED',
        { code, message: 'the reason' },
      ]);
    });

    it('tells the customer the order was rejected', () => {
      // Prepare
      const order = withCustomer(anOrder(), { smsOptIn: false });

      // Act
      const closing = planClosing(order, closeInput(error, 'the reason'), AT, deps);

      // Assess
      expect(templates(closing.notices)).toEqual(['order_rejected by email']);
    });

    it('raises no operator alert', () => {
      // Act
      const closing = planClosing(anOrder(), closeInput(error, 'the reason'), AT, deps);

      // Assess
      expect(closing.alert).toBe(false);
    });
  });

  it('keeps the internal message out of the rejection notice', () => {
    // Prepare
    const order = withCustomer(anOrder(), { smsOptIn: false });

    // Act
    const closing = planClosing(
      order,
      closeInput('OutOfStockError', 'SKU-TSHIRT: 2 wanted, 1 available'),
      AT,
      deps,
    );

    // Assess
    expect(closing.notices[0]?.text).not.toContain('1 available');
  });

  it('records the rejection on the timeline', () => {
    // Act
    const closing = planClosing(anOrder(), closeInput('PaymentDeclinedError', 'declined'), AT, deps);

    // Assess
    expect(closing.next.timeline.at(-1)).toEqual({
      at: AT,
      type: 'ORDER_REJECTED',
      detail: { code: 'PAYMENT_DECLINED' },
    });
  });

  describe('after AuthorizationExpiredError', () => {
    it('cancels the order because the authorization expired', () => {
      // Act
      const closing = planClosing(
        anOrder(),
        closeInput('AuthorizationExpiredError', 'reauthorization declined'),
        AT,
        deps,
      );

      // Assess
      expect([closing.status, closing.next.status, closing.next.cancellation?.reason]).toEqual([
        'CANCELLED',
        'CANCELLED',
        'authorization_expired',
      ]);
    });

    it('sends the customer a cancellation confirmation', () => {
      // Prepare
      const order = withCustomer(anOrder(), { smsOptIn: false });

      // Act
      const closing = planClosing(
        order,
        closeInput('AuthorizationExpiredError', 'reauthorization declined'),
        AT,
        deps,
      );

      // Assess
      expect(templates(closing.notices)).toEqual(['cancellation_confirmation by email']);
    });

    it('raises no operator alert', () => {
      // Act
      const closing = planClosing(
        anOrder(),
        closeInput('AuthorizationExpiredError', 'reauthorization declined'),
        AT,
        deps,
      );

      // Assess
      expect(closing.alert).toBe(false);
    });
  });

  describe.each(['States.TaskFailed', 'TypeError', 'States.Timeout', 'ConcurrentUpdateError'])(
    'after %s',
    (error) => {
      it('fails the order and records the error and the status it interrupted', () => {
        // Prepare
        const order = anOrder();

        // Act
        const closing = planClosing(order, closeInput(error, 'boom'), AT, deps);

        // Assess
        expect([closing.status, closing.next.status, closing.next.failure]).toEqual([
          'FAILED',
          'FAILED',
          { error, at: AT, status: order.status },
        ]);
      });

      it('alerts the operators', () => {
        // Act
        const closing = planClosing(anOrder(), closeInput(error, 'boom'), AT, deps);

        // Assess
        expect(closing.alert).toBe(true);
      });

      it('sends the customer nothing', () => {
        // Act
        const closing = planClosing(anOrder(), closeInput(error, 'boom'), AT, deps);

        // Assess
        expect(closing.notices).toEqual([]);
      });
    },
  );
});

describe('planClosing with a cancellation accepted before shipment', () => {
  const cancelRequested = () => withCancelRequest(anOrder({ status: 'CANCELLATION_REQUESTED' }));

  it('cancels rather than rejects when the payment was declined meanwhile: the accepted cancel wins', () => {
    // Act
    const closing = planClosing(cancelRequested(), closeInput('PaymentDeclinedError', 'declined'), AT, deps);

    // Assess
    expect(closing.status).toBe('CANCELLED');
    expect(closing.next.cancellation).toMatchObject({
      reason: 'changed_mind',
      stage: 'completed',
      completedAt: AT,
    });
    expect(closing.next.rejection).toBeUndefined();
    expect(closing.next.timeline.at(-1)).toMatchObject({
      type: 'ORDER_CANCELLED',
      detail: { reason: 'changed_mind', alsoRejected: 'PAYMENT_DECLINED' },
    });
    expect(templates(closing.notices)).toEqual(
      expect.arrayContaining(['cancellation_confirmation by email']),
    );
    expect(templates(closing.notices).some((t) => t.startsWith('order_rejected'))).toBe(false);
    expect(closing.alert).toBe(false);
  });

  it('cancels and still alerts operators when an unexpected error stopped the order', () => {
    // Act
    const closing = planClosing(cancelRequested(), closeInput('Lambda.Unknown', 'boom'), AT, deps);

    // Assess
    expect(closing.status).toBe('CANCELLED');
    expect(closing.next.failure).toMatchObject({ error: 'Lambda.Unknown' });
    expect(closing.alert).toBe(true);
  });

  it('marks the cancel event applied', () => {
    // Act
    const closing = planClosing(cancelRequested(), closeInput('OrderCancelledError'), AT, deps);

    // Assess
    expect(closing.next.inbox.cancel?.applied).toBe(true);
  });
});
