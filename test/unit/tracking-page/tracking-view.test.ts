// What the customer sees on the tracking page (trackingView): the status in words for every status and the
// sub-states that matter (how a cancellation or a return stands, and the money), the parcel only while it is news,
// each return, the items and totals, the milestones in time order and in the customer's words, and nothing about
// who the order is for.
import { describe, expect, it } from 'vitest';
import { refundedInFull, type OrderRecord } from '../../../functions/domain/order';
import { trackingView } from '../../../functions/tracking-page/tracking-view';
import {
  aCancellation,
  aDeliveredOrder,
  anOrder,
  aReturn,
  aShipment,
  aShippedOrder,
  daysAfter,
  DELIVERED_AT,
  PROMISED,
  RETURN_OPENED_AT,
  T0,
  withCustomer,
  withReturns,
} from '../helpers/orders';

/** The example order cancelled before it shipped: authorization voided, label voided, nothing captured. */
const cancelledBeforeShipment = (overrides: Partial<OrderRecord> = {}): OrderRecord =>
  anOrder({
    status: 'CANCELLED',
    cancellation: aCancellation({ stage: 'completed', completedAt: daysAfter(T0, 1) }),
    payment: { ...anOrder().payment, status: 'VOIDED', authorizedAmount: 4498 },
    shipment: aShipment({ status: 'voided', shippedAt: undefined }),
    trackingNumber: 'SBX100000000001',
    ...overrides,
  });

/** The example order shipped, intercepted and back at the sender: CANCELLED, the capture refunded. */
const cancelledAfterIntercept = (): OrderRecord => {
  const shipped = aShippedOrder();
  return {
    ...shipped,
    status: 'CANCELLED',
    cancellation: aCancellation({ stage: 'completed', completedAt: daysAfter(T0, 4) }),
    payment: refundedInFull(shipped.payment),
    shipment: aShipment({ status: 'return_to_sender' }),
  };
};

/** The delivered example order after its return came back and was refunded (or credited). */
const returnedOrder = (refundTo: 'original_payment' | 'store_credit'): OrderRecord => {
  const delivered = aDeliveredOrder();
  const ret = aReturn({ status: 'refunded', refundTo, refundedAt: daysAfter(RETURN_OPENED_AT, 3) });
  const payment =
    refundTo === 'store_credit'
      ? { ...delivered.payment, creditedAmount: 3998 }
      : { ...delivered.payment, status: 'PARTIALLY_REFUNDED' as const, refundedAmount: 3998 };
  return { ...withReturns(delivered, ret), status: 'RETURNED', payment };
};

/** The order with a DELIVERY_FAILED of `reason` on its timeline, as planDelivery leaves it. */
const failedDelivery = (reason: string): OrderRecord => {
  const shipped = aShippedOrder();
  return {
    ...shipped,
    status: 'DELIVERY_FAILED',
    payment: refundedInFull(shipped.payment),
    shipment: aShipment({ status: reason === 'lost' ? 'in_transit' : 'failure' }),
    timeline: [...shipped.timeline, { at: daysAfter(T0, 6), type: 'DELIVERY_FAILED', detail: { reason } }],
  };
};

/** The status sentences of the view: the headline, then the notes. */
const sentences = (order: OrderRecord): string[] => {
  const view = trackingView(order);
  return [view.headline, ...view.notes];
};

