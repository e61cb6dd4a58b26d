// CapturePayment, once the parcel has left: the authorized amount is captured exactly once however often the step
// runs, the reserved stock becomes sold, the order is SHIPPED with the ship call applied, the customer gets one
// shipping notice with the tracking link, and a capture the processor refuses is a CaptureFailedError that leaves
// the order as it was.
import { describe, expect, it } from 'vitest';
import { capturePayment } from '../../../functions/capture-payment/capture-payment';
import { reserve, setAvailable } from '../../../functions/adapters/inventory-store';
import { CaptureFailedError, PaymentDeclinedError } from '../../../functions/domain/errors';
import type { OrderRecord } from '../../../functions/domain/order';
import { trackingPageUrl } from '../../../functions/domain/notices';
import { anSku, sentTemplates, withPayment, timelineTypes, useStepWorld } from '../helpers/deps';
import {
  anOrder,
  aScan,
  aShipment,
  daysAfter,
  noticeContext,
  PROMISED,
  SHIPPED_AT,
  T0,
  withCustomer,
  withScans,
} from '../helpers/orders';

describe('capturePayment', () => {
  const world = useStepWorld();

  /**
   * An authorized order with its label bought and its stock (two of a fresh SKU, ten on sale before) reserved,
   * whose ship call has just come in; the clock at the moment it came.
   */
  const aShippingOrder = async (overrides: Partial<OrderRecord> = {}): Promise<OrderRecord> => {
    const sku = anSku();
    await setAvailable(world.db, sku, 10);
    const order = await world.storeAuthorizedOrder({
      status: 'LABEL_CREATED',
      items: [{ sku, name: 'T-shirt', quantity: 2, unitPrice: 1999 }],
      trackingNumber: aShipment().trackingNumber,
      shipment: aShipment({ shippedAt: undefined }),
      wait: { stage: 'shipment', token: 'shipment-token', until: daysAfter(T0, 6) },
      inbox: { ship: { kind: 'ship', receivedAt: SHIPPED_AT, occurredAt: SHIPPED_AT, applied: false } },
      ...overrides,
    });
    if (!(await reserve(world.db, order.orderId, sku, 2))) throw new Error('the test stock is short');
    world.clock.set(SHIPPED_AT);
    return order;
  };

  const skuOf = (order: OrderRecord): string => order.items[0]!.sku;

  it('captures the authorized amount with the processor', async () => {
    // Prepare
    const order = await aShippingOrder();

    // Act
    await capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    expect(await world.providerPayment(order.payment.paymentId!)).toMatchObject({
      status: 'CAPTURED',
      capturedAmount: 4498,
    });
  });

  it('records the capture and the shipment on the order', async () => {
    // Prepare
    const order = await aShippingOrder();

    // Act
    await capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect([
      stored.status,
      stored.payment.status,
      stored.payment.capturedAmount,
      stored.shipment?.shippedAt,
      stored.inbox.ship?.applied,
      stored.wait,
    ]).toEqual(['SHIPPED', 'CAPTURED', 4498, SHIPPED_AT, true, undefined]);
    expect(stored.timeline.slice(-2)).toEqual([
      { at: SHIPPED_AT, type: 'PAYMENT_CAPTURED', detail: { amount: 4498 } },
      { at: SHIPPED_AT, type: 'SHIPPED', detail: { trackingNumber: 'SBX100000000001' } },
    ]);
  });

  it('turns the reserved stock into sold stock', async () => {
    // Prepare
    const order = await aShippingOrder();

    // Act
    await capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    expect(await world.stock(skuOf(order))).toEqual({ available: 8, reserved: 0, sold: 2, holds: [] });
  });

  it('waits for delivery until the carrier estimate plus the grace period', async () => {
    // Prepare
    const order = await aShippingOrder();
    const until = daysAfter(PROMISED, world.deps.config.durations.delayGraceDays);

    // Act
    const signal = await capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    expect(signal).toEqual({
      action: 'wait',
      wait: { until, seconds: (Date.parse(until) - Date.parse(SHIPPED_AT)) / 1000 },
    });
  });

  describe('invoked with the task token of the delivery wait', () => {
    const TOKEN = 'delivery-token';
    const until = () => daysAfter(PROMISED, world.deps.config.durations.delayGraceDays);

    it('parks the token in the write that records the capture and resumes nothing', async () => {
      // Prepare
      const order = await aShippingOrder();

      // Act
      const signal = await capturePayment(world.deps, {
        orderId: order.orderId,
        token: TOKEN,
        until: until(),
      });

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.status, stored.payment.status, stored.version]).toEqual([
        'SHIPPED',
        'CAPTURED',
        order.version + 1,
      ]);
      expect(stored.wait).toEqual({ stage: 'delivery', token: TOKEN, until: until() });
      expect(signal).toBeUndefined();
      expect(world.workflow.resumed).toEqual([]);
    });

    it('parks the token of a retry; the shipping notice goes out once', async () => {
      // Prepare
      const order = await aShippingOrder();
      await capturePayment(world.deps, { orderId: order.orderId, token: TOKEN, until: until() });

      // Act
      await capturePayment(world.deps, { orderId: order.orderId, token: 'retry-token', until: until() });

      // Assess
      expect((await world.order(order.orderId)).wait?.token).toBe('retry-token');
      expect(sentTemplates(world.messaging)).toEqual([
        'shipping_confirmation by email',
        'shipping_confirmation by sms',
      ]);
    });

    it('resumes its own token with recheck when a scan already waits to be applied', async () => {
      // Prepare
      const order = await aShippingOrder();
      await world.changeOrder(order.orderId, (current) =>
        withScans(current, aScan('in_transit', daysAfter(SHIPPED_AT, 0.1))),
      );

      // Act
      await capturePayment(world.deps, { orderId: order.orderId, token: TOKEN, until: until() });

      // Assess
      expect((await world.order(order.orderId)).wait).toBeUndefined();
      expect(world.workflow.resumed.map((resume) => [resume.token, resume.output.action])).toEqual([
        [TOKEN, 'recheck'],
      ]);
    });
  });

  it('tells the customer by email and SMS, with the tracking number and the tracking page', async () => {
    // Prepare
    const order = await aShippingOrder();

    // Act
    await capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    expect(sentTemplates(world.messaging)).toEqual([
      'shipping_confirmation by email',
      'shipping_confirmation by sms',
    ]);
    expect(world.messaging.emails[0]?.text).toContain('tracking number SBX100000000001');
    expect(world.messaging.emails[0]?.text).toContain(trackingPageUrl(order, noticeContext));
  });

  it('only emails a customer who did not opt in to SMS', async () => {
    // Prepare
    const order = await aShippingOrder({ customer: withCustomer(anOrder(), { smsOptIn: false }).customer });

    // Act
    await capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    expect(sentTemplates(world.messaging)).toEqual(['shipping_confirmation by email']);
  });

  it('publishes no order event itself: the move to SHIPPED reaches the topic from the stream', async () => {
    // Prepare
    const order = await aShippingOrder();

    // Act
    await capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    expect((await world.order(order.orderId)).status).toBe('SHIPPED');
    expect(world.messaging.events).toEqual([]);
  });

  describe('run twice', () => {
    it('captures once, for the same amount', async () => {
      // Prepare
      const order = await aShippingOrder();
      await capturePayment(world.deps, { orderId: order.orderId });

      // Act
      await capturePayment(world.deps, { orderId: order.orderId });

      // Assess
      const stored = await world.order(order.orderId);
      expect(stored.payment.capturedAmount).toBe(4498);
      expect(timelineTypes(stored).filter((type) => type === 'PAYMENT_CAPTURED')).toHaveLength(1);
      expect(await world.providerPayment(order.payment.paymentId!)).toMatchObject({ capturedAmount: 4498 });
    });

    it('sends the shipping notice once', async () => {
      // Prepare
      const order = await aShippingOrder();
      await capturePayment(world.deps, { orderId: order.orderId });

      // Act
      await capturePayment(world.deps, { orderId: order.orderId });

      // Assess
      expect(sentTemplates(world.messaging)).toEqual([
        'shipping_confirmation by email',
        'shipping_confirmation by sms',
      ]);
    });

    it('counts the stock sold once', async () => {
      // Prepare
      const order = await aShippingOrder();
      await capturePayment(world.deps, { orderId: order.orderId });

      // Act
      await capturePayment(world.deps, { orderId: order.orderId });

      // Assess
      expect(await world.stock(skuOf(order))).toEqual({ available: 8, reserved: 0, sold: 2, holds: [] });
    });
  });

  it('completes a retry after the processor captured but the order never recorded it', async () => {
    // Prepare: the first run's capture reached the processor, then the step died.
    const order = await aShippingOrder();
    await world.payment.capture({
      paymentId: order.payment.paymentId!,
      amount: 4498,
      idempotencyKey: 'test:first-run',
    });

    // Act
    await capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    const stored = await world.order(order.orderId);
    expect([stored.status, stored.payment.status, stored.payment.capturedAmount]).toEqual([
      'SHIPPED',
      'CAPTURED',
      4498,
    ]);
  });

  it('leaves carrier scans in the inbox for the delivery tracking', async () => {
    // Prepare: the parcel was scanned in transit before the ship call.
    const { orderId } = await aShippingOrder();
    await world.changeOrder(orderId, (order) =>
      withScans(order, aScan('in_transit', daysAfter(SHIPPED_AT, 0.1))),
    );

    // Act
    await capturePayment(world.deps, { orderId });

    // Assess
    const stored = await world.order(orderId);
    expect(
      Object.values(stored.inbox)
        .filter((event) => event.kind === 'carrier')
        .map((event) => event.applied),
    ).toEqual([false]);
  });

  describe('a capture the processor refuses', () => {
    const voided = async (order: OrderRecord) =>
      world.payment.void({ paymentId: order.payment.paymentId!, idempotencyKey: 'test:void' });
    const expired = (_order: OrderRecord) => Promise.resolve(world.clock.set(daysAfter(T0, 8)));

    it.each([
      ['voided', voided],
      ['expired', expired],
    ])('throws CaptureFailedError for an authorization %s meanwhile', async (_how, refuse) => {
      // Prepare
      const order = await aShippingOrder();
      await refuse(order);

      // Act
      const capturing = capturePayment(world.deps, { orderId: order.orderId });

      // Assess
      const error = await capturing.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CaptureFailedError);
      expect((error as Error).cause).toBeInstanceOf(PaymentDeclinedError);
    });

    it('records no capture and no shipment, sends nothing, and keeps the stock reserved', async () => {
      // Prepare
      const order = await aShippingOrder();
      await voided(order);

      // Act
      await capturePayment(world.deps, { orderId: order.orderId }).catch(() => undefined);

      // Assess
      const stored = await world.order(order.orderId);
      expect([stored.status, stored.payment.status, stored.shipment?.shippedAt]).toEqual([
        'LABEL_CREATED',
        'AUTHORIZED',
        undefined,
      ]);
      expect(sentTemplates(world.messaging)).toEqual([]);
      expect(await world.stock(skuOf(order))).toMatchObject({ reserved: 2, sold: 0 });
    });
  });

  it('refuses an authorization without a payment id rather than record a capture of nothing', async () => {
    // Prepare
    const { orderId } = await aShippingOrder();
    const order = await world.changeOrder(orderId, (o) => withPayment(o, { paymentId: undefined }));

    // Act
    const capturing = capturePayment(world.deps, { orderId: order.orderId });

    // Assess
    await expect(capturing).rejects.toThrow('no payment id');
    const stored = await world.order(order.orderId);
    expect([stored.version, stored.status, stored.payment.status]).toEqual([
      order.version,
      'LABEL_CREATED',
      'AUTHORIZED',
    ]);
    expect(sentTemplates(world.messaging)).toEqual([]);
  });

  it.each(['PENDING', 'DECLINED', 'VOIDED'] as const)(
    'refuses to capture a payment that is %s, changing nothing',
    async (status) => {
      // Prepare
      const { orderId } = await aShippingOrder();
      const order = await world.changeOrder(orderId, (authorized) => withPayment(authorized, { status }));

      // Act
      const capturing = capturePayment(world.deps, { orderId: order.orderId });

      // Assess
      await expect(capturing).rejects.toThrow(`cannot capture a payment that is ${status}`);
      const stored = await world.order(order.orderId);
      expect([stored.version, stored.status]).toEqual([order.version, 'LABEL_CREATED']);
    },
  );
});
