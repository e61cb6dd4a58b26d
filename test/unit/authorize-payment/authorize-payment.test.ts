// AuthorizePayment against a real (in-memory) store and the sandbox processor: it holds the order total and stores
// the hold on the order, a declined card ends the order's payment DECLINED, a retried step never holds twice, a
// processor that did not answer leaves the order as it was, and a cancelled order is never authorized.
import { describe, expect, it } from 'vitest';
import { authorizePayment } from '../../../functions/authorize-payment/authorize-payment';
import { OrderCancelledError, PaymentDeclinedError, TransientError } from '../../../functions/domain/errors';
import { anOrderId, timelineTypes, useStepWorld } from '../helpers/deps';
import { anOrder, daysAfter, T0, withCancelRequest } from '../helpers/orders';

describe('authorizePayment', () => {
  const world = useStepWorld();

  it('authorizes the order total with the processor and stores the hold on the order', async () => {
    // Prepare
    const order = await world.storeOrder();

    // Act
    const result = await authorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    const held = await world.providerPayment(result.paymentId);
    expect(stored.payment).toMatchObject({
      status: 'AUTHORIZED',
      paymentId: result.paymentId,
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

  it('answers with the payment id and the expiry it stored', async () => {
    // Prepare
    const order = await world.storeOrder();

    // Act
    const result = await authorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(result).toEqual({
      paymentId: stored.payment.paymentId,
      expiresAt: stored.payment.authorizationExpiresAt,
    });
  });

  it('records the authorization on the timeline with its amount', async () => {
    // Prepare
    const order = await world.storeOrder();

    // Act
    await authorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.timeline.at(-1)).toEqual({ at: T0, type: 'PAYMENT_AUTHORIZED', detail: { amount: 4498 } });
  });

  it('answers a second run with the stored authorization and changes nothing', async () => {
    // Prepare
    const order = await world.storeOrder();
    const first = await authorizePayment(world.deps, { orderId: order.orderId });
    const afterFirst = await world.order(order.orderId);
    world.clock.set(daysAfter(T0, 1));

    // Act
    const second = await authorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(second).toEqual(first);
    expect([stored.version, timelineTypes(stored)]).toEqual([afterFirst.version, timelineTypes(afterFirst)]);
  });

  it('gets the same hold back when a retry follows a run whose outcome was never stored', async () => {
    // Prepare: the first run reached the processor, then the step died before the order recorded the hold.
    const order = await world.storeOrder();
    const first = await authorizePayment(world.deps, { orderId: order.orderId });
    await world.changeOrder(order.orderId, (lost) => ({ ...lost, payment: order.payment }));
    world.clock.set(daysAfter(T0, 1));

    // Act
    const retry = await authorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(retry).toEqual(first);
    expect(stored.payment.paymentId).toBe(first.paymentId);
    expect(await world.providerPaymentsOf(order.orderId)).toHaveLength(1);
  });

  describe('a declined card', () => {
    it('throws PaymentDeclinedError', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_chargeDeclined' });

      // Act
      const authorizing = authorizePayment(world.deps, { orderId: order.orderId });

      // Assess
      await expect(authorizing).rejects.toBeInstanceOf(PaymentDeclinedError);
    });

    it('leaves the order DECLINED, with nothing authorized, and says so on the timeline', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_insufficientFunds' });

      // Act
      await authorizePayment(world.deps, { orderId: order.orderId }).catch(() => undefined);

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
      await authorizePayment(world.deps, { orderId: order.orderId }).catch(() => undefined);

      // Act
      const retry = authorizePayment(world.deps, { orderId: order.orderId });

      // Assess
      await expect(retry).rejects.toBeInstanceOf(PaymentDeclinedError);
    });
  });

  describe('a processor that did not answer', () => {
    it('throws TransientError and leaves the order PENDING, so the retry can authorize', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_unavailableOnce' });

      // Act
      const authorizing = authorizePayment(world.deps, { orderId: order.orderId });

      // Assess
      await expect(authorizing).rejects.toBeInstanceOf(TransientError);
      const stored = await world.order(order.orderId);
      expect([stored.payment.status, stored.version]).toEqual(['PENDING', 1]);
    });

    it('authorizes on the retry', async () => {
      // Prepare
      const order = await world.storeOrder({ paymentToken: 'tok_unavailableOnce' });
      await authorizePayment(world.deps, { orderId: order.orderId }).catch(() => undefined);

      // Act
      await authorizePayment(world.deps, { orderId: order.orderId });

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
      const authorizing = authorizePayment(world.deps, { orderId: order.orderId });

      // Assess
      await expect(authorizing).rejects.toBeInstanceOf(OrderCancelledError);
    });

    it('holds no money for it and leaves its payment PENDING', async () => {
      // Prepare
      const order = await world.storeOrder(withCancelRequest(anOrder({ orderId: anOrderId() })));

      // Act
      await authorizePayment(world.deps, { orderId: order.orderId }).catch(() => undefined);

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.payment.status, stored.version]).toEqual(['PENDING', 1]);
      expect(await world.providerPaymentsOf(order.orderId)).toEqual([]);
    });
  });
});
