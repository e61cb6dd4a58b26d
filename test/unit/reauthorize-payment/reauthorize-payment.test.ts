// ReauthorizePayment, when the parcel has not shipped and the hold is about to lapse: the authorization is renewed
// and its new expiry (and payment id, if the processor issues a new one) stored, the shipment wait moves with it,
// a retried renewal is the same renewal, and a declined renewal or a payment with nothing to renew ends in
// AuthorizationExpiredError.
import { describe, expect, it } from 'vitest';
import { AuthorizationExpiredError, PaymentDeclinedError } from '../../../functions/domain/errors';
import type { OrderRecord } from '../../../functions/domain/order';
import type { PaymentProvider } from '../../../functions/domain/providers';
import {
  hasPendingLapse,
  paymentEventEffect,
  paymentEventKey,
  type PaymentEvent,
} from '../../../functions/domain/payment-events';
import { reauthorizePayment } from '../../../functions/reauthorize-payment/reauthorize-payment';
import { timelineTypes, useStepWorld, withPayment } from '../helpers/deps';
import { aShipment, DAY_SECONDS, daysAfter, T0 } from '../helpers/orders';

/** The sandbox authorizes at T0 for seven days; the shipment wait ends a day before that. */
const EXPIRES_AT = daysAfter(T0, 7);
const RENEW_AT = daysAfter(T0, 6);