describe('trackingView: the status in words', () => {
  it.each<[string, () => OrderRecord, string[]]>([
    ['received', () => anOrder(), ['We have received your order.']],
    [
      'in review',
      () => anOrder({ status: 'IN_REVIEW' }),
      ['We are checking your order before we prepare it.'],
    ],
    ['confirmed', () => anOrder({ status: 'CONFIRMED' }), ['Your order is confirmed and being prepared.']],
    [
      'labelled',
      () => aShippedOrder({ status: 'LABEL_CREATED', shipment: aShipment({ shippedAt: undefined }) }),
      ['Your order is packed and waiting for the carrier.'],
    ],
    ['shipped', () => aShippedOrder(), ['Your order has shipped.']],
    [
      'in transit',
      () => aShippedOrder({ status: 'IN_TRANSIT', shipment: aShipment({ status: 'in_transit' }) }),
      ['Your order is on its way.'],
    ],
    [
      'out for delivery',
      () =>
        aShippedOrder({ status: 'OUT_FOR_DELIVERY', shipment: aShipment({ status: 'out_for_delivery' }) }),
      ['Your order is out for delivery.'],
    ],
    [
      'waiting at a pickup point',
      () =>
        aShippedOrder({
          status: 'OUT_FOR_DELIVERY',
          shipment: aShipment({ status: 'available_for_pickup' }),
        }),
      ['Your order is ready for pickup at the carrier.'],
    ],
    ['delivered', () => aDeliveredOrder(), ['Your order was delivered.']],
    [
      'cancellation requested before shipment',
      () => anOrder({ status: 'CANCELLATION_REQUESTED', cancellation: aCancellation() }),
      ['We are cancelling your order.', 'You will not be charged.'],
    ],
    [
      'cancellation requested after shipment',
      () => aShippedOrder({ status: 'IN_TRANSIT', cancellation: aCancellation() }),
      [
        'You asked us to cancel your order. It has already left, so we are asking the carrier to bring it back.',
      ],
    ],
    [
      'intercept refused',
      () =>
        aShippedOrder({
          status: 'OUT_FOR_DELIVERY',
          cancellation: aCancellation({ stage: 'intercept_refused' }),
        }),
      [
        'You asked us to cancel your order, but the carrier could not stop the parcel.',
        'Once it is delivered we email you a return label; send it back and we refund you.',
      ],
    ],
    [
      'intercept requested',
      () =>
        aShippedOrder({
          status: 'INTERCEPT_REQUESTED',
          cancellation: aCancellation({ stage: 'intercept_requested' }),
        }),
      [
        'You cancelled your order: the carrier is bringing the parcel back to us.',
        'Once it is back we refund $44.98 to your original payment method.',
      ],
    ],
    [
      'cancelled before shipment',
      () => cancelledBeforeShipment(),
      ['Your order was cancelled.', 'You have not been charged.'],
    ],
    [
      'cancelled by the system: the authorization expired',
      () =>
        cancelledBeforeShipment({
          cancellation: aCancellation({ reason: 'authorization_expired', by: 'system', stage: 'completed' }),
        }),
      [
        'Your order was cancelled: the payment authorization expired before it shipped.',
        'You have not been charged.',
      ],
    ],
    [
      'cancelled after an intercept',
      cancelledAfterIntercept,
      [
        'Your order was cancelled and the parcel is back with us.',
        'We refunded $44.98 to your original payment method.',
      ],
    ],
    [
      'rejected',
      () =>
        anOrder({
          status: 'REJECTED',
          rejection: { code: 'OUT_OF_STOCK', message: 'SKU-TSHIRT: 2 wanted, 0 available' },
        }),
      ['We could not accept your order: an item is out of stock.', 'You have not been charged.'],
    ],
    [
      'a failed delivery',
      () => failedDelivery('failure'),
      ['The carrier could not deliver your parcel.', 'We refunded $44.98 to your original payment method.'],
    ],
    [
      'a lost parcel',
      () => failedDelivery('lost'),
      [
        'Your parcel did not arrive, and the carrier could not find it.',
        'We refunded $44.98 to your original payment method.',
      ],
    ],
    [
      'failed',
      () => anOrder({ status: 'FAILED', failure: { error: 'States.TaskFailed', at: T0 } }),
      ['Something went wrong with your order, and our team has been told.', 'We will be in touch.'],
    ],
    [
      'a return requested',
      () => withReturns(aDeliveredOrder(), aReturn()),
      ['Your return is open: send the parcel back with the return label we emailed you.'],
    ],
    [
      'a return in transit',
      () => withReturns(aDeliveredOrder(), aReturn({ status: 'in_transit', trackingStatus: 'in_transit' })),
      ['Your return is on its way back to us.'],
    ],
    [
      'the return a cancellation opened',
      () =>
        withReturns(
          aDeliveredOrder({ cancellation: aCancellation({ stage: 'return_opened' }) }),
          aReturn({ automatic: true, includesShipping: true, refundAmount: 4498 }),
        ),
      [
        'You cancelled your order, but it was delivered before the carrier could stop it.',
        'Send it back with the return label we emailed you; we refund $44.98 once it is back.',
      ],
    ],
    [
      'the return a cancellation opened, on its way back',
      () =>
        withReturns(
          aDeliveredOrder({ cancellation: aCancellation({ stage: 'return_opened' }) }),
          aReturn({
            automatic: true,
            refundAmount: 4498,
            status: 'in_transit',
            trackingStatus: 'in_transit',
          }),
        ),
      [
        'You cancelled your order, but it was delivered before the carrier could stop it.',
        'It is on its way back to us; we refund $44.98 once it is back.',
      ],
    ],
    [
      'returned and refunded to the card',
      () => returnedOrder('original_payment'),
      ['Your order was returned and refunded.', 'We refunded $39.98 to your original payment method.'],
    ],
    [
      'returned for store credit',
      () => returnedOrder('store_credit'),
      ['Your order was returned and refunded.', 'We refunded $39.98 as store credit.'],
    ],
    [
      'partially returned',
      () => ({
        ...returnedOrder('original_payment'),
        status: 'DELIVERED',
        items: [
          { sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 2, unitPrice: 1999 },
          { sku: 'SKU-MUG', name: 'Mug', quantity: 1, unitPrice: 1000 },
        ],
      }),
      [
        'Your order was delivered, and part of it was returned.',
        'We refunded $39.98 to your original payment method.',
      ],
    ],
    [
      'delivered before a cancellation could stop it',
      () => aDeliveredOrder({ cancellation: aCancellation({ stage: 'intercept_refused' }) }),
      [
        'Your order was delivered before the carrier could stop it.',
        'We are opening a return for it and will email you the label.',
      ],
    ],
  ])('%s', (_case, order, expected) => {
    // Act
    const words = sentences(order());

    // Assess
    expect(words).toEqual(expected);
  });
});

