// VoidAuthorization, the compensation that releases the hold of an order that will not ship: an authorized
// payment is voided with the processor and on the order, a second run changes nothing, and a payment with nothing
// to void (never authorized, declined, already captured) is left alone without an error.
import { describe, expect, it } from 'vitest';
import type { PaymentStatus } from '../../../functions/domain/order';
import { voidAuthorization } from '../../../functions/void-authorization/void-authorization';
import { timelineTypes, useStepWorld, withPayment } from '../helpers/deps';
import { daysAfter, T0 } from '../helpers/orders';

const AT = daysAfter(T0, 0.2);

describe('voidAuthorization', () => {
  const world = useStepWorld();

  it('voids the hold with the processor and marks the payment VOIDED', async () => {
    // Prepare
    const order = await world.storeAuthorizedOrder();
    world.clock.set(AT);

    // Act
    await voidAuthorization(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.payment.status).toBe('VOIDED');
    expect(stored.timeline.at(-1)).toEqual({ at: AT, type: 'PAYMENT_VOIDED', detail: {} });
    expect(await world.providerPayment(order.payment.paymentId!)).toMatchObject({ status: 'VOIDED' });
  });

  it('changes nothing when run a second time', async () => {
    // Prepare
    const order = await world.storeAuthorizedOrder();
    await voidAuthorization(world.deps, { orderId: order.orderId });
    const first = await world.order(order.orderId);

    // Act
    await voidAuthorization(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect([stored.version, timelineTypes(stored)]).toEqual([first.version, timelineTypes(first)]);
  });

  it('completes a retry after the processor voided but the order never recorded it', async () => {
    // Prepare: the first run's void reached the processor, then the step died.
    const order = await world.storeAuthorizedOrder();
    await world.payment.void({ paymentId: order.payment.paymentId!, idempotencyKey: 'test:first-run' });

    // Act
    await voidAuthorization(world.deps, { orderId: order.orderId });

    // Assess
    expect((await world.order(order.orderId)).payment.status).toBe('VOIDED');
  });

  it('releases the hold of an authorization whose renewal was declined (EXPIRED before the hold lapses)', async () => {
    // Prepare
    const authorized = await world.storeAuthorizedOrder();
    const order = await world.changeOrder(authorized.orderId, (o) => withPayment(o, { status: 'EXPIRED' }));

    // Act
    await voidAuthorization(world.deps, { orderId: order.orderId });

    // Assess
    expect((await world.order(order.orderId)).payment.status).toBe('VOIDED');
    expect(await world.providerPayment(order.payment.paymentId!)).toMatchObject({ status: 'VOIDED' });
  });

  it.each<PaymentStatus>(['PENDING', 'DECLINED', 'VOIDED'])(
    'has nothing to void for a payment that is %s, and leaves the order as it is',
    async (status) => {
      // Prepare
      const { orderId } = await world.storeOrder();
      const order = await world.changeOrder(orderId, (pending) => withPayment(pending, { status }));

      // Act
      await voidAuthorization(world.deps, { orderId: order.orderId });

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.version, stored.payment.status]).toEqual([order.version, status]);
    },
  );

  it('leaves a captured payment captured: money taken is refunded, never voided', async () => {
    // Prepare
    const authorized = await world.storeAuthorizedOrder();
    const paymentId = authorized.payment.paymentId!;
    await world.payment.capture({ paymentId, amount: 4498, idempotencyKey: 'test:capture' });
    const order = await world.changeOrder(authorized.orderId, (o) =>
      withPayment(o, { status: 'CAPTURED', capturedAmount: 4498 }),
    );

    // Act
    await voidAuthorization(world.deps, { orderId: authorized.orderId });

    // Assess
    const stored = await world.order(authorized.orderId);
    expect([stored.version, stored.payment.status]).toEqual([order.version, 'CAPTURED']);
    expect(await world.providerPayment(paymentId)).toMatchObject({
      status: 'CAPTURED',
      capturedAmount: 4498,
    });
  });
});