describe('reauthorizePayment', () => {
  const world = useStepWorld();

  /** An order authorized at T0 whose label is bought but whose parcel has not left; the clock at RENEW_AT. */
  const aWaitingOrder = async (overrides: Partial<OrderRecord> = {}): Promise<OrderRecord> => {
    const order = await world.storeAuthorizedOrder({
      status: 'LABEL_CREATED',
      shipment: aShipment({ shippedAt: undefined }),
      ...overrides,
    });
    world.clock.set(RENEW_AT);
    return order;
  };

  it('renews the authorization for another seven days from now and stores the new expiry', async () => {
    // Prepare
    const order = await aWaitingOrder();

    // Act
    await reauthorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.payment).toMatchObject({
      status: 'AUTHORIZED',
      paymentId: order.payment.paymentId,
      authorizedAmount: 4498,
      authorizationExpiresAt: daysAfter(RENEW_AT, 7),
    });
    expect(await world.providerPayment(order.payment.paymentId!)).toMatchObject({
      status: 'AUTHORIZED',
      authorizationExpiresAt: daysAfter(RENEW_AT, 7),
    });
  });

  it('records the renewal on the timeline', async () => {
    // Prepare
    const order = await aWaitingOrder();

    // Act
    await reauthorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.timeline.at(-1)).toEqual({ at: RENEW_AT, type: 'PAYMENT_REAUTHORIZED', detail: {} });
  });

  it('waits for shipment until one day before the new expiry', async () => {
    // Prepare
    const order = await aWaitingOrder();

    // Act
    const signal = await reauthorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    expect(signal).toEqual({
      action: 'wait',
      wait: { until: daysAfter(RENEW_AT, 6), seconds: 6 * DAY_SECONDS },
    });
  });

  it('stores the payment id a processor issues for the renewed hold', async () => {
    // Prepare: a processor that, like Stripe, renews by placing a new hold under a new id.
    const sandbox = world.payment;
    const renewing: PaymentProvider = {
      name: 'stripe',
      authorize: (request) => sandbox.authorize(request),
      reauthorize: async (request) => ({ ...(await sandbox.reauthorize(request)), paymentId: 'pi_renewed' }),
      capture: (request) => sandbox.capture(request),
      void: (request) => sandbox.void(request),
      refund: (request) => sandbox.refund(request),
    };
    world.payments.set('stripe', renewing);
    const { orderId } = await aWaitingOrder();
    const order = await world.changeOrder(orderId, (authorized) =>
      withPayment(authorized, { provider: 'stripe' }),
    );

    // Act
    await reauthorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect([stored.payment.paymentId, stored.payment.authorizationExpiresAt]).toEqual([
      'pi_renewed',
      daysAfter(RENEW_AT, 7),
    ]);
  });

  it('renews once when a retry follows a run whose outcome was never stored', async () => {
    // Prepare: the first run renewed with the processor, then the step died before the order recorded it.
    const order = await aWaitingOrder();
    await reauthorizePayment(world.deps, { orderId: order.orderId });
    await world.changeOrder(order.orderId, (lost) => ({ ...lost, payment: order.payment }));
    world.clock.set(daysAfter(RENEW_AT, 0.5));

    // Act
    await reauthorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect(stored.payment.authorizationExpiresAt).toBe(daysAfter(RENEW_AT, 7));
  });

  it('renews once when a retry follows a run whose outcome was stored but never answered', async () => {
    // Prepare: the first run renewed and stored the renewal, then its answer to the workflow was lost.
    const order = await aWaitingOrder();
    await reauthorizePayment(world.deps, { orderId: order.orderId });
    const renewed = await world.order(order.orderId);
    world.clock.set(daysAfter(RENEW_AT, 0.1));

    // Act
    const wait = await reauthorizePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect([stored.version, stored.payment.authorizationExpiresAt]).toEqual([
      renewed.version,
      daysAfter(RENEW_AT, 7),
    ]);
    expect(wait.wait.until).toBe(daysAfter(RENEW_AT, 6));
    expect(await world.providerPayment(order.payment.paymentId!)).toMatchObject({
      authorizationExpiresAt: daysAfter(RENEW_AT, 7),
    });
  });

  describe('a declined renewal', () => {
    it('throws AuthorizationExpiredError caused by the decline', async () => {
      // Prepare
      const order = await aWaitingOrder({ paymentToken: 'tok_reauthDeclined' });

      // Act
      const error = await reauthorizePayment(world.deps, { orderId: order.orderId }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(AuthorizationExpiredError);
      expect((error as Error).cause).toBeInstanceOf(PaymentDeclinedError);
    });

    it('leaves the payment EXPIRED with its old expiry, and says so on the timeline', async () => {
      // Prepare
      const order = await aWaitingOrder({ paymentToken: 'tok_reauthDeclined' });

      // Act
      await reauthorizePayment(world.deps, { orderId: order.orderId }).catch(() => undefined);

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.payment.status, stored.payment.authorizationExpiresAt]).toEqual(['EXPIRED', EXPIRES_AT]);
      expect(timelineTypes(stored).at(-1)).toBe('PAYMENT_AUTHORIZATION_EXPIRED');
    });
  });

  it.each(['PENDING', 'DECLINED', 'VOIDED', 'CAPTURED'] as const)(
    'has nothing to renew for a payment that is %s: AuthorizationExpiredError, order unchanged',
    async (status) => {
      // Prepare
      const { orderId } = await aWaitingOrder();
      const order = await world.changeOrder(orderId, (authorized) => withPayment(authorized, { status }));

      // Act
      const renewing = reauthorizePayment(world.deps, { orderId: order.orderId });

      // Assess
      await expect(renewing).rejects.toBeInstanceOf(AuthorizationExpiredError);
      const stored = await world.order(order.orderId);
      expect([stored.version, stored.payment.status]).toEqual([order.version, status]);
    },
  );

  describe('after the payment provider reported a lapse', () => {
    /** The waiting order with a lapse recorded at T0 + 3 days (payment-events.ts), the clock then too. */
    const aLapsedOrder = async (overrides: Partial<OrderRecord> = {}) => {
      const waiting = await aWaitingOrder(overrides);
      const lapsedAt = daysAfter(T0, 3);
      world.clock.set(lapsedAt);
      const event: PaymentEvent = {
        kind: 'authorization_lapsed',
        eventId: 'evt_lapse',
        type: 'charge.expired',
        occurredAt: lapsedAt,
        paymentId: waiting.payment.paymentId!,
      };
      return world.changeOrder(waiting.orderId, (order) => paymentEventEffect(order, event, lapsedAt)!.next);
    };

    it('renews now, days before the planned renewal, and marks the lapse applied', async () => {
      // Prepare
      const order = await aLapsedOrder();

      // Act
      const signal = await reauthorizePayment(world.deps, { orderId: order.orderId });

      // Assess
      const stored = await world.order(order.orderId);
      expect(stored.payment.authorizationExpiresAt).toBe(daysAfter(T0, 3 + 7));
      expect(stored.inbox[paymentEventKey('evt_lapse')]?.applied).toBe(true);
      expect(hasPendingLapse(stored)).toBe(false);
      expect(signal.wait.until).toBe(daysAfter(T0, 3 + 6));
    });

    it('marks the lapse applied too when the renewal is declined', async () => {
      // Prepare
      const order = await aLapsedOrder({ paymentToken: 'tok_reauthDeclined' });

      // Act
      const renewing = reauthorizePayment(world.deps, { orderId: order.orderId });

      // Assess
      await expect(renewing).rejects.toBeInstanceOf(AuthorizationExpiredError);
      const stored = await world.order(order.orderId);
      expect(stored.payment.status).toBe('EXPIRED');
      expect(stored.inbox[paymentEventKey('evt_lapse')]?.applied).toBe(true);
    });
  });
});