describe('trackingView: whether the page keeps refreshing', () => {
  it.each<[string, () => OrderRecord]>([
    ['an order on its way', () => aShippedOrder()],
    ['an open return', () => withReturns(aDeliveredOrder(), aReturn())],
    [
      'a delivered order whose cancellation is about to open a return',
      () => aDeliveredOrder({ cancellation: aCancellation({ stage: 'intercept_refused' }) }),
    ],
  ])('refreshes %s', (_case, order) => {
    // Act
    const view = trackingView(order());

    // Assess
    expect(view.final).toBe(false);
  });

  it.each<[string, () => OrderRecord]>([
    ['a delivered order', () => aDeliveredOrder()],
    ['a cancelled order', () => cancelledBeforeShipment()],
    ['a returned order', () => returnedOrder('original_payment')],
  ])('stops for %s', (_case, order) => {
    // Act
    const view = trackingView(order());

    // Assess
    expect(view.final).toBe(true);
  });
});

describe('trackingView: the parcel', () => {
  it('shows the carrier, the tracking number, its page and the expected day while it is on its way', () => {
    // Act
    const { parcel } = trackingView(aShippedOrder());

    // Assess
    expect(parcel).toEqual({
      carrier: 'sandbox',
      trackingNumber: 'SBX100000000001',
      carrierUrl: 'https://orders.example.com/_sandbox/track/SBX100000000001',
      when: 'Expected by Sat, 09 Mar 2030 10:00 UTC',
    });
  });

  it('links no carrier page before the carrier has the parcel', () => {
    // Prepare
    const order = aShippedOrder({ status: 'LABEL_CREATED', shipment: aShipment({ shippedAt: undefined }) });

    // Act
    const { parcel } = trackingView(order);

    // Assess
    expect(parcel?.trackingNumber).toBe('SBX100000000001');
    expect(parcel?.carrierUrl).toBeUndefined();
  });

  it('says a late parcel is later than promised, with the new date', () => {
    // Prepare
    const order = aShippedOrder({
      status: 'IN_TRANSIT',
      shipment: aShipment({ status: 'in_transit', estimatedDelivery: daysAfter(PROMISED, 2), delayed: true }),
    });

    // Act
    const { parcel } = trackingView(order);

    // Assess
    expect(parcel?.when).toBe(
      'Running late: now expected by Mon, 11 Mar 2030 10:00 UTC (first promised by Sat, 09 Mar 2030 10:00 UTC).',
    );
  });

  it('says a parcel past its promise with no new estimate is late', () => {
    // Prepare
    const order = aShippedOrder({ status: 'IN_TRANSIT', shipment: aShipment({ delayed: true }) });

    // Act
    const { parcel } = trackingView(order);

    // Assess
    expect(parcel?.when).toBe('Running late: it was expected by Sat, 09 Mar 2030 10:00 UTC.');
  });

  it('shows the delivery day once delivered, with no estimate and no carrier link', () => {
    // Act
    const { parcel } = trackingView(aDeliveredOrder());

    // Assess
    expect(parcel?.when).toBe('Delivered Sat, 09 Mar 2030 10:00 UTC');
    expect(parcel?.carrierUrl).toBeUndefined();
  });

  it.each<[string, () => OrderRecord]>([
    ['cancelled before shipment (its label voided)', () => cancelledBeforeShipment()],
    ['cancelled after an intercept', cancelledAfterIntercept],
    [
      'being cancelled before shipment',
      () => aShippedOrder({ status: 'CANCELLATION_REQUESTED', cancellation: aCancellation() }),
    ],
    [
      'rejected after its label was voided',
      () =>
        aShippedOrder({
          status: 'REJECTED',
          rejection: { code: 'PAYMENT_DECLINED', message: 'declined' },
          shipment: aShipment({ status: 'voided' }),
        }),
    ],
    [
      'failed after its label was voided',
      () => aShippedOrder({ status: 'FAILED', shipment: aShipment({ status: 'voided' }) }),
    ],
  ])('shows no parcel, tracking number or estimate for an order %s', (_case, order) => {
    // Act
    const view = trackingView(order());

    // Assess
    expect(view.parcel).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain('SBX100000000001');
    expect(JSON.stringify(view)).not.toContain('Expected by');
  });

  it('shows no estimate once the delivery failed, and no carrier link', () => {
    // Act
    const { parcel } = trackingView(failedDelivery('failure'));

    // Assess
    expect(parcel).toEqual({
      carrier: 'sandbox',
      trackingNumber: 'SBX100000000001',
      carrierUrl: undefined,
      when: undefined,
    });
  });

  it('shows no estimate while the carrier brings an intercepted parcel back, but links its page', () => {
    // Prepare
    const order = aShippedOrder({
      status: 'INTERCEPT_REQUESTED',
      cancellation: aCancellation({ stage: 'intercept_requested' }),
    });

    // Act
    const { parcel } = trackingView(order);

    // Assess
    expect(parcel?.when).toBeUndefined();
    expect(parcel?.carrierUrl).toBe('https://orders.example.com/_sandbox/track/SBX100000000001');
  });
});

