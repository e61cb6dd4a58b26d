// AuthorizePayment against a real (in-memory) store and the sandbox processor: it holds the order total and stores
// the hold on the order, a declined card ends the order's payment DECLINED, a retried step never holds twice, a
// processor that did not answer leaves the order as it was, and a cancelled order is never authorized. An order the
// risk assessment approved is confirmed in the same write, the customer told once, and the answer is the shipment
// wait; an order held for review is only authorized.
import { describe, expect, it } from 'vitest';
import { authorizePayment } from '../../../functions/authorize-payment/authorize-payment';
import { OrderCancelledError, PaymentDeclinedError, TransientError } from '../../../functions/domain/errors';
import type { RiskAssessment } from '../../../functions/domain/order';
import type { PaymentProvider } from '../../../functions/domain/providers';
import { anOrderId, sentTemplates, timelineTypes, useStepWorld } from '../helpers/deps';
import { anOrder, daysAfter, T0, withCancelRequest } from '../helpers/orders';

const approved: RiskAssessment = { score: 10, decision: 'approve', reasons: ['new_customer'] };
const heldForReview: RiskAssessment = {
  score: 70,
  decision: 'review',
  reasons: ['high_value', 'new_customer'],
};

describe('authorizePayment', () => {
  const world = useStepWorld();

  const authorize = (orderId: string, risk: RiskAssessment = approved) =>
    authorizePayment(world.deps, { orderId, risk });

  it('authorizes the order total with the processor and stores the hold on the order', async () => {
    // Prepare
    const order = await world.storeOrder();

    // Act
    await authorize(order.orderId);

    // Assess
    const stored = await world.order(order.orderId);
    const held = await world.providerPayment(stored.payment.paymentId!);
    expect(stored.payment.paymentId).toMatch(/^pi_sbx_/);
    expect(stored.payment).toMatchObject({
      status: 'AUTHORIZED',
      authorizedAmount: 4498,
      capturedAmount: 0,
      authorizationExpiresAt: daysAfter(T0, 7),
    });
    expect(held).toMatchObject({
      orderId: order.orderId,
      amount: 4498,
      currency: 'USD',
      status: 'AUTHORIZED',
    });
  });

  it('answers an approved order with the shipment wait: a business day before the hold lapses', async () => {
    // Prepare
    const order = await world.storeOrder();

    // Act
    const result = await authorize(order.orderId);

    // Assess: the hold is valid for 7 business days
    const until = daysAfter(T0, 6);
    expect(result).toEqual({
      action: 'wait',
      wait: { until, seconds: (Date.parse(until) - Date.parse(T0)) / 1000 },
    });
  });

  it('records the authorization on the timeline with its amount, then the confirmation', async () => {
    // Prepare
    const order = await world.storeOrder();

    // Act
    await authorize(order.orderId);

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.timeline.slice(-2)).toEqual([
      { at: T0, type: 'PAYMENT_AUTHORIZED', detail: { amount: 4498 } },
      { at: T0, type: 'ORDER_CONFIRMED', detail: {} },
    ]);
  });

  describe('an order the risk assessment approved', () => {
    it('is confirmed with its assessment in the write that records the hold', async () => {
      // Prepare
      const order = await world.storeOrder();

      // Act
      await authorize(order.orderId);

      // Assess: one write after intake's
      const stored = await world.order(order.orderId);
      expect([stored.status, stored.risk, stored.payment.status, stored.version]).toEqual([
        'CONFIRMED',
        approved,
        'AUTHORIZED',
        order.version + 1,
      ]);
    });

    it('tells the customer once, by email and SMS, and stores the order CONFIRMED', async () => {
      // Prepare
      const order = await world.storeOrder();

      // Act
      await authorize(order.orderId);

      // Assess
      expect(sentTemplates(world.messaging)).toEqual([
        'order_confirmation by email',
        'order_confirmation by sms',
      ]);
      expect((await world.order(order.orderId)).status).toBe('CONFIRMED');
      // Subscribers learn of it from the Orders table's stream (PublishOrderEvents), not from this step.
      expect(world.messaging.events).toEqual([]);
    });

    it('tells nobody again and writes nothing when the step is retried after its write', async () => {
      // Prepare
      const order = await world.storeOrder();
      const first = await authorize(order.orderId);
      const afterFirst = await world.order(order.orderId);

      // Act
      const retry = await authorize(order.orderId);

      // Assess
      expect(retry).toEqual(first);
      expect((await world.order(order.orderId)).version).toBe(afterFirst.version);
      expect(sentTemplates(world.messaging)).toHaveLength(2);
    });

    it('confirms when the retry follows a run whose outcome was never stored, still holding once', async () => {
      // Prepare: the first run reached the processor, then the step died before its write.
      const order = await world.storeOrder();
      await world.payment.authorize({
        orderId: order.orderId,
        amount: order.total,
        currency: order.currency,
        token: order.paymentToken,
        idempotencyKey: `authorize:${order.orderId}`,
      });

      // Act
      await authorize(order.orderId);

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.status, stored.payment.status]).toEqual(['CONFIRMED', 'AUTHORIZED']);
      expect(await world.providerPaymentsOf(order.orderId)).toHaveLength(1);
      expect(sentTemplates(world.messaging)).toHaveLength(2);
    });

    it('is not confirmed when a cancellation came in during the authorization, whose hold is kept to release', async () => {
      // Prepare: the customer cancels while the processor answers
      const order = await world.storeOrder();
      const sandbox = world.payment;
      const cancelling: PaymentProvider = Object.assign(Object.create(sandbox) as PaymentProvider, {
        authorize: async (request: Parameters<PaymentProvider['authorize']>[0]) => {
          const authorization = await sandbox.authorize(request);
          await world.changeOrder(order.orderId, (current) => withCancelRequest(current));
          return authorization;
        },
      });
      world.payments.set('sandbox', cancelling);

      // Act
      const authorizing = authorize(order.orderId);

      // Assess
      await expect(authorizing).rejects.toBeInstanceOf(OrderCancelledError);
      const stored = await world.order(order.orderId);
      expect(stored.status).not.toBe('CONFIRMED');
      expect([stored.payment.status, timelineTypes(stored).at(-1)]).toEqual([
        'AUTHORIZED',
        'PAYMENT_AUTHORIZED',
      ]);
      expect(sentTemplates(world.messaging)).toEqual([]);
    });
  });

  describe('an order held for review', () => {
    it('is authorized and left IN_REVIEW, with nobody told', async () => {
      // Prepare
      const order = await world.storeOrder({ status: 'IN_REVIEW' });

      // Act
      const result = await authorize(order.orderId, heldForReview);

      // Assess
      const stored = await world.order(order.orderId);
      expect(result).toEqual({ action: 'review' });
      expect([stored.status, stored.payment.status]).toEqual(['IN_REVIEW', 'AUTHORIZED']);
      expect(timelineTypes(stored).at(-1)).toBe('PAYMENT_AUTHORIZED');
      expect(sentTemplates(world.messaging)).toEqual([]);
    });
  });

  it('answers a second run with the stored authorization and changes nothing', async () => {
    // Prepare
    const order = await world.storeOrder();
    await authorize(order.orderId);
    const afterFirst = await world.order(order.orderId);
    world.clock.set(daysAfter(T0, 1));

    // Act
    const second = await authorize(order.orderId);

    // Assess: the same shipment wait, seen a day later
    const stored = await world.order(order.orderId);
    expect(second).toMatchObject({ action: 'wait', wait: { until: daysAfter(T0, 6) } });
    expect([stored.version, timelineTypes(stored)]).toEqual([afterFirst.version, timelineTypes(afterFirst)]);
  });

  it('gets the same hold back when a retry follows a run whose outcome was never stored', async () => {
    // Prepare: the first run reached the processor, then the step died before the order recorded the hold.
    const order = await world.storeOrder();
    await authorize(order.orderId, heldForReview);
    const first = await world.order(order.orderId);
    await world.changeOrder(order.orderId, (lost) => ({ ...lost, payment: order.payment }));
    world.clock.set(daysAfter(T0, 1));

    // Act
    await authorize(order.orderId, heldForReview);

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.payment.paymentId).toBe(first.payment.paymentId);
    expect(await world.providerPaymentsOf(order.orderId)).toHaveLength(1);
  });

  describe('a declined card', () => {
    it('throws PaymentDeclinedError', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_chargeDeclined' });

      // Act
      const authorizing = authorize(order.orderId);

      // Assess
      await expect(authorizing).rejects.toBeInstanceOf(PaymentDeclinedError);
    });

    it('leaves the order DECLINED, with nothing authorized, and says so on the timeline', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_insufficientFunds' });

      // Act
      await authorize(order.orderId).catch(() => undefined);

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.payment.status, stored.payment.paymentId, stored.payment.authorizedAmount]).toEqual([
        'DECLINED',
        undefined,
        0,
      ]);
      expect(timelineTypes(stored).at(-1)).toBe('PAYMENT_DECLINED');
      expect(await world.providerPaymentsOf(order.orderId)).toEqual([]);
    });

    it('declines again on a retry', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_chargeDeclined' });
      await authorize(order.orderId).catch(() => undefined);

      // Act
      const retry = authorize(order.orderId);

      // Assess
      await expect(retry).rejects.toBeInstanceOf(PaymentDeclinedError);
    });
  });

  describe('a processor that did not answer', () => {
    it('throws TransientError and leaves the order PENDING, so the retry can authorize', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_unavailableOnce' });

      // Act
      const authorizing = authorize(order.orderId);

      // Assess
      await expect(authorizing).rejects.toBeInstanceOf(TransientError);
      const stored = await world.order(order.orderId);
      expect([stored.payment.status, stored.version]).toEqual(['PENDING', 1]);
    });

    it('authorizes on the retry', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_unavailableOnce' });
      await authorize(order.orderId).catch(() => undefined);

      // Act
      await authorize(order.orderId);

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.payment.status, stored.payment.authorizedAmount]).toEqual(['AUTHORIZED', 4498]);
    });
  });

  describe('a cancelled order', () => {
    it('throws OrderCancelledError', async () => {
      // Prepare
      const order = await world.storeOrder(withCancelRequest(anOrder({ orderId: anOrderId() })));

      // Act
      const authorizing = authorize(order.orderId);

      // Assess
      await expect(authorizing).rejects.toBeInstanceOf(OrderCancelledError);
    });

    it('holds no money for it and leaves its payment PENDING', async () => {
      // Prepare
      const order = await world.storeOrder(withCancelRequest(anOrder({ orderId: anOrderId() })));

      // Act
      await authorize(order.orderId).catch(() => undefined);

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.payment.status, stored.version]).toEqual(['PENDING', 1]);
      expect(await world.providerPaymentsOf(order.orderId)).toEqual([]);
    });
  });
});