describe('trackingView: returns', () => {
  it('shows an open return with its tracking number and the refund to come', () => {
    // Prepare
    const order = withReturns(aDeliveredOrder(), aReturn());

    // Act
    const { returns } = trackingView(order);

    // Assess
    expect(returns).toEqual([
      {
        title: '2 × T-shirt',
        status: 'Waiting for you to send it, with the return label we emailed you.',
        trackingNumber: 'SBX900000000001',
        refund: 'We refund $39.98 to your original payment method once it is back.',
      },
    ]);
  });

  it('shows a return on its way back with its tracking number', () => {
    // Prepare
    const order = withReturns(
      aDeliveredOrder(),
      aReturn({ status: 'in_transit', trackingStatus: 'in_transit' }),
    );

    // Act
    const [ret] = trackingView(order).returns;

    // Assess
    expect(ret?.status).toBe('On its way back to us.');
    expect(ret?.trackingNumber).toBe('SBX900000000001');
  });

  it('shows a refunded return with the amount and where it went, and no tracking number any more', () => {
    // Act
    const [ret] = trackingView(returnedOrder('store_credit')).returns;

    // Assess
    expect(ret).toEqual({
      title: '2 × T-shirt',
      status: 'Back with us since Wed, 13 Mar 2030 10:00 UTC.',
      trackingNumber: undefined,
      refund: 'Refunded $39.98 as store credit.',
    });
  });

  it('shows an expired return as closed with nothing refunded', () => {
    // Prepare
    const order = {
      ...withReturns(aDeliveredOrder(), aReturn({ status: 'expired' })),
      status: 'DELIVERED' as const,
    };

    // Act
    const [ret] = trackingView(order).returns;

    // Assess
    expect(ret).toEqual({
      title: '2 × T-shirt',
      status: 'Closed: the parcel did not reach us by Tue, 09 Apr 2030 10:00 UTC.',
      trackingNumber: undefined,
      refund: 'Nothing was refunded.',
    });
  });
});

describe('trackingView: items and totals', () => {
  it('lists each item with its quantity and price, then subtotal, shipping, tax and total', () => {
    // Prepare
    const order = anOrder({
      items: [
        { sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 2, unitPrice: 1999 },
        { sku: 'SKU-MUG', name: 'Mug', quantity: 1, unitPrice: 1250 },
      ],
      shippingAmount: 500,
      tax: 420,
      total: 6168,
    });

    // Act
    const { items, totals } = trackingView(order);

    // Assess
    expect(items).toEqual([
      { name: 'T-shirt', sku: 'SKU-TSHIRT', quantity: 2, unitPrice: '$19.99', lineTotal: '$39.98' },
      { name: 'Mug', sku: 'SKU-MUG', quantity: 1, unitPrice: '$12.50', lineTotal: '$12.50' },
    ]);
    expect(totals).toEqual([
      { label: 'Subtotal', amount: '$52.48' },
      { label: 'Shipping', amount: '$5.00' },
      { label: 'Tax', amount: '$4.20' },
      { label: 'Total', amount: '$61.68' },
    ]);
  });

  it('adds what was refunded and what was given as store credit', () => {
    // Prepare
    const order = returnedOrder('original_payment');
    const credited = { ...order, payment: { ...order.payment, refundedAmount: 1000, creditedAmount: 2998 } };

    // Act
    const { totals } = trackingView(credited);

    // Assess
    expect(totals.slice(4)).toEqual([
      { label: 'Refunded to your payment method', amount: '$10.00' },
      { label: 'Given as store credit', amount: '$29.98' },
    ]);
  });
});

describe('trackingView: the history', () => {
  it('lists the milestones by time even when the timeline has them out of order (late carrier scans)', () => {
    // Prepare
    const order = aDeliveredOrder({
      timeline: [
        { at: T0, type: 'ORDER_RECEIVED', detail: {} },
        { at: daysAfter(T0, 1), type: 'SHIPPED', detail: { trackingNumber: 'SBX100000000001' } },
        { at: DELIVERED_AT, type: 'CARRIER_DELIVERED', detail: {} },
        // Recorded after the delivery, though the scan happened before it.
        { at: daysAfter(T0, 2), type: 'CARRIER_IN_TRANSIT', detail: { location: 'Oakland, CA' } },
      ],
    });

    // Act
    const { history } = trackingView(order);

    // Assess
    expect(history).toEqual([
      { at: T0, when: 'Mon, 04 Mar 2030 10:00 UTC', text: 'Order received' },
      { at: daysAfter(T0, 1), when: 'Tue, 05 Mar 2030 10:00 UTC', text: 'Handed to the carrier' },
      { at: daysAfter(T0, 2), when: 'Wed, 06 Mar 2030 10:00 UTC', text: 'In transit' },
      { at: DELIVERED_AT, when: 'Sat, 09 Mar 2030 10:00 UTC', text: 'Delivered' },
    ]);
  });

  it('words the money and the dates for the customer, and leaves out what means nothing to them', () => {
    // Prepare
    const order = anOrder({
      timeline: [
        { at: T0, type: 'ORDER_RECEIVED', detail: {} },
        { at: daysAfter(T0, 0.1), type: 'REVIEW_REQUESTED', detail: {} },
        { at: daysAfter(T0, 0.2), type: 'PAYMENT_AUTHORIZED', detail: { amount: 4498 } },
        { at: daysAfter(T0, 0.3), type: 'SHIP_REQUESTED', detail: {} },
        { at: daysAfter(T0, 0.4), type: 'PAYMENT_CAPTURED', detail: { amount: 4498 } },
        { at: daysAfter(T0, 0.5), type: 'CARRIER_PRE_TRANSIT', detail: {} },
        {
          at: daysAfter(T0, 0.6),
          type: 'DELIVERY_DELAYED',
          detail: { estimatedDelivery: daysAfter(PROMISED, 2) },
        },
        { at: daysAfter(T0, 0.7), type: 'LABEL_VOIDED', detail: {} },
        {
          at: daysAfter(T0, 0.8),
          type: 'RETURN_REFUNDED',
          detail: { amount: 3998, refundTo: 'store_credit' },
        },
      ],
    });

    // Act
    const texts = trackingView(order).history.map((entry) => entry.text);

    // Assess
    expect(texts).toEqual([
      'Order received',
      'Payment of $44.98 taken',
      'Running late: now expected by Mon, 11 Mar 2030 10:00 UTC',
      'Refunded $39.98 as store credit',
    ]);
  });
});

describe('trackingView: privacy', () => {
  it('holds nothing of the customer: no name, email, phone, address, comment or return reason', () => {
    // Prepare
    const order = withCustomer(
      withReturns(
        aDeliveredOrder({
          shippingAddress: {
            line1: '77 Xylophone Lane',
            line2: 'Flat 9Q',
            city: 'Quuxville',
            region: 'CA',
            postalCode: '90210',
            country: 'US',
          },
          billingAddress: {
            line1: '10 Zither Road',
            city: 'Plughampton',
            postalCode: 'ZZ9 9ZZ',
            country: 'GB',
          },
          cancellation: aCancellation({ comment: 'Call me on my mobile, Zebulon', stage: 'return_opened' }),
          // The carrier's last scans happen in the customer's town.
          timeline: [
            { at: DELIVERED_AT, type: 'CARRIER_DELIVERED', detail: { location: 'Quuxville, CA 90210' } },
          ],
        }),
        aReturn({ reason: 'Zebulon changed his mind' }),
      ),
      { name: 'Zebulon Quartermaine', email: 'zebulon.q@example.net', phone: '+14155559876' },
    );

    // Act
    const view = JSON.stringify(trackingView(order));

    // Assess
    for (const personal of [
      'Zebulon',
      'Quartermaine',
      'zebulon.q@example.net',
      '4155559876',
      'Xylophone',
      'Flat 9Q',
      'Quuxville',
      '90210',
      'Zither',
      'Plughampton',
      'ZZ9',
      'tok_visa',
    ]) {
      expect(view).not.toContain(personal);
    }
  });
});
